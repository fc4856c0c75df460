package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/layout"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// Run opens the main window and blocks until the app quits. A second launch
// raises the running window instead (app.ListenInstance), and `sparekey
// lock` locks it.
func Run(fa fyne.App, core *app.App) {
	stop, err := core.ListenInstance(func(cmd string) {
		// Commands arrive on the listener's goroutine.
		fyne.Do(func() {
			if u := running; u != nil {
				u.instanceCommand(cmd)
			}
		})
	})
	if errors.Is(err, os.ErrExist) {
		fmt.Fprintln(os.Stderr, "sparekey: already running; its window was brought forward.")
		return
	}
	if err != nil {
		// Not fatal: only the single-instance guard and `sparekey lock` are lost.
		fmt.Fprintln(os.Stderr, "sparekey: cannot listen for other launches:", err)
	} else {
		defer stop()
	}
	// A long-running window keeps its heap closer to what it uses (most
	// of it is parsed fonts that never go away).
	debug.SetGCPercent(50)
	opts := Options{
		Passphrase: app.EnvPassphrase(),
		Trace:      os.Getenv("SPAREKEY_TRACE") == "1",
	}
	// (Fonts cannot be parsed ahead in another goroutine: built with
	// migrated_fynedo, Fyne's caches are plain maps owned by the UI
	// goroutine.)
	preUnlock(core, &opts)
	u := New(fa, core, opts)
	running = u
	u.exitWatchdog = true
	if err == nil {
		u.AtExit(stop) // Quit ends the process without running defers
	}
	// SIGTERM and SIGINT (logout, kill, Ctrl+C in a terminal) quit the
	// same way the menu does: the clipboard is cleaned up, and the
	// watchdog ends a shutdown that Fyne leaves hanging.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sigs
		// Quit arms its own watchdog (after writing a pending backup), but
		// only once the UI goroutine runs it. If that goroutine never gets
		// to it, the signal still ends the process.
		time.AfterFunc(quitGrace, func() {
			if !u.quitStarted.Load() {
				fmt.Fprintln(os.Stderr, "sparekey: the window did not respond to the request to quit; exiting")
				os.Exit(1)
			}
		})
		fyne.Do(u.Quit)
	}()
	u.Run()
}

// quitGrace is how long a quit may take before the process ends anyway.
// Fyne 2.8 can wait forever at exit for a lifecycle event that needs the
// main loop it has just stopped (seen after SIGTERM under Xvfb).
const quitGrace = 4 * time.Second

// preUnlock starts opening the vault when nobody has to type anything (a
// keyring vault, or a passphrase from SPAREKEY_PASSPHRASE_FILE), so that
// it opens while Fyne creates the window.
func preUnlock(core *app.App, opts *Options) {
	st, mode := core.State()
	if st != app.StateLocked {
		return
	}
	var pass func() ([]byte, error)
	switch {
	case mode == vault.ModeKeyring:
	case opts.Passphrase != nil:
		pass = opts.Passphrase
	default:
		return
	}
	opts.Passphrase = nil // tried here, not again by the lock screen
	ch := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		ch <- core.Unlock(ctx, pass)
	}()
	opts.Unlocking = ch
}

// running is the UI the instance listener talks to.
var running *UI

func (u *UI) instanceCommand(cmd string) {
	switch cmd {
	case app.InstanceLock:
		u.Lock()
	case app.InstanceShow:
		u.showWindow()
	}
}

func (u *UI) hideWindow() {
	u.hidden = true
	u.win.Hide()
}

// showWindow brings the window back with its codes current.
func (u *UI) showWindow() {
	u.hidden = false
	u.win.Show()
	u.win.RequestFocus()
	u.Tick()
}

// closeIntercept hides to the tray when asked to, else quits.
func (u *UI) closeIntercept() {
	s := u.core.Settings()
	// Without a tray host the icon is invisible: hiding would leave a
	// running app nobody can reach.
	if s.Tray && s.CloseToTray && u.tray != nil && !u.quitting && u.trayHost() {
		u.hideWindow()
		if !u.hiddenOnce {
			u.hiddenOnce = true
			u.notify("Sparekey is still running", "It is in the system tray. Choose Quit there to end it.")
		}
		return
	}
	u.Quit()
}

// watchScreenLock follows the desktop's screen locker when the setting
// asks for it. Connecting to the session bus can take a moment (D-Bus may
// even be auto-launched), so it happens off the UI goroutine.
func (u *UI) watchScreenLock() {
	if u.stopScreenWatch != nil {
		u.stopScreenWatch()
		u.stopScreenWatch = nil
	}
	if !u.core.Settings().LockOnScreen {
		return
	}
	u.screenWatchGen++
	gen := u.screenWatchGen
	go func() {
		stop, err := app.WatchScreenLock(context.Background(), func() {
			fyne.Do(func() {
				if st, _ := u.core.State(); st == app.StateUnlocked {
					u.Lock()
				}
			})
		})
		fyne.Do(func() {
			if err != nil {
				u.screenWatchErr = err
				return
			}
			if gen != u.screenWatchGen || !u.core.Settings().LockOnScreen {
				stop() // the setting changed meanwhile
				return
			}
			u.stopScreenWatch = stop
		})
	}()
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string, fallback int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return fallback
	}
	return n
}

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }
