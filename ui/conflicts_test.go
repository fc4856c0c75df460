package ui

import (
	"errors"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
)

// otherComputer writes, beside the harness's vault, a sync tool's conflict
// copy of it holding what change made: the vault as the other computer
// changed it while the two were apart.
func (h *harness) otherComputer(name string, change func(*vault.Vault)) vault.ConflictCopy {
	h.t.Helper()
	v, err := h.core.Vault()
	if err != nil {
		h.t.Fatal(err)
	}
	otherPath := filepath.Join(h.t.TempDir(), "vault.age")
	data, err := os.ReadFile(v.Path())
	if err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(otherPath, data, 0o600); err != nil {
		h.t.Fatal(err)
	}
	other, err := vault.OpenWithIdentity(otherPath, v.Identity())
	if err != nil {
		h.t.Fatal(err)
	}
	change(other)
	c, ok := vault.ConflictCopyOf(v.Path(), name)
	if !ok {
		h.t.Fatalf("%s is not a conflict copy's name", name)
	}
	if err := os.Rename(otherPath, c.Path); err != nil {
		h.t.Fatal(err)
	}
	return c
}

func mustAdd(t *testing.T, v *vault.Vault, uri string) {
	t.Helper()
	a, err := vault.ParseURI(uri)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Add(a); err != nil {
		t.Fatal(err)
	}
}

// topDialog is the content of the dialog on top of the window.
func (h *harness) topDialog() fyne.CanvasObject {
	h.t.Helper()
	top := h.u.Window().Canvas().Overlays().Top()
	if top == nil {
		h.t.Fatal("no dialog is open")
	}
	return top
}

// TestConflictBannerAndDecisions: a merged copy is reported above the
// list; what it left undecided is decided in a dialog, Keep or Drop per
// account; Dismiss puts the banner away.
func TestConflictBannerAndDecisions(t *testing.T) {
	h := newHarness(t, "passphrase", nil, uriGitHub)
	win := h.u.Window()
	if containsText(win.Content(), "Merged the other computer's copy") {
		t.Fatal("a banner shows with nothing merged")
	}
	c := h.otherComputer("vault.sync-conflict-20261128-101530-ABCDEF7.age", func(other *vault.Vault) {
		mustAdd(t, other, uriGoogle)
		mustAdd(t, other, "otpauth://totp/GitHub:alice@example.com?secret=MZXW6YTBOI&issuer=GitHub") // re-enrolled there
	})
	if _, err := h.core.MergeConflictCopy(c, nil); err != nil {
		t.Fatal(err)
	}
	if got := h.shown(); !slices.Equal(got, []string{"GitHub", "Google"}) {
		t.Errorf("list after the merge: %v", got)
	}
	if !containsText(win.Content(), "1 account added, 1 account undecided") {
		t.Fatal("the banner does not say what the merge did")
	}
	shot(t, win, "conflict-banner")

	findButton(t, win.Content(), "Decide…").OnTapped()
	dlg := h.topDialog()
	if !containsText(dlg, "GitHub (alice@example.com)") || !containsText(dlg, "The two computers hold different secrets under this name") {
		t.Fatal("the dialog does not name the account and why")
	}
	var radios []*widget.RadioGroup
	walk(dlg, func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok {
			radios = append(radios, r)
		}
	})
	if len(radios) != 1 || radios[0].Options[0] != "Keep both" {
		t.Fatalf("choices: %+v", radios)
	}
	radios[0].SetSelected("Keep both")
	shot(t, win, "conflict-decide")
	findButton(t, dlg, "Apply").OnTapped()

	if got := h.shown(); !slices.Equal(got, []string{"GitHub", "GitHub", "Google"}) {
		t.Errorf("list after Keep both: %v", got)
	}
	if _, err := os.Stat(c.Path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the decided copy is still there: %v", err)
	}
	if containsText(win.Content(), "undecided") || !containsText(win.Content(), "1 account added") {
		t.Error("the banner did not follow the decision")
	}
	findButton(t, win.Content(), "Dismiss").OnTapped()
	if containsText(win.Content(), "Merged the other computer's copy") || len(h.core.ConflictStates()) != 0 {
		t.Error("Dismiss left the banner")
	}
}

// TestConflictDecisionsLater: closing the dialog with Later, or applying
// with nothing chosen, changes nothing and keeps the copy.
func TestConflictDecisionsLater(t *testing.T) {
	h := newHarness(t, "passphrase", nil, uriGitHub)
	c := h.otherComputer("vault (conflicted copy 2026-11-28 101530).age", func(other *vault.Vault) {
		mustAdd(t, other, "otpauth://totp/GitHub:alice@example.com?secret=MZXW6YTBOI&issuer=GitHub")
	})
	if _, err := h.core.MergeConflictCopy(c, nil); err != nil {
		t.Fatal(err)
	}
	win := h.u.Window()
	for _, button := range []string{"Later", "Apply"} {
		findButton(t, win.Content(), "Decide…").OnTapped()
		findButton(t, h.topDialog(), button).OnTapped()
		if _, err := os.Stat(c.Path); err != nil {
			t.Fatalf("%s: the copy is gone: %v", button, err)
		}
		if got := h.shown(); !slices.Equal(got, []string{"GitHub"}) {
			t.Errorf("%s: list %v", button, got)
		}
	}
	// The banner's own Later puts it away; the copy stays for next time.
	findButton(t, win.Content(), "Later").OnTapped()
	if containsText(win.Content(), "undecided") {
		t.Error("Later left the banner")
	}
	if _, err := os.Stat(c.Path); err != nil {
		t.Errorf("the undecided copy is gone: %v", err)
	}
}

// shot writes what the test driver draws to $SPAREKEY_SCREENSHOTS, when
// set, for a person to look at.
func shot(t *testing.T, w fyne.Window, name string) {
	dir := os.Getenv("SPAREKEY_SCREENSHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// TestE2EConflictCopyBanner: the real window, following its vault, merges
// a conflict copy Syncthing left beside it and shows the banner; Decide
// opens the dialog (clicked with xdotool). Screenshots go to
// $SPAREKEY_SCREENSHOTS.
func TestE2EConflictCopyBanner(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	for _, tool := range []string{"xdotool", "xwd", "convert"} {
		testenv.Tool(t, tool)
	}
	e := newE2E(t)
	e.cliInput(uriGitHub, "add", "-")
	vaultPath := filepath.Join(e.home, "data", "vault.age")
	other := filepath.Join(t.TempDir(), "vault.age")
	for _, suffix := range []string{"", ".key", ".mode"} {
		data, err := os.ReadFile(vaultPath + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(other+suffix, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e.cliInput(uriGoogle, "--vault", other, "add", "-")
	e.cliInput("otpauth://totp/GitHub:alice@example.com?secret=MZXW6YTBOI&issuer=GitHub", "--vault", other, "add", "-")
	e.start()

	m := e.mark()
	if err := os.Rename(other, filepath.Join(filepath.Dir(vaultPath), "vault.sync-conflict-20261128-101530-ABCDEF7.age")); err != nil {
		t.Fatal(err)
	}
	e.waitTrace(m, "accounts-2")
	e.shot("e2e-conflict-banner")

	// Decide… sits at the banner's right, under the Add button (the
	// window is 520x680; its menu bar is above the search box).
	geometry := e.xdotool("getwindowgeometry", e.window)
	t.Logf("window: %s", strings.TrimSpace(geometry))
	e.xdotool("mousemove", "--window", e.window, "466", "101", "click", "1")
	time.Sleep(700 * time.Millisecond)
	e.shot("e2e-conflict-decide")
	e.key("Escape")
	e.quit()
}
