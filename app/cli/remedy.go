package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// remedyHints is how the command line offers each remedy: mostly the
// command to run, with what the error knows (the file, the device) filled
// in and the rest left as an UPPERCASE placeholder. The domain packages
// name the remedy; only this table knows the commands, so renaming a
// command or a flag is one edit here.
var remedyHints = map[vault.Remedy]func(a vault.RemedyArgs) string{
	vault.RemedyImport: func(a vault.RemedyArgs) string { return run("sparekey import", or(a.File, "FILE")) },
	vault.RemedyEnterSecret: func(vault.RemedyArgs) string {
		return run("sparekey add --issuer ISSUER --name NAME --secret-stdin")
	},
	vault.RemedyImportKey:    func(a vault.RemedyArgs) string { return run("sparekey key import", or(a.File, "IDENTITY-FILE")) },
	vault.RemedyCreateVault:  func(vault.RemedyArgs) string { return run("sparekey init") },
	vault.RemedyListAccounts: func(vault.RemedyArgs) string { return run("sparekey list") },
	vault.RemedyDeleteOrphans: func(a vault.RemedyArgs) string {
		return run("sparekey aws orphans --delete", flag("--serial", a.Serial))
	},
	vault.RemedyListOrphans: func(vault.RemedyArgs) string { return run("sparekey aws orphans") },
	vault.RemedyResync: func(a vault.RemedyArgs) string {
		return run("sparekey aws resync", or(a.Account, or(a.Serial, "ACCOUNT")))
	},
	vault.RemedyMFASession: func(vault.RemedyArgs) string { return run("sparekey aws session") },
	vault.RemedyEnroll:     func(a vault.RemedyArgs) string { return run("sparekey aws enroll", flag("--user", a.User)) },
	vault.RemedyListDevices: func(a vault.RemedyArgs) string {
		if a.User != "" {
			return run("sparekey aws devices --all")
		}
		return run("sparekey aws devices")
	},
	vault.RemedyReplaceDevice: func(a vault.RemedyArgs) string { return run("sparekey aws replace --old", or(a.Serial, "SERIAL")) },
	vault.RemedyResumeReplace: func(vault.RemedyArgs) string { return run("sparekey aws replace --resume") },
	vault.RemedyRestoreBackup: func(a vault.RemedyArgs) string { return run("sparekey backup restore", or(a.File, "FILE")) },
	vault.RemedyConsoleResync: func(a vault.RemedyArgs) string {
		return run("sparekey aws resync --console", or(a.Account, or(a.Serial, "ACCOUNT")))
	},
	vault.RemedyImportWithPassword: func(a vault.RemedyArgs) string {
		return run("sparekey import --password-file PASSWORD-FILE", or(a.File, "FILE")) + " (or run it in a terminal to be asked)"
	},
	vault.RemedyGivePassphrase: func(vault.RemedyArgs) string {
		return "give the vault passphrase with --passphrase-file FILE or --passphrase-command COMMAND, or run the command in a terminal to be asked"
	},
	vault.RemedyAcknowledgePlaintext: func(vault.RemedyArgs) string {
		return "add --i-understand-this-is-plaintext"
	},
	vault.RemedyBackupToRecipients: func(vault.RemedyArgs) string {
		return run("sparekey backup create --recipient age1pq1… --out FILE")
	},
	vault.RemedyExportKey: func(vault.RemedyArgs) string { return run("sparekey key export --out FILE") },
	vault.RemedyBackupIdentity: func(a vault.RemedyArgs) string {
		return run("sparekey backup restore --identity KEY-FILE", or(a.File, "FILE"))
	},
}

// run is the hint to run a command made of parts; empty parts drop out.
func run(parts ...string) string {
	return "run: " + strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// or is v ready for a shell, or the placeholder when v is unknown.
func or(v, placeholder string) string {
	if v == "" {
		return placeholder
	}
	return shellWord(v)
}

// flag is "--name value" when value is known, else nothing.
func flag(name, value string) string {
	if value == "" {
		return ""
	}
	return name + " " + shellWord(value)
}

// shellWord quotes v for a POSIX shell unless it is plainly safe (ARNs,
// most paths), so a printed command can be pasted as it is.
func shellWord(v string) string {
	if v != "" && strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./:@=+,%~", r))
	}) < 0 {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// remedyHint is what to do about err, after "To fix this, ", or "".
func remedyHint(err error) string {
	hint := remedyHints[app.Remedy(err)]
	if hint == nil {
		return ""
	}
	return hint(app.RemedyArgs(err))
}

// printRemedy prints what to do about err, if the command line knows,
// after the explanation Run printed. Names and paths in it are escaped
// like the explanation: they may hold terminal control characters.
func printRemedy(w io.Writer, err error) {
	if hint := remedyHint(err); hint != "" {
		fmt.Fprintf(w, "To fix this, %s\n", vault.EscapeText(hint))
	}
}
