package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
)

// Screens for features that live in other parts of package app: imports
// (app/transfer.go) and automatic backups (app/backup.go). They stay thin:
// pick a file or a folder, show app's preview or status, forward the
// choice. The AWS chores (app/aws.go) and the recovery guide have windows
// of their own (aws.go, guide.go).

// extraMenuItems are the Sparekey menu entries of those features, and
// those of them that need the vault open. Backups… does not: restoring
// and verifying work before a vault exists.
func (u *UI) extraMenuItems() (items, needVault []*fyne.MenuItem) {
	imp := fyne.NewMenuItemWithIcon("Import from another app…", theme.DownloadIcon(), u.showImport)
	now := fyne.NewMenuItemWithIcon("Back up now", theme.DocumentSaveIcon(), u.backupNow)
	backups := fyne.NewMenuItemWithIcon("Backups…", theme.StorageIcon(), func() { u.showBackups() })
	return []*fyne.MenuItem{imp, now, backups}, []*fyne.MenuItem{imp, now}
}

// extraMenus are whole menus of those features.
func (u *UI) extraMenus() []*fyne.Menu {
	aws := fyne.NewMenuItem("AWS MFA devices…", func() { u.showAWS(tabWhoAmI) })
	wizard := fyne.NewMenuItem("Recovery wizard…", func() { u.showRecoveryWizard() })
	guide := fyne.NewMenuItem("Recovery guide…", func() { u.showGuide() })
	ready := fyne.NewMenuItem("Readiness…", u.showReadiness)
	return []*fyne.Menu{fyne.NewMenu("AWS", aws, wizard, guide, ready)}
}

func (u *UI) hasImport() bool { return true }

// showImport picks an export file, previews what it would add and adds the
// new accounts. Nothing existing is overwritten from here.
func (u *UI) showImport() {
	if msg := u.vaultNeeded(); msg != "" {
		u.status.show(msg, 8*time.Second)
		return
	}
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			u.status.show(err.Error(), 6*time.Second)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		u.previewImport(path)
	}, u.win)
	u.openDialog(fd, nil)
}

// previewImport reads the export off the UI goroutine (an encrypted one
// costs a KDF) and asks for its password on the UI goroutine when needed.
func (u *UI) previewImport(path string) {
	u.status.show("Reading "+path+"…", 30*time.Second)
	password := func(file string) ([]byte, error) {
		ch := make(chan []byte, 1)
		fyne.Do(func() { u.askImportPassword(file, ch) })
		pw := <-ch
		if pw == nil {
			return nil, fmt.Errorf("no password given")
		}
		return pw, nil
	}
	u.opts.Background(func() {
		p, err := u.core.PreviewImportFiles([]string{path}, password)
		fyne.Do(func() {
			u.status.clear()
			if err != nil {
				u.openDialog(dialog.NewCustom("Nothing was imported", "Close", u.pathsPara(app.ExplainImport(err)), u.win), nil)
				return
			}
			u.showImportPreview(p)
		})
	})
}

func (u *UI) askImportPassword(file string, ch chan<- []byte) {
	pw := widget.NewPasswordEntry()
	d := dialog.NewForm("Password of the export", "Open", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Password", pw)},
		func(ok bool) {
			if ok {
				ch <- []byte(pw.Text)
			} else {
				ch <- nil
			}
		}, u.win)
	pw.OnSubmitted = func(string) { d.Submit() } // Enter opens, as in every one-field form
	u.openDialog(d, nil)
	d.Resize(fyne.NewSize(420, 0))
	u.win.Canvas().Focus(pw)
	_ = file
}

func (u *UI) showImportPreview(p *app.ImportPreview) {
	n := p.Count(vault.MergeNew)
	lines := []string{fmt.Sprintf("%s (%s): %d accounts read.", p.Result.Source, p.Result.Format, len(p.Result.Accounts))}
	lines = append(lines, fmt.Sprintf("New: %d · already here: %d · same key, other details: %d · same name, other key: %d",
		n, p.Count(vault.MergeIdentical), p.Count(vault.MergeChanged), p.Count(vault.MergeConflict)))
	for _, s := range p.Result.Skipped {
		lines = append(lines, "Not read: "+vault.EscapeText(s.String()))
	}
	// Names that lost invisible or direction-changing characters on the
	// way in: said, so the change is not silent.
	for _, c := range p.Result.Cleaned {
		lines = append(lines, "Cleaned: "+vault.EscapeText(c.String()))
	}
	for _, m := range p.Result.MissingBatchParts {
		lines = append(lines, m.String())
	}
	if p.Count(vault.MergeChanged)+p.Count(vault.MergeConflict) > 0 {
		lines = append(lines, "Accounts already in the vault are left as they are.")
	}
	text := para(strings.Join(lines, "\n"))
	if n == 0 {
		u.openDialog(dialog.NewCustom("Nothing new to import", "Close", text, u.win), nil)
		return
	}
	u.confirm("Import accounts", fmt.Sprintf("Add %d new", n), "Cancel", text, func(ok bool) {
		if !ok {
			return
		}
		res, err := u.core.ApplyImport(p, nil)
		if err != nil {
			u.status.show(app.ExplainImport(err), 8*time.Second)
			return
		}
		u.status.show("Imported: "+res.String()+".", 6*time.Second)
	})
}

// backupNow writes an automatic backup at once, or says how to set them up.
func (u *UI) backupNow() {
	if msg := u.vaultNeeded(); msg != "" {
		u.status.show(msg, 8*time.Second)
		return
	}
	if u.core.Settings().BackupDir == "" {
		u.status.show("Choose a backup folder in Settings first; then every change is backed up, encrypted.", 8*time.Second)
		return
	}
	u.opts.Background(func() {
		err := u.core.BackupNow()
		fyne.Do(func() {
			if err != nil {
				u.status.show(app.ExplainBackup(err), 8*time.Second)
				return
			}
			u.status.show("Backed up to "+u.core.Settings().BackupDir+".", 5*time.Second)
		})
	})
}

// startBackups runs automatic backups while the vault is open and reports
// their trouble in the status strip.
func (u *UI) startBackups() {
	if u.core.Settings().BackupDir == "" {
		return
	}
	if !u.backupHooked {
		u.backupHooked = true
		u.core.OnAutoBackupStatus(func(s backup.AutoStatus) {
			if w := s.Warning(); w != "" {
				fyne.Do(func() { u.status.show(capitalize(w)+".", 10*time.Second) })
			}
		})
	}
	if err := u.core.StartAutoBackup(); err != nil {
		u.status.show(app.ExplainBackup(err), 10*time.Second)
	}
}

// applyBackupFolder saves the automatic backup folder chosen in Settings.
func (u *UI) applyBackupFolder(dir string, keep int) error {
	if strings.TrimSpace(dir) == "" {
		return u.core.DisableAutoBackup()
	}
	return u.core.ConfigureAutoBackup(app.AutoBackupConfig{Dir: dir, Keep: keep, Recipients: u.core.Settings().BackupRecipients})
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
