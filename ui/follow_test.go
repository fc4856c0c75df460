package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sparekey/sparekey/vault"
)

// TestReloadKeepsSearchAndSelection: a change saved by another program
// (here a second view of the same vault file, as the command line has)
// reaches the list without losing what the person typed or the account
// the keyboard cursor is on, though that account moved in the list.
func TestReloadKeepsSearchAndSelection(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub, uriGoogle, uriBank)
	m := h.u.main
	test.Type(m.search, "a") // Bank, GitHub (alice), Google (alice)
	key(m.search, fyne.KeyDown)
	key(m.search, fyne.KeyDown)
	if a := m.list.Account(m.current); a == nil || a.Issuer != "Google" {
		t.Fatalf("cursor on %v, want Google", a)
	}

	v, _ := h.core.Vault()
	other, err := vault.Open(v.Path(), vault.Options{Keyring: h.core.Keyring()})
	if err != nil {
		t.Fatal(err)
	}
	amazon, _ := vault.ParseURI("otpauth://totp/Amazon:alice?secret=MZXW6YTBOI&issuer=Amazon")
	if err := other.Add(amazon); err != nil {
		t.Fatal(err)
	}
	if changed, err := v.Reload(); err != nil || !changed {
		t.Fatalf("reload: %v, %v", changed, err)
	}
	if m.search.Text != "a" {
		t.Errorf("the search became %q", m.search.Text)
	}
	if got := h.shown(); len(got) != 4 || got[0] != "Amazon" {
		t.Errorf("list after the outside change: %v", got)
	}
	if a := m.list.Account(m.current); a == nil || a.Issuer != "Google" {
		t.Errorf("cursor moved to %v, want it still on Google", a)
	}
}
