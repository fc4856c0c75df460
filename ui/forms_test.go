package ui

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// onCanvas reports whether o lies wholly inside the window's canvas.
func onCanvas(u *UI, o fyne.CanvasObject) bool {
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	size, c := o.Size(), u.Window().Canvas().Size()
	return o.Visible() && size.Height > 0 && pos.Y >= 0 && pos.Y+size.Height <= c.Height && pos.X+size.Width <= c.Width
}

// TestAddFormKeepsItsActionInView is issue #13 item 5: at the default
// window size the Add button sat below the fold, Enter did nothing and
// the duplicate error began in lower case.
func TestAddFormKeepsItsActionInView(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 520, Height: 680}, {Width: 400, Height: 520}} {
		h := newHarness(t, "keyring", nil, uriGitHub)
		h.u.Window().Resize(size)
		h.u.showAddDialog()
		d := h.u.adding
		d.showManual()
		f := d.form
		if f.kind.Visible() && onCanvas(h.u, f.kind) {
			t.Errorf("%v: the code settings are not folded under Advanced", size)
		}
		if !onCanvas(h.u, f.submit) {
			t.Errorf("%v: the Add button is not in view (at %v, window %v)", size,
				fyne.CurrentApp().Driver().AbsolutePositionForObject(f.submit), h.u.Window().Canvas().Size())
		}
		saveScreenshot(t, h.u.Window(), fmt.Sprintf("add-form-%.0fx%.0f.png", size.Width, size.Height))

		test.Type(f.issuer, "Example")
		test.Type(f.secret, "JBSWY3DPEHPK3PXP") // GitHub's key: a duplicate
		key(f.secret, fyne.KeyReturn)
		if !f.problem.Visible() || !strings.HasPrefix(f.problem.Text, "An account with the same secret") {
			t.Fatalf("%v: Enter on a duplicate: problem %q", size, f.problem.Text)
		}
		f.secret.SetText("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
		key(f.issuer, fyne.KeyReturn) // Enter in any field adds
		if got := strings.Join(h.shown(), ","); got != "Example,GitHub" {
			t.Fatalf("%v: Enter did not add: list %s", size, got)
		}
	}
}

// TestAdvancedOpensForItsOwnProblem: a problem in a folded field must be
// seen where it can be fixed.
func TestAdvancedOpensForItsOwnProblem(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	h.u.showAddDialog()
	f := h.u.adding.form
	test.Type(f.issuer, "Example")
	test.Type(f.secret, "JBSWY3DPEHPK3PXP")
	f.period.SetText("0")
	if !f.advanced.Items[0].Open {
		t.Error("a bad period left Advanced folded")
	}
}

// TestPastedWebLinkOffersTheForm is item 7 in the window: a https link
// pasted where an otpauth link belongs is explained without naming a
// command-line flag, and a button turns to the form for typing the key.
func TestPastedWebLinkOffersTheForm(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	h.u.showAddDialog()
	d := h.u.adding
	d.tab.SelectIndex(1)
	d.uri.SetText("https://example.com/2fa")
	key(d.uri, fyne.KeyReturn)
	if strings.Contains(d.uriResult.Text, "--") || strings.Contains(d.uriResult.Text, "sparekey ") {
		t.Errorf("the window names a command: %q", d.uriResult.Text)
	}
	test.Tap(findButton(t, d.uriRemedy, "Enter the key instead"))
	if d.tab.SelectedIndex() != 2 {
		t.Fatalf("the remedy did not turn to the form (tab %d)", d.tab.SelectedIndex())
	}
}

// TestEnterUnlocksKeyringVault: the keyring unlock screen has no field,
// so Enter goes to the window, which presses Unlock.
func TestEnterUnlocksKeyringVault(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	h.u.Lock()
	if h.u.main != nil {
		t.Fatal("still unlocked")
	}
	h.u.Window().Canvas().(interface {
		OnTypedKey() func(*fyne.KeyEvent)
	}).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.u.main == nil {
		t.Fatal("Enter on the lock screen did not unlock")
	}
}

// TestEnterSubmitsImportPassword: the export password dialog opens on
// Enter.
func TestEnterSubmitsImportPassword(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	ch := make(chan []byte, 1)
	h.u.askImportPassword("export.json", ch)
	var pw *widget.Entry
	walk(h.u.Window().Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && e.Password {
			pw = e
		}
	})
	if pw == nil {
		t.Fatal("no password field")
	}
	test.Type(pw, "hunter22")
	key(pw, fyne.KeyReturn)
	select {
	case got := <-ch:
		if string(got) != "hunter22" {
			t.Fatalf("password = %q", got)
		}
	default:
		t.Fatal("Enter did not submit the password")
	}
}

// TestDamagedVaultOffersBackups: the lock screen offers the remedy of a
// damaged vault as a button (Open Backups…), where the command line
// prints `sparekey backup restore FILE`.
func TestDamagedVaultOffersBackups(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	h.u.Lock()
	if err := os.WriteFile(h.core.Paths().Vault, []byte("not a vault at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	test.Tap(findButton(t, h.u.body, "Unlock"))
	if !containsText(h.u.body, "damaged") {
		t.Fatal("the damage is not explained")
	}
	test.Tap(findButton(t, h.u.body, "Open Backups…"))
	if backupsWindows[h.u] == nil {
		t.Fatal("the remedy did not open the Backups window")
	}
	backupsWindows[h.u].win.Close()
}
