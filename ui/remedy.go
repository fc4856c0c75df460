package ui

import (
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// Backups window tabs, in the order newBackupsWindow makes them.
const (
	tabCreateBackup = iota
	tabRestoreBackup
	tabVerifyBackup
	tabPaperBackup
	tabExport
)

// remedyAction is how the window offers an error's remedy (app.Remedy):
// a button's label and what it does, acting on what the error names
// (app.RemedyArgs: the file, the device) when it names it. ok is false for
// remedies the window has no place for (the command line prints those as
// commands); the error's explanation then stands alone, naming no command.
func (u *UI) remedyAction(r vault.Remedy, args vault.RemedyArgs) (label string, do func(), ok bool) {
	switch r {
	case vault.RemedyImport:
		return "Import…", u.showImport, true
	case vault.RemedyImportWithPassword:
		if args.File == "" {
			return "Import…", u.showImport, true
		}
		return "Import it with its password…", func() { u.previewImport(args.File) }, true
	case vault.RemedyEnterSecret:
		return "Enter the key instead", func() {
			if u.adding != nil {
				u.adding.showManual()
			}
		}, u.adding != nil
	case vault.RemedyDeleteOrphans, vault.RemedyListOrphans:
		return "Show the orphans", func() { u.showAWS(tabOrphans).findOrphans() }, true
	case vault.RemedyResync, vault.RemedyEnroll:
		return "Open Enroll & resync", func() { u.showAWS(tabEnroll) }, true
	case vault.RemedyListDevices, vault.RemedyReplaceDevice:
		return "Show the devices", func() { u.showAWS(tabDevices).listDevices() }, true
	case vault.RemedyRestoreBackup:
		return "Open Backups…", func() { u.showBackups().restoreFrom(args.File) }, true
	case vault.RemedyBackupIdentity:
		return "Choose the key it was made for…", func() { u.showBackups().chooseIdentityFor(args.File) }, true
	case vault.RemedyBackupToRecipients:
		return "Make a backup to these keys…", func() {
			w := u.showBackups()
			w.tabs.SelectIndex(tabCreateBackup)
			w.encryption.SetSelected(encRecipients)
		}, true
	case vault.RemedyAcknowledgePlaintext:
		return "Open Export…", func() { u.showBackups().tabs.SelectIndex(tabExport) }, true
	}
	return "", nil, false
}

// remedyButton is a button offering err's remedy, or nil.
func (u *UI) remedyButton(err error) *widget.Button {
	label, do, ok := u.remedyAction(app.Remedy(err), app.RemedyArgs(err))
	if !ok {
		return nil
	}
	return widget.NewButtonWithIcon(label, theme.NavigateNextIcon(), do)
}
