package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/sparekey/sparekey/vault"
)

// TestBackupPassphraseFollowsTheVaultRule is issue #13 item 9: a
// one-character backup passphrase was accepted while the vault asked for
// 8; a failure stayed on screen after the form changed; Export was
// clickable before the plaintext acknowledgement.
func TestBackupPassphraseFollowsTheVaultRule(t *testing.T) {
	fa := test.NewTempApp(t)
	u, _ := newBackupsUI(t, fa, backupURIGitHub)
	w := openBackups(t, u)

	test.Type(w.pass1, "x")
	test.Type(w.pass2, "x")
	if !w.strength.Visible() || !strings.HasPrefix(w.strength.Text, "Too short") {
		t.Errorf("strength line = %q", w.strength.Text)
	}
	test.Tap(findButton(t, w.win.Content(), "Create backup…"))
	if !strings.Contains(w.status.Text, "at least 8 characters") {
		t.Fatalf("a one-character passphrase: status %q", w.status.Text)
	}
	w.pass1.SetText("password1")
	if w.status.Text != "" {
		t.Errorf("a stale failure stays after the passphrase changed: %q", w.status.Text)
	}
	w.pass2.SetText("password1")
	test.Tap(findButton(t, w.win.Content(), "Create backup…"))
	if !strings.Contains(w.status.Text, "too easy to guess") {
		t.Fatalf("a common password: status %q", w.status.Text)
	}
	saveScreenshot(t, w.win, "backup-weak-passphrase.png")

	w.tabs.SelectIndex(4)
	export := findButton(t, w.win.Content(), "Export…")
	if !export.Disabled() {
		t.Error("Export is enabled before the acknowledgement")
	}
	w.ack.SetChecked(true)
	if export.Disabled() {
		t.Error("Export stays disabled after the acknowledgement")
	}
}

// TestVaultPassphraseRule: the first-run screen rates the passphrase
// with the same rule and words as backups.
func TestVaultPassphraseRule(t *testing.T) {
	h := newHarness(t, "none", vault.UnavailableKeyring{Reason: errors.New("no Secret Service")})
	test.Tap(findButton(t, h.u.body, "Use a passphrase instead"))
	entries := findEntries(h.u.body)
	test.Type(entries[0], "password1")
	entries[1].SetText("password1")
	test.Tap(findButton(t, h.u.body, "Create the vault with this passphrase"))
	if !containsText(h.u.body, "too easy to guess") {
		t.Fatal("a common password was not refused with the backup's words")
	}
	entries[0].SetText("password12")
	if containsText(h.u.body, "too easy to guess") {
		t.Error("the refusal outlived the passphrase it was about")
	}
}
