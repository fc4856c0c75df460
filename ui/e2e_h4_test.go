package ui

import (
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/testenv"
)

// TestE2ERecycledRowsAndFirstRunMenu looks at two fixes in the real window
// under Xvfb, for the screenshots a person checks: a long list of HOTP,
// TOTP and Steam rows scrolled down and back (each counter row shows
// "••• •••", never another row's code), and the Sparekey menu before a
// vault exists (what needs one is greyed out). The codes themselves are
// compared in TestRecycledRowsShowTheirOwnAccount.
func TestE2ERecycledRowsAndFirstRunMenu(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	for _, tool := range []string{"xdotool", "xclip", "xwd", "convert"} {
		testenv.Tool(t, tool)
	}
	e := newE2E(t)
	for _, uri := range mixedAccounts(14) {
		e.cliInput(uri, "add", "-")
	}
	e.start()
	e.shot("h4-01-list-top")
	e.xdotool("mousemove", "--window", e.window, "260", "400")
	for i := 0; i < 3; i++ {
		e.xdotool("click", "--repeat", "4", "5") // wheel down
		time.Sleep(300 * time.Millisecond)
	}
	e.shot("h4-02-list-scrolled-down")
	e.xdotool("click", "--repeat", "6", "4") // wheel up part of the way
	time.Sleep(500 * time.Millisecond)
	e.shot("h4-03-list-scrolled-back")
	e.quit()

	// No vault at all: the first-run screen, then its Sparekey menu.
	if err := os.Remove(app.PathsUnder(e.home).Vault); err != nil {
		t.Fatal(err)
	}
	e.startWithoutList()
	e.shot("h4-04-first-run")
	e.xdotool("mousemove", "--window", e.window, "40", "12", "click", "1")
	time.Sleep(700 * time.Millisecond)
	e.shot("h4-05-first-run-menu")
	if s := e.stderr.String(); strings.Contains(s, "panic") {
		t.Fatalf("the app panicked:\n%s", s)
	}
}

// startWithoutList launches the window when there is no vault to unlock,
// so no account list comes up to wait for.
func (e *e2e) startWithoutList() {
	e.t.Helper()
	e.cmd = exec.Command(e.bin)
	e.cmd.Env = e.env
	e.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	e.stderr = &lockedBuffer{}
	e.cmd.Stdout, e.cmd.Stderr = io.Discard, e.stderr
	if err := e.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.done = make(chan error, 1)
	go func() { e.done <- e.cmd.Wait() }()
	e.t.Cleanup(func() {
		if e.cmd.ProcessState == nil {
			e.cmd.Process.Kill()
			<-e.done
		}
	})
	e.window = strings.Fields(e.xdotool("search", "--sync", "--name", "^Sparekey$"))[0]
	time.Sleep(1500 * time.Millisecond) // the first frame; nothing traces it without a list
	e.focus()
}
