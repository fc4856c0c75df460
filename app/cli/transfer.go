package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/transfer"
)

func init() {
	register(newImportCommand)
	register(newExportCommand)
}

func newImportCommand(e *Env) *cobra.Command {
	var passwordFile string
	var dryRun, yes bool
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Import accounts from other authenticators (previewed first)",
		Long: `Import accounts exported by another authenticator. The format is recognised
from the content: ` + strings.Join(transfer.Formats, "; ") + `.

Everything is previewed first: which accounts are new, which are already
here (identical, or with changed details), and which conflict with an account
of the same name but a different secret. Only new accounts are added;
existing ones are never overwritten. Entries that cannot be read are listed
with the reason, and a Google Authenticator export spread over several QR
codes is checked for missing codes (give all its pictures at once).`,
		Example: `  sparekey import aegis-export.json
  pbpaste | sparekey import -
  sparekey import --password-file pw.txt 2fas-backup.2fas
  sparekey import --dry-run google-1.png google-2.png google-3.png`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			password := func(file string) ([]byte, error) {
				if passwordFile != "" {
					return readPassphraseFile(passwordFile)
				}
				p, err := readPassphraseTerminal("Password of the export "+file, e.Err)
				if errors.Is(err, vault.ErrNoPassphrase) {
					// Not the vault's passphrase flags: the export's own.
					return nil, errNoExportTerminal
				}
				return p, err
			}
			if err := e.openVaultIfAny(); err != nil {
				return err
			}
			a, err := e.App()
			if err != nil {
				return err
			}
			var p *app.ImportPreview
			if len(files) == 1 && files[0] == "-" {
				p, err = a.PreviewImportReader(e.Context(), "standard input", e.In, password)
			} else {
				p, err = a.PreviewImportFilesContext(e.Context(), files, password)
			}
			if err != nil {
				return errors.New(app.ExplainImport(err))
			}
			var applied *vault.MergeResult
			newCount := p.Count(vault.MergeNew)
			proceed := !dryRun && newCount > 0
			if !e.JSON {
				printImportPreview(e.Err, p)
			}
			if err := p.Rejected(); err != nil {
				if e.JSON {
					_ = e.printJSON(importReport(p, nil, dryRun))
				}
				return err
			}
			if proceed && !yes {
				if e.JSON {
					return usagef("--json cannot ask for confirmation: add --yes or --dry-run")
				}
				ok, err := confirm(e, fmt.Sprintf("Add %d new account%s?", newCount, plural(newCount)))
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(e.Err, "Nothing was changed.")
					return nil
				}
			}
			if proceed {
				// Only now, with something to add, is a missing vault created.
				if _, err := e.openOrCreateVault(); err != nil {
					return err
				}
				res, err := a.ApplyImport(p, nil)
				for tries := 0; err != nil && tries < 3; tries++ {
					var stale *vault.PlanChangedError
					if !errors.As(err, &stale) {
						break
					}
					// Another program saved the vault while the person read the
					// preview: show what the import would do now, and ask again.
					p.Plan = stale.Plan
					newCount = p.Count(vault.MergeNew)
					if !e.JSON {
						fmt.Fprintln(e.Err, "The vault was changed by another program meanwhile; nothing was added yet. Here is the import against the vault as it is now:")
						printImportPreview(e.Err, p)
					}
					if newCount == 0 {
						res, err = vault.MergeResult{}, nil
						break
					}
					if !yes {
						ok, cerr := confirm(e, fmt.Sprintf("Add %d new account%s?", newCount, plural(newCount)))
						if cerr != nil {
							return cerr
						}
						if !ok {
							fmt.Fprintln(e.Err, "Nothing was changed.")
							return nil
						}
					}
					res, err = a.ApplyImport(p, nil)
				}
				if err != nil {
					return err
				}
				applied = &res
			}
			if e.JSON {
				return e.printJSON(importReport(p, applied, dryRun))
			}
			switch {
			case dryRun:
				fmt.Fprintln(e.Err, "Dry run: nothing was changed.")
			case applied != nil:
				fmt.Fprintf(e.Out, "Imported: %d added.\n", applied.Added)
			default:
				fmt.Fprintln(e.Out, "Nothing new to add.")
			}
			if left := p.Count(vault.MergeChanged) + p.Count(vault.MergeConflict); left > 0 {
				fmt.Fprintf(e.Err, "%d changed or conflicting account%s left as %s: edit them in the app, or remove the old account and import again.\n",
					left, plural(left), map[bool]string{true: "it is", false: "they are"}[left == 1])
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&passwordFile, "password-file", "", "read the password of encrypted exports (Aegis, 2FAS) from this file")
	f.BoolVar(&dryRun, "dry-run", false, "show what would be imported and change nothing")
	f.BoolVarP(&yes, "yes", "y", false, "add the new accounts without asking")
	return cmd
}

var errNoExportTerminal = errors.New("there is no terminal to ask for it on; give it with --password-file FILE")

// openVaultIfAny opens the vault when there is one. With none yet, the
// preview compares with nothing and the vault is created only to apply, so
// a failed or declined import or restore leaves no vault behind.
func (e *Env) openVaultIfAny() error {
	a, err := e.App()
	if err != nil {
		return err
	}
	if state, _ := a.State(); state == app.StateMissing {
		return nil
	}
	_, err = e.OpenVault()
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// printImportPreview writes the preview for people: what was read, what
// could not be, what would happen to each account. Never a secret.
func printImportPreview(w io.Writer, p *app.ImportPreview) {
	for _, r := range p.Files {
		enc := ""
		if r.Encrypted {
			enc = ", encrypted"
		}
		fmt.Fprintf(w, "Read %d account%s from %s (%s%s).\n", len(r.Accounts), plural(len(r.Accounts)), r.Source, r.Format, enc)
	}
	if n := len(p.Result.Skipped); n > 0 {
		fmt.Fprintf(w, "\nNot imported (%d):\n", n)
		for _, s := range p.Result.Skipped {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	if n := len(p.Result.Cleaned); n > 0 {
		fmt.Fprintf(w, "\nNames cleaned (%d):\n", n)
		for _, s := range p.Result.Cleaned {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
	if len(p.Result.MissingBatchParts) > 0 {
		fmt.Fprintln(w, "\nIncomplete Google Authenticator export:")
		for _, m := range p.Result.MissingBatchParts {
			fmt.Fprintf(w, "  %s\n", m)
		}
	}
	if len(p.Plan) > 0 {
		fmt.Fprintln(w, "\nPreview:")
	}
	for _, it := range p.Plan {
		line := fmt.Sprintf("  %-10s %s", it.Status, it.Incoming.Label())
		switch it.Status {
		case vault.MergeChanged:
			line += " (differs in " + strings.Join(it.Differences, ", ") + "; kept as it is)"
		case vault.MergeConflict:
			if it.WithinImport {
				line += " (another entry in this import has the same name and a different secret or settings; not added)"
			} else {
				line += " (same name as an existing account with a different secret; not overwritten)"
			}
		}
		fmt.Fprintln(w, line)
	}
	c := vault.MergeCounts(p.Plan)
	fmt.Fprintf(w, "\n%d new, %d identical, %d changed, %d conflicting.\n",
		c[vault.MergeNew], c[vault.MergeIdentical], c[vault.MergeChanged], c[vault.MergeConflict])
}

type importJSON struct {
	Files []struct {
		File      string `json:"file"`
		Format    string `json:"format"`
		Encrypted bool   `json:"encrypted"`
		Accounts  int    `json:"accounts"`
	} `json:"files"`
	Problems []string `json:"problems"`
	Missing  []struct {
		BatchID int32 `json:"batch_id"`
		Size    int   `json:"size"`
		Missing []int `json:"missing_indexes"`
	} `json:"missing_batch_parts"`
	Plan []struct {
		Status      string   `json:"status"`
		Issuer      string   `json:"issuer"`
		Name        string   `json:"name"`
		Differences []string `json:"differences,omitempty"`
	} `json:"plan"`
	DryRun bool `json:"dry_run"`
	Added  int  `json:"added"`
}

// importReport is the --json form of the preview: labels and statuses,
// never secrets.
func importReport(p *app.ImportPreview, applied *vault.MergeResult, dryRun bool) importJSON {
	var r importJSON
	r.DryRun = dryRun
	r.Problems = []string{}
	for _, f := range p.Files {
		r.Files = append(r.Files, struct {
			File      string `json:"file"`
			Format    string `json:"format"`
			Encrypted bool   `json:"encrypted"`
			Accounts  int    `json:"accounts"`
		}{f.Source, string(f.Format), f.Encrypted, len(f.Accounts)})
	}
	for _, s := range p.Result.Skipped {
		r.Problems = append(r.Problems, s.String())
	}
	for _, m := range p.Result.MissingBatchParts {
		r.Missing = append(r.Missing, struct {
			BatchID int32 `json:"batch_id"`
			Size    int   `json:"size"`
			Missing []int `json:"missing_indexes"`
		}{m.BatchID, m.Size, m.Missing})
	}
	for _, it := range p.Plan {
		r.Plan = append(r.Plan, struct {
			Status      string   `json:"status"`
			Issuer      string   `json:"issuer"`
			Name        string   `json:"name"`
			Differences []string `json:"differences,omitempty"`
		}{it.Status.String(), it.Incoming.Issuer, it.Incoming.Name, it.Differences})
	}
	if applied != nil {
		r.Added = applied.Added
	}
	return r
}

func newExportCommand(e *Env) *cobra.Command {
	var format, out string
	var accounts []string
	var acknowledged bool
	cmd := &cobra.Command{
		Use:   "export --format uris|aegis|google-qr --out PATH --i-understand-this-is-plaintext",
		Short: "Export accounts for another authenticator (unencrypted!)",
		Long: `Export accounts in a format other authenticators read:

  uris       otpauth:// links, one a line (nearly every app imports these)
  aegis      an unencrypted Aegis vault (keeps tags, notes and favourites)
  google-qr  Google Authenticator transfer QR codes, about ten accounts each,
             written as PNG pictures into the folder --out; scan them with
             the phone ("Transfer accounts > Import accounts"). Accounts
             Google Authenticator cannot hold (other periods than 30 s,
             7 digits, Steam) are listed and left out.

Every one of these holds your secrets UNENCRYPTED: anyone who gets the file
can make your codes. For backups use 'sparekey backup' instead. Files are
written readable only by you, never over an existing file; delete them when
done.`,
		Example: `  sparekey export --format aegis --out aegis.json --i-understand-this-is-plaintext
  sparekey export --format google-qr --out ./to-phone --i-understand-this-is-plaintext`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !acknowledged {
				return usagef("%v.\nTo go ahead, %s", app.ErrPlaintextNotAcknowledged, remedyHint(app.ErrPlaintextNotAcknowledged))
			}
			if out == "" {
				return usagef("give --out PATH (a file, or a folder for google-qr; - for standard output)")
			}
			toStdout := out == "-"
			if toStdout && app.ExportFormat(format) == app.ExportGoogleQR {
				return usagef("google-qr writes several pictures: give a folder with --out, not -")
			}
			if toStdout && e.JSON {
				return usagef("--json and --out - would mix on standard output: choose one")
			}
			switch app.ExportFormat(format) {
			case app.ExportURIs, app.ExportAegis, app.ExportGoogleQR:
			default:
				return usagef("unknown --format %q: use uris, aegis or google-qr", format)
			}
			v, err := e.OpenVault()
			if err != nil {
				return err
			}
			var ids []string
			for _, q := range accounts {
				acct, err := v.Find(q)
				if err != nil {
					return err
				}
				ids = append(ids, acct.ID)
			}
			a, err := e.App()
			if err != nil {
				return err
			}
			opts := app.ExportOptions{Format: app.ExportFormat(format), Out: out, IDs: ids, PlaintextAcknowledged: true}
			if toStdout {
				opts.Out, opts.Writer = "", e.Out
			}
			rep, err := a.Export(opts)
			if rep != nil && len(rep.NotExportable) > 0 {
				fmt.Fprintf(e.Err, "Left out (Google Authenticator cannot hold them):\n")
				for _, p := range rep.NotExportable {
					fmt.Fprintf(e.Err, "  %s\n", p)
				}
			}
			if err != nil {
				return err
			}
			if e.JSON {
				return e.printJSON(map[string]any{"files": rep.Files, "exported": rep.Exported, "left_out": len(rep.NotExportable)})
			}
			if toStdout {
				fmt.Fprintf(e.Err, "Exported %d account%s UNENCRYPTED to standard output. Whatever receives it holds your secrets.\n", rep.Exported, plural(rep.Exported))
				return nil
			}
			for _, f := range rep.Files {
				fmt.Fprintln(e.Out, f)
			}
			fmt.Fprintf(e.Err, "Exported %d account%s UNENCRYPTED. Keep the file%s offline and delete %s when done.\n",
				rep.Exported, plural(rep.Exported), plural(len(rep.Files)), map[bool]string{true: "it", false: "them"}[len(rep.Files) == 1])
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "", "uris, aegis or google-qr")
	f.StringVarP(&out, "out", "o", "", "file to write (a folder for google-qr; - for standard output)")
	f.StringArrayVar(&accounts, "account", nil, "export only this account (repeatable; name as in 'sparekey list')")
	f.BoolVar(&acknowledged, "i-understand-this-is-plaintext", false, "confirm that the export holds every secret unencrypted")
	return cmd
}
