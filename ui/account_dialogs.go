package ui

import (
	"bytes"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/transfer/qr"
)

// undoWindow is how long the Undo offer stays after a delete.
const undoWindow = 10 * time.Second

// showEditDialog edits the details of an account. The key and code
// settings are not editable: a different key is a different account (add
// it, then delete this one).
func (u *UI) showEditDialog(a *vault.Account) {
	f := newManualForm(u, a)
	var dlg dialog.Dialog
	f.submit.SetText("Save")
	f.submit.Enable()
	fav := widget.NewCheck("Pinned to the top (favourite)", nil)
	fav.SetChecked(a.Favorite)
	counter := widget.NewEntry()
	counter.SetText(fmt.Sprint(a.Counter))
	f.submit.OnTapped = func() {
		c := a.Clone()
		c.Issuer = f.issuer.Text
		c.Name = f.name.Text
		if c.Name == "" {
			c.Name = c.Issuer
		}
		c.Tags = splitTags(f.tags.Text)
		c.Note = f.note.Text
		c.Favorite = fav.Checked
		if c.Kind == vault.KindHOTP {
			var n uint64
			if _, err := fmt.Sscan(counter.Text, &n); err != nil {
				f.problem.SetText("The counter must be a whole number.")
				f.problem.Show()
				return
			}
			c.Counter = n
		}
		if err := u.core.UpdateAccount(c); err != nil {
			f.problem.SetText(errorText(err))
			f.problem.Show()
			return
		}
		dlg.Hide()
		u.status.show("Saved "+shownLabel(c)+".", 4*time.Second)
	}
	// Edits never need the key: validate only the labels.
	for _, e := range []*widget.Entry{f.issuer, f.name} {
		e.OnChanged = func(string) {
			if f.issuer.Text == "" && f.name.Text == "" {
				f.problem.SetText("Give the issuer or the account name.")
				f.problem.Show()
				f.submit.Disable()
			} else {
				f.problem.Hide()
				f.submit.Enable()
			}
		}
	}
	f.tags.OnChanged, f.note.OnChanged = nil, nil
	f.problem.Hide()

	info := para(fmt.Sprintf("%s · %s · %d digits", kindName(a), a.Algorithm, a.Digits))
	info.Importance = widget.LowImportance
	// Save comes last, under every field it saves.
	items := []fyne.CanvasObject{info, f.fields(false), fav}
	if a.Kind == vault.KindHOTP {
		items = append(items, widget.NewForm(widget.NewFormItem("Next counter", counter)))
	}
	items = append(items, f.footer(false))
	dlg = dialog.NewCustom("Edit "+shownLabel(a), "Cancel", container.NewVBox(items...), u.win)
	dlg.Resize(fyne.NewSize(460, 0))
	u.openDialog(dlg, nil)
}

func kindName(a *vault.Account) string {
	switch a.Kind {
	case vault.KindHOTP:
		return "counter-based (HOTP)"
	case vault.KindSteam:
		return "Steam"
	}
	return fmt.Sprintf("time-based (TOTP, %d s)", a.Period)
}

// confirmDelete asks, deletes, and offers Undo for a few seconds.
func (u *UI) confirmDelete(a *vault.Account) {
	msg := para("Delete " + shownLabel(a) + "? Its codes stop appearing here. If the website still asks for codes from it, you will need another way in.\n\nUndo is offered for a few seconds. After that the account can still be recovered from the vault's previous version (vault.age.prev, until the next change) and from your backups.")
	u.confirm("Delete this account?", "Delete", "Keep it", msg, func(ok bool) {
		if ok {
			u.deleteAccount(a.ID)
		}
	})
}

// deleteAccount removes without asking (the confirmation is above) and
// offers Undo.
func (u *UI) deleteAccount(id string) {
	removed, err := u.core.RemoveAccount(id)
	if err != nil {
		u.status.show(errorText(err), 6*time.Second)
		return
	}
	u.status.offer("Deleted "+shownLabel(removed)+". Backups and vault.age.prev still hold it.", "Undo", func() {
		if err := u.core.RestoreAccount(removed); err != nil {
			u.status.show("Could not undo: "+errorText(err), 8*time.Second)
			return
		}
		u.status.show("Restored "+shownLabel(removed)+".", 4*time.Second)
	}, undoWindow)
}

// showQRDialog shows an account's enrollment QR code, to set up the same
// key on a second device. Whoever sees this code can make the account's
// codes forever, so it is behind a warning, and the key in text is hidden
// until asked for.
func (u *UI) showQRDialog(a *vault.Account) {
	warn := para("The QR code holds this account's secret key. Anyone who sees or photographs it can make your codes for " + shownLabel(a) + " from now on. Show it only to set up a second device of yours, with nobody watching and no screen sharing.")
	u.confirm("Show the secret QR code?", "Show it", "Cancel", warn, func(ok bool) {
		if ok {
			u.showQR(a)
		}
	})
}

func (u *UI) showQR(a *vault.Account) {
	png, err := qr.EncodePNG(a.URI(), 6)
	if err != nil {
		u.status.show("Cannot draw the QR code: "+err.Error(), 6*time.Second)
		return
	}
	img := canvas.NewImageFromReader(bytes.NewReader(png), "enroll.png")
	img.FillMode = canvas.ImageFillContain
	img.ScaleMode = canvas.ImageScalePixels
	img.SetMinSize(fyne.NewSize(280, 280))

	secret := widget.NewLabelWithStyle("Key hidden", fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	secret.Wrapping = fyne.TextWrapBreak
	var reveal *widget.Button
	reveal = widget.NewButtonWithIcon("Show the key as text", theme.VisibilityIcon(), func() {
		if secret.Text == "Key hidden" {
			secret.SetText(vault.GroupSecret(a.Secret))
			reveal.SetText("Hide the key")
			reveal.SetIcon(theme.VisibilityOffIcon())
		} else {
			secret.SetText("Key hidden")
			reveal.SetText("Show the key as text")
			reveal.SetIcon(theme.VisibilityIcon())
		}
	})
	how := para("In the authenticator app on the other device choose “Add account › Scan QR code”. Both devices will then show the same codes.")
	d := dialog.NewCustom(shownLabel(a), "Done", container.NewVBox(how, container.NewCenter(img), secret, container.NewCenter(reveal)), u.win)
	// Nothing of the secret stays on screen after the dialog closes.
	u.openDialog(d, func() { secret.SetText("") })
}
