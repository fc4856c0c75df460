package ui

import "fyne.io/fyne/v2"

// Screens for features other packages of app provide (imports, backups,
// AWS). Each appears in the menu only once its app-level use case exists.

// extraMenuItems are the ☰ menu entries of those features.
func (u *UI) extraMenuItems() []*fyne.MenuItem {
	var items []*fyne.MenuItem
	if u.hasImport() {
		items = append(items, fyne.NewMenuItem("Import from another app…", u.showImport))
	}
	return items
}

// extraMenus are whole menus of those features.
func (u *UI) extraMenus() []*fyne.Menu { return nil }

func (u *UI) hasImport() bool { return false }

func (u *UI) showImport() {}
