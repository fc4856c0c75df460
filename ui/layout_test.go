package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestTagFilterSaysWhatIsShown is issue #13 item 11: the tag filter
// started as Fyne's "(Select one)" and went back to it after Settings
// were saved (a theme change rebuilds the list).
func TestTagFilterSaysWhatIsShown(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub+"&x=1", uriGoogle, uriBank)
	a := h.u.main.list.Account(1)
	a.Tags = []string{"work"}
	if err := h.core.UpdateAccount(a); err != nil {
		t.Fatal(err)
	}
	h.u.main.reload()
	m := h.u.main
	if m.tagSelect.Selected != allTags {
		t.Fatalf("the tag filter starts as %q, want %q", m.tagSelect.Selected, allTags)
	}
	m.tagSelect.SetSelected("work")
	if got := strings.Join(h.shown(), ","); got != "GitHub" {
		t.Fatalf("filtered by work: %s", got)
	}
	old := h.core.Settings()
	n := old
	n.Theme = "light"
	if err := h.core.SaveSettings(n); err != nil {
		t.Fatal(err)
	}
	h.u.settingsChanged(old, n)
	if h.u.main.tagSelect.Selected != "work" || strings.Join(h.shown(), ",") != "GitHub" {
		t.Fatalf("after saving Settings the filter is %q showing %v", h.u.main.tagSelect.Selected, h.shown())
	}
}

// TestScreensAt400px draws the main screens at the default size and at
// 400 px wide for a person to look at ($SPAREKEY_SCREENSHOTS), and checks
// the primary actions stay on the canvas.
func TestScreensAt400px(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 520, Height: 680}, {Width: 400, Height: 600}} {
		name := fmt.Sprintf("%.0fx%.0f", size.Width, size.Height)
		h := newHarness(t, "keyring", nil, uriGitHub, uriGoogle, uriBank, "otpauth://totp/Issuer10:a?secret=KRSXG5DTMVRXEZLU", "otpauth://totp/Issuer2:a?secret=MFRGGZDFMZTWQ2LK")
		h.u.Window().Resize(size)
		h.u.applyTheme()
		saveScreenshot(t, h.u.Window(), "main-"+name+".png")
		if add := findButton(t, h.u.main.content, "Add"); !onCanvas(h.u, add) {
			t.Errorf("%s: Add is off the canvas", name)
		}
		h.u.showSettings()
		save := findButton(t, h.u.Window().Canvas().Overlays().Top(), "Save")
		if !onCanvas(h.u, save) {
			t.Errorf("%s: Settings' Save is off the canvas", name)
		}
		saveScreenshot(t, h.u.Window(), "settings-"+name+".png")
		h.u.closeAll()
		test.Tap(findButton(t, h.u.main.content, "Add"))
		h.u.adding.tab.SelectIndex(1)
		saveScreenshot(t, h.u.Window(), "add-link-"+name+".png")
	}
}

// TestShortcutsSheetWraps: at 400 px the sheet cut "pointed a…"; its
// descriptions wrap now, so every word is on the canvas.
func TestShortcutsSheetWraps(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	h.u.Window().Resize(fyne.NewSize(400, 600))
	h.u.showKeys()
	settle(h.u.Window())
	top := h.u.Window().Canvas().Overlays().Top()
	var cut []string
	walk(top, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text != "" && l.Text != "Keyboard shortcuts" && !onCanvas(h.u, l) {
			cut = append(cut, l.Text)
		}
	})
	if len(cut) > 0 {
		t.Errorf("off the canvas at 400 px: %q", cut)
	}
	saveScreenshot(t, h.u.Window(), "shortcuts-400x600.png")
}

// settle lays the window out as a real one does every frame (the test
// canvas does so on a resize).
func settle(w fyne.Window) {
	size := w.Canvas().Size()
	w.Resize(size.AddWidthHeight(1, 1))
	w.Resize(size)
}

// TestStatusBarLeavesTheLastRowInView is issue #13 item 11: with the list
// scrolled to its end, the status bar ("Copied …") covered the last row.
// The last row must stay wholly above the status bar and inside the list.
func TestStatusBarLeavesTheLastRowInView(t *testing.T) {
	var uris []string
	for i := range 30 {
		uris = append(uris, fmt.Sprintf("otpauth://totp/Issuer%02d:a?secret=JBSWY3DPEHPK3P%c%c", i, 'A'+i/26, 'A'+i%26))
	}
	for _, size := range []fyne.Size{{Width: 520, Height: 680}, {Width: 400, Height: 600}} {
		h := newHarness(t, "keyring", nil, uris...)
		h.u.Window().Resize(size)
		m := h.u.main
		last := m.list.Len() - 1
		m.listW.ScrollToBottom()
		settle(h.u.Window())
		m.copyRow(last) // shows "Copied the code for …" in the status bar
		settle(h.u.Window())
		if h.u.status.text() == "" {
			t.Fatal("copying showed nothing in the status bar")
		}
		row := m.rows[last]
		if row == nil {
			t.Fatalf("%v: the last row is not on screen", size)
		}
		d := fyne.CurrentApp().Driver()
		rowBottom := d.AbsolutePositionForObject(row).Y + row.Size().Height
		listBottom := d.AbsolutePositionForObject(m.listW).Y + m.listW.Size().Height
		statusTop := d.AbsolutePositionForObject(h.u.status).Y
		if rowBottom > statusTop+0.5 || rowBottom > listBottom+0.5 {
			t.Errorf("%v: the last row ends at %.1f, the list at %.1f and the status bar starts at %.1f",
				size, rowBottom, listBottom, statusTop)
		}
		saveScreenshot(t, h.u.Window(), fmt.Sprintf("status-over-list-%.0fx%.0f.png", size.Width, size.Height))

		// Away from the end the list stays where the person left it.
		h.u.status.clear()
		settle(h.u.Window())
		m.listW.ScrollToOffset(100)
		m.copyRow(3)
		settle(h.u.Window())
		if got := m.listW.GetScrollOffset(); got != 100 {
			t.Errorf("%v: the status bar moved the list from offset 100 to %.1f", size, got)
		}
	}
}

// TestPathsWrapAtSeparators is issue #13 item 11: a long path in About and
// in the import error wrapped in the middle of a folder's name. Every line
// a path is cut into must end at a separator.
func TestPathsWrapAtSeparators(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	h.u.Window().Resize(fyne.NewSize(400, 600))
	vaultPath := h.core.Paths().Vault
	h.u.showAbout()
	settle(h.u.Window())
	checkPathLines(t, "About", h.u.Window().Canvas().Overlays().Top(), vaultPath)
	saveScreenshot(t, h.u.Window(), "about-400x600.png")
	h.u.closeAll()

	for _, size := range []fyne.Size{{Width: 520, Height: 680}, {Width: 400, Height: 600}} {
		h.u.Window().Resize(size)
		h.u.showSettings()
		settle(h.u.Window())
		checkPathLines(t, fmt.Sprintf("Settings at %.0f px", size.Width), h.u.Window().Canvas().Overlays().Top(), vaultPath)
		h.u.closeAll()
	}
	h.u.Window().Resize(fyne.NewSize(400, 600))

	first := newHarness(t, "none", nil)
	first.u.Window().Resize(fyne.NewSize(520, 680))
	settle(first.u.Window())
	checkPathLines(t, "the first-run screen", first.u.Window().Content(), first.core.Paths().Vault)

	bad := filepath.Join(t.TempDir(), "a-folder-with-a-rather-long-name", "another-long-folder-name", "export-from-another-app.txt")
	if err := os.MkdirAll(filepath.Dir(bad), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("this is no export\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.u.previewImport(bad)
	settle(h.u.Window())
	checkPathLines(t, "the import error", h.u.Window().Canvas().Overlays().Top(), bad)
	saveScreenshot(t, h.u.Window(), "import-error-400x600.png")
}

// checkPathLines finds the lines drawn under root and fails if path is
// not among them or a line ends inside one of its names.
func checkPathLines(t *testing.T, where string, root fyne.CanvasObject, path string) {
	t.Helper()
	lines, shown := drawnLines(t, where, root, path)
	sep := string(filepath.Separator)
	for i := 0; i+1 < len(lines); i++ {
		a, b := lines[i], lines[i+1]
		tail := a[strings.LastIndex(a, " ")+1:]
		head, _, _ := strings.Cut(b, " ")
		if tail != "" && head != "" && !strings.HasSuffix(tail, sep) && strings.Contains(path, tail+head) {
			t.Errorf("%s: a line ends inside a name (%q | %q); lines:\n%s", where, tail, head, shown)
		}
	}
}

// drawnLines returns the lines of text drawn under root (without the
// invisible break marks), and all of them for messages; it fails if whole
// is not drawn across them.
func drawnLines(t *testing.T, where string, root fyne.CanvasObject, whole string) (lines []string, shown string) {
	t.Helper()
	walk(root, func(o fyne.CanvasObject) {
		if txt, ok := o.(*canvas.Text); ok {
			lines = append(lines, strings.ReplaceAll(txt.Text, pathBreak, ""))
		}
	})
	shown = strings.Join(lines, "\n")
	if !strings.Contains(strings.Join(lines, ""), whole) {
		t.Fatalf("%s: %s is not drawn; lines:\n%s", where, whole, shown)
	}
	return lines, shown
}

// TestFormsFitAt400px is issue #13 item 11 for the forms: the Edit dialog
// put Save above the favourite checkbox and ran wider than a 400 px
// window; the Key and paste placeholders were clipped ("Examp / le").
func TestFormsFitAt400px(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 520, Height: 680}, {Width: 400, Height: 600}} {
		name := fmt.Sprintf("%.0fx%.0f", size.Width, size.Height)
		h := newHarness(t, "keyring", nil, uriGitHub, uriBank)
		h.u.Window().Resize(size)
		d := fyne.CurrentApp().Driver()

		h.u.showEditDialog(h.u.main.list.Account(0))
		settle(h.u.Window())
		top := h.u.Window().Canvas().Overlays().Top()
		save := findButton(t, top, "Save")
		var fav *widget.Check
		walk(top, func(o fyne.CanvasObject) {
			if c, ok := o.(*widget.Check); ok && strings.Contains(c.Text, "favourite") {
				fav = c
			}
		})
		if fav == nil {
			t.Fatalf("%s: the Edit dialog has no favourite checkbox", name)
		}
		if d.AbsolutePositionForObject(fav).Y+fav.Size().Height > d.AbsolutePositionForObject(save).Y {
			t.Errorf("%s: Save is above the favourite checkbox it saves", name)
		}
		for _, o := range []fyne.CanvasObject{save, fav} {
			if !onCanvas(h.u, o) || d.AbsolutePositionForObject(o).X < 0 {
				t.Errorf("%s: %T is off the canvas in the Edit dialog", name, o)
			}
		}
		saveScreenshot(t, h.u.Window(), "edit-"+name+".png")
		h.u.closeAll()

		h.u.showAddDialog()
		a := h.u.adding
		a.tab.SelectIndex(1)
		settle(h.u.Window())
		checkPlaceholder(t, name+" paste", &a.uri.Entry)
		a.showManual()
		settle(h.u.Window())
		for _, e := range []*widget.Entry{a.form.issuer, a.form.name, a.form.secret, a.form.tags, a.form.note} {
			checkPlaceholder(t, name+" enter key", e)
		}
		h.u.closeAll()
	}
}

// checkPlaceholder fails if e's placeholder is wider than the room e
// gives it (its width less the padding and, for a password entry, the
// reveal button).
func checkPlaceholder(t *testing.T, where string, e *widget.Entry) {
	t.Helper()
	room := e.Size().Width - 2*theme.InnerPadding()
	if e.ActionItem != nil {
		room -= e.ActionItem.MinSize().Width + theme.Padding()
	}
	for _, line := range strings.Split(e.PlaceHolder, "\n") {
		need := fyne.MeasureText(line, theme.TextSize(), fyne.TextStyle{}).Width
		if need > room {
			t.Errorf("%s: the placeholder %q needs %.0f px, the entry leaves %.0f", where, line, need, room)
		}
	}
}

// TestSettingsTextClearsTheScrollBar is issue #13 item 11: Settings'
// "…in the tray" ran under the scroll bar. Every label and choice in the
// scrolled part ends left of the bar, at both widths.
func TestSettingsTextClearsTheScrollBar(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 520, Height: 680}, {Width: 400, Height: 600}} {
		h := newHarness(t, "keyring", nil, uriGitHub)
		h.u.Window().Resize(size)
		h.u.showSettings()
		settle(h.u.Window())
		var scroll *container.Scroll
		walk(h.u.Window().Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if s, ok := o.(*container.Scroll); ok && scroll == nil {
				scroll = s
			}
		})
		if scroll == nil {
			t.Fatal("Settings does not scroll")
		}
		d := fyne.CurrentApp().Driver()
		barLeft := d.AbsolutePositionForObject(scroll).X + scroll.Size().Width - theme.ScrollBarSize()
		walk(scroll.Content, func(o fyne.CanvasObject) {
			var text string
			switch w := o.(type) {
			case *widget.Label:
				text = w.Text
			case *widget.Check:
				text = w.Text
			case *widget.RadioGroup:
				text = strings.Join(w.Options, "/")
			default:
				return
			}
			if right := d.AbsolutePositionForObject(o).X + o.Size().Width; text != "" && right > barLeft+0.5 {
				t.Errorf("%v: %q ends at %.0f, under the scroll bar from %.0f", size, text, right, barLeft)
			}
		})
		h.u.closeAll()
	}
}

// TestTagFilterLeavesSearchItsPlaceholder: the tag filter squeezed the
// search box until "(Ctrl+F)" was cut.
func TestTagFilterLeavesSearchItsPlaceholder(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 520, Height: 680}, {Width: 400, Height: 600}} {
		h := newHarness(t, "keyring", nil, uriGitHub, uriGoogle)
		a := h.u.main.list.Account(0)
		a.Tags = []string{"personal-accounts"}
		if err := h.core.UpdateAccount(a); err != nil {
			t.Fatal(err)
		}
		h.u.main.reload()
		h.u.Window().Resize(size)
		settle(h.u.Window())
		if !h.u.main.tagSelect.Visible() {
			t.Fatal("the tag filter is hidden")
		}
		checkPlaceholder(t, fmt.Sprintf("search at %.0f px", size.Width), &h.u.main.search.Entry)
		if !onCanvas(h.u, h.u.main.tagSelect) {
			t.Errorf("%v: the tag filter is off the canvas", size)
		}
	}
}
