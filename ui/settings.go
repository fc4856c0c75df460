package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
)

// durationChoice is a Select over a few sensible delays (plus the current
// one when it was set elsewhere, e.g. by editing settings.json).
type durationChoice struct {
	sel     *widget.Select
	options []time.Duration
}

func newDurationChoice(current time.Duration, options ...time.Duration) *durationChoice {
	found := false
	for _, o := range options {
		found = found || o == current
	}
	if !found {
		options = append(options, current)
	}
	d := &durationChoice{options: options}
	labels := make([]string, len(options))
	for i, o := range options {
		labels[i] = durationLabel(o)
	}
	d.sel = widget.NewSelect(labels, nil)
	d.sel.SetSelected(durationLabel(current))
	return d
}

func durationLabel(d time.Duration) string {
	if d <= 0 {
		return "Never"
	}
	return "After " + shortDuration(d)
}

func (d *durationChoice) value() time.Duration {
	if i := d.sel.SelectedIndex(); i >= 0 {
		return d.options[i]
	}
	return 0
}

var themeLabels = []string{"System", "Light", "Dark"}
var themeValues = []string{"system", "light", "dark"}

// showSettings edits the preferences. Nothing here is secret: settings are
// plain JSON.
func (u *UI) showSettings() {
	s := u.core.Settings()
	clip := newDurationChoice(s.ClipboardClear.Std(), 0, 10*time.Second, 20*time.Second, 30*time.Second, time.Minute, 2*time.Minute)
	lock := newDurationChoice(s.AutoLock.Std(), 0, time.Minute, 2*time.Minute, 5*time.Minute, 15*time.Minute, 30*time.Minute, time.Hour)
	screen := widget.NewCheck("Lock when the screen locks", nil)
	screen.SetChecked(s.LockOnScreen)
	th := widget.NewRadioGroup(themeLabels, nil)
	th.Horizontal = true
	for i, v := range themeValues {
		if v == s.Theme {
			th.SetSelected(themeLabels[i])
		}
	}
	next := widget.NewCheck("Always show the next code", nil)
	next.SetChecked(s.ShowNextCode)
	tray := widget.NewCheck("Show an icon in the system tray", nil)
	tray.SetChecked(s.Tray)
	closeToTray := widget.NewCheck("Keep running in the tray when closed", nil)
	closeToTray.SetChecked(s.CloseToTray)
	notes := widget.NewCheck("Desktop notifications", nil)
	notes.SetChecked(s.Notifications)
	tray.OnChanged = func(on bool) {
		if on {
			closeToTray.Enable()
		} else {
			closeToTray.SetChecked(false)
			closeToTray.Disable()
		}
	}
	tray.OnChanged(s.Tray)
	trayBox := container.NewVBox(tray, closeToTray)
	if !u.trayHost() {
		// Nothing on this desktop shows tray icons: do not offer to hide
		// the window where it cannot be found again.
		closeToTray.SetChecked(false)
		closeToTray.Disable()
		tray.Disable()
		note := para("This desktop shows no tray icons (no StatusNotifier host is running), so closing the window quits Sparekey.")
		note.Importance = widget.LowImportance
		trayBox.Add(note)
	}

	_, mode := u.core.State()
	vaultPath := widget.NewLabel(breakablePaths(u.core.Paths().Vault))
	vaultPath.Wrapping = fyne.TextWrapWord
	vaultMode := widget.NewLabel("Protected by " + modeName(mode) + ". To move it, set SPAREKEY_VAULT or use “sparekey key” on the command line.")
	vaultMode.Wrapping = fyne.TextWrapWord
	vaultMode.Importance = widget.LowImportance

	backupDir := widget.NewEntry()
	backupDir.SetText(s.BackupDir)
	backupDir.SetPlaceHolder("No automatic backups")
	browse := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() {
		dialog.ShowFolderOpen(func(l fyne.ListableURI, err error) {
			if err == nil && l != nil {
				backupDir.SetText(l.Path())
			}
		}, u.win)
	})
	keep := widget.NewSelect([]string{"3", "5", "10", "20", "50", "100"}, nil)
	keep.SetSelected(itoa(s.BackupKeep))
	if keep.Selected == "" {
		keep.SetOptions(append(keep.Options, itoa(s.BackupKeep)))
		keep.SetSelected(itoa(s.BackupKeep))
	}
	backupHint := para("An encrypted copy of the vault is written there after every change. Pick a folder that is itself backed up or synced (not the vault's own folder).")
	backupHint.Importance = widget.LowImportance

	problem := para("")
	problem.Importance = widget.DangerImportance
	problem.Hide()

	form := widget.NewForm(
		widget.NewFormItem("Clear copied codes", clip.sel),
		widget.NewFormItem("Lock when idle", lock.sel),
		widget.NewFormItem("", u.screenLockChoice(screen)),
		widget.NewFormItem("Theme", th),
		widget.NewFormItem("Codes", next),
		widget.NewFormItem("Tray", trayBox),
		widget.NewFormItem("Notifications", notes),
		widget.NewFormItem("Vault", container.NewVBox(vaultPath, vaultMode)),
		widget.NewFormItem("Backup folder", container.NewBorder(nil, nil, nil, browse, backupDir)),
		widget.NewFormItem("Backups kept", keep),
	)
	if u.win.Canvas().Size().Width < 520 {
		// Labels above their fields: beside them, the choices were cut
		// off at 400 px wide.
		form.Orientation = widget.Vertical
	}
	var dlg dialog.Dialog
	save := widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), func() {
		n := u.core.Settings() // keep what this screen does not show
		n.ClipboardClear = app.Duration(clip.value())
		n.AutoLock = app.Duration(lock.value())
		n.LockOnScreen = screen.Checked
		for i, l := range themeLabels {
			if l == th.Selected {
				n.Theme = themeValues[i]
			}
		}
		n.ShowNextCode = next.Checked
		n.Tray = tray.Checked
		n.CloseToTray = closeToTray.Checked && tray.Checked
		if !u.trayHost() {
			// Shown off here, kept for a desktop that has a tray.
			n.Tray, n.CloseToTray = s.Tray, s.CloseToTray
		}
		n.Notifications = notes.Checked
		newDir, newKeep := strings.TrimSpace(backupDir.Text), atoi(keep.Selected, n.BackupKeep)
		if err := u.core.SaveSettings(n); err != nil {
			problem.SetText(errorText(err))
			problem.Show()
			return
		}
		if newDir != s.BackupDir || newKeep != s.BackupKeep {
			// app checks the folder, saves it and (re)starts the backups.
			if err := u.applyBackupFolder(newDir, newKeep); err != nil {
				problem.SetText(app.ExplainBackup(err))
				problem.Show()
				return
			}
			n = u.core.Settings()
		}
		dlg.Hide()
		u.settingsChanged(s, n)
		u.status.show("Settings saved.", 3*time.Second)
	})
	save.Importance = widget.HighImportance
	content := container.NewVBox(form, backupHint, problem)
	dlg = dialog.NewCustomWithoutButtons("Settings", container.NewBorder(nil,
		container.NewHBox(layoutSpacer(), widget.NewButton("Cancel", func() { dlg.Hide() }), save), nil, nil,
		// Padded on the right: the scroll bar is drawn over the content.
		container.NewVScroll(container.New(layout.NewCustomPaddedLayout(0, 0, 0, theme.ScrollBarSize()+theme.Padding()), content))), u.win)
	dlg.Resize(fyne.NewSize(fyne.Min(u.win.Canvas().Size().Width-24, 560), fyne.Min(u.win.Canvas().Size().Height-24, 640)))
	u.openDialog(dlg, nil)
}

// settingsChanged applies new settings to what is running.
func (u *UI) settingsChanged(old, n app.Settings) {
	if old.Theme != n.Theme {
		u.applyTheme()
		if u.main != nil {
			// Rows cache colours; rebuild them in the new theme, keeping
			// what the list was filtered by.
			search, tag := u.main.search.Text, u.main.tag
			u.main = nil
			u.state = -1
			u.showState()
			if u.main != nil && (search != "" || tag != "") {
				u.main.tag = tag
				u.main.search.SetText(search)
				u.main.reload()
			}
		}
	}
	if old.AutoLock != n.AutoLock && u.state == app.StateUnlocked {
		u.idle.Reset(n.AutoLock.Std())
	}
	if old.LockOnScreen != n.LockOnScreen {
		u.watchScreenLock()
	}
	if old.Tray != n.Tray {
		if n.Tray {
			u.refreshTray()
		} else if u.tray != nil {
			u.tray.desk.SetSystemTrayMenu(fyne.NewMenu("Sparekey"))
		}
	}
	if old.ShowNextCode != n.ShowNextCode && u.main != nil {
		u.main.listW.Refresh()
	}
}
