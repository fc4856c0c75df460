package vault

import (
	"errors"
	"strings"
	"testing"
)

// Two devices enrolled for the same user get the same label; the error must
// still let a person pick one, and the ID prefix it shows must work.
func TestFindTellsTwinsApartByID(t *testing.T) {
	a, _ := NewAccount(Account{Issuer: "AWS", Name: "bob@123456789012", Secret: "JBSWY3DPEHPK3PXP"})
	b, _ := NewAccount(Account{Issuer: "AWS", Name: "bob@123456789012", Secret: "KRSXG5CTMVRXEZLU"})
	v := NewMemory(a, b)
	_, err := v.Find("bob")
	var amb *AmbiguousError
	if !errors.As(err, &amb) || !strings.Contains(err.Error(), "[id "+a.ID[:8]+"]") {
		t.Fatalf("Find(bob) = %v, want an ambiguity naming the IDs", err)
	}
	got, err := v.Find(b.ID[:8])
	if err != nil || got.ID != b.ID {
		t.Fatalf("Find(id prefix) = %v, %v", got, err)
	}
}
