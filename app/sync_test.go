package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sparekey/sparekey/vault"
)

// TestFollowMergesConflictCopies: a following app (the window) merges a
// sync tool's conflict copy the moment it appears, removes it, and says
// what it did; the command line's change to the vault file is read in too.
func TestFollowMergesConflictCopies(t *testing.T) {
	a := coreApp(t)
	changes := make(chan struct{}, 100)
	a.OnChange(func() { changes <- struct{}{} })
	a.FollowVault()
	t.Cleanup(a.Lock)
	v, _ := a.Vault()
	if _, err := a.AddURI("otpauth://totp/Here:me?secret=JBSWY3DPEHPK3PXP&issuer=Here"); err != nil {
		t.Fatal(err)
	}

	// The other computer's version: this vault plus one account, made by
	// a second process's view of a copy of the file.
	otherDir := t.TempDir()
	data, _ := os.ReadFile(a.Paths().Vault)
	otherPath := filepath.Join(otherDir, "vault.age")
	os.WriteFile(otherPath, data, 0o600)
	other, err := vault.OpenWithIdentity(otherPath, v.Identity())
	if err != nil {
		t.Fatal(err)
	}
	there, _ := vault.ParseURI("otpauth://totp/There:me?secret=GEZDGNBVGY3TQOJQ&issuer=There")
	if err := other.Add(there); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(filepath.Dir(a.Paths().Vault), "vault.sync-conflict-20261128-101530-ABCDEF7.age")
	if err := os.Rename(otherPath, copyPath); err != nil {
		t.Fatal(err)
	}

	deadline := time.After(30 * time.Second)
	for v.Len() != 2 {
		select {
		case <-changes:
		case <-deadline:
			t.Fatalf("the conflict copy was not merged: %d accounts, %+v", v.Len(), a.ConflictStates())
		}
	}
	for len(a.ConflictStates()) == 0 {
		select {
		case <-changes:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatal("the merge was not reported")
		}
	}
	if _, err := os.Stat(copyPath); !os.IsNotExist(err) {
		t.Errorf("the merged copy was not removed: %v", err)
	}
	states := a.ConflictStates()
	if len(states) != 1 || !strings.Contains(states[0].Summary(), "1 account added") || states[0].Copy.Tool != "Syncthing" {
		t.Fatalf("reported: %+v", states)
	}
	a.DismissConflict(states[0].Copy.Path)
	if len(a.ConflictStates()) != 0 {
		t.Error("a dismissed report stayed")
	}
}

// TestDamagedEntryOpensReadOnly: one unreadable entry does not lock the
// person out of the others. They give codes; every change is refused with
// a message naming the entry and the way to repair it; the file keeps the
// damaged entry for that repair.
func TestDamagedEntryOpensReadOnly(t *testing.T) {
	a := coreApp(t)
	v, _ := a.Vault()
	valid := `{"id":"good","issuer":"Good","name":"me","secret":"JBSWY3DPEHPK3PXP","kind":"totp","algorithm":"SHA1","digits":6,"period":30}`
	broken := `{"id":"bad","issuer":"Broken","name":"me","secret":"!!not base32","kind":"totp","algorithm":"SHA1","digits":6,"period":30}`
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, v.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(w, `{"schema":2,"app":"sparekey","accounts":[%s,%s],"deleted":[]}`, valid, broken)
	w.Close()
	if err := os.WriteFile(a.Paths().Vault, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	a.Lock()
	if err := a.Unlock(context.Background(), nil); err != nil {
		t.Fatalf("a vault with one damaged entry does not open: %v", err)
	}
	accts, err := a.Accounts()
	if err != nil || len(accts) != 1 || accts[0].Issuer != "Good" {
		t.Fatalf("the valid account: %v, %v", accts, err)
	}
	if _, err := a.CurrentCode(accts[0].ID); err != nil {
		t.Errorf("no code from the valid account: %v", err)
	}
	warning := a.VaultWarning()
	for _, want := range []string{"entry 2", "Broken", "read-only", "backup", "vault.age.prev"} {
		if !strings.Contains(warning, want) {
			t.Errorf("the warning lacks %q: %s", want, warning)
		}
	}
	_, err = a.AddURI("otpauth://totp/New:me?secret=GEZDGNBVGY3TQOJQ&issuer=New")
	var readOnly *vault.ReadOnlyError
	if !errors.As(err, &readOnly) {
		t.Fatalf("a change to a damaged vault: %v", err)
	}
	if after, _ := os.ReadFile(a.Paths().Vault); !bytes.Equal(after, buf.Bytes()) {
		t.Error("the damaged vault was rewritten")
	}
}

// TestSettingsFromTwoProcesses: the window changes one setting while the
// command line changed another: both are kept.
func TestSettingsFromTwoProcesses(t *testing.T) {
	paths := corePaths(t)
	window := New(Options{Paths: paths, Keyring: &vault.MemoryKeyring{}})
	terminal := New(Options{Paths: paths, Keyring: &vault.MemoryKeyring{}})

	s := terminal.Settings()
	s.BackupKeep = 42
	if err := terminal.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	s = window.Settings() // read before the terminal's save
	s.Theme = "dark"
	if err := window.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	got, err := loadSettings(window.settingsPath())
	if err != nil {
		t.Fatal(err)
	}
	if got.Theme != "dark" || got.BackupKeep != 42 {
		t.Errorf("saved settings: theme %q, keep %d; want dark and 42", got.Theme, got.BackupKeep)
	}
	if window.Settings().BackupKeep != 42 {
		t.Errorf("the window's settings did not take the other change")
	}
}
