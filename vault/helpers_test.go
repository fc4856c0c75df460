package vault

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// fixedPass returns a passphrase callback that hands out a fresh copy each
// time, as the vault wipes what it is given.
func fixedPass(p string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(p), nil }
}

// testOptions keeps scrypt cheap: tests exercise the format, not the cost.
func testOptions(pass string) Options {
	return Options{Passphrase: fixedPass(pass), WorkFactor: 10, Keyring: &MemoryKeyring{}}
}

func mustAccount(t testing.TB, a Account) *Account {
	t.Helper()
	acct, err := NewAccount(a)
	if err != nil {
		t.Fatalf("NewAccount(%+v): %v", a, err)
	}
	return acct
}

// newFileVault creates a passphrase-mode vault in a fresh temporary folder.
func newFileVault(t testing.TB, accts ...*Account) (*Vault, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.age")
	v, err := Create(path, ModePassphrase, testOptions("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if len(accts) > 0 {
		if _, err := v.AddAll(accts); err != nil {
			t.Fatal(err)
		}
	}
	return v, path
}

// sampleAccounts returns n distinct valid accounts with varied settings.
func sampleAccounts(t testing.TB, n int) []*Account {
	t.Helper()
	out := make([]*Account, 0, n)
	algs := []Algorithm{SHA1, SHA256, SHA512}
	for i := range n {
		raw := []byte{byte(i), byte(i >> 8), byte(i >> 16), 0xA5, 0x5A, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
		a := Account{
			Issuer:    []string{"GitHub", "Google", "AWS", "Dropbox", "Example"}[i%5],
			Name:      "user" + itoa(i) + "@example.com",
			Secret:    SecretFromBytes(raw),
			Algorithm: algs[i%3],
			Tags:      []string{"tag" + itoa(i%7)},
			Note:      "note " + itoa(i),
		}
		switch i % 4 {
		case 1:
			a.Kind, a.Counter = KindHOTP, uint64(i)
		case 2:
			a.Kind, a.Algorithm = KindSteam, SHA1
		}
		out = append(out, mustAccount(t, a))
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
