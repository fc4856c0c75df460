package ui

import (
	"fyne.io/fyne/v2"
	"os"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"
)

// TestTraylessDesktopDoesNotOfferCloseToTray: with no StatusNotifier host
// a tray icon is never seen, so Settings does not offer to close to it
// and closing the window quits.
func TestTraylessDesktopDoesNotOfferCloseToTray(t *testing.T) {
	for _, host := range []bool{false, true} {
		h := newHarness(t, "keyring", nil, uriGitHub)
		h.u.opts.TrayHost = func() bool { return host }
		h.u.showSettings()
		top := h.u.Window().Canvas().Overlays().Top()
		var closeToTray *widget.Check
		walk(top, func(o fyne.CanvasObject) {
			if c, ok := o.(*widget.Check); ok && c.Text == "Keep running in the tray when closed" {
				closeToTray = c
			}
		})
		if closeToTray == nil {
			t.Fatal("no close-to-tray choice in Settings")
		}
		if closeToTray.Disabled() == host {
			t.Errorf("tray host %v: close-to-tray disabled %v", host, closeToTray.Disabled())
		}
		if !host && !containsText(top, "no StatusNotifier host") {
			t.Error("Settings does not say why the tray is unavailable")
		}
		if !host {
			saveScreenshot(t, h.u.Window(), "settings-trayless.png")
		}
	}
}

// TestStatusNotifierHostOnPrivateBus asks a real session bus: the private
// one of packaging/test-session.sh runs no panel, so there is no host.
func TestStatusNotifierHostOnPrivateBus(t *testing.T) {
	if runtime.GOOS != "linux" || os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" || !strings.Contains(os.Getenv("HOME"), "sparekey-session.") {
		t.Skip("needs the private session of packaging/test-session.sh")
	}
	if statusNotifierHost() {
		t.Fatal("a StatusNotifier host was found on a bus that runs no panel")
	}
}
