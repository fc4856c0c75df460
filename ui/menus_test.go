package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sparekey/sparekey/app"
)

// menuItem finds an item of the window's main menu by its label.
func menuItem(t *testing.T, u *UI, label string) *fyne.MenuItem {
	t.Helper()
	for _, m := range u.Window().MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no menu item %q", label)
	return nil
}

// Before a vault exists (and while it is locked), what needs one is
// disabled in the menu, and a shortcut or a window button that reaches it
// anyway says what to do instead of doing nothing or failing after a file
// picker.
func TestMenusNeedAVault(t *testing.T) {
	needVault := []string{"Add an account…", "Import from another app…", "Back up now", "Lock"}
	anytime := []string{"Backups…", "Settings…", "Quit", "AWS MFA devices…", "Recovery guide…"}
	h := newHarness(t, "none", nil)
	check := func(when string, disabled bool) {
		t.Helper()
		for _, l := range needVault {
			if got := menuItem(t, h.u, l).Disabled; got != disabled {
				t.Errorf("%s: %q disabled = %v, want %v", when, l, got, disabled)
			}
		}
		for _, l := range anytime {
			if menuItem(t, h.u, l).Disabled {
				t.Errorf("%s: %q is disabled", when, l)
			}
		}
	}
	check("before the vault exists", true)

	// Ctrl+N still reaches the add dialog: it explains.
	h.u.showAddDialog()
	if h.u.adding != nil {
		t.Fatal("the add dialog opened without a vault")
	}
	if s := h.u.status.text(); !strings.Contains(s, "Create the vault first") {
		t.Errorf("Ctrl+N before the vault exists says %q", s)
	}

	// Backups › Create explains before any file picker.
	w := h.u.showBackups()
	w.chooseSave = func(string, string, func(string)) {
		t.Error("a save dialog opened although there is no vault to back up")
	}
	w.pass1.SetText("backup pass")
	w.pass2.SetText("backup pass")
	w.askCreate()
	if s := w.status.Text; !strings.Contains(s, "no vault yet") {
		t.Errorf("Backups › Create before the vault exists says %q", s)
	}
	saveScreenshot(t, w.win, "backups-without-vault.png")
	w.ack.SetChecked(true)
	for _, ask := range []func(){w.askExport, w.askPaper} {
		w.status.SetText("")
		ask()
		if s := w.status.Text; !strings.Contains(s, "no vault yet") {
			t.Errorf("an export or a paper backup before the vault exists says %q", s)
		}
	}
	w.win.Close()

	test.Tap(findButton(t, h.u.body, "Create the vault"))
	if st, _ := h.core.State(); st != app.StateUnlocked {
		t.Fatalf("state %v after Create", st)
	}
	check("with the vault open", false)

	h.u.Lock()
	check("with the vault locked", true)
	h.u.showAddDialog()
	if s := h.u.status.text(); !strings.Contains(s, "Unlock") {
		t.Errorf("Ctrl+N while locked says %q", s)
	}
}
