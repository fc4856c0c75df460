package ui

import (
	_ "embed"
	"image/color"

	"fyne.io/fyne/v2"
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

// variantTheme pins the default theme to light or dark whatever the
// desktop prefers.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

func (u *UI) applyTheme() {
	var th fyne.Theme = theme.DefaultTheme()
	switch u.core.Settings().Theme {
	case "light":
		th = variantTheme{th, theme.VariantLight}
	case "dark":
		th = variantTheme{th, theme.VariantDark}
	}
	u.fa.Settings().SetTheme(th)
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
		if u.main != nil {
			u.main.handleKey(k)
		}
	})
	c.SetOnTypedRune(func(r rune) {
		// Typing anywhere in the list starts a search.
		if u.main != nil {
			u.main.focusSearch()
			u.main.search.TypedRune(r)
		}
	})
}

var (
	shortcutSearch = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutAdd    = &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutLock   = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutQuit   = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	appShortcuts   = []*desktop.CustomShortcut{shortcutSearch, shortcutAdd, shortcutLock, shortcutQuit}
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

// showAppMenu opens the menu behind the ☰ button.
func (u *UI) showAppMenu(anchor fyne.CanvasObject) {
	items := []*fyne.MenuItem{
		fyne.NewMenuItemWithIcon("Add an account…", theme.ContentAddIcon(), u.showAddDialog),
	}
	items = append(items, u.extraMenuItems()...)
	items = append(items,
		fyne.NewMenuItemWithIcon("Settings…", theme.SettingsIcon(), u.showSettings),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItemWithIcon("Lock", theme.NewThemedResource(lockIcon), u.Lock),
		fyne.NewMenuItemWithIcon("Quit", theme.LogoutIcon(), u.Quit),
	)
	items[len(items)-2].Shortcut = shortcutLock
	items[len(items)-1].Shortcut = shortcutQuit
	items[0].Shortcut = shortcutAdd
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(anchor).Add(fyne.NewPos(0, anchor.Size().Height))
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), u.win.Canvas(), pos)
}

// Quit ends the app (the tray's and the menu's Quit, Ctrl+Q).
func (u *UI) Quit() {
	u.quitting = true
	u.clip.ClearNow()
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
	if !ok || !u.core.Settings().Tray {
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
			items = append(items, fyne.NewMenuItem("Copy "+a.Label(), func() { u.copyFromTray(a.ID) }))
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
		fyne.NewMenuItem("Show Sparekey", func() { u.win.Show(); u.win.RequestFocus() }),
		fyne.NewMenuItem("Hide", u.win.Hide),
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
			label = acct.Label()
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
