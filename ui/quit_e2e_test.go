package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
)

// TestE2EQuitEndsTheProcess: Ctrl+Q in the real window ends the process
// through Quit's own exit (Fyne's teardown could hang until a watchdog
// fired, the 2–5 s quit) and cleans up after itself, so the next launch
// opens normally. Settings and the vault are written when they change, so
// nothing else is pending. How long it took is logged, not asserted.
func TestE2EQuitEndsTheProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	for _, tool := range []string{"xdotool", "xwd", "convert"} {
		testenv.Tool(t, tool)
	}
	e := newE2E(t)
	e.cliInput(uriGitHub, "add", "-")
	for launch := 1; launch <= 2; launch++ {
		e.start()
		if s := e.stderr.String(); strings.Contains(s, "already running") {
			t.Fatalf("launch %d found the previous one still registered:\n%s", launch, s)
		}
		e.focus()
		start := time.Now()
		e.key("ctrl+q")
		select {
		case err := <-e.done:
			if err != nil {
				t.Fatalf("launch %d exited with %v\n%s", launch, err, e.stderr)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("launch %d did not exit after Ctrl+Q\n%s", launch, e.stderr)
		}
		t.Logf("launch %d: Ctrl+Q to the process gone: %v", launch, time.Since(start).Round(time.Millisecond))
		if !strings.Contains(e.stderr.String(), "sparekey-trace exit ") {
			t.Fatalf("launch %d did not leave through Quit's exit:\n%s", launch, e.stderr)
		}
	}
}
