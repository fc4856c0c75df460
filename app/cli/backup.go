package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"filippo.io/age/plugin"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
	"github.com/sparekey/sparekey/vault/paper"
)

func init() { register(newBackupCommand) }

func newBackupCommand(e *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Encrypted backups: create, restore, verify, automatic and paper",
		Long: `Sparekey backups are standard age files holding every account as JSON,
with an otpauth URI for each. Without Sparekey, the age tool alone recovers
every seed:

  age -d backup.age | jq -r '.accounts[].uri'

In this command group, --passphrase-file is the BACKUP's passphrase. For a
vault protected by a passphrase, give the vault's with --passphrase-command
or SPAREKEY_PASSPHRASE_FILE (or type it when asked).`,
	}
	cmd.AddCommand(newBackupCreate(e), newBackupRestore(e), newBackupVerify(e), newBackupAuto(e), newBackupStatus(e), newBackupPaper(e))
	return cmd
}

// progressPrinter shows slow stages on a terminal; scripts get silence.
func (e *Env) progressPrinter() backup.ProgressFunc {
	f, ok := e.Err.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || e.JSON {
		return nil
	}
	var last backup.Stage
	return func(p backup.Progress) {
		if p.Stage == backup.StageDeriveKey && last != p.Stage {
			fmt.Fprintln(e.Err, "Deriving the key from the passphrase (about a second)…")
		}
		last = p.Stage
	}
}

func backupPassphraseFile(path string) func() ([]byte, error) {
	return func() ([]byte, error) {
		p, err := readPassphraseFile(path)
		if err == nil && len(p) == 0 {
			return nil, fmt.Errorf("the passphrase file %s is empty", path)
		}
		return p, err
	}
}

// pluginUI lets age plugins (age-plugin-yubikey) ask for a PIN or a touch
// on the terminal.
func (e *Env) pluginUI() *plugin.ClientUI {
	say := func(format string, args ...any) { fmt.Fprintf(e.Err, format+"\n", args...) }
	return plugin.NewTerminalUI(say, say)
}

var errNoBackupTerminal = errors.New("there is no terminal to ask for the backup passphrase: give --passphrase-file, or encrypt to keys with --recipient or --vault-key")

// newBackupPassphrase asks twice on the terminal.
func (e *Env) newBackupPassphrase() ([]byte, error) {
	first, err := readPassphraseTerminal("Passphrase for the backup", e.Err)
	if errors.Is(err, vault.ErrNoPassphrase) {
		return nil, errNoBackupTerminal
	}
	if err != nil {
		return nil, err
	}
	if len(first) == 0 {
		return nil, errors.New("the passphrase is empty; nothing was written")
	}
	again, err := readPassphraseTerminal("Repeat the passphrase", e.Err)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(first, again) {
		return nil, errors.New("the two passphrases differ; nothing was written")
	}
	return first, nil
}

func readRecipientsFile(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the recipients file: %w", err)
	}
	// Parse once here so errors name the file and line.
	if _, err := backup.ParseRecipients(bytes.NewReader(data), nil); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if s := strings.TrimSpace(line); s != "" && !strings.HasPrefix(s, "#") {
			out = append(out, s)
		}
	}
	return out, nil
}

func refuseOverwrite(path string, force bool) error {
	if force {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return usagef("%s already exists; choose another --out or add --force to replace it", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func newBackupCreate(e *Env) *cobra.Command {
	var out, passFile, recipientsFile string
	var recipients []string
	var armor, vaultKey, force bool
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Write an encrypted backup of every account",
		Long: `Write every account to an age-encrypted backup file (mode 0600).

Encrypt it either to a passphrase (asked twice on the terminal, or read from
--passphrase-file; scrypt work factor 18) or to age public keys
(--recipient, --recipients-file, --vault-key for the vault's own key).
Post-quantum (age1pq1…) and plugin (age1yubikey1…) recipients work too.`,
		Example: `  sparekey backup create --out ~/safe/sparekey.age
  sparekey backup create --recipient age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p --armor
  sparekey backup create --vault-key --out backup.age`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if recipientsFile != "" {
				more, err := readRecipientsFile(recipientsFile)
				if err != nil {
					return err
				}
				recipients = append(recipients, more...)
			}
			toKeys := len(recipients) > 0 || vaultKey
			if passFile != "" && toKeys {
				return usagef("a backup is encrypted to a passphrase or to recipients, not both")
			}
			if out == "" {
				out = "sparekey-backup-" + time.Now().Format("20060102-150405") + ".age"
			}
			if err := refuseOverwrite(out, force); err != nil {
				return err
			}
			opts := app.BackupOptions{Recipients: recipients, ToVaultKey: vaultKey, Armor: armor, Progress: e.progressPrinter(), PluginUI: e.pluginUI()}
			if !toKeys {
				if passFile != "" {
					opts.Passphrase = backupPassphraseFile(passFile)
				} else {
					// Ask before unlocking anything, so a typo costs nothing.
					p, err := e.newBackupPassphrase()
					if err != nil {
						return err
					}
					opts.Passphrase = func() ([]byte, error) { return p, nil }
				}
			}
			if _, err := e.OpenVault(); err != nil {
				return err
			}
			a, err := e.App()
			if err != nil {
				return err
			}
			res, err := a.CreateBackup(e.Context(), out, opts)
			if err != nil {
				return errors.New(app.ExplainBackup(err))
			}
			if e.JSON {
				return e.printJSON(map[string]any{"file": res.Path, "accounts": res.Accounts, "sha256": res.SHA256, "passphrase": !toKeys, "armored": armor})
			}
			how := "a passphrase"
			if toKeys {
				how = fmt.Sprintf("%d recipient%s", len(recipients)+btoi(vaultKey), plural(len(recipients)+btoi(vaultKey)))
			}
			fmt.Fprintf(e.Out, "Wrote %d account%s to %s, encrypted to %s.\n", res.Accounts, plural(res.Accounts), res.Path, how)
			fmt.Fprintf(e.Out, "Check it now with 'sparekey backup verify %s'.\nWithout Sparekey: age -d %s | jq -r '.accounts[].uri'\n", res.Path, res.Path)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "out", "o", "", "file to write (default: sparekey-backup-DATE.age here)")
	f.StringVar(&passFile, "passphrase-file", "", "read the backup passphrase from this file")
	f.StringArrayVarP(&recipients, "recipient", "r", nil, "encrypt to this age public key (repeatable)")
	f.StringVarP(&recipientsFile, "recipients-file", "R", "", "encrypt to the age public keys in this file, one a line")
	f.BoolVar(&vaultKey, "vault-key", false, "encrypt to the vault's own key (restores with the vault key alone)")
	f.BoolVarP(&armor, "armor", "a", false, "write ASCII-armored text instead of binary")
	f.BoolVar(&force, "force", false, "replace --out if it exists")
	return cmd
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (e *Env) restoreSource(file string, identities []string, passFile string) app.RestoreSource {
	src := app.RestoreSource{Path: file, IdentityFiles: identities, Progress: e.progressPrinter(), PluginUI: e.pluginUI()}
	if passFile != "" {
		src.Passphrase = backupPassphraseFile(passFile)
		src.KeyPassphrase = func(string) ([]byte, error) { return readPassphraseFile(passFile) }
	} else {
		src.KeyPassphrase = func(path string) ([]byte, error) {
			p, err := readPassphraseTerminal("Vault passphrase for the key file "+path, e.Err)
			if errors.Is(err, vault.ErrNoPassphrase) {
				return nil, errors.New("the backup's key file is protected by the vault passphrase and there is no terminal to ask on: give --passphrase-file")
			}
			return p, err
		}
		src.Passphrase = func() ([]byte, error) {
			p, err := readPassphraseTerminal("Passphrase of the backup "+file, e.Err)
			if errors.Is(err, vault.ErrNoPassphrase) {
				return nil, errors.New("this backup is protected by a passphrase and there is no terminal to ask on: give --passphrase-file")
			}
			return p, err
		}
	}
	return src
}

func newBackupRestore(e *Env) *cobra.Command {
	var identities []string
	var passFile string
	var dryRun, yes, updateChanged, keepBoth bool
	cmd := &cobra.Command{
		Use:   "restore FILE",
		Short: "Restore accounts from a backup (previewed first; nothing is overwritten silently)",
		Long: `Decrypt a backup, check it completely, and show what restoring would do:
new accounts, identical ones, changed ones (same secret, different details)
and conflicts (same name, different secret). Into an empty (or new) vault,
everything is restored in one step. Otherwise only new accounts are added
unless you choose --update-changed or --keep-both.

The vault's own key is always tried; add --identity for a backup made to
another age key, and the passphrase is asked only for a passphrase backup.
A damaged or wrong file changes nothing.`,
		Example: `  sparekey backup restore sparekey-backup.age
  sparekey backup restore --identity ~/.config/age/key.txt backup.age --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := e.openVaultIfAny(); err != nil {
				return err
			}
			a, err := e.App()
			if err != nil {
				return err
			}
			p, err := a.PreviewRestore(e.Context(), e.restoreSource(args[0], identities, passFile))
			if err != nil {
				return errors.New(app.ExplainBackup(err))
			}
			// No vault yet counts as empty: it is created only to apply.
			empty := true
			if v, err := a.Vault(); err == nil {
				empty = v.Len() == 0
			}
			if !e.JSON {
				printRestorePreview(e.Err, p)
			}
			choose := func(it vault.MergeItem) vault.MergeChoice {
				switch {
				case it.Status == vault.MergeChanged && updateChanged, it.Status == vault.MergeConflict && keepBoth:
					if it.Status == vault.MergeConflict {
						return vault.ChooseKeepBoth
					}
					return vault.ChooseUpdate
				}
				return vault.ChooseDefault
			}
			work := p.Counts[vault.MergeNew]
			if updateChanged {
				work += p.Counts[vault.MergeChanged]
			}
			if keepBoth {
				work += p.Counts[vault.MergeConflict]
			}
			var res *vault.MergeResult
			if !dryRun && work > 0 {
				if !yes && !empty {
					if e.JSON {
						return usagef("--json cannot ask for confirmation: add --yes or --dry-run")
					}
					ok, err := confirm(e, fmt.Sprintf("Apply these %d change%s to the vault?", work, plural(work)))
					if err != nil {
						return err
					}
					if !ok {
						fmt.Fprintln(e.Err, "Nothing was changed.")
						return nil
					}
				}
				if _, err := e.openOrCreateVault(); err != nil {
					return err
				}
				r, err := a.ApplyRestore(p, choose)
				for tries := 0; err != nil && tries < 3; tries++ {
					var stale *vault.PlanChangedError
					if !errors.As(err, &stale) {
						break
					}
					// Another program saved the vault while the person read the
					// preview: show the restore against the vault as it is now.
					p.Items, p.Counts = stale.Plan, vault.MergeCounts(stale.Plan)
					if !e.JSON {
						fmt.Fprintln(e.Err, "The vault was changed by another program meanwhile; nothing was restored yet. Here is the restore against the vault as it is now:")
						printRestorePreview(e.Err, p)
					}
					if !yes && !empty {
						ok, cerr := confirm(e, "Apply the restore as it is now?")
						if cerr != nil {
							return cerr
						}
						if !ok {
							fmt.Fprintln(e.Err, "Nothing was changed.")
							return nil
						}
					}
					r, err = a.ApplyRestore(p, choose)
				}
				if err != nil {
					return err
				}
				res = &r
			}
			if e.JSON {
				return e.printJSON(restoreJSON(p, res, dryRun))
			}
			switch {
			case dryRun:
				fmt.Fprintln(e.Out, "Dry run: nothing was changed.")
			case res == nil:
				fmt.Fprintln(e.Out, "Nothing to restore: the vault already holds everything in this backup.")
			default:
				fmt.Fprintf(e.Out, "Restored: %s.\n", res)
			}
			if n := p.Counts[vault.MergeChanged]; n > 0 && !updateChanged {
				fmt.Fprintf(e.Out, "%d account%s differ%s from the backup in details; add --update-changed to take the backup's version.\n", n, plural(n), map[bool]string{true: "s", false: ""}[n == 1])
			}
			if n := p.Counts[vault.MergeConflict]; n > 0 && !keepBoth {
				fmt.Fprintf(e.Out, "%d account%s in the backup share a name with a different secret; add --keep-both to add them beside the current ones.\n", n, plural(n))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&identities, "identity", "i", nil, "age identity file to try (repeatable)")
	f.StringVar(&passFile, "passphrase-file", "", "read the backup passphrase from this file")
	f.BoolVarP(&dryRun, "dry-run", "n", false, "only show what would be restored")
	f.BoolVarP(&yes, "yes", "y", false, "do not ask before changing a vault that has accounts")
	f.BoolVar(&updateChanged, "update-changed", false, "replace changed accounts' details with the backup's")
	f.BoolVar(&keepBoth, "keep-both", false, "add conflicting accounts beside the current ones")
	return cmd
}

func printRestorePreview(w io.Writer, p *app.RestorePreview) {
	o := p.Backup
	created := "unknown date"
	if !o.Created.IsZero() {
		created = o.Created.Local().Format(time.DateTime)
	}
	fmt.Fprintf(w, "Backup %s: %d account%s, made %s (format %d).\n", o.Path, len(o.Accounts)+len(o.Invalid), plural(len(o.Accounts)+len(o.Invalid)), created, o.Version)
	marks := map[vault.MergeStatus]string{vault.MergeNew: "+ new", vault.MergeIdentical: "= same", vault.MergeChanged: "~ changed", vault.MergeConflict: "! conflict"}
	for _, it := range p.Items {
		line := fmt.Sprintf("  %-10s %s", marks[it.Status], vault.EscapeLabel(it.Incoming.Label()))
		if len(it.Differences) > 0 {
			line += " (" + strings.Join(it.Differences, ", ") + ")"
		}
		fmt.Fprintln(w, line)
	}
	if len(p.Invalid) > 0 {
		fmt.Fprintf(w, "%d entr%s cannot be restored:\n", len(p.Invalid), map[bool]string{true: "y", false: "ies"}[len(p.Invalid) == 1])
		for _, inv := range p.Invalid {
			fmt.Fprintf(w, "  x %s\n", inv)
		}
	}
	if found := len(o.Accounts) + len(o.Invalid); o.Declared != found {
		fmt.Fprintf(w, "Warning: the backup says it holds %d accounts, but %d are in it (was it edited by hand?).\n", o.Declared, found)
	}
	c := p.Counts
	fmt.Fprintf(w, "%d new, %d identical, %d changed, %d conflicting.\n", c[vault.MergeNew], c[vault.MergeIdentical], c[vault.MergeChanged], c[vault.MergeConflict])
}

func restoreJSON(p *app.RestorePreview, res *vault.MergeResult, dryRun bool) map[string]any {
	type item struct {
		Label       string   `json:"label"`
		Status      string   `json:"status"`
		Differences []string `json:"differences,omitempty"`
	}
	type invalid struct {
		Index  int    `json:"index"`
		Label  string `json:"label"`
		Reason string `json:"reason"`
	}
	items := []item{}
	for _, it := range p.Items {
		items = append(items, item{it.Incoming.Label(), it.Status.String(), it.Differences})
	}
	invalids := []invalid{}
	for _, inv := range p.Invalid {
		invalids = append(invalids, invalid{inv.Index, inv.Label, inv.Reason})
	}
	out := map[string]any{"file": p.Backup.Path, "version": p.Backup.Version, "items": items, "invalid": invalids, "dry_run": dryRun}
	if res != nil {
		out["added"], out["updated"], out["skipped"] = res.Added, res.Updated, res.Skipped
	}
	return out
}

func newBackupVerify(e *Env) *cobra.Command {
	var identities []string
	var passFile string
	cmd := &cobra.Command{
		Use:   "verify FILE",
		Short: "Restore drill: decrypt a backup and compare it with the vault, importing nothing",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := e.OpenVault(); err != nil {
				return err
			}
			a, err := e.App()
			if err != nil {
				return err
			}
			r, err := a.VerifyBackup(e.Context(), e.restoreSource(args[0], identities, passFile))
			if err != nil && r.Backup == nil {
				return errors.New(app.ExplainBackup(err))
			}
			if err != nil && !errors.Is(err, backup.ErrUnreadableEntries) {
				// The drill ran; only remembering it failed.
				fmt.Fprintf(e.Err, "Warning: %s\n", app.ExplainBackup(err))
				err = nil
			}
			c := r.Comparison
			if e.JSON {
				missing := []string{}
				for _, m := range c.Missing {
					missing = append(missing, m.Label())
				}
				if jerr := e.printJSON(map[string]any{"file": r.Backup.Path, "ok": err == nil, "complete": c.Complete(), "accounts": len(r.Backup.Accounts),
					"identical": c.Identical, "changed": c.Changed, "only_in_backup": c.New + c.Conflict, "only_in_vault": missing, "invalid": c.Invalid}); jerr != nil {
					return jerr
				}
				if err != nil {
					return errors.New(app.ExplainBackup(err))
				}
				return nil
			}
			if err != nil {
				// It decrypts, but restoring it would lose entries: say
				// which, and fail, so a script never reads this as a pass.
				fmt.Fprintf(e.Out, "%s decrypts, but %d of its entries cannot be restored (%s):\n", r.Backup.Path, len(r.Backup.Invalid), c.Summary())
				for _, inv := range r.Backup.Invalid {
					fmt.Fprintf(e.Out, "  x %s\n", inv)
				}
				return errors.New(app.ExplainBackup(err))
			}
			fmt.Fprintf(e.Out, "%s decrypts and is intact: %d account%s (%s).\n", r.Backup.Path, len(r.Backup.Accounts), plural(len(r.Backup.Accounts)), c.Summary())
			if c.Complete() {
				fmt.Fprintln(e.Out, "It would restore every account in the vault with the same codes.")
			} else {
				for _, m := range c.Missing {
					fmt.Fprintf(e.Out, "  not in this backup: %s\n", vault.EscapeLabel(m.Label()))
				}
				fmt.Fprintln(e.Out, "Make a new backup to include these.")
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&identities, "identity", "i", nil, "age identity file to try (repeatable)")
	cmd.Flags().StringVar(&passFile, "passphrase-file", "", "read the backup passphrase from this file")
	return cmd
}

func newBackupAuto(e *Env) *cobra.Command {
	var dir string
	var keep int
	var recipients []string
	var off, now bool
	cmd := &cobra.Command{
		Use:   "auto --dir DIR [--keep N] [--recipient age1…]",
		Short: "Configure automatic backups after every change",
		Long: `Configure automatic backups: after every change (2 s after the last one),
the desktop app writes a new encrypted backup into DIR (a synced cloud
folder works). They are encrypted to the vault's own key plus any
--recipient, so no passphrase is needed to write them. --now writes one
immediately.

Kept: the newest N (--keep), the newest of each of the last 7 days and of
each of the last 4 weeks, and always the last backup still holding an
account removed in the last 30 days. Using an HOTP code updates the newest
backup in place instead of adding one.`,
		Example: `  sparekey backup auto --dir ~/Dropbox/sparekey --keep 20 --now
  sparekey backup auto --off`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.App()
			if err != nil {
				return err
			}
			if off {
				if err := a.DisableAutoBackup(); err != nil {
					return err
				}
				fmt.Fprintln(e.Out, "Automatic backups are off. Existing backups were left in place.")
				return nil
			}
			if dir == "" {
				return usagef("give the folder with --dir (or --off to stop automatic backups)")
			}
			if keep < 0 || keep > 1000 {
				return usagef("--keep must be between 1 and 1000")
			}
			if err := a.ConfigureAutoBackup(app.AutoBackupConfig{Dir: dir, Keep: keep, Recipients: recipients}); err != nil {
				return err
			}
			s := a.Settings()
			if now {
				if _, err := e.OpenVault(); err != nil {
					return err
				}
				if !a.AutoBackupRunning() {
					if err := a.StartAutoBackup(); err != nil {
						return err
					}
				}
				err := a.BackupNow()
				if serr := a.StopAutoBackup(); err == nil {
					err = serr
				}
				if err != nil {
					return err
				}
			}
			if e.JSON {
				return e.printJSON(a.AutoBackupStatus())
			}
			fmt.Fprintf(e.Out, "Automatic backups go to %s (keeping %d), encrypted to the vault key", s.BackupDir, s.BackupKeep)
			if n := len(s.BackupRecipients); n > 0 {
				fmt.Fprintf(e.Out, " and %d more recipient%s", n, plural(n))
			}
			fmt.Fprintln(e.Out, ".")
			if now {
				fmt.Fprintf(e.Out, "Wrote %s.\n", a.AutoBackupStatus().LastFile)
			}
			if advice := a.AutoBackupAdvice(); advice != "" {
				fmt.Fprintln(e.Out, advice)
				fmt.Fprintf(e.Out, "To export the key, %s\n", remedyHints[vault.RemedyExportKey](vault.RemedyArgs{}))
			} else if _, mode := a.State(); mode == vault.ModePassphrase {
				fmt.Fprintf(e.Out, "A copy of the vault key, protected by your vault passphrase, is kept beside them (%s): with it and the passphrase, they restore on any computer.\n", backup.KeyFileName)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "", "folder for automatic backups (must exist)")
	f.IntVar(&keep, "keep", 0, "how many of the newest backups to keep, besides daily, weekly and removed-account ones (default 10)")
	f.StringArrayVarP(&recipients, "recipient", "r", nil, "also encrypt to this age public key (repeatable)")
	f.BoolVar(&off, "off", false, "stop automatic backups")
	f.BoolVar(&now, "now", false, "write a backup now (opens the vault)")
	return cmd
}

func newBackupStatus(e *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show automatic backups: last success, errors, stored files and restore drills",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.App()
			if err != nil {
				return err
			}
			st := a.AutoBackupStatus()
			files, ferr := a.AutoBackups()
			records, _ := a.BackupVerifications()
			if e.JSON {
				type fileJSON struct {
					Name     string               `json:"name"`
					Time     time.Time            `json:"time"`
					Size     int64                `json:"size"`
					Verified *backup.VerifyRecord `json:"verified,omitempty"`
					Kept     []string             `json:"kept"`
				}
				list := []fileJSON{}
				for _, f := range files {
					list = append(list, fileJSON{f.Name, f.Time, f.Size, f.Verified, f.Kept})
				}
				if records == nil {
					records = []backup.VerifyRecord{}
				}
				return e.printJSON(map[string]any{"auto": st, "files": list, "verifications": records})
			}
			if st.State == backup.StateOff {
				fmt.Fprintln(e.Out, "Automatic backups are off. Turn them on with 'sparekey backup auto --dir DIR'.")
			} else {
				fmt.Fprintf(e.Out, "Automatic backups: %s, into %s (keeping %d).\n", st.State, st.Dir, st.Keep)
				if st.LastSuccess.IsZero() {
					fmt.Fprintln(e.Out, "No backup written yet.")
				} else {
					fmt.Fprintf(e.Out, "Last backup: %s (%s ago), %s.\n", st.LastSuccess.Local().Format(time.DateTime), time.Since(st.LastSuccess).Round(time.Second), st.LastFile)
				}
				if w := st.Warning(); w != "" {
					fmt.Fprintf(e.Out, "Warning: %s\n", w)
				}
				if ferr != nil {
					fmt.Fprintf(e.Out, "Warning: cannot list the folder: %v\n", ferr)
				}
				for _, f := range files {
					mark := "never verified"
					if f.Verified != nil {
						mark = "verified " + f.Verified.VerifiedAt.Local().Format(time.DateTime)
						if !f.Verified.OK {
							mark = "FAILED verification " + f.Verified.VerifiedAt.Local().Format(time.DateTime)
						}
					}
					switch {
					case slices.Contains(f.Kept, backup.KeptDeleted):
						mark += "; last copy of a removed account"
					case slices.Contains(f.Kept, backup.KeptUnknown):
						mark += "; contents not indexed, kept 30 days"
					}
					fmt.Fprintf(e.Out, "  %s  %7d bytes  %s\n", f.Name, f.Size, mark)
				}
			}
			if len(records) > 0 {
				r := records[0]
				result := "passed"
				if !r.OK {
					result = "FAILED: " + r.Problem
				}
				fmt.Fprintf(e.Out, "Last restore drill: %s on %s, %s.\n", r.File, r.VerifiedAt.Local().Format(time.DateTime), result)
			} else {
				fmt.Fprintln(e.Out, "No restore drill yet: try 'sparekey backup verify FILE'.")
			}
			return nil
		},
	}
}

func newBackupPaper(e *Env) *cobra.Command {
	var out, page string
	var onlyAWS, force bool
	var names []string
	cmd := &cobra.Command{
		Use:   "paper --out FILE.pdf",
		Short: "Print a paper backup: a PDF with a QR code and the secret of each account",
		Long: `Write a printable PDF with one QR code per account (scan it back with any
authenticator app), its name, settings and secret in groups of four. The PDF
holds your secrets unencrypted: print it, store the sheet safely, and delete
the file.`,
		Example: `  sparekey backup paper --out codes.pdf --page letter
  sparekey backup paper --out aws.pdf --only-aws`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("give the PDF to write with --out")
			}
			size, err := paper.ParsePage(page)
			if err != nil {
				return usagef("%v", err)
			}
			if err := refuseOverwrite(out, force); err != nil {
				return err
			}
			if _, err := e.OpenVault(); err != nil {
				return err
			}
			a, err := e.App()
			if err != nil {
				return err
			}
			n, err := a.PaperBackup(e.Context(), out, app.PaperOptions{Page: size, OnlyAWS: onlyAWS, Accounts: names})
			if err != nil {
				return errors.New(app.ExplainBackup(err))
			}
			if e.JSON {
				return e.printJSON(map[string]any{"file": out, "accounts": n, "page": size})
			}
			fmt.Fprintf(e.Out, "Wrote %d account%s to %s (%s, mode 0600). It holds the secrets in clear: print it, then delete the file.\n", n, plural(n), out, strings.ToUpper(string(size)))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "out", "o", "", "PDF file to write")
	f.StringVar(&page, "page", "a4", "paper size: a4 or letter")
	f.BoolVar(&onlyAWS, "only-aws", false, "print only accounts bound to an AWS MFA device")
	f.StringArrayVar(&names, "account", nil, "print only this account (name or ID; repeatable)")
	f.BoolVar(&force, "force", false, "replace --out if it exists")
	return cmd
}
