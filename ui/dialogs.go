package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The window keeps track of its open dialogs so that Esc closes the top
// one and locking closes them all: a dialog showing a QR code or an
// account's details must never outlive the vault being open.

// openDialog shows d and remembers it until it closes; onClosed (may be
// nil) runs after.
func (u *UI) openDialog(d dialog.Dialog, onClosed func()) {
	u.dialogs = append(u.dialogs, d)
	d.SetOnClosed(func() {
		if i := slices.Index(u.dialogs, d); i >= 0 {
			u.dialogs = slices.Delete(u.dialogs, i, i+1)
		}
		if onClosed != nil {
			onClosed()
		}
	})
	d.Show()
}

// closeTopDialog closes the most recent dialog; it reports whether there
// was one.
func (u *UI) closeTopDialog() bool {
	if len(u.dialogs) == 0 {
		return false
	}
	u.dialogs[len(u.dialogs)-1].Hide()
	return true
}

// closeAll closes every dialog, menu and pop-up over the window.
func (u *UI) closeAll() {
	for len(u.dialogs) > 0 {
		n := len(u.dialogs)
		u.dialogs[n-1].Hide()
		if len(u.dialogs) == n { // a dialog that did not report closing
			u.dialogs = u.dialogs[:n-1]
		}
	}
	ov := u.win.Canvas().Overlays()
	for top := ov.Top(); top != nil; top = ov.Top() {
		ov.Remove(top)
	}
}

// confirm is dialog.ShowCustomConfirm, tracked.
func (u *UI) confirm(title, yes, no string, content fyne.CanvasObject, then func(bool)) {
	u.openDialog(dialog.NewCustomConfirm(title, yes, no, content, then, u.win), nil)
}

// escButton is a button that also closes the dialog it is in on Esc (a
// focused widget gets the keys before the window does).
type escButton struct {
	widget.Button
	u *UI
}

func newEscButton(u *UI, b *widget.Button) *escButton {
	e := &escButton{u: u}
	e.Text, e.Icon, e.OnTapped, e.Importance = b.Text, b.Icon, b.OnTapped, b.Importance
	e.ExtendBaseWidget(e)
	return e
}

func (b *escButton) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && b.u.closeTopDialog() {
		return
	}
	b.Button.TypedKey(k)
}

// pathBreak is a hair space: Fyne wraps text only at spaces, so a long path
// wrapped in the middle of a folder's name. Put after each separator, it
// lets a path wrap where a person would cut it, and is all but invisible.
const pathBreak = "\u200a"

// pathsPara is a paragraph for a dialog that names files: its paths wrap
// after a separator, and it is as wide as a dialog on this window can be
// (up to a comfortable line), since a dialog shrinks wrapped text to a
// narrow column that cuts even short folder names.
func (u *UI) pathsPara(text string) fyne.CanvasObject {
	width := fyne.Min(420, u.win.Canvas().Size().Width-4*theme.Padding()-2*theme.InnerPadding())
	return container.New(&maxWidth{width: width}, para(breakablePaths(text)))
}

// breakablePaths lets every path in text wrap after its separators. Only
// for text to read: a path to copy must come from the original string.
func breakablePaths(text string) string {
	words := strings.Split(text, " ")
	for i, w := range words {
		if strings.Count(w, "/")+strings.Count(w, `\`) > 1 {
			w = strings.ReplaceAll(w, "/", "/"+pathBreak)
			words[i] = strings.ReplaceAll(w, `\`, `\`+pathBreak)
		}
	}
	return strings.Join(words, " ")
}
