package backup

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sparekey/sparekey/vault"
)

// writeKeyFile writes id protected by pass, as vault.age.key is.
func writeKeyFile(t *testing.T, path string, id *age.X25519Identity, pass string) {
	t.Helper()
	r, _ := age.NewScryptRecipient(pass)
	r.SetWorkFactor(testWorkFactor)
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, r)
	w.Write([]byte(id.String() + "\n"))
	w.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestKeyFileUnlocksRecipientBackups(t *testing.T) {
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	keyFile := filepath.Join(dir, KeyFileName)
	writeKeyFile(t, keyFile, id, "vault pw")
	if !IsEncryptedIdentityFile(keyFile) {
		t.Fatal("key file not recognised")
	}
	accts := sampleAccounts(t)
	toKey, err := Encrypt(accts, Target{Recipients: []age.Recipient{id.Recipient()}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	u := Unlock{KeyFiles: []string{keyFile}, KeyPassphrase: func(p string) ([]byte, error) {
		asked++
		if p != keyFile {
			t.Errorf("asked for %s", p)
		}
		return []byte("vault pw"), nil
	}}
	o, err := Open(toKey, u, nil)
	if err != nil || asked != 1 {
		t.Fatalf("err %v, asked %d", err, asked)
	}
	sameAccounts(t, o.Accounts, accts)

	// A matching identity given directly wins: the key file is not opened.
	asked = 0
	u.Identities = []age.Identity{id}
	if _, err := Open(toKey, u, nil); err != nil || asked != 0 {
		t.Errorf("err %v, asked %d", err, asked)
	}

	// Passphrase backups never open the key file.
	withPass, _ := Encrypt(accts, Target{Passphrase: passphrase("backup pw"), WorkFactor: testWorkFactor}, nil)
	asked = 0
	if _, err := Open(withPass, Unlock{Passphrase: passphrase("backup pw"), KeyFiles: u.KeyFiles, KeyPassphrase: u.KeyPassphrase}, nil); err != nil || asked != 0 {
		t.Errorf("passphrase backup: err %v, key file asked %d", err, asked)
	}

	_, err = Open(toKey, Unlock{KeyFiles: []string{keyFile}, KeyPassphrase: func(string) ([]byte, error) { return []byte("wrong pw"), nil }}, nil)
	var kfe *KeyFileError
	if !errors.As(err, &kfe) || !errors.Is(err, ErrWrongPassphrase) || !strings.Contains(err.Error(), KeyFileName) {
		t.Errorf("wrong key passphrase: %v", err)
	}
	other, _ := age.GenerateX25519Identity()
	toOther, _ := Encrypt(accts, Target{Recipients: []age.Recipient{other.Recipient()}}, nil)
	if _, err := Open(toOther, Unlock{KeyFiles: []string{keyFile}, KeyPassphrase: func(string) ([]byte, error) { return []byte("vault pw"), nil }}, nil); !errors.Is(err, ErrNoIdentity) {
		t.Errorf("key file for another key: %v", err)
	}
}

func TestAutoKeepsKeyFileCopy(t *testing.T) {
	dir := t.TempDir()
	vaultDir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	src := filepath.Join(vaultDir, "vault.age.key")
	writeKeyFile(t, src, id, "first")
	v := vault.NewMemory(sampleAccounts(t)...)
	a, err := StartAuto(AutoConfig{Dir: dir, Recipients: []age.Recipient{id.Recipient()}, KeyFile: src, Debounce: time.Hour}, v.Accounts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	same := func() bool {
		x, _ := os.ReadFile(src)
		y, _ := os.ReadFile(filepath.Join(dir, KeyFileName))
		return len(x) > 0 && bytes.Equal(x, y)
	}
	if !same() {
		t.Fatal("the key file was not copied beside the backups")
	}
	writeKeyFile(t, src, id, "changed passphrase")
	if err := a.BackupNow(); err != nil {
		t.Fatal(err)
	}
	if !same() {
		t.Error("the key copy was not updated after a passphrase change")
	}
	if err := Prune(dir, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); err != nil {
		t.Error("pruning removed the key copy")
	}
}
