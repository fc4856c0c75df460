package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/vault"
)

// The screens shown before any account: first run and locked.

// centered puts a column of a readable width in the middle of the window.
func centered(objs ...fyne.CanvasObject) fyne.CanvasObject {
	col := container.NewVBox(objs...)
	return container.NewPadded(container.NewCenter(container.New(&maxWidth{width: 420}, col)))
}

// maxWidth lays out its children at least width wide (the centre layout
// would otherwise squeeze wrapped labels to their narrowest).
type maxWidth struct{ width float32 }

func (m *maxWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = fyne.Max(h, o.MinSize().Height)
	}
	return fyne.NewSize(m.width, h)
}

func (m *maxWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

func para(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// firstRunScreen creates the vault: in the keyring when it works, else
// behind a passphrase the user chooses (asked twice).
func (u *UI) firstRunScreen() fyne.CanvasObject {
	path := u.core.Paths().Vault
	intro := para("Sparekey keeps the secrets behind your two-factor codes in an encrypted vault on this computer:\n" + breakablePaths(path))
	problem := para("")
	problem.Importance = widget.DangerImportance
	problem.Hide()
	progress := widget.NewProgressBarInfinite()
	progress.Stop()
	progress.Hide()

	pass1 := widget.NewPasswordEntry()
	pass1.SetPlaceHolder("New passphrase (at least 8 characters)")
	pass2 := widget.NewPasswordEntry()
	pass2.SetPlaceHolder("The same passphrase again")
	strength := newStrengthMeter()
	passHint := para("Nobody can recover this passphrase for you. Write it down somewhere safe; without it the vault (and its backups made with it) cannot be opened.")
	passHint.Importance = widget.LowImportance

	var createKeyring, createPass *widget.Button
	busy := func(on bool) {
		if on {
			progress.Show()
			progress.Start()
			createKeyring.Disable()
			createPass.Disable()
		} else {
			progress.Stop()
			progress.Hide()
			createKeyring.Enable()
			createPass.Enable()
		}
	}
	passBox := container.NewVBox(widget.NewSeparator(), heading("Protect it with a passphrase"), pass1, strength, pass2, passHint)
	createPass = widget.NewButtonWithIcon("Create the vault with this passphrase", theme.ConfirmIcon(), nil)
	createPass.Importance = widget.HighImportance
	passBox.Add(createPass)
	passBox.Hide()

	createKeyring = widget.NewButtonWithIcon("Create the vault", theme.ConfirmIcon(), func() {
		problem.Hide()
		busy(true)
		u.createVault(nil, func(err error) {
			busy(false)
			if err == nil {
				return
			}
			problem.SetText(errorText(err))
			problem.Show()
			if errors.Is(err, vault.ErrKeyringUnavailable) || errors.Is(err, vault.ErrKeyringTimeout) {
				passBox.Show()
				u.win.Canvas().Focus(pass1)
			}
		})
	})
	createKeyring.Importance = widget.HighImportance
	usePass := widget.NewButton("Use a passphrase instead", func() {
		passBox.Show()
		u.win.Canvas().Focus(pass1)
	})
	usePass.Importance = widget.LowImportance
	// Someone locked out of AWS may arrive here first: recovery needs no vault.
	lockedOut := widget.NewButtonWithIcon("Locked out?", theme.HelpIcon(), func() { u.showRecoveryWizard() })
	lockedOut.Importance = widget.LowImportance

	passProblem := false // problem is about the passphrases typed
	createPass.OnTapped = func() {
		p1, p2 := pass1.Text, pass2.Text
		passProblem = true
		switch {
		case vault.PassphraseProblem([]byte(p1)) != nil:
			problem.SetText(errorText(vault.PassphraseProblem([]byte(p1))))
		case p1 != p2:
			problem.SetText("The two passphrases differ. Type the same one twice; nothing was created.")
		default:
			problem.Hide()
			busy(true)
			u.createVault(func() ([]byte, error) { return []byte(p1), nil }, func(err error) {
				busy(false)
				if err != nil {
					problem.SetText(errorText(err))
					problem.Show()
					return
				}
				pass1.SetText("")
				pass2.SetText("")
			})
			return
		}
		problem.Show()
	}
	pass2.OnSubmitted = func(string) { createPass.OnTapped() }
	// A problem that no longer holds is cleared as soon as the passphrase
	// changes, not left to contradict the strength line.
	clearPassProblem := func() {
		if passProblem {
			passProblem = false
			problem.Hide()
		}
	}
	pass1.OnChanged = func(p string) { strength.update(p); clearPassProblem() }
	pass2.OnChanged = func(string) { clearPassProblem() }

	return container.NewVScroll(centered(
		heading("Welcome to Sparekey"),
		intro,
		para("Its key will be kept in your system keyring, so the vault opens when you log in. After that, add your first account: scan the QR code a website shows, paste its otpauth link, or import an export from another authenticator app."),
		container.NewHBox(createKeyring, usePass),
		progress,
		problem,
		passBox,
		container.NewHBox(lockedOut),
	))
}

// unlockScreen opens a locked vault: a passphrase form, or for a keyring
// vault a retry button and the keyring's state when it is why the vault
// stays locked.
func (u *UI) unlockScreen(mode vault.Mode) fyne.CanvasObject {
	problem := para("")
	problem.Importance = widget.DangerImportance
	problem.Hide()
	progress := widget.NewProgressBarInfinite()
	progress.Stop()
	progress.Hide()
	busy := func(on bool) {
		if on {
			progress.Show()
			progress.Start()
		} else {
			progress.Stop()
			progress.Hide()
		}
	}
	path := para("Vault: " + u.core.Paths().Vault)
	path.Importance = widget.LowImportance
	icon := widget.NewIcon(theme.NewThemedResource(lockIcon))
	// remedy holds a button that fixes the last failure (a damaged vault:
	// Open Backups…), when the window has one.
	remedy := container.NewHBox()
	offer := func(err error) {
		remedy.RemoveAll()
		if b := u.remedyButton(err); b != nil {
			remedy.Add(b)
		}
	}

	if mode == vault.ModeKeyring {
		var retry *widget.Button
		keyringFailed := func(err error) {
			problem.SetText("The system keyring did not give the vault's key. " + errorText(err))
			problem.Show()
			offer(err)
		}
		try := func() {
			problem.Hide()
			busy(true)
			retry.Disable()
			u.unlock(nil, func(err error) {
				busy(false)
				retry.Enable()
				if err != nil {
					keyringFailed(err)
				}
			})
		}
		retry = widget.NewButtonWithIcon("Unlock", theme.LoginIcon(), try)
		retry.Importance = widget.HighImportance
		u.screenReturn = func() {
			if !retry.Disabled() {
				try()
			}
		}
		switch {
		case u.opts.Unlocking != nil:
			u.afterShow = u.awaitUnlock(busy, retry.Disable, retry.Enable, keyringFailed)
		case u.opts.UnlockErr != nil:
			keyringFailed(u.opts.UnlockErr)
			u.opts.UnlockErr = nil
		case !u.lockedByUser():
			// The keyring usually answers without asking anything: try at
			// once unless this screen follows an explicit lock.
			u.afterShow = try
		}
		return centered(
			container.NewCenter(icon),
			heading("Sparekey is locked"),
			para("This vault's key is kept in the system keyring."),
			retry, progress, problem, remedy, path,
		)
	}

	pass := widget.NewPasswordEntry()
	pass.SetPlaceHolder("Passphrase")
	var unlock *widget.Button
	submit := func() {
		if pass.Text == "" {
			problem.SetText("Enter the vault's passphrase.")
			problem.Show()
			return
		}
		problem.Importance = widget.MediumImportance
		problem.SetText("Unlocking…")
		problem.Show()
		busy(true)
		unlock.Disable()
		pass.Disable()
		p := pass.Text
		u.unlock(func() ([]byte, error) { return []byte(p), nil }, func(err error) {
			busy(false)
			unlock.Enable()
			pass.Enable()
			problem.Importance = widget.DangerImportance
			problem.Hide()
			if err != nil {
				problem.SetText(errorText(err))
				problem.Show()
				offer(err)
				pass.SetText("")
				u.win.Canvas().Focus(pass)
				return
			}
			pass.SetText("")
		})
	}
	unlock = widget.NewButtonWithIcon("Unlock", theme.LoginIcon(), submit)
	unlock.Importance = widget.HighImportance
	pass.OnSubmitted = func(string) { submit() }

	content := centered(
		container.NewCenter(icon),
		heading("Sparekey is locked"),
		para("Enter the passphrase that protects this vault."),
		pass, unlock, progress, problem, remedy, path,
	)
	envFailed := func(err error) {
		problem.SetText("The passphrase from SPAREKEY_PASSPHRASE_FILE did not open the vault. " + errorText(err))
		problem.Show()
		offer(err)
	}
	disable := func() { pass.Disable(); unlock.Disable() }
	enable := func() { pass.Enable(); unlock.Enable(); u.win.Canvas().Focus(pass) }
	switch {
	case u.opts.Unlocking != nil:
		u.afterShow = u.awaitUnlock(busy, disable, enable, envFailed)
	case u.opts.UnlockErr != nil:
		envFailed(u.opts.UnlockErr)
		u.opts.UnlockErr = nil
		u.afterShow = func() { u.win.Canvas().Focus(pass) }
	case u.opts.Passphrase != nil && !u.lockedByUser():
		// Unattended unlock (SPAREKEY_PASSPHRASE_FILE): once, at start.
		envPass := u.opts.Passphrase
		u.opts.Passphrase = nil
		u.afterShow = func() {
			busy(true)
			pass.Disable()
			unlock.Disable()
			problem.Importance = widget.MediumImportance
			problem.SetText("Unlocking with the passphrase from SPAREKEY_PASSPHRASE_FILE…")
			problem.Show()
			u.unlock(envPass, func(err error) {
				busy(false)
				pass.Enable()
				unlock.Enable()
				problem.Importance = widget.DangerImportance
				problem.Hide()
				if err != nil {
					envFailed(err)
				}
			})
		}
	default:
		u.afterShow = func() { u.win.Canvas().Focus(pass) }
	}
	return content
}

// awaitUnlock returns what the lock screen does first when Run already
// started unlocking: wait for that attempt (in the background) and show
// its outcome.
func (u *UI) awaitUnlock(busy func(bool), disable, enable func(), failed func(error)) func() {
	ch := u.opts.Unlocking
	u.opts.Unlocking = nil
	u.opts.Passphrase = nil
	return func() {
		busy(true)
		disable()
		u.opts.Background(func() {
			err := <-ch
			fyne.Do(func() {
				busy(false)
				if err != nil {
					enable()
					failed(err)
					return
				}
				u.showState()
			})
		})
	}
}

// openingScreen is what the window shows while an unlock that needs no
// typing (Run started it) finishes: nothing to read, nothing that
// animates, so the first frames cost little and the account list follows
// as soon as the vault is open (the unlock's change notice builds it).
func (u *UI) openingScreen() fyne.CanvasObject {
	ch := u.opts.Unlocking
	u.opts.Unlocking = nil
	u.opts.Passphrase = nil
	u.opts.Background(func() {
		err := <-ch
		fyne.Do(func() {
			if err == nil && u.main != nil {
				return // the unlock's change notice already showed the list
			}
			u.opts.UnlockErr = err
			u.state = -1
			u.showState()
		})
	})
	return container.NewCenter(widget.NewIcon(theme.NewThemedResource(lockIcon)))
}

// lockedByUser reports whether the vault was open before in this run; a
// keyring vault then waits for a click instead of reopening by itself.
func (u *UI) lockedByUser() bool { return u.everUnlocked }

var _ = layout.NewSpacer
