//go:build unix && !darwin

package vault

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// Without a session bus the keyring must answer "unavailable" at once and
// must not autolaunch a bus daemon that would outlive the process.
func TestNoSessionBusLaunchesNothing(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	before := countBusDaemons(t)
	for i := 0; i < 3; i++ {
		if _, err := (SystemKeyring{}).Get("vault:/nowhere"); !errors.Is(err, ErrKeyringUnavailable) || errors.Is(err, ErrKeyringTimeout) {
			t.Fatalf("Get without a bus: %v, want an immediate ErrKeyringUnavailable", err)
		}
	}
	if after := countBusDaemons(t); after > before {
		t.Fatalf("%d new dbus-daemon processes were launched", after-before)
	}
}

func countBusDaemons(t *testing.T) int {
	out, _ := exec.Command("pgrep", "-f", "dbus-daemon --syslog --fork").Output()
	return len(strings.Fields(string(out)))
}
