package ui

import "fyne.io/fyne/v2/widget"

// Locking puts the main window behind the unlock screen, but the AWS window
// and the recovery wizard stay open: what they show that came from the vault
// (vault account names, which seeds are held, codes, a pasted setup link)
// must go with the lock, while the work that came from AWS stays.

// vaultLocked clears vault data from every secondary window (UI goroutine).
func (u *UI) vaultLocked() {
	if w := awsWindows[u]; w != nil {
		w.vaultLocked()
	}
	if w := u.recovery; w != nil {
		w.vaultLocked()
	}
}

func (w *awsWindow) vaultLocked() {
	// The table's "seed held" column came from the vault.
	setObjects(w.devices, para("The vault locked, so the device list was cleared. Unlock it and list again."))
	w.enrollResult.SetText("The vault locked: the last enrollment's result was cleared.")
	w.resyncResult.SetText("Resync tells AWS where a drifted device is now, with two consecutive codes Sparekey computes.")
	w.reloadResyncChoices() // a locked vault offers none
}

func (w *recoveryWizard) vaultLocked() {
	if w.outcome != nil && len(w.outcome.Codes) > 0 {
		w.outcome.Codes = nil
	}
	in := w.inputs
	for _, secret := range []*widget.Entry{in.code1, in.code2, in.setupURI} {
		if secret != nil {
			secret.SetText("")
		}
	}
	w.render()
}
