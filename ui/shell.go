package ui

import (
	_ "embed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

//go:embed icon.png
var iconPNG []byte

// appIcon is the window and tray icon when the build carries none (a plain
// go build has no FyneApp.toml metadata).
var appIcon = fyne.NewStaticResource("sparekey.png", iconPNG)

func (u *UI) icon() fyne.Resource {
	if ic := u.fa.Icon(); ic != nil {
		return ic
	}
	return appIcon
}

func (u *UI) applyTheme() {
	var pinned *fyne.ThemeVariant
	switch u.core.Settings().Theme {
	case "light":
		v := theme.VariantLight
		pinned = &v
	case "dark":
		v := theme.VariantDark
		pinned = &v
	}
	u.fa.Settings().SetTheme(newReadableTheme(pinned))
}

// installShortcuts wires the keyboard: Ctrl+F search, Ctrl+N add, Ctrl+L
// lock, and list keys when nothing has the focus.
func (u *UI) installShortcuts() {
	c := u.win.Canvas()
	for _, s := range appShortcuts {
		s := s
		c.AddShortcut(s, func(fyne.Shortcut) { u.shortcut(s) })
	}
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape && u.closeTopDialog() {
			return
		}
		if (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter) && u.main == nil && len(u.dialogs) == 0 && u.screenReturn != nil {
			u.screenReturn()
			return
		}
		if u.main != nil && len(u.dialogs) == 0 {
			u.main.handleKey(k)
		}
	})
	c.SetOnTypedRune(func(r rune) {
		// Typing anywhere in the list starts a search.
		if u.main != nil && len(u.dialogs) == 0 {
			u.main.focusSearch()
			u.main.search.TypedRune(r)
		}
	})
}

var (
	shortcutSearch   = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutAdd      = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutLock     = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutQuit     = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutSettings = &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault}
	appShortcuts     = []*desktop.CustomShortcut{shortcutSearch, shortcutAdd, shortcutLock, shortcutQuit, shortcutSettings}
)

// shortcut runs an app shortcut; it reports whether s is one.
func (u *UI) shortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok {
		return false
	}
	for _, known := range appShortcuts {
		if cs.KeyName != known.KeyName || cs.Modifier != known.Modifier {
			continue
		}
		u.activity()
		switch known {
		case shortcutSearch:
			if u.main != nil {
				u.main.focusSearch()
				u.main.search.TypedShortcut(&fyne.ShortcutSelectAll{})
			}
		case shortcutAdd:
			u.showAddDialog()
		case shortcutLock:
			u.Lock()
		case shortcutQuit:
			u.Quit()
		case shortcutSettings:
			u.showSettings()
		}
		return true
	}
	return false
}

// TypedShortcut lets the app shortcuts work while the search box has the
// focus (a focused widget gets shortcuts before the window does).
func (e *searchEntry) TypedShortcut(s fyne.Shortcut) {
	if e.m.u.shortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// installMainMenu gives the window its menu bar. Its shortcuts work
// wherever the focus is (the window tries menu shortcuts before the
// focused widget), which is why Ctrl+N, Ctrl+L and Ctrl+Q live here.
func (u *UI) installMainMenu() {
	add := fyne.NewMenuItemWithIcon("Add an account…", theme.ContentAddIcon(), u.showAddDialog)
	add.Shortcut = shortcutAdd
	settings := fyne.NewMenuItemWithIcon("Settings…", theme.SettingsIcon(), u.showSettings)
	settings.Shortcut = shortcutSettings
	lock := fyne.NewMenuItemWithIcon("Lock", theme.NewThemedResource(lockIcon), u.Lock)
	lock.Shortcut = shortcutLock
	quit := fyne.NewMenuItemWithIcon("Quit", theme.LogoutIcon(), u.Quit)
	quit.Shortcut = shortcutQuit
	quit.IsQuit = true
	items := []*fyne.MenuItem{add}
	extra, extraNeedVault := u.extraMenuItems()
	items = append(items, extra...)
	u.vaultItems = append([]*fyne.MenuItem{add, lock}, extraNeedVault...)
	items = append(items, fyne.NewMenuItemSeparator(), settings, fyne.NewMenuItemSeparator(), lock, quit)
	file := fyne.NewMenu("Sparekey", items...)

	find := fyne.NewMenuItemWithIcon("Search", theme.SearchIcon(), func() { u.shortcut(shortcutSearch) })
	find.Shortcut = shortcutSearch
	next := fyne.NewMenuItem("Always show the next code", nil)
	next.Checked = u.core.Settings().ShowNextCode
	next.Action = func() {
		s := u.core.Settings()
		old := s
		s.ShowNextCode = !s.ShowNextCode
		if err := u.core.SaveSettings(s); err == nil {
			next.Checked = s.ShowNextCode
			u.settingsChanged(old, s)
		}
	}
	view := fyne.NewMenu("View", find, next)

	keys := fyne.NewMenuItem("Keyboard shortcuts", u.showKeys)
	about := fyne.NewMenuItem("About Sparekey", u.showAbout)
	help := fyne.NewMenu("Help", keys, about)

	menus := []*fyne.Menu{file, view}
	menus = append(menus, u.extraMenus()...)
	menus = append(menus, help)
	u.win.SetMainMenu(fyne.NewMainMenu(menus...))
	u.refreshMenu()
}

func (u *UI) showKeys() {
	rows := [][2]string{
		{"Ctrl+F", "Search (type anywhere to start one)"},
		{"Up, Down", "Move through the accounts"}, // short keys leave the descriptions room at 400 px
		{"Page Up, Down", "Move a page at a time"},
		{"Enter", "Copy the code of the account pointed at"},
		{"Esc", "Clear the search, close a dialog"},
		{"Ctrl+N", "Add an account"},
		{"Ctrl+,", "Settings"},
		{"Ctrl+L", "Lock"},
		{"Ctrl+Q", "Quit"},
	}
	form := widget.NewForm()
	for _, r := range rows {
		form.Append(r[0], para(r[1])) // wrapped: "…pointed at" was cut off
	}
	d := dialog.NewCustom("Keyboard shortcuts", "Close", form, u.win)
	u.openDialog(d, nil)
	d.Resize(fyne.NewSize(fyne.Min(u.win.Canvas().Size().Width-24, 480), 0))
}

func (u *UI) showAbout() {
	text := u.pathsPara("Sparekey " + app.Version + "\nA spare key for your two-factor accounts: codes, an encrypted vault, backups and imports.\n\nVault: " + u.core.Paths().Vault)
	u.openDialog(dialog.NewCustom("About Sparekey", "Close", text, u.win), nil)
}

// Quit ends the app (the tray's and the menu's Quit, Ctrl+Q).
func (u *UI) Quit() {
	u.trace("quit")
	u.quitting = true
	u.quitStarted.Store(true)
	u.clip.ClearNow()
	_ = u.core.StopAutoBackup() // writes what is pending
	if u.exitWatchdog {
		u.exitProcess() // settings and the vault are saved as they change
	}
	u.fa.Quit()
}

// trayMenu is the system tray's menu: favourites' codes, show/hide, lock,
// quit.
type trayMenu struct {
	desk desktop.App
	menu *fyne.Menu
}

// refreshTray rebuilds the tray menu (after unlock, lock and changes).
func (u *UI) refreshTray() {
	desk, ok := u.fa.(desktop.App)
	if !ok || !u.core.Settings().Tray || !u.onScreen {
		return
	}
	if u.tray == nil {
		u.tray = &trayMenu{desk: desk}
		desk.SetSystemTrayIcon(u.icon())
	}
	var items []*fyne.MenuItem
	if st, _ := u.core.State(); st == app.StateUnlocked {
		favs := u.favorites()
		for _, a := range favs {
			a := a
			items = append(items, fyne.NewMenuItem("Copy "+shownLabel(a), func() { u.copyFromTray(a.ID) }))
		}
		if len(favs) == 0 {
			none := fyne.NewMenuItem("Pin accounts to copy their codes from here", nil)
			none.Disabled = true
			items = append(items, none)
		}
		items = append(items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("Lock", u.Lock))
	} else {
		locked := fyne.NewMenuItem("Locked", nil)
		locked.Disabled = true
		items = append(items, locked)
	}
	items = append(items,
		fyne.NewMenuItem("Show Sparekey", u.showWindow),
		fyne.NewMenuItem("Hide", u.hideWindow),
		fyne.NewMenuItem("Locked out? Recovery…", func() { u.showRecoveryWizard() }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Quit Sparekey", u.Quit),
	)
	// The tray adds its own Quit to a menu; ours says whose.
	u.tray.menu = fyne.NewMenu("Sparekey", items...)
	desk.SetSystemTrayMenu(u.tray.menu)
}

func (u *UI) favorites() []*vault.Account {
	accts, err := u.core.Accounts()
	if err != nil {
		return nil
	}
	var favs []*vault.Account
	for _, a := range accts {
		if a.Favorite {
			favs = append(favs, a)
		}
	}
	return favs
}

// copyFromTray copies a favourite's current code without showing the
// window, and says so in a notification.
func (u *UI) copyFromTray(id string) {
	c, err := u.core.CurrentCode(id)
	if err != nil {
		u.notify("Sparekey", errorText(err))
		return
	}
	a, _ := u.core.Vault()
	label := "the account"
	if a != nil {
		if acct, err := a.Get(id); err == nil {
			label = shownLabel(acct)
		}
	}
	u.copyCode(label, c.Code)
	delay := u.core.Settings().ClipboardClear.Std()
	msg := "The code for " + label + " is on the clipboard"
	if delay > 0 {
		msg += " for " + shortDuration(delay)
	}
	u.notify("Code copied", msg+".")
}

func (u *UI) notify(title, body string) {
	if u.core.Settings().Notifications {
		u.fa.SendNotification(fyne.NewNotification(title, body))
	}
}
