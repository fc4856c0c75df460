// Package ui is Sparekey's desktop interface: Fyne screens only. Every
// decision and every piece of state that outlives a screen lives in package
// app; screens render it and forward what the user does.
//
// # Threads
//
// Everything here runs on Fyne's UI goroutine except the slow calls: keyring
// access (bounded at a few seconds) and the passphrase KDF (about a second)
// run in goroutines and come back through fyne.Do. A ticker goroutine asks
// for one repaint per second; it refreshes only the rows on screen, and a
// row regenerates its code only when its period has changed (app.CodeList).
//
// # Screens
//
// The window shows one of three screens, following app.App.State: first run
// (create the vault), locked (unlock), and the account list. Dialogs (add,
// edit, show as QR, settings) open over the list.
package ui

import (
	"context"
	"fmt"
	"image"
	"os"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// Options adjust a UI for tests and special launches.
type Options struct {
	// AfterFunc schedules delayed work (clipboard clearing, undo expiry,
	// auto-lock); nil means real timers whose callbacks run on the UI
	// goroutine. Tests pass a fake clock.
	AfterFunc app.AfterFunc
	// Now is the clock for idle time (nil: time.Now). Codes follow the
	// app's clock (app.Options.Now).
	Now func() time.Time
	// NoTicker stops the per-second refresh goroutine; tests call Tick.
	NoTicker bool
	// Clipboard replaces the app's clipboard (nil: fa.Clipboard()).
	Clipboard fyne.Clipboard
	// Passphrase, when set, unlocks a passphrase vault without asking
	// (SPAREKEY_PASSPHRASE_FILE; see app.EnvPassphrase).
	Passphrase func() ([]byte, error)
	// Unlocking is an unlock already under way (Run starts it before the
	// window exists); the first screen waits for it rather than start one.
	Unlocking <-chan error
	// UnlockErr is why an unlock tried before the window opened failed;
	// the first screen shows it instead of trying again by itself.
	UnlockErr error
	// Background runs the slow calls (keyring, KDF); nil starts a
	// goroutine. Tests run them in place, so screens change before the
	// call returns.
	Background func(func())
	// Trace prints startup milestones to stderr (SPAREKEY_TRACE=1; used by
	// packaging/bench-ui.sh).
	Trace bool
	// TrayHost reports whether the desktop shows tray icons (nil: ask
	// D-Bus for a StatusNotifier host; tests pass their answer).
	TrayHost func() bool
}

// UI is the desktop app's window and everything it opened.
type UI struct {
	fa   fyne.App
	core *app.App
	win  fyne.Window
	opts Options
	clip *app.ClipboardGuard

	body   *fyne.Container // the current screen
	status *statusBar
	main   *mainScreen // nil unless the list is showing
	state  app.VaultState

	started  time.Time
	onScreen bool // the window has drawn a frame (firstFrame ran)
	quitting bool
	// quitStarted is quitting for other goroutines (the signal watchdog).
	quitStarted atomic.Bool
	stopTicker  chan struct{}
	idle        *app.IdleTimer
	tray        *trayMenu
	adding      *addDialog
	recovery    *recoveryWizard // the open recovery wizard, if any
	// vaultItems are the main menu's entries that need the vault open;
	// they are disabled on every other screen.
	vaultItems []*fyne.MenuItem
	dialogs    []dialog.Dialog
	// afterShow is what a screen does once it is on the window (start
	// unlocking, take the focus).
	afterShow func()
	// screenReturn is the current screen's one obvious action, taken by
	// Enter when no field has the focus (the keyring unlock screen has
	// no field to submit from); nil for none.
	screenReturn func()

	everUnlocked    bool
	backupHooked    bool
	hiddenOnce      bool
	hidden          bool // hidden to the tray
	exitWatchdog    bool // a real process (Run): Quit ends it even if Fyne hangs
	stopScreenWatch func()
	vaultWarning    string // the last VaultWarning shown
	screenWatchErr  error
	screenWatchGen  int
	// trayShown caches the answer of opts.TrayHost (asked once: the
	// question costs a D-Bus round trip).
	trayShown *bool
	// rings are the countdown pictures every row shares.
	rings *ringImages
	// brands are the rows' issuer icons, built as rows show them.
	brands *brandIcons
	// atExit is what exitProcess runs first (the instance listener's
	// cleanup).
	atExit []func()
}

// trayHost reports whether a tray icon would be seen on this desktop.
func (u *UI) trayHost() bool {
	if u.trayShown == nil {
		ask := u.opts.TrayHost
		if ask == nil {
			ask = statusNotifierHost
		}
		shown := ask()
		u.trayShown = &shown
	}
	return *u.trayShown
}

// New builds the window for core; Show or Run displays it.
func New(fa fyne.App, core *app.App, opts Options) *UI {
	u := &UI{fa: fa, core: core, opts: opts, started: time.Now(), state: -1, rings: newRingImages(), brands: newBrandIcons()}
	u.trace("new")
	if u.opts.AfterFunc == nil {
		u.opts.AfterFunc = func(d time.Duration, f func()) func() bool {
			return time.AfterFunc(d, func() { fyne.Do(f) }).Stop
		}
	}
	if u.opts.Background == nil {
		u.opts.Background = func(f func()) { go f() }
	}
	cb := opts.Clipboard
	if cb == nil {
		cb = fa.Clipboard()
	}
	u.clip = app.NewClipboardGuard(cb, u.opts.AfterFunc)
	u.win = fa.NewWindow("Sparekey")
	u.status = newStatusBar(u.opts.AfterFunc)
	u.body = container.NewStack()
	u.win.SetContent(container.NewStack(
		container.NewBorder(nil, u.status, nil, nil, u.body),
		// Painting happens inside Fyne's draw loop: firstFrame runs after it.
		paintProbe(func() { go fyne.Do(u.firstFrame) }),
	))
	u.win.Resize(fyne.NewSize(520, 680))
	u.applyTheme()
	u.win.SetIcon(u.icon())
	u.win.SetCloseIntercept(u.closeIntercept)
	u.installShortcuts()
	u.installMainMenu()
	u.idle = app.NewIdleTimer(u.opts.Now, u.opts.AfterFunc, u.autoLock)

	core.OnLock(func() { fyne.Do(u.locked) })
	core.OnChange(func() { fyne.Do(u.accountsChanged) })
	u.showState()
	return u
}

// Window is the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Run shows the window and blocks until the app quits.
func (u *UI) Run() {
	if !u.opts.NoTicker {
		u.startTicker()
	}
	u.watchScreenLock()
	fyne.Do(func() { u.trace("loop-running") })
	u.win.ShowAndRun()
	u.shutdown()
}

// exitProcess ends a real process (Run) as soon as Quit has written what
// must outlive it. Fyne's own teardown (the GL contexts destroyed, the tray
// stopped, lifecycle events waited for) took a fifth of a second at best
// and, when it hung, the watchdog's seconds: the slow quit people saw.
// Nothing in it needs keeping; the X server drops a dead client's windows.
func (u *UI) exitProcess() {
	u.shutdown()
	for _, f := range u.atExit {
		f()
	}
	u.trace("exit")
	os.Exit(0)
}

// AtExit adds f to what runs when the process ends through Quit (before
// os.Exit, which skips deferred calls).
func (u *UI) AtExit(f func()) { u.atExit = append(u.atExit, f) }

func (u *UI) shutdown() {
	if u.stopTicker != nil {
		close(u.stopTicker)
		u.stopTicker = nil
	}
	if u.stopScreenWatch != nil {
		u.stopScreenWatch()
		u.stopScreenWatch = nil
	}
	u.clip.ClearNow()
}

// startTicker asks for a refresh at every second boundary, so countdowns
// tick with the wall clock and a code changes the moment its period ends.
func (u *UI) startTicker() {
	stop := make(chan struct{})
	u.stopTicker = stop
	go func() {
		for {
			now := time.Now()
			wait := now.Truncate(time.Second).Add(time.Second).Sub(now)
			select {
			case <-stop:
				return
			case <-time.After(wait):
				fyne.Do(u.Tick)
			}
		}
	}()
}

// Tick refreshes what changes with time: the visible rows' codes and
// countdowns.
func (u *UI) Tick() {
	// Hidden in the tray, nobody sees the codes: no repaint every second.
	if u.main != nil && !u.hidden {
		u.main.tick()
	}
}

// drawProbe is an invisible pixel painted after the list (it comes later
// in the tree): the first time the painter asks for its pixels, a frame
// with the rows and their codes is being drawn. Only for SPAREKEY_TRACE.
func (u *UI) drawProbe() fyne.CanvasObject {
	return paintProbe(func() { u.trace("codes-drawn") })
}

// paintProbe is an invisible pixel that calls once on the UI goroutine, the
// first time a frame containing it is painted. Fyne has no "painted" event.
func paintProbe(once func()) fyne.CanvasObject {
	called := false
	probe := canvas.NewRaster(func(w, h int) image.Image {
		if !called {
			called = true
			once()
		}
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
	probe.Resize(fyne.NewSize(1, 1))
	return container.NewWithoutLayout(probe)
}

// firstFrame runs once the window is on screen. The tray waits for it: on
// Linux Fyne gives the tray a hidden window with a GL context of its own,
// and creating that before the main window's first frame delayed the
// codes by about 60 ms under software rendering.
func (u *UI) firstFrame() {
	u.onScreen = true
	u.refreshTray()
}

func (u *UI) trace(what string) {
	if u.opts.Trace {
		fmt.Fprintf(os.Stderr, "sparekey-trace %s %d\n", what, time.Now().UnixNano())
	}
}

// showState puts up the screen the vault's state calls for.
func (u *UI) showState() {
	state, mode := u.core.State()
	if state == u.state && state == app.StateUnlocked && u.main != nil {
		return
	}
	u.state = state
	u.screenReturn = nil
	switch state {
	case app.StateMissing:
		u.setScreen(u.firstRunScreen())
	case app.StateLocked:
		if u.opts.Unlocking != nil {
			u.setScreen(u.openingScreen())
			break
		}
		u.setScreen(u.unlockScreen(mode))
		if f := u.afterShow; f != nil {
			u.afterShow = nil
			f()
		}
	case app.StateUnlocked:
		u.installMain(newMainScreen(u))
	}
	u.refreshTray()
}

// installMain puts a built account list on the window.
func (u *UI) installMain(m *mainScreen) {
	u.state = app.StateUnlocked
	u.everUnlocked = true
	u.main = m
	u.setScreen(m.content)
	// The search box is not focused: its blinking cursor would repaint
	// the window many times a second. Typing anywhere still searches
	// (the window forwards keys to it), and Ctrl+F focuses it.
	u.idle.Reset(u.core.Settings().AutoLock.Std())
	u.startBackups()
	u.trace("list-shown")
}

func (u *UI) setScreen(o fyne.CanvasObject) {
	if u.main != nil && (u.state != app.StateUnlocked || o != u.main.content) {
		u.main = nil
	}
	u.body.Objects = []fyne.CanvasObject{o}
	u.body.Refresh()
	u.refreshMenu()
}

// refreshMenu enables what needs the vault only while it is open: before
// one exists "Add an account…" did nothing, and a backup went through its
// file picker only to fail.
func (u *UI) refreshMenu() {
	closed := u.vaultNeeded() != ""
	changed := false
	for _, it := range u.vaultItems {
		if it.Disabled != closed {
			it.Disabled, changed = closed, true
		}
	}
	if mm := u.win.MainMenu(); changed && mm != nil {
		mm.Refresh()
	}
}

// vaultNeeded says what to do first when the vault is not open, and ""
// when it is.
func (u *UI) vaultNeeded() string {
	switch st, _ := u.core.State(); st {
	case app.StateUnlocked:
		return ""
	case app.StateMissing:
		return "There is no vault yet. Create the vault first, in the main window."
	}
	return "The vault is locked. Unlock it first, in the main window."
}

// locked runs after core.Lock, whatever asked for it.
func (u *UI) locked() {
	u.closeAll()
	u.vaultLocked()
	u.status.clear()            // it may name an account
	_ = u.core.StopAutoBackup() // what was pending is written first
	u.clip.ClearNow()
	u.idle.Stop()
	u.main = nil
	u.state = -1
	u.showState()
}

func (u *UI) accountsChanged() {
	if u.main != nil {
		u.main.reload()
	} else {
		u.showState()
	}
	u.refreshTray()
	// A device enrolled elsewhere (the CLI) becomes a resync choice.
	if w := awsWindows[u]; w != nil {
		w.reloadResyncChoices()
	}
	// Said once per new problem, not at every change.
	if w := u.core.VaultWarning(); w != u.vaultWarning {
		u.vaultWarning = w
		if w != "" {
			u.status.show(w, 20*time.Second)
		}
	}
}

// Lock locks the vault (the screen follows through OnLock).
func (u *UI) Lock() { u.core.Lock() }

func (u *UI) autoLock() {
	if st, _ := u.core.State(); st != app.StateUnlocked {
		return
	}
	u.core.Lock()
	if u.core.Settings().Notifications {
		u.fa.SendNotification(fyne.NewNotification("Sparekey locked", "Locked after a period without use."))
	}
}

// activity tells the idle timer the user is here.
func (u *UI) activity() {
	if u.state == app.StateUnlocked {
		u.idle.Touch()
	}
}

// copyCode puts a code on the clipboard and says for how long.
func (u *UI) copyCode(label, code string) {
	if code == "" {
		return
	}
	delay := u.core.Settings().ClipboardClear.Std()
	u.clip.Copy(code, delay)
	msg := "Copied the code for " + label
	if delay > 0 {
		msg += fmt.Sprintf(" · clears from the clipboard in %s", shortDuration(delay))
	}
	u.status.show(msg, 4*time.Second)
}

// unlock runs in a goroutine; done runs on the UI goroutine.
func (u *UI) unlock(pass func() ([]byte, error), done func(error)) {
	u.opts.Background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := u.core.Unlock(ctx, pass)
		u.trace("unlocked")
		fyne.Do(func() {
			u.trace("unlock-done")
			done(err)
			if err == nil {
				u.showState()
			}
		})
	})
}

func (u *UI) createVault(pass func() ([]byte, error), done func(error)) {
	u.opts.Background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := u.core.CreateVault(ctx, pass)
		fyne.Do(func() {
			done(err)
			if err == nil {
				u.showState()
			}
		})
	})
}

func shortDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "never"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour && d%time.Minute == 0:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d%time.Hour == 0:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
	return d.String()
}

// errorText is the sentence shown for err.
func errorText(err error) string { return app.Explain(err) }

// modeName is how a vault's protection is described to people.
func modeName(m vault.Mode) string {
	if m == vault.ModePassphrase {
		return "a passphrase"
	}
	return "the system keyring"
}
