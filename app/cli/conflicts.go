package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// Two computers, one vault: a sync tool that finds the vault changed on
// both computers keeps one version and puts the other beside it as a
// conflict copy. `sparekey conflicts` shows what merging the copies would
// do; `sparekey conflicts merge` merges them (the window does that by
// itself). What the merge cannot decide is asked on a terminal before the
// merge starts, so the vault's lock is never held while someone thinks.

func init() { register(newConflictsCommand) }

func newConflictsCommand(e *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "conflicts",
		Short: "Show the conflict copies a sync tool left beside the vault",
		Long: `When Syncthing, Dropbox or Nextcloud finds the vault changed on two computers
at once, it keeps one version as the vault and the other beside it as a
conflict copy. This lists those copies and what merging each would do:
accounts added on the other computer, higher HOTP counters, deletions that
stand, and anything only you can decide. Nothing is changed; merge with
'sparekey conflicts merge'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, copies, err := e.openVaultForConflicts()
			if err != nil {
				return err
			}
			var reports []conflictReport
			for _, c := range copies {
				res, err := v.PreviewConflictCopy(c)
				if errors.Is(err, fs.ErrNotExist) {
					continue // merged meanwhile by another program
				}
				reports = append(reports, conflictReport{Result: res, Err: err})
			}
			if e.JSON {
				return e.printJSON(conflictsJSON(v.Path(), reports))
			}
			if len(reports) == 0 {
				fmt.Fprintf(e.Out, "Conflict copies beside %s: none.\n", vault.EscapeText(v.Path()))
				return nil
			}
			for _, r := range reports {
				printConflictReport(e.Out, r, "If merged")
			}
			fmt.Fprintln(e.Out, "Run 'sparekey conflicts merge' to merge them.")
			return nil
		},
	}
	cmd.AddCommand(newConflictsMergeCommand(e))
	return cmd
}

func newConflictsMergeCommand(e *Env) *cobra.Command {
	var keepAll, dropAll bool
	cmd := &cobra.Command{
		Use:   "merge",
		Short: "Merge the sync tool's conflict copies into the vault",
		Long: `Merge every conflict copy beside the vault into it: accounts from both
computers are kept, an HOTP counter takes the higher value (so no code is
issued twice), and an account deleted on one computer stays deleted. A copy
is removed once it is fully merged and the vault is safely saved.

Some things only you can decide: an account deleted on one computer but
changed on the other after that, or two different secrets under one name.
On a terminal you are asked about each (keep, drop or leave for later);
in scripts use --keep-all or --drop-all. Whatever is left undecided stays
in its copy, and the command exits with status 1.`,
		Example: `  sparekey conflicts merge
  sparekey conflicts merge --keep-all --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, copies, err := e.openVaultForConflicts()
			if err != nil {
				return err
			}
			a, err := e.App()
			if err != nil {
				return err
			}
			var ask *conflictAsker
			if f, ok := e.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !e.JSON && !keepAll && !dropAll {
				ask = &conflictAsker{in: bufio.NewReader(f), out: e.Err}
			}
			var reports []conflictReport
			for _, c := range copies {
				// Answers are gathered against a preview, then applied by
				// the merge; an item the vault no longer matches is left.
				answers := map[string]vault.ConflictChoice{}
				if ask != nil {
					preview, err := v.PreviewConflictCopy(c)
					if err == nil {
						for _, it := range preview.Items {
							if it.Status == vault.ConflictUndecided {
								answers[it.Key()] = ask.choose(it)
							}
						}
					}
				}
				st, err := a.MergeConflictCopy(c, func(it vault.ConflictItem) vault.ConflictChoice {
					switch {
					case keepAll:
						return vault.ConflictKeep
					case dropAll:
						return vault.ConflictDrop
					}
					return answers[it.Key()] // ConflictLeave when not asked
				})
				if errors.Is(err, fs.ErrNotExist) || errors.Is(st.Err, fs.ErrNotExist) {
					continue // merged meanwhile by another program
				}
				reports = append(reports, conflictReport{Result: st.Result, Err: err})
			}
			var undecided, failed int
			for _, r := range reports {
				if r.Err != nil {
					failed++
				}
				undecided += r.Result.Count(vault.ConflictUndecided)
			}
			if e.JSON {
				if err := e.printJSON(conflictsJSON(v.Path(), reports)); err != nil {
					return err
				}
			} else {
				if len(reports) == 0 {
					fmt.Fprintf(e.Out, "Conflict copies beside %s: none.\n", vault.EscapeText(v.Path()))
				}
				for _, r := range reports {
					printConflictReport(e.Out, r, "Merged")
				}
			}
			switch {
			case failed > 0 && undecided > 0:
				return fmt.Errorf("%d conflict cop%s could not be merged and %d account%s %s undecided; the copies are kept as they are",
					failed, copyPlural(failed), undecided, plural(undecided), isAre(undecided))
			case failed > 0:
				return fmt.Errorf("%d conflict cop%s could not be merged and %s kept as %s (see above)",
					failed, copyPlural(failed), isAre(failed), map[bool]string{true: "it is", false: "they are"}[failed == 1])
			case undecided > 0:
				return &conflictsUndecidedError{n: undecided}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&keepAll, "keep-all", false, "keep every undecided account (bring deleted ones back, add a second secret beside the first)")
	f.BoolVar(&dropAll, "drop-all", false, "drop every undecided account (deletions stand, this computer's secret wins)")
	cmd.MarkFlagsMutuallyExclusive("keep-all", "drop-all")
	return cmd
}

// conflictsUndecidedError is a merge that left accounts for the person.
type conflictsUndecidedError struct{ n int }

func (u *conflictsUndecidedError) Error() string {
	return fmt.Sprintf("%d account%s %s undecided and wait%s in the conflict copy; run 'sparekey conflicts merge' on a terminal to choose, or add --keep-all or --drop-all",
		u.n, plural(u.n), isAre(u.n), map[bool]string{true: "s", false: ""}[u.n == 1])
}

// openVaultForConflicts opens the vault without the hint about conflict
// copies (this command is where the hint points) and lists the copies.
func (e *Env) openVaultForConflicts() (*vault.Vault, []vault.ConflictCopy, error) {
	e.conflictHintShown = true
	v, err := e.OpenVault()
	if err != nil {
		return nil, nil, err
	}
	copies, err := vault.ConflictCopies(v.Path())
	if err != nil {
		return nil, nil, fmt.Errorf("cannot look for conflict copies beside the vault: %w", err)
	}
	return v, copies, nil
}

// hintConflictCopies says once per command, on stderr, that conflict
// copies wait beside the vault: until merged, what the other computer
// changed is not in the vault.
func (e *Env) hintConflictCopies(v *vault.Vault) {
	if e.conflictHintShown {
		return
	}
	e.conflictHintShown = true
	copies, err := vault.ConflictCopies(v.Path())
	if err != nil || len(copies) == 0 {
		return
	}
	fmt.Fprintf(e.Err, "Note: a sync tool left %d conflict cop%s of the vault beside it; what the other computer changed is not merged yet. Run 'sparekey conflicts merge'.\n",
		len(copies), copyPlural(len(copies)))
}

// conflictReport is one copy's preview or merge.
type conflictReport struct {
	Result vault.ConflictResult
	Err    error
}

func printConflictReport(w io.Writer, r conflictReport, verb string) {
	name := vault.EscapeLabel(filepath.Base(r.Result.Copy.Path))
	if r.Err != nil {
		fmt.Fprintf(w, "%s (%s): not merged, left as it is: %s\n", name, r.Result.Copy.Tool, vault.EscapeText(conflictErrorText(r.Err)))
		return
	}
	fmt.Fprintf(w, "%s (%s):\n", name, r.Result.Copy.Tool)
	for _, it := range r.Result.Items {
		if it.Status == vault.ConflictSame {
			continue
		}
		fmt.Fprintf(w, "  %-14s %s%s\n", it.Status, vault.EscapeLabel(it.Account.Label()), conflictItemDetail(it))
	}
	var parts []string
	for _, s := range []vault.ConflictStatus{vault.ConflictAdded, vault.ConflictUpdated, vault.ConflictSame, vault.ConflictStaysDeleted, vault.ConflictUndecided} {
		if n := r.Result.Count(s); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing in it")
	}
	line := "  " + verb + ": " + strings.Join(parts, ", ") + "."
	switch {
	case r.Result.Removed:
		line += " The copy is removed."
	case verb == "Merged":
		line += " The copy is kept until the undecided accounts are decided."
	}
	fmt.Fprintln(w, line)
}

// conflictItemDetail adds what a person needs to tell an item apart.
func conflictItemDetail(it vault.ConflictItem) string {
	switch {
	case it.Status == vault.ConflictUndecided:
		return ": " + it.Reason
	case it.Status == vault.ConflictUpdated && it.Existing != nil && it.Account.Kind == vault.KindHOTP && it.Account.Counter != it.Existing.Counter:
		return fmt.Sprintf(" (HOTP counter %d here, %d there: the higher one is kept)", it.Existing.Counter, it.Account.Counter)
	}
	return ""
}

func conflictErrorText(err error) string {
	if errors.Is(err, vault.ErrConflictKey) {
		return app.Explain(err) + ". If it belongs to another vault, move it out of this folder; if it is damaged, delete it once you have checked that nothing is missing."
	}
	return app.Explain(err)
}

// conflictAsker asks about undecided items on the terminal.
type conflictAsker struct {
	in  *bufio.Reader
	out io.Writer
}

func (q *conflictAsker) choose(it vault.ConflictItem) vault.ConflictChoice {
	keep, drop := conflictChoiceWords(it)
	fmt.Fprintf(q.out, "\n%s: %s.\n  keep:  %s\n  drop:  %s\n  leave: decide later (the conflict copy stays)\n",
		vault.EscapeLabel(it.Account.Label()), it.Reason, keep, drop)
	for {
		fmt.Fprint(q.out, "Keep, drop or leave? [k/d/L] ")
		line, err := q.in.ReadString('\n')
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "k", "keep":
			return vault.ConflictKeep
		case "d", "drop":
			return vault.ConflictDrop
		case "", "l", "leave":
			return vault.ConflictLeave
		}
		if err != nil {
			fmt.Fprintln(q.out)
			return vault.ConflictLeave
		}
		fmt.Fprintln(q.out, "Please answer k (keep), d (drop) or l (leave).")
	}
}

// conflictChoiceWords says what keep and drop do for this kind of item.
func conflictChoiceWords(it vault.ConflictItem) (keep, drop string) {
	switch {
	case it.Existing == nil:
		return "bring the account back with the other computer's changes", "it stays deleted"
	case it.Existing.ID == it.Account.ID:
		return "keep the account on both computers", "delete it here too"
	}
	return "add the other computer's account beside this one", "keep only this computer's secret"
}

type conflictItemJSON struct {
	Status  string  `json:"status"`
	Issuer  string  `json:"issuer"`
	Name    string  `json:"name"`
	Reason  string  `json:"reason,omitempty"`
	Counter *uint64 `json:"counter,omitempty"`
}

type conflictCopyJSON struct {
	File    string             `json:"file"`
	Tool    string             `json:"tool"`
	Removed bool               `json:"removed"`
	Error   string             `json:"error,omitempty"`
	Items   []conflictItemJSON `json:"items"`
}

type conflictsReportJSON struct {
	Vault     string             `json:"vault"`
	Copies    []conflictCopyJSON `json:"copies"`
	Undecided int                `json:"undecided"`
}

func conflictsJSON(vaultPath string, reports []conflictReport) conflictsReportJSON {
	out := conflictsReportJSON{Vault: vaultPath, Copies: []conflictCopyJSON{}}
	for _, r := range reports {
		c := conflictCopyJSON{File: r.Result.Copy.Path, Tool: r.Result.Copy.Tool, Removed: r.Result.Removed, Items: []conflictItemJSON{}}
		if r.Err != nil {
			c.Error = conflictErrorText(r.Err)
		}
		for _, it := range r.Result.Items {
			j := conflictItemJSON{Status: it.Status.String(), Issuer: it.Account.Issuer, Name: it.Account.Name, Reason: it.Reason}
			if it.Account.Kind == vault.KindHOTP {
				n := it.Account.Counter
				if it.Existing != nil {
					n = max(n, it.Existing.Counter)
				}
				j.Counter = &n
			}
			c.Items = append(c.Items, j)
		}
		out.Undecided += r.Result.Count(vault.ConflictUndecided)
		out.Copies = append(out.Copies, c)
	}
	return out
}

func copyPlural(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
