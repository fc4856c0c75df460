//go:build !windows

package app

import (
	"bufio"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/sparekey/sparekey/app/testenv"
)

// TestWatchScreenLock runs a private session bus and sends the signals
// screen lockers send, with the real dbus-send.
func TestWatchScreenLock(t *testing.T) {
	daemon := testenv.Tool(t, "dbus-daemon")
	send := testenv.Tool(t, "dbus-send")
	cmd := exec.Command(daemon, "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon gave no address: %v", err)
	}
	addr = strings.TrimSpace(addr)

	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	locks := make(chan string, 10)
	stop, err := watchScreenLockOn(context.Background(), conn, func() { locks <- "lock" })
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	emit := func(iface string, active bool) {
		t.Helper()
		path := "/" + strings.ReplaceAll(iface, ".", "/")
		arg := "boolean:false"
		if active {
			arg = "boolean:true"
		}
		if out, err := exec.Command(send, "--bus="+addr, "--type=signal", path, iface+".ActiveChanged", arg).CombinedOutput(); err != nil {
			t.Fatalf("dbus-send: %v %s", err, out)
		}
	}
	expect := func(want bool, what string) {
		t.Helper()
		select {
		case <-locks:
			if !want {
				t.Fatalf("%s locked the vault", what)
			}
		case <-time.After(map[bool]time.Duration{true: 5 * time.Second, false: 300 * time.Millisecond}[want]):
			if want {
				t.Fatalf("%s did not lock the vault", what)
			}
		}
	}
	emit("org.gnome.ScreenSaver", false)
	expect(false, "the screen unlocking")
	emit("org.gnome.ScreenSaver", true)
	expect(true, "GNOME's screen lock")
	emit("org.freedesktop.ScreenSaver", true)
	expect(true, "the freedesktop screen lock")
	stop()
	emit("org.freedesktop.ScreenSaver", true)
	expect(false, "a signal after stop")
}
