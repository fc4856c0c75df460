package ui

import (
	"path/filepath"
	"testing"

	"github.com/sparekey/sparekey/app/testenv"
)

// TestE2EVaultFlagOpensTheWindow: `sparekey --vault PATH` with no command
// printed the help; it opens the window on that vault, as
// SPAREKEY_VAULT=PATH sparekey does.
func TestE2EVaultFlagOpensTheWindow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	for _, tool := range []string{"xdotool", "xwd", "convert"} {
		testenv.Tool(t, tool)
	}
	e := newE2E(t)
	other := filepath.Join(t.TempDir(), "other.age")
	e.cli("--vault", other, "--no-keyring", "--passphrase-file", e.pass, "init")
	e.cliInput(uriGitHub, "--vault", other, "add", "-")
	e.cliInput(uriGoogle, "--vault", other, "add", "-")
	m := 0
	e.args = []string{"--vault", other}
	e.start()
	e.waitTrace(m, "accounts-2") // the default vault is empty: this is the other one
	e.shot("vault-flag")
	e.quit()
}
