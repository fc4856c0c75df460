package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/vault"
)

// The .prev hint appears only where vault.age.prev can help.
func TestDamagedVaultPreviousHint(t *testing.T) {
	tests := []struct {
		name     string
		prev     func(damaged, prev []byte) []byte // nil result: no .prev file
		wantPrev bool
	}{
		{"previous version differs", func(_, prev []byte) []byte { return prev }, true},
		{"no previous version", func(_, _ []byte) []byte { return nil }, false},
		{"previous version is the same damaged file", func(damaged, _ []byte) []byte { return damaged }, false},
		{"previous version is not a vault", func(_, _ []byte) []byte { return []byte("hello") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			a := New(Options{Paths: PathsUnder(dir), Keyring: &vault.MemoryKeyring{}, WorkFactor: 10})
			ctx := context.Background()
			if err := a.CreateVault(ctx, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := a.AddAccount(vault.Account{Issuer: "Example", Name: "me", Secret: "JBSWY3DPEHPK3PXP"}); err != nil {
				t.Fatal(err)
			}
			a.Lock()
			path := a.Paths().Vault
			good, _ := os.ReadFile(path)
			prev, err := os.ReadFile(vault.PreviousPath(path))
			if err != nil {
				t.Fatal(err)
			}
			damaged := bytes.Clone(good)
			damaged[len(damaged)-5] ^= 1
			os.WriteFile(path, damaged, 0o600)
			os.Remove(vault.PreviousPath(path))
			if p := tt.prev(damaged, prev); p != nil {
				os.WriteFile(vault.PreviousPath(path), p, 0o600)
			}
			err = a.Unlock(ctx, nil)
			msg := Explain(err)
			if !strings.Contains(msg, "damaged") {
				t.Fatalf("Explain(%v) = %q", err, msg)
			}
			if got := strings.Contains(msg, filepath.Base(vault.PreviousPath(path))); got != tt.wantPrev {
				t.Errorf("mentions .prev: %v, want %v: %q", got, tt.wantPrev, msg)
			}
			if !strings.Contains(msg, "backup") {
				t.Errorf("no pointer to backups: %q", msg)
			}
		})
	}
}

func TestExplainMissingKeyFile(t *testing.T) {
	dir := t.TempDir()
	a := New(Options{Paths: PathsUnder(dir), Keyring: &vault.MemoryKeyring{}, WorkFactor: 10})
	pass := func() ([]byte, error) { return []byte("correct horse"), nil }
	if err := a.CreateVault(context.Background(), pass); err != nil {
		t.Fatal(err)
	}
	a.Lock()
	os.Remove(vault.KeyFilePath(a.Paths().Vault))
	if _, mode := a.State(); mode != vault.ModePassphrase {
		t.Errorf("a vault that lost its key file looks like %v mode", mode)
	}
	msg := Explain(a.Unlock(context.Background(), pass))
	if !strings.Contains(msg, "vault.age.key") || !strings.Contains(msg, "missing") || strings.Contains(msg, "keyring") {
		t.Errorf("message %q", msg)
	}
}
