//go:build unix && !darwin

package vault

import (
	"errors"
	"os"
	"path/filepath"
)

var errNoSessionBus = errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset and there is no $XDG_RUNTIME_DIR/bus)")

// sessionBusMissing answers before go-keyring is called: with no session
// bus, its D-Bus library would autolaunch a private bus daemon that
// outlives the process (one per call), and the Secret Service would not be
// on it anyway.
func sessionBusMissing() error {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return nil
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "bus")); err == nil {
			return nil
		}
	}
	return errNoSessionBus
}
