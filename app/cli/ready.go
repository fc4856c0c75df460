package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/drill"
	"github.com/sparekey/sparekey/sync/awsmfa"
)

func init() { register(newReadyCommand) }

// readyFlags are the connection flags of `ready`, as `aws` has them.
type readyFlags struct{ conn app.AWSConnection }

func (rf *readyFlags) add(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&rf.conn.Profile, "profile", "", "AWS profile to use (default: $AWS_PROFILE or default)")
	f.StringVar(&rf.conn.EndpointURL, "endpoint-url", "", "IAM and STS endpoint to use instead of AWS")
	f.StringVar(&rf.conn.Region, "region", "", "AWS region (IAM is global; needed for China and GovCloud)")
	f.BoolVar(&rf.conn.Practice, "practice", false, "use the built-in practice account")
	f.StringVar(&rf.conn.PracticeUser, "practice-user", "", "practice identity: practice-admin (default), root, alice, bob…")
}

// resolve applies the "practice when nothing is configured" default.
func (rf *readyFlags) resolve(e *Env) app.AWSConnection {
	c := rf.conn
	if c.PracticeUser != "" {
		c.Practice = true
	}
	if !c.Practice && c.Profile == "" && c.EndpointURL == "" && !app.HaveAWSCredentials() {
		c.Practice = true
		fmt.Fprintln(e.Err, "No AWS configuration found: using the built-in practice account (nothing reaches AWS).")
	}
	return c
}

func newReadyCommand(e *Env) *cobra.Command {
	var rf readyFlags
	var format, out string
	cmd := &cobra.Command{
		Use:   "ready",
		Short: "How ready each identity is for a lost device: a score and the next thing to do",
		Long: `Check the root user and every IAM identity Sparekey can see (the connection's
own user and each user whose device the vault holds) against the list that
keeps a lost device from locking anyone out:

  - at least one MFA device, and at least two;
  - a seed Sparekey holds, in a backup verified in the last 90 days;
  - no unassigned virtual devices (they block re-enrollment; IAM users);
  - a second administrator or spare keys (you confirm it);
  - root only: the account's email and primary contact phone, confirmed by you;
  - a recovery drill passed in the last 90 days.

Each identity gets a score from 0 to 100 (the share of its checks met,
weighted: having MFA at all weighs most) and one next action, printed as the
command that does it. The account audit's score ('sparekey aws audit') is
shown beside. Without a connection the checks come from the vault alone.`,
		Example: `  sparekey ready
  sparekey ready --format md --out readiness.md
  sparekey ready confirm contacts
  sparekey ready do backup`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if e.JSON {
				format = "json"
			}
			switch format {
			case "text", "md", "markdown", "csv", "json":
			default:
				return usagef("--format must be text, md, csv or json")
			}
			a, err := e.awsApp(true)
			if err != nil {
				return err
			}
			conn := rf.resolve(e)
			r, err := a.Readiness(e.Context(), conn, app.ReadinessOptions{})
			if err != nil {
				return wrapAWS(err)
			}
			var buf bytes.Buffer
			switch format {
			case "json":
				err = (&Env{Out: &buf}).printJSON(readinessJSON(r, conn))
			case "csv":
				err = writeReadinessCSV(&buf, r, conn)
			case "md", "markdown":
				err = writeReadinessMarkdown(&buf, r, conn, true)
			default:
				writeReadinessText(&buf, r, conn)
			}
			if err != nil {
				return err
			}
			if out == "" {
				_, err = e.Out.Write(buf.Bytes())
				return err
			}
			if err := writeFileReplacing(out, buf.Bytes()); err != nil {
				return err
			}
			fmt.Fprintf(e.Err, "Wrote %s.\n", out)
			return nil
		},
	}
	rf.add(cmd)
	cmd.Flags().StringVar(&format, "format", "text", "output: text, md, csv or json")
	cmd.Flags().StringVar(&out, "out", "", "write the report to this file instead of standard output")
	cmd.AddCommand(newReadyConfirm(e, &rf), newReadyDo(e, &rf))
	return cmd
}

// readyCommand renders a next action as the sparekey command that does it.
func readyCommand(n app.NextAction, conn app.AWSConnection) string {
	switch n.Kind {
	case app.ActionEnrollDevice:
		return "sparekey aws " + connFlags(conn) + "enroll --user " + shellQuote(n.UserName)
	case app.ActionAssignRootDevice:
		return "sparekey recover --path " + n.Path
	case app.ActionBackupVerify:
		return "sparekey ready do backup"
	case app.ActionDeleteOrphans:
		return "sparekey aws " + connFlags(conn) + "orphans --delete"
	case app.ActionConfirmSpareAdmin:
		return "sparekey ready confirm spare-admin --account " + n.AccountID
	case app.ActionConfirmContacts:
		return "sparekey ready confirm contacts --account " + n.AccountID
	case app.ActionRunDrill:
		return "sparekey drill run " + n.Drill
	}
	return ""
}

// connFlags are the connection flags that reach the same account again.
func connFlags(c app.AWSConnection) string {
	var parts []string
	switch {
	case c.PracticeUser != "":
		parts = append(parts, "--practice-user", shellQuote(c.PracticeUser))
	case c.Practice:
		parts = append(parts, "--practice")
	}
	if c.Profile != "" {
		parts = append(parts, "--profile", shellQuote(c.Profile))
	}
	if c.EndpointURL != "" {
		parts = append(parts, "--endpoint-url", shellQuote(c.EndpointURL))
	}
	if c.Region != "" {
		parts = append(parts, "--region", shellQuote(c.Region))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, " ") + " "
}

// shellQuote keeps a value one word for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,:/@+=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func mark(it app.ReadinessItem) string {
	switch {
	case it.OK:
		return "ok"
	case it.Unknown:
		return "??"
	}
	return "--"
}

func writeReadinessText(w io.Writer, r *app.Readiness, conn app.AWSConnection) {
	fmt.Fprintf(w, "Readiness through connection %s", r.Connection)
	if r.AccountID != "" {
		fmt.Fprintf(w, " (AWS account %s)", r.AccountID)
	}
	fmt.Fprintln(w)
	for _, wn := range r.Warnings {
		fmt.Fprintf(w, "Note: %s\n", wn)
	}
	if len(r.Identities) == 0 {
		fmt.Fprintln(w, "\nNo identity to check: connect to an AWS account (--profile) or enroll a device with 'sparekey aws enroll'.")
	}
	for _, id := range r.Identities {
		fmt.Fprintf(w, "\n%-20s score %3d/100  account %s\n", id.Name(), id.Score, id.AccountID)
		for _, it := range id.Items {
			fmt.Fprintf(w, "  [%s] %-16s %s\n", mark(it), it.Check, it.Detail)
		}
		if id.Next != nil {
			fmt.Fprintf(w, "  Next: %s\n        %s\n", id.Next.Title, readyCommand(*id.Next, conn))
		} else {
			fmt.Fprintln(w, "  Nothing left to do.")
		}
	}
	if r.Audit != nil {
		fmt.Fprintf(w, "\nAccount audit: %d/100 (details: sparekey aws %saudit)\n", r.Audit.Score, connFlags(conn))
	}
}

func writeReadinessMarkdown(w io.Writer, r *app.Readiness, conn app.AWSConnection, title bool) error {
	var b strings.Builder
	if title {
		fmt.Fprintf(&b, "# MFA readiness per identity\n\nConnection: %s  \nGenerated: %s\n\n", mdCell(r.Connection), r.Generated.Format(time.RFC3339))
	} else {
		b.WriteString("## Readiness per identity\n\n")
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(&b, "> %s\n\n", mdCell(wn))
	}
	b.WriteString("| Identity | Account | Score | Next action | Command |\n|---|---|---:|---|---|\n")
	for _, id := range r.Identities {
		next, command := "nothing left to do", ""
		if id.Next != nil {
			next, command = id.Next.Title, "`"+readyCommand(*id.Next, conn)+"`"
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s |\n", mdCell(id.Name()), id.AccountID, id.Score, mdCell(next), command)
	}
	for _, id := range r.Identities {
		fmt.Fprintf(&b, "\n### %s (%d/100)\n\n", mdCell(id.Name()), id.Score)
		for _, it := range id.Items {
			box := "[ ]"
			if it.OK {
				box = "[x]"
			}
			fmt.Fprintf(&b, "- %s **%s**: %s\n", box, it.Check, mdCell(it.Detail))
		}
	}
	if r.Audit != nil && title {
		fmt.Fprintf(&b, "\nAccount audit score: %d/100 (`sparekey aws %saudit`)\n", r.Audit.Score, connFlags(conn))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "\n", " ").Replace(s)
}

func writeReadinessCSV(w io.Writer, r *app.Readiness, conn app.AWSConnection) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"account", "identity", "score", "check", "ok", "detail", "next_action", "command"})
	for _, id := range r.Identities {
		next, command := "", ""
		if id.Next != nil {
			next, command = id.Next.Title, readyCommand(*id.Next, conn)
		}
		for _, it := range id.Items {
			ok := "no"
			switch {
			case it.OK:
				ok = "yes"
			case it.Unknown:
				ok = "unknown"
			}
			_ = cw.Write([]string{id.AccountID, csvCell(id.Name()), fmt.Sprint(id.Score), string(it.Check), ok, csvCell(it.Detail), next, csvCell(command)})
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell stops spreadsheet formula injection through names.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

type readyJSON struct {
	*app.Readiness
	Commands map[string]string `json:"commands"` // identity -> the next action's command
}

func readinessJSON(r *app.Readiness, conn app.AWSConnection) readyJSON {
	out := readyJSON{Readiness: r, Commands: map[string]string{}}
	for _, id := range r.Identities {
		if id.Next != nil {
			out.Commands[id.AccountID+"/"+id.Name()] = readyCommand(*id.Next, conn)
		}
	}
	return out
}

// writeAuditReadiness adds the per-identity scores to the account audit's
// Markdown, from the audit just made.
func writeAuditReadiness(e *Env, a *app.App, conn app.AWSConnection, rep *awsmfa.AuditReport, w io.Writer) error {
	r, err := a.Readiness(e.Context(), conn, app.ReadinessOptions{Audit: rep})
	if err != nil {
		return err
	}
	_, _ = io.WriteString(w, "\n")
	return writeReadinessMarkdown(w, r, conn, false)
}

func newReadyConfirm(e *Env, rf *readyFlags) *cobra.Command {
	var account string
	cmd := &cobra.Command{
		Use:   "confirm contacts|spare-admin",
		Short: "Record today that you checked the root contacts, or that a second administrator exists",
		Long: `Record, with today's date, something only you can check:

  contacts     the account's root email address and primary contact phone are
               right and you can reach both (Account settings in the console).
               They are how a root user with a lost device signs in again.
  spare-admin  a second administrator exists, or an administrator's access key
               pair was tested once and is locked away: someone can reset a
               lost device without you.

The account is --account, else the one the vault's AWS devices belong to,
else the connection's.`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"contacts", "spare-admin"},
		RunE: func(cmd *cobra.Command, args []string) error {
			check := map[string]app.Check{"contacts": app.CheckContacts, "spare-admin": app.CheckSpareAdmin}[args[0]]
			if check == "" {
				return usagef("confirm what? use contacts or spare-admin, not %q", args[0])
			}
			a, err := e.awsApp(true)
			if err != nil {
				return err
			}
			if account == "" {
				if account, err = readyAccount(e, a, rf); err != nil {
					return err
				}
			}
			kind := app.ActionConfirmContacts
			if check == app.CheckSpareAdmin {
				kind = app.ActionConfirmSpareAdmin
			}
			did, err := a.DoReadinessAction(e.Context(), app.NextAction{Kind: kind, AccountID: account}, app.ReadinessActionOptions{})
			if errors.Is(err, app.ErrBadAccountID) {
				return usagef("%v", err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(e.Out, did)
			return nil
		},
	}
	cmd.Flags().StringVar(&account, "account", "", "the 12-digit AWS account ID")
	return cmd
}

// readyAccount finds the account a confirmation is for: the one the
// vault's AWS devices belong to, else the connection's.
func readyAccount(e *Env, a *app.App, rf *readyFlags) (string, error) {
	accounts := map[string]bool{}
	if v, err := a.Vault(); err == nil {
		for _, acct := range v.Accounts() {
			if acct.AWS != nil && acct.AWS.AccountID != "" && !app.IsPracticeAccount(acct) {
				accounts[acct.AWS.AccountID] = true
			}
		}
	}
	if len(accounts) == 1 {
		for id := range accounts {
			return id, nil
		}
	}
	if len(accounts) > 1 {
		return "", usagef("the vault has devices of several AWS accounts: say which with --account")
	}
	id, err := a.AWSWhoAmI(e.Context(), rf.resolve(e))
	if err != nil {
		return "", fmt.Errorf("which AWS account? give --account ID (the connection did not say: %s)", firstLineOf(app.ExplainAWS(err)))
	}
	return id.Account, nil
}

func newReadyDo(e *Env, rf *readyFlags) *cobra.Command {
	var user, account, drillName, backupFile string
	kinds := []string{}
	for _, k := range app.ActionKinds() {
		kinds = append(kinds, string(k))
	}
	cmd := &cobra.Command{
		Use:   "do ACTION",
		Short: "Do a readiness action, as the window's button does",
		Long: `Do one of the next actions 'sparekey ready' names, through the same code as
the window's button. ACTION is one of: ` + strings.Join(kinds, ", ") + `.

backup writes a backup encrypted to the vault's key (into the data folder,
or --out) and verifies it at once, which is what the readiness check counts.`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: kinds,
		RunE: func(cmd *cobra.Command, args []string) error {
			n := app.NextAction{Kind: app.ActionKind(args[0]), UserName: user, AccountID: account, Drill: drillName}
			known := false
			for _, k := range app.ActionKinds() {
				known = known || k == n.Kind
			}
			if !known {
				return usagef("no readiness action %q (use %s)", args[0], strings.Join(kinds, ", "))
			}
			switch n.Kind {
			case app.ActionEnrollDevice:
				if user == "" {
					return usagef("enroll for whom? give --user")
				}
			case app.ActionRunDrill:
				if drillName == "" {
					drillName = app.ReadinessDrills(false)[0]
					n.Drill = drillName
				}
				if _, err := drill.Find(drillName); err != nil {
					return usagef("%v", err)
				}
			case app.ActionAssignRootDevice:
				return usagef("the root user's devices are assigned in the console only: follow 'sparekey recover --path planning/root'")
			}
			var a *app.App
			var err error
			if n.Kind == app.ActionEnrollDevice || n.Kind == app.ActionBackupVerify {
				a, err = e.needVault()
			} else {
				a, err = e.awsApp(true)
			}
			if err != nil {
				return err
			}
			if (n.Kind == app.ActionConfirmContacts || n.Kind == app.ActionConfirmSpareAdmin) && account == "" {
				if n.AccountID, err = readyAccount(e, a, rf); err != nil {
					return err
				}
			}
			conn := app.AWSConnection{}
			if n.Kind == app.ActionEnrollDevice || n.Kind == app.ActionDeleteOrphans {
				conn = rf.resolve(e)
			}
			did, err := a.DoReadinessAction(e.Context(), n, app.ReadinessActionOptions{
				Conn: conn, BackupFile: backupFile,
				RunDrill: func(_ context.Context, name string) (bool, error) { return runAndRecordDrill(e, a, name) },
			})
			if errors.Is(err, app.ErrBadAccountID) {
				return usagef("%v", err)
			}
			if err != nil {
				return wrapAWS(err)
			}
			fmt.Fprintln(e.Out, did)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&user, "user", "", "the IAM user (enroll)")
	f.StringVar(&account, "account", "", "the AWS account ID (confirm-contacts, confirm-spare-admin)")
	f.StringVar(&drillName, "drill", "", "the drill to run (drill)")
	f.StringVar(&backupFile, "out", "", "where the backup goes (backup)")
	return cmd
}

// runAndRecordDrill runs a drill and records its result for the score.
func runAndRecordDrill(e *Env, a *app.App, name string) (bool, error) {
	res, err := drill.Run(e.Context(), name, false)
	if err != nil {
		return false, err
	}
	if err := drill.Record(a.Paths().Data, res); err != nil {
		return false, fmt.Errorf("the drill ran but its result was not recorded: %w", err)
	}
	return res.Passed, nil
}
