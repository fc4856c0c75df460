// Command sparekey is the Sparekey desktop app and, given arguments, its
// command line. The command line path never initialises the GUI.
package main

import (
	"fmt"
	"log"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/cli"
	"github.com/sparekey/sparekey/ui"
)

// AppID is the reverse-DNS identifier Fyne stores preferences under.
const AppID = "io.github.sparekey.Sparekey"

func main() {
	if path, ok := cli.DesktopVault(os.Args[1:]); ok {
		// The window on another vault: what SPAREKEY_VAULT=PATH does.
		os.Setenv("SPAREKEY_VAULT", path)
	} else if len(os.Args) > 1 {
		os.Exit(cli.Main(os.Args[1:]))
	}
	if err := checkDisplay(); err != nil {
		fmt.Fprintln(os.Stderr, "sparekey:", err)
		os.Exit(1)
	}
	log.SetOutput(&glFailureWatch{out: os.Stderr, exit: os.Exit})
	core, err := app.NewDefault()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sparekey:", err)
		os.Exit(1)
	}
	// The window follows what the command line and other programs save.
	core.FollowVault()
	ui.Run(fyneapp.NewWithID(AppID), core)
}
