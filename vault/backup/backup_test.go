package backup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sparekey/sparekey/vault"
)

const testWorkFactor = 10

func mustAccount(t testing.TB, a vault.Account) *vault.Account {
	t.Helper()
	acct, err := vault.NewAccount(a)
	if err != nil {
		t.Fatalf("NewAccount: %v", err)
	}
	return acct
}

// sampleAccounts covers every kind, algorithm and optional field.
func sampleAccounts(t testing.TB) []*vault.Account {
	return []*vault.Account{
		mustAccount(t, vault.Account{Issuer: "Example", Name: "alice@example.com", Secret: "JBSWY3DPEHPK3PXP", Tags: []string{"work", "mail"}, Note: "recovery codes in the safe", Favorite: true}),
		mustAccount(t, vault.Account{Issuer: "Amazon Web Services", Name: "root@123456789012", Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Algorithm: vault.SHA256, Digits: 8, Period: 60,
			AWS: &vault.AWSBinding{Partition: "aws", AccountID: "123456789012", Root: true, SerialNumber: "arn:aws:iam::123456789012:mfa/root-account-mfa-device", Profile: "default"}}),
		mustAccount(t, vault.Account{Issuer: "Counter Co", Name: "bob", Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Kind: vault.KindHOTP, Counter: 42, Algorithm: vault.SHA512}),
		mustAccount(t, vault.Account{Issuer: "Steam", Name: "gamer", Secret: "MFRGGZDFMZTWQ2LK", Kind: vault.KindSteam}),
		mustAccount(t, vault.Account{Issuer: "Ünïcødé & Co", Name: "名前 with spaces/slash?", Secret: "ORSXG5DTMVRXEZLU"}),
	}
}

// manyAccounts returns n distinct accounts.
func manyAccounts(t testing.TB, n int) []*vault.Account {
	out := make([]*vault.Account, n)
	for i := range n {
		raw := fmt.Appendf(nil, "seed-%08d-padding", i)
		out[i] = mustAccount(t, vault.Account{Issuer: fmt.Sprintf("Issuer %d", i), Name: fmt.Sprintf("user%d@example.com", i), Secret: vault.SecretFromBytes(raw), Tags: []string{"bulk"}})
	}
	return out
}

func passphrase(s string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(s), nil }
}

func sameAccounts(t *testing.T, got, want []*vault.Account) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d accounts, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.SameSeed(w) || g.Issuer != w.Issuer || g.Name != w.Name || g.Note != w.Note || g.Favorite != w.Favorite ||
			g.Counter != w.Counter || !slices.Equal(g.Tags, w.Tags) || g.ID != w.ID || !g.Created.Equal(w.Created) ||
			(g.AWS == nil) != (w.AWS == nil) || (g.AWS != nil && *g.AWS != *w.AWS) {
			t.Errorf("account %d differs:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	id2, _ := age.GenerateX25519Identity()
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	accts := sampleAccounts(t)
	tests := []struct {
		name   string
		target Target
		unlock Unlock
	}{
		{"passphrase", Target{Passphrase: passphrase("correct horse"), WorkFactor: testWorkFactor}, Unlock{Passphrase: passphrase("correct horse")}},
		{"passphrase armored", Target{Passphrase: passphrase("correct horse"), WorkFactor: testWorkFactor, Armor: true}, Unlock{Passphrase: passphrase("correct horse")}},
		{"x25519", Target{Recipients: []age.Recipient{id.Recipient()}}, Unlock{Identities: []age.Identity{id}}},
		{"two recipients, second key", Target{Recipients: []age.Recipient{id.Recipient(), id2.Recipient()}}, Unlock{Identities: []age.Identity{id2}}},
		{"post-quantum armored", Target{Recipients: []age.Recipient{pq.Recipient()}, Armor: true}, Unlock{Identities: []age.Identity{pq}}},
		{"recipient with unused passphrase callback", Target{Recipients: []age.Recipient{id.Recipient()}}, Unlock{Identities: []age.Identity{id}, Passphrase: func() ([]byte, error) {
			t.Error("passphrase asked for a recipient backup")
			return nil, errors.New("no")
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Encrypt(accts, tt.target, nil)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(data, []byte("JBSWY3DPEHPK3PXP")) || bytes.Contains(data, []byte("alice")) {
				t.Fatal("plaintext visible in the encrypted backup")
			}
			if tt.target.Armor != bytes.HasPrefix(data, []byte(armorHeader)) {
				t.Fatalf("armor = %v, file starts %q", tt.target.Armor, data[:20])
			}
			o, err := Open(data, tt.unlock, nil)
			if err != nil {
				t.Fatal(err)
			}
			sameAccounts(t, o.Accounts, accts)
			if len(o.Invalid) != 0 || o.Version != FormatVersion || o.Passphrase != (tt.target.Passphrase != nil) || o.Armored != tt.target.Armor {
				t.Errorf("opened = %+v", o)
			}
		})
	}
}

func TestDocumentIsUsableWithoutSparekey(t *testing.T) {
	accts := sampleAccounts(t)
	plain, err := Encode(accts, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// What `jq -r '.accounts[].uri'` prints must parse to the same seeds.
	var doc struct {
		Accounts []struct {
			URI string `json:"uri"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(plain, &doc); err != nil {
		t.Fatal(err)
	}
	for i, e := range doc.Accounts {
		a, err := vault.ParseURI(e.URI)
		if err != nil {
			t.Fatalf("uri %d: %v", i, err)
		}
		if !a.SameSeed(accts[i]) {
			t.Errorf("uri %d does not give the same codes", i)
		}
	}
}

func TestTargetErrors(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	pq, _ := age.GenerateHybridIdentity()
	tests := []struct {
		name   string
		target Target
		want   string
	}{
		{"nothing", Target{}, "no passphrase and no recipients"},
		{"both", Target{Passphrase: passphrase("x"), Recipients: []age.Recipient{id.Recipient()}}, "not both"},
		{"work factor too high", Target{Passphrase: passphrase("x"), WorkFactor: 23}, "out of range"},
		{"empty passphrase", Target{Passphrase: passphrase(""), WorkFactor: testWorkFactor}, "none was given"},
		{"mixed pq and classic", Target{Recipients: []age.Recipient{id.Recipient(), pq.Recipient()}}, "cannot be combined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Encrypt(sampleAccounts(t), tt.target, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// encryptPlain wraps an arbitrary document, as a hand-made or hostile file would.
func encryptPlain(t testing.TB, plain []byte, r age.Recipient) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBadInput(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	other, _ := age.GenerateX25519Identity()
	good, err := Encrypt(sampleAccounts(t), Target{Recipients: []age.Recipient{id.Recipient()}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	withPass, err := Encrypt(sampleAccounts(t), Target{Passphrase: passphrase("pw-R1GHT-9z"), WorkFactor: testWorkFactor}, nil)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(data []byte, at int) []byte {
		c := bytes.Clone(data)
		c[at] ^= 0x01
		return c
	}
	doc := func(s string) []byte { return encryptPlain(t, []byte(s), id.Recipient()) }
	useID := Unlock{Identities: []age.Identity{id}}
	tests := []struct {
		name   string
		data   []byte
		unlock Unlock
		want   error
		msg    string
	}{
		{"wrong passphrase", withPass, Unlock{Passphrase: passphrase("pw-WR0NG-7q")}, ErrWrongPassphrase, "wrong passphrase"},
		{"no passphrase", withPass, Unlock{}, ErrNoPassphrase, "protected by a passphrase"},
		{"wrong identity", good, Unlock{Identities: []age.Identity{other}}, ErrNoIdentity, "an age key"},
		{"passphrase for recipient file", good, Unlock{Passphrase: passphrase("x")}, ErrNoIdentity, "another key"},
		{"truncated payload", good[:len(good)-10], useID, ErrDamaged, "damaged"},
		{"truncated to a chunk boundary", good[:len(good)-len(good)/3], useID, ErrDamaged, "damaged"},
		{"truncated header", good[:40], useID, ErrDamaged, "damaged"},
		{"bit flipped in payload", flip(good, len(good)-5), useID, ErrDamaged, "damaged"},
		{"bit flipped in header MAC", flip(good, bytes.Index(good, []byte("\n---"))+6), useID, ErrDamaged, "damaged"},
		{"not age", []byte("{\"format\":\"sparekey-backup\"}"), useID, ErrNotAge, "not an age-encrypted file"},
		{"empty file", nil, useID, ErrNotAge, "not an age"},
		{"age file, not JSON", doc("hello, world\n"), useID, ErrNotBackup, "not a JSON object"},
		{"age file, other JSON", doc(`{"schema":1,"app":"sparekey","accounts":[]}`), useID, ErrNotBackup, "not a Sparekey backup"},
		{"missing version", doc(`{"format":"sparekey-backup","accounts":[]}`), useID, ErrMalformed, "version"},
		{"mistyped version", doc(`{"format":"sparekey-backup","version":"1","accounts":[]}`), useID, ErrMalformed, "whole number"},
		{"missing accounts", doc(`{"format":"sparekey-backup","version":1}`), useID, ErrMalformed, "accounts"},
		{"mistyped accounts", doc(`{"format":"sparekey-backup","version":1,"accounts":{}}`), useID, ErrMalformed, "accounts"},
		{"mistyped created", doc(`{"format":"sparekey-backup","version":1,"created":5,"accounts":[]}`), useID, ErrMalformed, "created"},
		{"newer version", doc(`{"format":"sparekey-backup","version":99,"accounts":[]}`), useID, nil, "newer Sparekey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "my-backup.age")
			os.WriteFile(path, tt.data, 0o600)
			o, err := OpenFile(path, tt.unlock, nil)
			if err == nil {
				t.Fatalf("opened a bad file: %+v", o)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			var newer *NewerVersionError
			if tt.want == nil && !errors.As(err, &newer) {
				t.Errorf("err = %v, want *NewerVersionError", err)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("message %q should name the file and say %q", err, tt.msg)
			}
			for _, secret := range []string{"JBSWY3DPEHPK3PXP", "pw-R1GHT-9z", "pw-WR0NG-7q", id.String()} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("message leaks a secret: %q", err)
				}
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.age")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(ageMagic + "v1\n")
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = OpenFile(path, Unlock{Passphrase: passphrase("x")}, nil)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "huge.age") {
		t.Fatalf("err = %v", err)
	}
}

func TestInvalidEntriesRestoreTheRest(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	plain := `{"format":"sparekey-backup","version":1,"count":7,"accounts":[
	 {"uri":"","issuer":"Good","name":"one","secret":"JBSWY3DPEHPK3PXP","kind":"totp","algorithm":"SHA1","digits":6,"period":30},
	 {"uri":"","issuer":"Bad Base32","name":"two","secret":"NOT-BASE32-!!!","kind":"totp","algorithm":"SHA1","digits":6,"period":30},
	 {"uri":"","issuer":"Bad Digits","name":"three","secret":"JBSWY3DPEHPK3PXQ","kind":"totp","algorithm":"SHA1","digits":"six","period":30},
	 {"uri":"","issuer":"Bad Algo","name":"four","secret":"JBSWY3DPEHPK3PXR","kind":"totp","algorithm":"MD5","digits":6,"period":30},
	 {"uri":"otpauth://totp/URI%20Only:five?secret=MFRGGZDFMZTWQ2LK&issuer=URI%20Only"},
	 null,
	 {"issuer":"No Secret","name":"seven","kind":"totp","digits":6}
	]}`
	o, err := Open(encryptPlain(t, []byte(plain), id.Recipient()), Unlock{Identities: []age.Identity{id}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, a := range o.Accounts {
		labels = append(labels, a.Label())
	}
	if want := []string{"Good (one)", "URI Only (five)"}; !slices.Equal(labels, want) {
		t.Errorf("restored %q, want %q", labels, want)
	}
	wantInvalid := map[int]string{2: "no key contains", 3: "digits", 4: "algorithm", 6: "empty", 7: "secret"}
	if len(o.Invalid) != len(wantInvalid) {
		t.Fatalf("invalid = %v", o.Invalid)
	}
	for _, inv := range o.Invalid {
		if !strings.Contains(inv.Reason, wantInvalid[inv.Index]) {
			t.Errorf("entry %d: reason %q should mention %q", inv.Index, inv.Reason, wantInvalid[inv.Index])
		}
		if strings.Contains(inv.String(), "NOT-BASE32") {
			t.Errorf("reason leaks the secret: %s", inv)
		}
	}
	if o.Invalid[0].Label != "Bad Base32 (two)" {
		t.Errorf("invalid entry label = %q", o.Invalid[0].Label)
	}
}

func TestPassphraseAskedOnlyWhenNeeded(t *testing.T) {
	data, err := Encrypt(sampleAccounts(t), Target{Passphrase: passphrase("pw"), WorkFactor: testWorkFactor}, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := age.GenerateX25519Identity()
	asked := 0
	var stages []Stage
	o, err := Open(data, Unlock{Identities: []age.Identity{id}, Passphrase: func() ([]byte, error) { asked++; return []byte("pw"), nil }},
		func(p Progress) { stages = append(stages, p.Stage) })
	if err != nil || asked != 1 || !o.Passphrase {
		t.Fatalf("err = %v, asked %d times", err, asked)
	}
	if !slices.Contains(stages, StageDeriveKey) || stages[len(stages)-1] != StageDone {
		t.Errorf("progress stages = %v", stages)
	}
	_, err = Open(data, Unlock{Passphrase: func() ([]byte, error) { return nil, errors.New("prompt cancelled") }}, nil)
	if err == nil || err.Error() != "prompt cancelled" {
		t.Errorf("cancelled prompt: err = %v", err)
	}
}

func TestWriteFileIsPrivateAndAtomic(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	dir := t.TempDir()
	path := filepath.Join(dir, "b.age")
	for range 2 { // the second write replaces the first
		if _, err := WriteFile(path, sampleAccounts(t), Target{Recipients: []age.Recipient{id.Recipient()}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v", info.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	_, err = WriteFile(filepath.Join(dir, "missing", "b.age"), sampleAccounts(t), Target{Recipients: []age.Recipient{id.Recipient()}}, nil)
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("err = %v", err)
	}
}

func TestParseRecipientsAndIdentities(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	pq, _ := age.GenerateHybridIdentity()
	recs, err := ParseRecipients(strings.NewReader("# mine\n"+id.Recipient().String()+"\n\n"+pq.Recipient().String()+"\n"), nil)
	if err != nil || len(recs) != 2 {
		t.Fatalf("recipients: %v %v", recs, err)
	}
	if _, ok := recs[1].(*age.HybridRecipient); !ok {
		t.Errorf("age1pq1 parsed as %T", recs[1])
	}
	ids, err := ParseIdentities(strings.NewReader("# created: now\n"+id.String()+"\n"+pq.String()+"\n"), nil)
	if err != nil || len(ids) != 2 {
		t.Fatalf("identities: %v %v", ids, err)
	}
	for _, bad := range []string{id.String(), "ssh-ed25519 AAAA", "age1notvalid"} {
		_, err := ParseRecipient(bad, nil)
		if err == nil || strings.Contains(err.Error(), id.String()) {
			t.Errorf("ParseRecipient(%.12q…) err = %v", bad, err)
		}
	}
	_, err = ParseIdentities(strings.NewReader("AGE-SECRET-KEY-1QQQQ\n"), nil)
	if err == nil || !strings.Contains(err.Error(), "line 1") || strings.Contains(err.Error(), "QQQQ") {
		t.Errorf("bad identity err = %v", err)
	}
	// A plugin recipient parses without running the plugin; running it
	// (at encryption) fails clearly when it is not installed.
	r, err := ParseRecipient("age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t", nil)
	if err != nil {
		t.Fatalf("plugin recipient: %v", err)
	}
	if _, err := Encrypt(sampleAccounts(t), Target{Recipients: []age.Recipient{r}}, nil); err == nil || !strings.Contains(err.Error(), "yubikey") {
		t.Errorf("missing plugin: err = %v", err)
	}
}
