package ui

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
)

// TestE2ERecoveryWizardInProgress opens the recovery wizard in the real
// window under Xvfb on a run begun from the command line days before
// (the message to the administrator sent, the sign-in done), and takes the
// README's picture of a run in progress: recovery-wizard.png in
// $SPAREKEY_SCREENSHOTS. The menu is driven with the keyboard after one
// click on the menu bar.
func TestE2ERecoveryWizardInProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	for _, tool := range []string{"xdotool", "xwd", "convert"} {
		testenv.Tool(t, tool)
	}
	e := newE2E(t)
	out := e.cliInput("", "recover", "--situation", "lost", "--who", "iam-user", "--device", "phone", "--admin", "reachable",
		"--account-id", "123456789012", "--user", "alice", "--serial", "arn:aws:iam::123456789012:mfa/alice-phone", "--json")
	var run struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(out), &run); err != nil || run.ID == "" {
		t.Fatalf("recover --json: %v\n%s", err, out)
	}
	e.cliInput("", "recover", "mark", run.ID, "admin-message", "done")
	e.cliInput("", "recover", "mark", run.ID, "sign-in", "done")
	e.cliInput("", "recover", "mark", run.ID, "remove-entry", "done")
	e.start()

	// Sparekey › View › AWS, then its second item, Recovery wizard….
	e.xdotool("mousemove", "--window", e.window, "40", "12", "click", "1")
	time.Sleep(500 * time.Millisecond)
	e.key("Right")
	e.key("Right")
	e.key("Down")
	e.key("Down")
	e.shot("recovery-00-menu")
	e.key("Return")
	wizard := strings.Fields(e.xdotool("search", "--sync", "--onlyvisible", "--name", "Recovery$"))[0]
	e.xdotool("windowfocus", "--sync", wizard)
	time.Sleep(700 * time.Millisecond)
	e.shot("recovery-01-first-page")

	e.key("Tab") // Resume, the first button of the page
	e.key("space")
	time.Sleep(700 * time.Millisecond)
	e.windowShot(wizard, "recovery-wizard")
	e.shot("recovery-02-step")
	e.quit()
}

// windowShot saves one window's picture as name.png.
func (e *e2e) windowShot(window, name string) {
	e.t.Helper()
	xwd := filepath.Join(e.shots, name+".xwd")
	png := filepath.Join(e.shots, name+".png")
	cmd := exec.Command("sh", "-c", fmt.Sprintf("xwd -id %s -silent > %q && convert %q %q && rm %q", window, xwd, xwd, png, xwd))
	cmd.Env = e.env
	if out, err := cmd.CombinedOutput(); err != nil {
		e.t.Errorf("screenshot %s: %v %s", name, err, out)
	}
}
