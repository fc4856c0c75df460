package ui

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
)

// TestE2EFollowsOtherWriters keeps the real window open while the command
// line adds and removes accounts: the window shows each change without
// being touched, and a change made in the window afterwards keeps them all
// (it is saved over the file as it is, not over the window's old copy).
func TestE2EFollowsOtherWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	for _, tool := range []string{"xdotool", "xclip", "xwd", "convert"} {
		testenv.Tool(t, tool)
	}
	e := newE2E(t)
	e.cliInput(uriGitHub, "add", "-")
	e.start()

	for _, step := range []struct {
		what, stdin string
		args        []string
		accounts    int
	}{
		{"add Google", uriGoogle, []string{"add", "-"}, 2},
		{"add Bank", uriBank, []string{"add", "-"}, 3},
		{"remove GitHub", "", []string{"remove", "--yes", "GitHub"}, 2},
	} {
		m := e.mark()
		e.cliInput(step.stdin, step.args...)
		saved := time.Now()
		trace := fmt.Sprintf("sparekey-trace accounts-%d ", step.accounts)
		// How long the window took goes to the log for the figures; speed
		// is not asserted, only that the change arrives (waitTrace).
		for i := 0; i < 500 && !strings.Contains(e.stderr.String()[m:], trace); i++ {
			time.Sleep(5 * time.Millisecond)
		}
		t.Logf("%s in a terminal: the window's list had it after %s", step.what, time.Since(saved).Round(5*time.Millisecond))
		e.waitTrace(m, fmt.Sprintf("accounts-%d", step.accounts))
	}
	e.shot("follow-after-cli")

	// The window's own change, made after the terminal's.
	e.focus()
	e.setClipboard("otpauth://totp/Window:carol@example.com?secret=MZXW6YTBOI&issuer=Window")
	e.key("ctrl+n")
	time.Sleep(500 * time.Millisecond)
	m := e.mark()
	e.key("Return")
	e.waitTrace(m, "accounts-3")
	e.key("Escape")

	list := e.cli("--passphrase-file", e.pass, "list")
	for _, want := range []string{"Google", "Bank", "Window"} {
		if !strings.Contains(list, want) {
			t.Errorf("after the window's change the vault lacks %s:\n%s", want, list)
		}
	}
	if strings.Contains(list, "GitHub") {
		t.Errorf("the window's change brought back an account removed in the terminal:\n%s", list)
	}
	e.quit()
}

// cliInput runs the command line with stdin and the test's passphrase.
func (e *e2e) cliInput(stdin string, args ...string) string {
	e.t.Helper()
	cmd := exec.Command(e.bin, append([]string{"--passphrase-file", e.pass}, args...)...)
	cmd.Env = e.env
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		e.t.Fatalf("sparekey %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
