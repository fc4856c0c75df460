package ui

// The Backups window: manual backups, restore with a preview, restore
// drills, paper backups and exports for other apps, all through the
// app-level functions of app/backup.go and app/transfer.go. It is a window
// of its own (like the AWS one) because a restore preview or a list of
// drills is worth keeping next to the main window. Every operation runs
// off the UI goroutine with a progress bar and comes back through fyne.Do;
// nothing in the vault changes before the user presses Apply on a restore
// preview. Passphrases live only in password entries and the byte slices
// handed to app; they are never put in a label, status or error.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
	"github.com/sparekey/sparekey/vault/paper"
)

const (
	encPassphrase = "Passphrase"
	encRecipients = "age recipients"

	formatURIs     = "otpauth:// links (uris)"
	formatAegis    = "Aegis JSON (aegis)"
	formatGoogleQR = "Google Authenticator QR codes (google-qr)"

	plaintextWarning = "A printout holds your secrets in the clear: anyone who sees or copies it can make your codes. Print it on a printer you trust, keep it locked away and delete the PDF once printed."
	exportWarning    = "An export for another app is NOT encrypted: anyone who gets the file can make your codes. Keep it offline and delete it as soon as the other app has read it."
)

// backupCallTimeout bounds one operation; scrypt at the default work factor
// takes about a second, so this only catches a stuck file system.
const backupCallTimeout = 5 * time.Minute

// backupsWindows holds the open Backups window of each UI (touched only on
// the UI goroutine); backupsLockHooked says which UIs close it on lock.
var (
	backupsWindows    = map[*UI]*backupsWindow{}
	backupsLockHooked = map[*UI]bool{}
)

type backupsWindow struct {
	u   *UI
	win fyne.Window

	tabs *container.AppTabs
	*taskBar

	// chooseSave and chooseOpen ask for a path (file dialogs); tests
	// replace them. then runs on the UI goroutine with the chosen path.
	chooseSave   func(title, name string, then func(path string))
	chooseOpen   func(title string, then func(path string))
	chooseFolder func(title string, then func(path string))

	// Create.
	encryption *widget.RadioGroup
	pass1      *widget.Entry
	pass2      *widget.Entry
	recipients *widget.Entry
	armor      *widget.Check
	created    *widget.Label
	strength   *strengthMeter

	// Restore and verify each ask how to unlock a backup.
	restoreUnlock, verifyUnlock unlockFields

	preview       *app.RestorePreview
	previewBody   *fyne.Container
	updateChanged *widget.Check
	apply         *widget.Button
	restoreResult *widget.Label

	verifyResult *widget.Label
	drills       *fyne.Container

	// Paper.
	page    *widget.RadioGroup
	onlyAWS *widget.Check
	printed *widget.Label

	// Export.
	format   *widget.Select
	ack      *widget.Check
	exported *widget.Label
}

// showBackups opens the Backups window (or brings it forward).
func (u *UI) showBackups() *backupsWindow {
	if !backupsLockHooked[u] {
		// A restore preview holds the backup's accounts and the Google
		// codes dialog shows secrets: neither may outlive the vault
		// being open.
		backupsLockHooked[u] = true
		u.core.OnLock(func() {
			fyne.Do(func() {
				if w := backupsWindows[u]; w != nil {
					w.win.Close()
				}
			})
		})
	}
	w := backupsWindows[u]
	if w == nil {
		w = newBackupsWindow(u)
		backupsWindows[u] = w
		w.win.SetOnClosed(func() { delete(backupsWindows, u) })
		w.win.Show()
	} else {
		w.win.RequestFocus()
	}
	return w
}

func newBackupsWindow(u *UI) *backupsWindow {
	w := &backupsWindow{u: u, win: u.fa.NewWindow("Sparekey · Backups"), taskBar: newTaskBar()}
	w.win.SetIcon(u.icon())
	w.chooseSave, w.chooseOpen, w.chooseFolder = w.saveDialog, w.openDialog, w.folderDialog

	w.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Create", theme.DocumentSaveIcon(), w.createTab()),
		container.NewTabItemWithIcon("Restore", theme.DownloadIcon(), w.restoreTab()),
		container.NewTabItemWithIcon("Verify", theme.ConfirmIcon(), w.verifyTab()),
		container.NewTabItemWithIcon("Paper", theme.DocumentPrintIcon(), w.paperTab()),
		container.NewTabItemWithIcon("Export", theme.UploadIcon(), w.exportTab()),
	)
	w.tabs.OnSelected = func(t *container.TabItem) {
		if t.Text == "Verify" {
			w.reloadDrills()
		}
	}
	bottom := w.footer()
	w.win.SetContent(container.NewBorder(nil, bottom, nil, nil, w.tabs))
	w.win.Resize(fyne.NewSize(760, 600))
	w.refreshApply()
	return w
}

// run does one operation off the UI goroutine; show (may be nil) and the
// error report run back on it. The operation reports progress through the
// ProgressFunc it is given: Total 0 (scrypt) shows the indeterminate bar.
func (w *backupsWindow) run(what string, work func(ctx context.Context, progress backup.ProgressFunc) (show func(), err error)) {
	w.begin(what, false)
	progress := func(p backup.Progress) {
		fyne.Do(func() { w.showProgress(what, p) })
	}
	w.u.opts.Background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), backupCallTimeout)
		defer cancel()
		show, err := work(ctx, progress)
		fyne.Do(func() {
			ok := w.end(what, err, app.Explain(err), "done.")
			if !ok {
				w.offerRemedy(w.u.remedyButton(err))
			}
			w.refreshApply()
			if ok && show != nil {
				show()
			}
		})
	})
}

func (w *backupsWindow) showProgress(what string, p backup.Progress) {
	if !w.running {
		return
	}
	w.setFraction(p.Done, p.Total)
	if p.Stage != "" && p.Stage != backup.StageDone {
		w.status.SetText(what + ": " + string(p.Stage) + "…")
	}
}

func (w *backupsWindow) fail(what string, err error) {
	w.taskBar.fail(what, app.Explain(err))
	w.offerRemedy(w.u.remedyButton(err))
}

// restoreFrom shows the Restore tab and, when the failure named a backup,
// opens it there.
func (w *backupsWindow) restoreFrom(path string) {
	w.tabs.SelectIndex(tabRestoreBackup)
	if path != "" {
		w.previewRestore(path)
	}
}

// chooseIdentityFor asks for the age identity file the backup at path was
// made for, then opens the backup again with it: in a drill when the
// failure was on the Verify tab, else in a restore preview.
func (w *backupsWindow) chooseIdentityFor(path string) {
	fields, open := &w.restoreUnlock, w.previewRestore
	if w.tabs.SelectedIndex() == tabVerifyBackup {
		fields, open = &w.verifyUnlock, w.verifyBackup
	} else {
		w.tabs.SelectIndex(tabRestoreBackup)
	}
	w.chooseOpen("Choose the age identity file the backup was made for", func(id string) {
		fields.identity.SetText(id)
		if path != "" {
			open(path)
		}
	})
}

// saveDialog asks where to write a new file. Fyne's save dialog creates
// the file; app's writers are atomic and refuse to replace files, so the
// empty placeholder is removed before the path is handed on.
func (w *backupsWindow) saveDialog(title, name string, then func(string)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			w.fail(title, err)
			return
		}
		if wc == nil {
			return
		}
		path := wc.URI().Path()
		wc.Close()
		if info, err := os.Stat(path); err == nil && info.Size() == 0 {
			os.Remove(path)
		}
		then(path)
	}, w.win)
	d.SetTitleText(title)
	d.SetFileName(name)
	d.Show()
}

func (w *backupsWindow) openDialog(title string, then func(string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			w.fail(title, err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		then(path)
	}, w.win)
	d.SetTitleText(title)
	d.Show()
}

func (w *backupsWindow) folderDialog(title string, then func(string)) {
	d := dialog.NewFolderOpen(func(l fyne.ListableURI, err error) {
		if err != nil {
			w.fail(title, err)
			return
		}
		if l == nil {
			return
		}
		then(l.Path())
	}, w.win)
	d.SetTitleText(title)
	d.Show()
}

func (w *backupsWindow) today() string { return time.Now().Format("2006-01-02") }

// ---- Create ----

func (w *backupsWindow) createTab() fyne.CanvasObject {
	w.pass1 = widget.NewPasswordEntry()
	w.pass2 = widget.NewPasswordEntry()
	w.recipients = widget.NewMultiLineEntry()
	w.recipients.SetPlaceHolder("age1… (one public key a line)")
	w.recipients.SetMinRowsVisible(3)
	w.armor = widget.NewCheck("ASCII armor (text you can paste or print)", nil)
	w.encryption = widget.NewRadioGroup([]string{encPassphrase, encRecipients}, func(string) { w.encryptionChanged() })
	w.encryption.Horizontal = true
	w.encryption.Required = true
	w.encryption.SetSelected(encPassphrase)
	w.strength = newStrengthMeter()
	w.pass1.OnChanged = func(p string) { w.strength.update(p); w.clearStaleFailure() }
	w.pass2.OnChanged = func(string) { w.clearStaleFailure() }
	w.recipients.OnChanged = func(string) { w.clearStaleFailure() }
	create := w.button("Create backup…", theme.DocumentSaveIcon(), w.askCreate)
	create.Importance = widget.HighImportance
	w.created = para("A backup holds every account of the vault, encrypted with age, to a passphrase or to age public keys.")
	form := widget.NewForm(
		widget.NewFormItem("Encrypt to", w.encryption),
		widget.NewFormItem("Passphrase", w.pass1),
		widget.NewFormItem("", w.strength),
		widget.NewFormItem("Again", w.pass2),
		widget.NewFormItem("Recipients", w.recipients),
		widget.NewFormItem("", w.armor),
	)
	return container.NewVScroll(container.NewVBox(form, container.NewHBox(create), w.created))
}

func (w *backupsWindow) encryptionChanged() {
	if w.pass1 == nil {
		return
	}
	if w.encryption.Selected == encRecipients {
		w.pass1.Disable()
		w.pass2.Disable()
		w.recipients.Enable()
	} else {
		w.pass1.Enable()
		w.pass2.Enable()
		w.recipients.Disable()
	}
}

// clearStaleFailure removes a failure message once the person changes
// what it was about: it no longer describes the form.
func (w *backupsWindow) clearStaleFailure() {
	if !w.running && w.status.Importance == widget.DangerImportance {
		w.status.Importance = widget.MediumImportance
		w.status.SetText("")
	}
}

// createOptions reads the form; an error says what to fix.
func (w *backupsWindow) createOptions() (app.BackupOptions, error) {
	opts := app.BackupOptions{Armor: w.armor.Checked}
	if w.encryption.Selected == encRecipients {
		for _, line := range strings.Split(w.recipients.Text, "\n") {
			if s := strings.TrimSpace(line); s != "" {
				opts.Recipients = append(opts.Recipients, s)
			}
		}
		if len(opts.Recipients) == 0 {
			return opts, errors.New("enter at least one age recipient (age1…), one a line")
		}
		if _, err := app.ParseBackupRecipients(opts.Recipients); err != nil {
			return opts, err
		}
		return opts, nil
	}
	if w.pass1.Text == "" {
		return opts, errors.New("enter a passphrase for the backup, twice")
	}
	pass := []byte(w.pass1.Text)
	// The vault's rule: a backup holds every seed the vault does.
	if err := vault.PassphraseProblem(pass); err != nil {
		return opts, err
	}
	if w.pass1.Text != w.pass2.Text {
		return opts, errors.New("the two passphrases differ; type the same one twice")
	}
	opts.Passphrase = func() ([]byte, error) { return pass, nil }
	return opts, nil
}

// vaultClosed says, before any file picker, that what was asked for needs
// the vault open, and reports whether it did.
func (w *backupsWindow) vaultClosed(what string) bool {
	msg := w.u.vaultNeeded()
	if msg == "" {
		return false
	}
	w.status.Importance = widget.WarningImportance
	w.status.SetText(what + ": " + msg)
	return true
}

func (w *backupsWindow) askCreate() {
	if w.vaultClosed("Backup") {
		return
	}
	if _, err := w.createOptions(); err != nil {
		w.fail("Backup", err)
		return
	}
	ext := ".age"
	if w.armor.Checked {
		ext = ".age.txt"
	}
	w.chooseSave("Save the backup", "sparekey-backup-"+w.today()+ext, w.createBackup)
}

// createBackup writes the backup the form describes to path.
func (w *backupsWindow) createBackup(path string) {
	opts, err := w.createOptions()
	if err != nil {
		w.fail("Backup", err)
		return
	}
	w.run("Creating the backup", func(ctx context.Context, progress backup.ProgressFunc) (func(), error) {
		opts.Progress = progress
		res, err := w.u.core.CreateBackup(ctx, path, opts)
		if err != nil {
			return nil, err
		}
		return func() {
			w.pass1.SetText("")
			w.pass2.SetText("")
			w.created.SetText(fmt.Sprintf("Backed up %d accounts to %s\nSHA-256: %s", res.Accounts, res.Path, res.SHA256))
		}, nil
	})
}

// ---- Restore ----

// unlockFields say how to open a backup: its passphrase, or an age
// identity file (the vault's own key is always tried as well).
type unlockFields struct {
	pass     *widget.Entry
	identity *widget.Entry
}

func (w *backupsWindow) unlockForm(f *unlockFields) fyne.CanvasObject {
	f.pass = widget.NewPasswordEntry()
	f.pass.SetPlaceHolder("only for a passphrase backup")
	f.identity = widget.NewEntry()
	f.identity.SetPlaceHolder("age identity file (the vault's own key is always tried)")
	browse := w.button("", theme.FolderOpenIcon(), func() {
		w.chooseOpen("Choose an age identity file", func(p string) { f.identity.SetText(p) })
	})
	return widget.NewForm(
		widget.NewFormItem("Passphrase", f.pass),
		widget.NewFormItem("Identity file", container.NewBorder(nil, nil, nil, browse, f.identity)),
	)
}

// source reads the unlock fields on the UI goroutine.
func (f *unlockFields) source(path string) app.RestoreSource {
	src := app.RestoreSource{Path: path}
	if pass := f.pass.Text; pass != "" {
		b := []byte(pass)
		src.Passphrase = func() ([]byte, error) { return b, nil }
	} else {
		src.Passphrase = func() ([]byte, error) {
			return nil, fmt.Errorf("%w: type it in the Passphrase field and open the backup again", backup.ErrNoPassphrase)
		}
	}
	if id := strings.TrimSpace(f.identity.Text); id != "" {
		src.IdentityFiles = []string{id}
	}
	return src
}

func (w *backupsWindow) restoreTab() fyne.CanvasObject {
	open := w.button("Open backup…", theme.FolderOpenIcon(), func() {
		w.chooseOpen("Open a backup to restore", w.previewRestore)
	})
	open.Importance = widget.HighImportance
	w.updateChanged = widget.NewCheck("Also update changed accounts (same key, other details)", nil)
	w.apply = widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), w.applyRestore)
	w.apply.Importance = widget.HighImportance
	w.restoreResult = para("")
	w.previewBody = container.NewVBox(para("Open a backup to see what it would add. Nothing changes until you press Apply, and then only new accounts are added unless you also choose to update changed ones."))
	top := container.NewVBox(w.unlockForm(&w.restoreUnlock), container.NewHBox(open))
	bottom := container.NewVBox(widget.NewSeparator(), w.updateChanged, container.NewHBox(w.apply), w.restoreResult)
	return container.NewBorder(top, bottom, nil, nil, container.NewVScroll(w.previewBody))
}

func (w *backupsWindow) refreshApply() {
	if w.apply == nil {
		return
	}
	if w.preview == nil || w.running {
		w.apply.Disable()
	} else {
		w.apply.Enable()
	}
}

// previewRestore opens the backup at path and shows what restoring it
// would do; the vault is not touched.
func (w *backupsWindow) previewRestore(path string) {
	src := w.restoreUnlock.source(path)
	w.preview = nil
	w.restoreResult.SetText("")
	w.run("Opening the backup", func(ctx context.Context, progress backup.ProgressFunc) (func(), error) {
		src.Progress = progress
		p, err := w.u.core.PreviewRestore(ctx, src)
		if errors.Is(err, backup.ErrNoPassphrase) && w.restoreUnlock.pass.Text == "" {
			// A passphrase backup opened without one: ask, then try again.
			return func() { w.askRestorePassphrase(path) }, nil
		}
		if err != nil {
			return nil, err
		}
		return func() {
			w.preview = p
			w.showPreview(p)
			w.refreshApply()
		}, nil
	})
}

// askRestorePassphrase asks for the passphrase of the backup at path and
// opens it again with it.
func (w *backupsWindow) askRestorePassphrase(path string) {
	w.status.SetText("This backup is protected by a passphrase.")
	pass := widget.NewPasswordEntry()
	d := dialog.NewForm("Passphrase of the backup", "Open", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Passphrase", pass)},
		func(ok bool) {
			if ok && pass.Text != "" {
				w.restoreUnlock.pass.SetText(pass.Text)
				w.previewRestore(path)
			}
		}, w.win)
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
	w.win.Canvas().Focus(pass)
}

func (w *backupsWindow) showPreview(p *app.RestorePreview) {
	c := p.Counts
	objs := []fyne.CanvasObject{
		heading(fmt.Sprintf("%d accounts in the backup", len(p.Items))),
		para(fmt.Sprintf("New: %d · identical: %d · changed: %d · conflicting: %d",
			c[vault.MergeNew], c[vault.MergeIdentical], c[vault.MergeChanged], c[vault.MergeConflict])),
	}
	weights := []float32{1, 4, 3}
	row := func(cells ...fyne.CanvasObject) fyne.CanvasObject {
		return container.New(&columnsLayout{weights: weights}, cells...)
	}
	bold := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	objs = append(objs, row(bold("Status"), bold("Account"), bold("Differences")))
	for _, it := range p.Items {
		diff := strings.Join(it.Differences, ", ")
		if it.Status == vault.MergeConflict {
			diff = "same name, another key"
		}
		name := widget.NewLabel(shownLabel(it.Incoming))
		name.Wrapping = fyne.TextWrapWord
		objs = append(objs, row(widget.NewLabel(it.Status.String()), name, widget.NewLabel(diff)))
	}
	for _, inv := range p.Invalid {
		objs = append(objs, para("Cannot be restored: "+inv.String()))
	}
	setObjects(w.previewBody, objs...)
}

// restoreChoice maps the checkbox to the per-item choice: changed accounts
// are updated only when asked; conflicts are always left alone here.
func restoreChoice(updateChanged bool) func(vault.MergeItem) vault.MergeChoice {
	if !updateChanged {
		return nil
	}
	return func(it vault.MergeItem) vault.MergeChoice {
		if it.Status == vault.MergeChanged {
			return vault.ChooseUpdate
		}
		return vault.ChooseDefault
	}
}

func (w *backupsWindow) applyRestore() {
	p := w.preview
	if p == nil {
		w.restoreResult.SetText("Open a backup first; then its preview can be applied.")
		return
	}
	choose := restoreChoice(w.updateChanged.Checked)
	w.run("Restoring", func(context.Context, backup.ProgressFunc) (func(), error) {
		res, err := w.u.core.ApplyRestore(p, choose)
		if err != nil {
			return nil, err
		}
		return func() {
			w.preview = nil
			w.refreshApply()
			w.restoreResult.SetText("Restored: " + res.String() + ".")
		}, nil
	})
}

// ---- Verify ----

func (w *backupsWindow) verifyTab() fyne.CanvasObject {
	open := w.button("Verify a backup…", theme.ConfirmIcon(), func() {
		w.chooseOpen("Open a backup to verify", w.verifyBackup)
	})
	open.Importance = widget.HighImportance
	refresh := w.button("Refresh", theme.ViewRefreshIcon(), w.reloadDrills)
	w.verifyResult = para("A restore drill decrypts a backup and compares it with the vault without importing anything; the result is remembered (without secrets).")
	w.drills = container.NewVBox()
	top := container.NewVBox(w.unlockForm(&w.verifyUnlock), container.NewHBox(open, refresh), w.verifyResult, widget.NewSeparator())
	return container.NewBorder(top, nil, nil, nil, container.NewVScroll(w.drills))
}

func (w *backupsWindow) verifyBackup(path string) {
	src := w.verifyUnlock.source(path)
	w.run("Verifying the backup", func(ctx context.Context, progress backup.ProgressFunc) (func(), error) {
		src.Progress = progress
		res, err := w.u.core.VerifyBackup(ctx, src)
		if err != nil && res.Backup == nil {
			return nil, err
		}
		return func() {
			w.verifyResult.SetText(verifyText(res, err))
			w.reloadDrills()
		}, nil
	})
}

func verifyText(res app.VerifyResult, err error) string {
	c := res.Comparison
	verdict := "Complete: restoring it brings back every account of the vault."
	if !c.Complete() {
		verdict = "Incomplete: restoring it would not bring back every account of the vault."
	}
	s := fmt.Sprintf("%s\n%d accounts in the backup: %s.\n%s", res.Backup.Path, len(res.Backup.Accounts), c.Summary(), verdict)
	for _, a := range c.Missing {
		s += "\nNot in the backup: " + shownLabel(a)
	}
	if err != nil {
		s += "\nNote: " + app.Explain(err)
	}
	return s
}

// reloadDrills lists the automatic backups and the recorded drills. The
// files are small, so this reads them on the UI goroutine.
func (w *backupsWindow) reloadDrills() {
	var objs []fyne.CanvasObject
	autos, err := w.u.core.AutoBackups()
	switch {
	case err != nil:
		objs = append(objs, para("Automatic backups cannot be listed: "+app.Explain(err)))
	case len(autos) == 0:
		objs = append(objs, para("No automatic backups (choose a folder in Settings to have every change backed up)."))
	default:
		objs = append(objs, heading("Automatic backups"))
		for _, f := range autos {
			verified := "never verified"
			if f.Verified != nil {
				verified = "verified " + f.Verified.VerifiedAt.Local().Format("2006-01-02 15:04")
				if !f.Verified.OK {
					verified += " (failed)"
				}
			}
			path := f.Path
			verify := widget.NewButtonWithIcon("Verify", theme.ConfirmIcon(), func() {
				if !w.running {
					w.verifyBackup(path)
				}
			})
			objs = append(objs, container.NewBorder(nil, nil, nil, verify,
				widget.NewLabel(fmt.Sprintf("%s — %s", f.Name, verified))))
		}
	}
	recs, err := w.u.core.BackupVerifications()
	if err == nil && len(recs) > 0 {
		objs = append(objs, heading("Restore drills"))
		for _, r := range recs {
			result := "OK"
			if !r.OK {
				result = "FAILED"
			}
			line := fmt.Sprintf("%s  %s  %s, %d accounts", r.VerifiedAt.Local().Format("2006-01-02 15:04"), r.File, result, r.Accounts)
			if r.Summary != "" {
				line += ": " + r.Summary
			}
			if r.Problem != "" {
				line += " — " + r.Problem
			}
			objs = append(objs, para(line))
		}
	}
	setObjects(w.drills, objs...)
}

// ---- Paper ----

func (w *backupsWindow) paperTab() fyne.CanvasObject {
	w.page = widget.NewRadioGroup([]string{"A4", "Letter"}, nil)
	w.page.Horizontal = true
	w.page.Required = true
	w.page.SetSelected("A4")
	w.onlyAWS = widget.NewCheck("Only accounts bound to AWS MFA devices", nil)
	warning := para(plaintextWarning)
	warning.Importance = widget.WarningImportance
	save := w.button("Save PDF…", theme.DocumentPrintIcon(), w.askPaper)
	save.Importance = widget.HighImportance
	w.printed = para("")
	form := widget.NewForm(widget.NewFormItem("Page", w.page), widget.NewFormItem("", w.onlyAWS))
	return container.NewVScroll(container.NewVBox(warning, form, container.NewHBox(save), w.printed))
}

// askPaper repeats the warning before anything is written.
func (w *backupsWindow) askPaper() {
	if w.vaultClosed("Paper backup") {
		return
	}
	dialog.ShowCustomConfirm("Paper backup", "Continue", "Cancel", para(plaintextWarning), func(ok bool) {
		if ok {
			w.chooseSave("Save the paper backup", "sparekey-paper-"+w.today()+".pdf", w.paperBackup)
		}
	}, w.win)
}

func (w *backupsWindow) paperBackup(path string) {
	opts := app.PaperOptions{Page: paper.A4, OnlyAWS: w.onlyAWS.Checked}
	if w.page.Selected == "Letter" {
		opts.Page = paper.Letter
	}
	w.run("Writing the paper backup", func(ctx context.Context, progress backup.ProgressFunc) (func(), error) {
		opts.Progress = progress
		n, err := w.u.core.PaperBackup(ctx, path, opts)
		if err != nil {
			return nil, err
		}
		return func() {
			w.printed.SetText(fmt.Sprintf("Wrote %d accounts to %s. Print it, then delete the file.", n, path))
		}, nil
	})
}

// ---- Export ----

func (w *backupsWindow) exportTab() fyne.CanvasObject {
	w.format = widget.NewSelect([]string{formatURIs, formatAegis, formatGoogleQR}, nil)
	w.format.SetSelected(formatURIs)
	// Export stays disabled until the acknowledgement is ticked: it used
	// to be clickable and then answer "Export failed".
	export := widget.NewButtonWithIcon("Export…", theme.UploadIcon(), w.askExport)
	export.Importance = widget.HighImportance
	export.Disable()
	show := widget.NewButtonWithIcon("Show Google codes on screen", theme.VisibilityIcon(), w.showGoogleCodes)
	show.Disable()
	w.ack = widget.NewCheck("I understand this file is not encrypted", func(ok bool) {
		for _, b := range []*widget.Button{export, show} {
			if ok {
				b.Enable()
			} else {
				b.Disable()
			}
		}
		w.clearStaleFailure()
	})
	warning := para(exportWarning)
	warning.Importance = widget.WarningImportance
	w.exported = para("")
	form := widget.NewForm(widget.NewFormItem("Format", w.format), widget.NewFormItem("", w.ack))
	return container.NewVScroll(container.NewVBox(warning, form, container.NewHBox(export, show), w.exported))
}

func (w *backupsWindow) exportFormat() app.ExportFormat {
	switch w.format.Selected {
	case formatAegis:
		return app.ExportAegis
	case formatGoogleQR:
		return app.ExportGoogleQR
	}
	return app.ExportURIs
}

// errExportNotAcknowledged is the window's wording of
// app.ErrPlaintextNotAcknowledged (which names the CLI flag).
var errExportNotAcknowledged = errors.New("every export holds your secrets unencrypted; tick \"I understand this file is not encrypted\" first, keep the file offline and delete it when done")

func (w *backupsWindow) askExport() {
	if w.vaultClosed("Export") {
		return
	}
	if !w.ack.Checked || w.running {
		return // the button is disabled then; a shortcut may still get here
	}
	switch f := w.exportFormat(); f {
	case app.ExportGoogleQR:
		w.chooseFolder("Choose an empty folder for the QR pictures", w.export)
	case app.ExportAegis:
		w.chooseSave("Save the export", "sparekey-aegis-"+w.today()+".json", w.export)
	default:
		w.chooseSave("Save the export", "sparekey-otpauth-"+w.today()+".txt", w.export)
	}
}

// export writes the chosen format to out (a file, or a folder for
// google-qr). The acknowledgement is passed as is: app refuses without it.
func (w *backupsWindow) export(out string) {
	opts := app.ExportOptions{Format: w.exportFormat(), Out: out, PlaintextAcknowledged: w.ack.Checked}
	w.run("Exporting", func(context.Context, backup.ProgressFunc) (func(), error) {
		rep, err := w.u.core.Export(opts)
		if err != nil {
			return nil, err
		}
		return func() {
			s := fmt.Sprintf("Exported %d accounts to:\n%s\nDelete it once the other app has read it.", rep.Exported, strings.Join(rep.Files, "\n"))
			for _, p := range rep.NotExportable {
				s += "\nLeft out: " + p.String()
			}
			w.exported.SetText(s)
		}, nil
	})
}

// showGoogleCodes shows the transfer QR codes one after another, without
// writing anything to disk.
func (w *backupsWindow) showGoogleCodes() {
	if !w.ack.Checked {
		w.fail("Google Authenticator codes", errExportNotAcknowledged)
		return
	}
	w.run("Making the Google Authenticator codes", func(context.Context, backup.ProgressFunc) (func(), error) {
		gt, err := w.u.core.GoogleTransferCodes(nil)
		if err != nil {
			return nil, err
		}
		if len(gt.PNGs) == 0 {
			return nil, errors.New("none of these accounts can be held by Google Authenticator")
		}
		return func() { w.showQRSequence(gt) }, nil
	})
}

func (w *backupsWindow) showQRSequence(gt *app.GoogleTransfer) {
	i := 0
	img := canvas.NewImageFromResource(nil)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(320, 320))
	caption := widget.NewLabel("")
	var prev, next *widget.Button
	update := func() {
		img.Resource = fyne.NewStaticResource(fmt.Sprintf("google-authenticator-%d.png", i+1), gt.PNGs[i])
		img.Refresh()
		caption.SetText(fmt.Sprintf("Code %d of %d: scan it in Google Authenticator (Transfer accounts › Import)", i+1, len(gt.PNGs)))
		if i == 0 {
			prev.Disable()
		} else {
			prev.Enable()
		}
		if i == len(gt.PNGs)-1 {
			next.Disable()
		} else {
			next.Enable()
		}
	}
	prev = widget.NewButtonWithIcon("Previous", theme.NavigateBackIcon(), func() { i--; update() })
	next = widget.NewButtonWithIcon("Next", theme.NavigateNextIcon(), func() { i++; update() })
	update()
	var extra []fyne.CanvasObject
	for _, p := range gt.NotExportable {
		extra = append(extra, para("Left out: "+p.String()))
	}
	body := container.NewVBox(append([]fyne.CanvasObject{img, caption, container.NewHBox(prev, next)}, extra...)...)
	d := dialog.NewCustom("Google Authenticator transfer", "Close", body, w.win)
	d.Show()
}
