// Package ui is Sparekey's desktop interface: Fyne screens only. Every
// decision and every piece of state lives in package app; screens render it
// and forward what the user does.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
)

// Run opens the main window and blocks until the app quits.
func Run(fa fyne.App, core *app.App) {
	w := fa.NewWindow("Sparekey")
	w.SetContent(widget.NewLabel("Sparekey"))
	w.Resize(fyne.NewSize(480, 640))
	w.ShowAndRun()
}
