package ui

import (
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// remedyAction is how the window offers an error's remedy (app.Remedy):
// a button's label and what it does. ok is false for remedies the window
// has no place for (the command line prints those as commands); the
// error's explanation then stands alone, naming no command.
func (u *UI) remedyAction(r vault.Remedy) (label string, do func(), ok bool) {
	switch r {
	case vault.RemedyImport:
		return "Import…", u.showImport, true
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
		return "Open Backups…", func() { u.showBackups() }, true
	}
	return "", nil, false
}

// remedyButton is a button offering err's remedy, or nil.
func (u *UI) remedyButton(err error) *widget.Button {
	label, do, ok := u.remedyAction(app.Remedy(err))
	if !ok {
		return nil
	}
	return widget.NewButtonWithIcon(label, theme.NavigateNextIcon(), do)
}
