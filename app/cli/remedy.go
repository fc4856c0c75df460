package cli

import (
	"fmt"
	"io"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// remedyCommands is how the command line offers each remedy: the command
// to run. The domain packages name the remedy; only this table knows the
// commands, so renaming a command is one edit here.
var remedyCommands = map[vault.Remedy]string{
	vault.RemedyImport:        "sparekey import FILE",
	vault.RemedyEnterSecret:   "sparekey add --issuer ISSUER --name NAME --secret-stdin",
	vault.RemedyImportKey:     "sparekey key import IDENTITY-FILE",
	vault.RemedyCreateVault:   "sparekey init",
	vault.RemedyListAccounts:  "sparekey list",
	vault.RemedyDeleteOrphans: "sparekey aws orphans --delete",
	vault.RemedyListOrphans:   "sparekey aws orphans",
	vault.RemedyResync:        "sparekey aws resync",
	vault.RemedyMFASession:    "sparekey aws session",
	vault.RemedyEnroll:        "sparekey aws enroll",
	vault.RemedyListDevices:   "sparekey aws devices",
	vault.RemedyReplaceDevice: "sparekey aws replace --old SERIAL",
	vault.RemedyResumeReplace: "sparekey aws replace --resume",
	vault.RemedyRestoreBackup: "sparekey backup restore FILE",
	vault.RemedyConsoleResync: "sparekey aws resync --console",
}

// remedyCommand is the command that carries out err's remedy, or "".
func remedyCommand(err error) string { return remedyCommands[app.Remedy(err)] }

// printRemedy prints the command to run for err, if it has one, after
// the explanation Run printed.
func printRemedy(w io.Writer, err error) {
	if cmd := remedyCommand(err); cmd != "" {
		fmt.Fprintf(w, "To fix this, run: %s\n", cmd)
	}
}
