//go:build !windows

package app

import (
	"context"
	"fmt"
	"sync"

	"github.com/godbus/dbus/v5"
)

// Screen lockers announce themselves on the session bus. Desktops differ
// in which name they use, so WatchScreenLock listens to all the common
// ones: freedesktop (KDE, Xfce, Cinnamon, MATE, light-locker) and GNOME.
// Each sends ActiveChanged(true) when the screen locks (or the screensaver
// starts, which on these desktops precedes the lock).
var screenSaverInterfaces = []string{
	"org.freedesktop.ScreenSaver",
	"org.gnome.ScreenSaver",
	"org.cinnamon.ScreenSaver",
	"org.mate.ScreenSaver",
	"org.xfce.ScreenSaver",
}

// WatchScreenLock calls onLock each time the desktop's screen locks, until
// stop is called or ctx ends. It fails when there is no session bus (no
// desktop session): the caller then relies on the idle timer alone.
// onLock runs on a goroutine of the watcher's.
func WatchScreenLock(ctx context.Context, onLock func()) (stop func(), err error) {
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("%w (no session bus): %w", ErrNoScreenLockSignal, err)
	}
	return watchScreenLockOn(ctx, conn, onLock)
}

func watchScreenLockOn(ctx context.Context, conn *dbus.Conn, onLock func()) (func(), error) {
	for _, iface := range screenSaverInterfaces {
		if err := conn.AddMatchSignal(dbus.WithMatchInterface(iface), dbus.WithMatchMember("ActiveChanged")); err != nil {
			conn.Close()
			return nil, fmt.Errorf("cannot follow the screen lock: %w", err)
		}
	}
	ch := make(chan *dbus.Signal, 16)
	conn.Signal(ch)
	ctx, cancel := context.WithCancel(ctx)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			conn.RemoveSignal(ch)
			conn.Close()
		})
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				stop()
				return
			case sig, ok := <-ch:
				if !ok {
					return
				}
				if isLockSignal(sig) {
					onLock()
				}
			}
		}
	}()
	return stop, nil
}

func isLockSignal(sig *dbus.Signal) bool {
	if sig == nil || len(sig.Body) != 1 {
		return false
	}
	active, ok := sig.Body[0].(bool)
	if !ok || !active {
		return false
	}
	for _, iface := range screenSaverInterfaces {
		if sig.Name == iface+".ActiveChanged" {
			return true
		}
	}
	return false
}
