//go:build windows

package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sys/windows"
)

// Windows announces a lock with WM_WTSSESSION_CHANGE, but only to a window
// that registered for it, and Fyne owns the window and its message loop.
// So the watcher asks instead, every couple of seconds, whether the input
// desktop is still the user's: while the screen is locked it is Winlogon's
// secure desktop, which a user process can neither open nor switch to.
// A UAC prompt also shows the secure desktop; locking the vault then is
// harmless. (Under wine the answer is always "the user's": nothing locks.)

var (
	user32               = windows.NewLazySystemDLL("user32.dll")
	procOpenInputDesktop = user32.NewProc("OpenInputDesktop")
	procSwitchDesktop    = user32.NewProc("SwitchDesktop")
	procCloseDesktop     = user32.NewProc("CloseDesktop")
)

const desktopSwitchDesktop = 0x0100 // DESKTOP_SWITCHDESKTOP

// screenLockPoll is how often the input desktop is checked: cheap (three
// system calls), and a lock is caught within seconds.
const screenLockPoll = 2 * time.Second

func inputDesktopLocked() bool {
	h, _, _ := procOpenInputDesktop.Call(0, 0, desktopSwitchDesktop)
	if h == 0 {
		return true
	}
	defer procCloseDesktop.Call(h)
	ok, _, _ := procSwitchDesktop.Call(h)
	return ok == 0
}

// WatchScreenLock calls onLock each time the screen locks, until stop is
// called or ctx ends. onLock runs on a goroutine of the watcher's.
func WatchScreenLock(ctx context.Context, onLock func()) (stop func(), err error) {
	if err := procOpenInputDesktop.Find(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoScreenLockSignal, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	var once sync.Once
	go func() {
		tick := time.NewTicker(screenLockPoll)
		defer tick.Stop()
		wasLocked := inputDesktopLocked()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				locked := inputDesktopLocked()
				if locked && !wasLocked {
					onLock()
				}
				wasLocked = locked
			}
		}
	}()
	return func() { once.Do(cancel) }, nil
}
