package vault

import (
	"encoding/json"
	"testing"
)

func TestDecodeRenewsRepeatedIDs(t *testing.T) {
	a, err := NewAccount(Account{Issuer: "A", Name: "one", Secret: "JBSWY3DPEHPK3PXP"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewAccount(Account{Issuer: "B", Name: "two", Secret: "KRSXG5CTMVRXEZLU"})
	b.ID = a.ID
	plain, err := json.Marshal(document{Schema: SchemaVersion, App: "sparekey", Accounts: []*Account{a, b}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := decodeDocument(plain)
	if err != nil {
		t.Fatal(err)
	}
	got := c.accounts
	if len(got) != 2 || got[0].ID == got[1].ID || got[0].ID != a.ID {
		t.Fatalf("ids = %q, %q: want the first kept and the second renewed", got[0].ID, got[1].ID)
	}
}
