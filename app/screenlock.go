package app

import "errors"

// ErrNoScreenLockSignal means this desktop does not say when its screen
// locks (no D-Bus session, as on macOS or a bare window manager), so only
// the idle timer locks the vault. Lock-on-screen-lock is on by default: the
// window says so next to the setting rather than promising it silently.
var ErrNoScreenLockSignal = errors.New("this desktop does not report when its screen locks")
