package ui

import (
	"context"
	"time"

	"github.com/godbus/dbus/v5"
)

// statusNotifierHost reports whether the desktop shows tray icons: on
// Linux a tray icon is a StatusNotifierItem, visible only if a host (a
// panel) registered with the StatusNotifierWatcher. Without one (plain
// GNOME, many tiling window managers) an icon would never appear, and
// "close to tray" would leave a running app nobody can reach.
func statusNotifierHost() bool {
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		return false
	}
	defer conn.Close()
	if err := conn.Auth(nil); err != nil {
		return false
	}
	if err := conn.Hello(); err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var v dbus.Variant
	err = conn.Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher").
		CallWithContext(ctx, "org.freedesktop.DBus.Properties.Get", 0, "org.kde.StatusNotifierWatcher", "IsStatusNotifierHostRegistered").
		Store(&v)
	if err != nil {
		return false
	}
	registered, _ := v.Value().(bool)
	return registered
}
