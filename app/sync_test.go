package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
