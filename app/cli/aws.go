package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsmfa"
)

func init() { register(newAWSCommand) }

// awsError carries an AWS failure to the root's printer, which adds its
// guidance (app.Explain). Adding it here as well printed it twice.
type awsError struct{ err error }

func (e *awsError) Error() string { return e.err.Error() }
func (e *awsError) Unwrap() error { return e.err }

func wrapAWS(err error) error {
	if err == nil {
		return nil
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return err
	}
	return &awsError{err}
}

// credentialProcessGuard is set while `aws credentials` runs, so a profile
// whose credential_process points back at itself fails at once instead of
// spawning Sparekey forever.
const credentialProcessGuard = "SPAREKEY_IN_CREDENTIAL_PROCESS"

func newAWSCommand(e *Env) *cobra.Command {
	var conn app.AWSConnection
	cmd := &cobra.Command{
		Use:   "aws",
		Short: "Manage AWS MFA devices, audits and MFA sessions",
		Long: `Manage AWS IAM MFA devices with Sparekey as a virtual MFA device.

Connections use the standard AWS configuration (--profile, environment, SSO,
endpoint_url). --practice uses the built-in practice account instead: a local
look-alike of IAM and STS that never reaches AWS. It is the default when no
AWS configuration exists.`,
	}
	// An interrupted replacement must not be forgotten: every AWS command
	// but the quiet credential_process mentions it.
	cmd.PersistentPreRunE = func(c *cobra.Command, _ []string) error {
		if c.Name() == "credentials" || c.Name() == "replace" {
			return nil
		}
		a, err := e.App()
		if err != nil {
			return nil
		}
		if j, err := a.AWSPendingReplacement(); err == nil && j != nil {
			fmt.Fprintf(e.Err, "Note: the replacement of %s for %s stopped at phase %q; run 'sparekey aws replace --resume' to finish or roll it back.\n", j.OldSerial, j.UserName, j.Phase)
		}
		return nil
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&conn.Profile, "profile", "", "AWS profile to use (default: $AWS_PROFILE or default)")
	pf.StringVar(&conn.EndpointURL, "endpoint-url", "", "IAM and STS endpoint to use instead of AWS")
	pf.StringVar(&conn.Region, "region", "", "AWS region (IAM is global; needed for China and GovCloud)")
	pf.BoolVar(&conn.Practice, "practice", false, "use the built-in practice account")
	pf.StringVar(&conn.PracticeUser, "practice-user", "", "practice identity: practice-admin (default), root, alice, bob…")

	// resolve applies the "practice when nothing is configured" default.
	resolve := func(c *cobra.Command) app.AWSConnection {
		out := conn
		if !out.Practice && out.Profile == "" && out.EndpointURL == "" && !app.HaveAWSCredentials() {
			out.Practice = true
			fmt.Fprintln(e.Err, "No AWS configuration found: using the built-in practice account (nothing reaches AWS).")
		}
		if out.PracticeUser != "" {
			out.Practice = true
		}
		return out
	}
	cmd.AddCommand(
		newAWSWhoAmI(e, resolve),
		newAWSDevices(e, resolve),
		newAWSEnroll(e, resolve),
		newAWSResync(e, resolve),
		newAWSReplace(e, resolve),
		newAWSRemove(e, resolve),
		newAWSOrphans(e, resolve),
		withOrganizationAudit(e, resolve, newAWSAudit(e, resolve)),
		newAWSRootMFA(e, resolve),
		newAWSCredentials(e, &conn),
		newAWSSetupProfile(e, resolve),
		newAWSSession(e, resolve),
	)
	return cmd
}

type resolver func(*cobra.Command) app.AWSConnection

// awsApp returns the app with the vault unlocked when useVault is set. A
// vault that does not exist yet is not an error for listings (they only
// lose the "seed in Sparekey" column); chores that store seeds use
// needVault and fail.
func (e *Env) awsApp(useVault bool) (*app.App, error) {
	a, err := e.App()
	if err != nil || !useVault {
		return a, err
	}
	if st, _ := a.State(); st == app.StateMissing {
		return a, nil
	}
	if _, err := e.OpenVault(); err != nil {
		return nil, err
	}
	return a, nil
}

// needVault unlocks the vault, which must exist.
func (e *Env) needVault() (*app.App, error) {
	if _, err := e.OpenVault(); err != nil {
		return nil, err
	}
	return e.App()
}

func newAWSWhoAmI(e *Env, resolve resolver) *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "Show who the AWS credentials belong to and whether they carry MFA",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.App()
			if err != nil {
				return err
			}
			id, err := a.AWSWhoAmI(e.Context(), resolve(cmd))
			if err != nil {
				return wrapAWS(err)
			}
			if e.JSON {
				return e.printJSON(id)
			}
			if conn := resolve(cmd); conn.Practice {
				fmt.Fprintln(e.Out, "Practice account: a local look-alike of IAM; nothing reaches AWS.")
			}
			fmt.Fprintf(e.Out, "Account:  %s (%s)\nIdentity: %s\n", id.Account, id.Partition, id.Arn)
			fmt.Fprintf(e.Out, "MFA:      %s: %s\n", id.MFA, id.MFAReason)
			return nil
		},
	}
}

func newAWSDevices(e *Env, resolve resolver) *cobra.Command {
	var all, noVault bool
	cmd := &cobra.Command{
		Use:   "devices",
		Short: "List MFA devices: yours, or every user's with --all (admin)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.awsApp(!noVault)
			if err != nil {
				return err
			}
			ctx := e.Context()
			conn := resolve(cmd)
			devs, err := a.AWSDevices(ctx, conn, all, nil)
			if err != nil {
				return wrapAWS(err)
			}
			var orphans []awsmfa.Device
			if all {
				if orphans, err = a.AWSOrphans(ctx, conn); err != nil {
					return wrapAWS(err)
				}
			}
			if e.JSON {
				if devs == nil {
					devs = []awsmfa.Device{}
				}
				if orphans == nil {
					orphans = []awsmfa.Device{}
				}
				return e.printJSON(map[string]any{"devices": devs, "orphans": orphans})
			}
			printDevices(e.Out, devs)
			if len(orphans) > 0 {
				fmt.Fprintf(e.Out, "\nUnassigned virtual devices (orphans; delete with 'sparekey aws orphans --delete'):\n")
				printDevices(e.Out, orphans)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "list every user's devices and the orphans (needs admin rights)")
	cmd.Flags().BoolVar(&noVault, "no-vault", false, "do not open the vault (cannot tell which seeds Sparekey holds)")
	return cmd
}

func printDevices(w io.Writer, devs []awsmfa.Device) {
	if len(devs) == 0 {
		fmt.Fprintln(w, "No MFA devices.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tTYPE\tSERIAL\tENABLED\tSEED IN SPAREKEY")
	for _, d := range devs {
		enabled := "-"
		if !d.EnableDate.IsZero() {
			enabled = d.EnableDate.Local().Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Owner(), d.Type, d.SerialNumber, enabled, d.HeldText())
	}
	tw.Flush()
}

func newAWSEnroll(e *Env, resolve resolver) *cobra.Command {
	var req awsmfa.EnrollRequest
	cmd := &cobra.Command{
		Use:   "enroll",
		Short: "Make Sparekey an MFA device for you (or, as admin, for --user)",
		Long: `Create a virtual MFA device, keep its seed in the vault (it is never shown),
enable it with two codes Sparekey computes itself, and check that it works.
If a step fails, what was created is undone, or the exact leftovers are listed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.needVault()
			if err != nil {
				return err
			}
			res, err := a.AWSEnroll(e.Context(), resolve(cmd), req)
			if err != nil {
				return wrapAWS(err)
			}
			if e.JSON {
				return e.printJSON(res)
			}
			fmt.Fprintf(e.Out, "Enrolled %s for %s; its seed is in the vault as %q.\n", res.Device.SerialNumber, res.Device.UserName, res.Label)
			switch res.Verified {
			case "session":
				fmt.Fprintln(e.Out, "Verified: STS accepted a fresh code from Sparekey.")
			case "listed":
				fmt.Fprintln(e.Out, "Verified: AWS lists the device as enabled.")
			}
			for _, w := range res.Warnings {
				fmt.Fprintln(e.Err, "warning:", w)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.UserName, "user", "", "IAM user to enroll for (admin); default: yourself")
	f.StringVar(&req.DeviceName, "name", "", "virtual device name (default: sparekey-USER-RANDOM)")
	f.StringVar(&req.Path, "path", "", "IAM path of the device (default /)")
	return cmd
}

func newAWSResync(e *Env, resolve resolver) *cobra.Command {
	var console bool
	var serial, user, code1, code2 string
	cmd := &cobra.Command{
		Use:   "resync [ACCOUNT]",
		Short: "Resync a device: one whose seed Sparekey holds, or a hardware token (--serial)",
		Long: `With ACCOUNT (a vault name or a device serial), Sparekey computes two
consecutive codes at a safe moment and calls ResyncMFADevice. With --console it
prints the two codes to type into the AWS console's resync form (root devices).

With --serial (a hardware token), type two consecutive codes from the token:
the first, then wait for the token to change and type the second.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := e.Context()
			conn := resolve(cmd)
			if serial != "" {
				if len(args) > 0 {
					return usagef("give either ACCOUNT or --serial, not both")
				}
				a, err := e.App()
				if err != nil {
					return err
				}
				if code1 == "" || code2 == "" {
					if code1, code2, err = promptCodes(e); err != nil {
						return err
					}
				}
				if err := a.AWSResyncWithCodes(ctx, conn, user, serial, code1, code2); err != nil {
					return wrapAWS(err)
				}
				fmt.Fprintf(e.Out, "Resynced %s.\n", serial)
				return nil
			}
			if len(args) != 1 {
				return usagef("resync needs ACCOUNT (a vault name or serial) or --serial for a hardware token")
			}
			a, err := e.needVault()
			if err != nil {
				return err
			}
			if console {
				c1, c2, err := a.AWSConsoleResyncCodes(ctx, conn, args[0])
				if err != nil {
					return wrapAWS(err)
				}
				fmt.Fprintf(e.Out, "Type these into the console's resync form now:\n  first code:  %s\n  second code: %s\n", c1, c2)
				return nil
			}
			countdown := &resyncCountdown{w: e.Err}
			acct, err := a.AWSResync(ctx, conn, args[0], countdown.show)
			countdown.end()
			if err != nil {
				return wrapAWS(err)
			}
			fmt.Fprintf(e.Out, "Resynced %s (%s).\n", acct.AWS.SerialNumber, acct.Label())
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&console, "console", false, "print two codes for the console's resync form instead")
	f.StringVar(&serial, "serial", "", "serial number of a hardware token to resync with typed codes")
	f.StringVar(&user, "user", "", "owner of the --serial device (default: yourself)")
	f.StringVar(&code1, "code1", "", "first code from the token")
	f.StringVar(&code2, "code2", "", "second, next code from the token")
	return cmd
}

// resyncCountdown prints a resync's wait on one line of stderr, rewritten
// each second, and a fresh line when the reason changes: a resync may wait
// over a minute and must never look hung.
type resyncCountdown struct {
	w      io.Writer
	reason awsmfa.WaitReason
	shown  bool
}

func (c *resyncCountdown) show(w awsmfa.ResyncWait) {
	if c.shown && w.Reason != c.reason {
		fmt.Fprintln(c.w)
	}
	c.reason, c.shown = w.Reason, true
	secs := int((w.Left + time.Second - 1) / time.Second)
	fmt.Fprintf(c.w, "\rWaiting %3d s %s.", secs, w.Reason)
}

func (c *resyncCountdown) end() {
	if c.shown {
		fmt.Fprintln(c.w)
	}
}

// promptCodes asks for two consecutive codes on the terminal (or stdin).
func promptCodes(e *Env) (string, string, error) {
	in := bufio.NewScanner(e.In)
	ask := func(prompt string) (string, error) {
		fmt.Fprint(e.Err, prompt)
		if !in.Scan() {
			return "", usagef("two codes are needed")
		}
		return strings.ReplaceAll(strings.TrimSpace(in.Text()), " ", ""), nil
	}
	c1, err := ask("First code shown by the token: ")
	if err != nil {
		return "", "", err
	}
	c2, err := ask("Wait until the token shows a new code, then type it: ")
	if err != nil {
		return "", "", err
	}
	if err := awsmfa.ValidateCodePair(c1, c2); err != nil {
		return "", "", err
	}
	return c1, c2, nil
}

func newAWSReplace(e *Env, resolve resolver) *cobra.Command {
	var req awsmfa.ReplaceRequest
	var resume bool
	cmd := &cobra.Command{
		Use:   "replace --old SERIAL",
		Short: "Replace a device (new phone, lost token) with Sparekey, never leaving zero devices",
		Long: `Enroll Sparekey as a new device, verify it, then deactivate and delete the
old one. Progress is journaled in the data folder; if the replacement is
interrupted, 'sparekey aws replace --resume' finishes or rolls it back.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.needVault()
			if err != nil {
				return err
			}
			ctx := e.Context()
			var res *awsmfa.ReplaceResult
			if resume {
				res, err = a.AWSResume(ctx, resolve(cmd))
				if err == nil && res == nil {
					fmt.Fprintln(e.Out, "No replacement to resume.")
					return nil
				}
			} else {
				if req.OldSerial == "" {
					return usagef("replace needs --old SERIAL (see 'sparekey aws devices')")
				}
				res, err = a.AWSReplace(ctx, resolve(cmd), req)
			}
			if err != nil {
				return wrapAWS(err)
			}
			if e.JSON {
				return e.printJSON(res)
			}
			switch {
			case res.RolledBack:
				fmt.Fprintf(e.Out, "Rolled back the unfinished replacement of %s; it is still the working device.\n", res.OldSerial)
			default:
				fmt.Fprintf(e.Out, "Replaced %s with %s.", res.OldSerial, res.NewSerial)
				if res.OldDeleted {
					fmt.Fprint(e.Out, " The old device is deleted.")
				} else if res.OldDeactivated {
					fmt.Fprint(e.Out, " The old device is deactivated.")
				}
				fmt.Fprintln(e.Out)
			}
			for _, w := range res.Warnings {
				fmt.Fprintln(e.Err, "warning:", w)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.OldSerial, "old", "", "serial number of the device to replace")
	f.StringVar(&req.UserName, "user", "", "IAM user owning the device (admin); default: yourself")
	f.StringVar(&req.NewDeviceName, "name", "", "name of the new virtual device")
	f.BoolVar(&resume, "resume", false, "finish or roll back an interrupted replacement")
	return cmd
}

func newAWSRemove(e *Env, resolve resolver) *cobra.Command {
	var user, serial string
	cmd := &cobra.Command{
		Use:   "remove --user USER --serial SERIAL",
		Short: "Deactivate a user's device and delete it if virtual (admin chore)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if serial == "" {
				return usagef("remove needs --serial")
			}
			a, err := e.needVault()
			if err != nil {
				return err
			}
			res, err := a.AWSRemoveDevice(e.Context(), resolve(cmd), user, serial)
			if err != nil {
				return wrapAWS(err)
			}
			if e.JSON {
				return e.printJSON(res)
			}
			fmt.Fprintf(e.Out, "Deactivated %s.", serial)
			if res.Deleted {
				fmt.Fprint(e.Out, " Deleted it.")
			}
			switch res.Vault {
			case "removed":
				fmt.Fprint(e.Out, " Its seed was removed from the vault.")
			case "retired":
				fmt.Fprint(e.Out, " Its seed stays in the vault, tagged "+awsmfa.TagRetired+".")
			}
			fmt.Fprintln(e.Out)
			return nil
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "IAM user owning the device (default: yourself)")
	cmd.Flags().StringVar(&serial, "serial", "", "serial number of the device")
	return cmd
}

func newAWSOrphans(e *Env, resolve resolver) *cobra.Command {
	var del bool
	var only []string
	cmd := &cobra.Command{
		Use:   "orphans",
		Short: "List (or --delete) unassigned virtual devices that block re-enrollment",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.awsApp(true)
			if err != nil {
				return err
			}
			ctx := e.Context()
			conn := resolve(cmd)
			if del {
				deleted, err := a.AWSDeleteOrphans(ctx, conn, only...)
				if e.JSON && err == nil {
					if deleted == nil {
						deleted = []string{}
					}
					return e.printJSON(map[string]any{"deleted": deleted})
				}
				for _, s := range deleted {
					fmt.Fprintf(e.Out, "Deleted %s\n", s)
				}
				if err != nil {
					return wrapAWS(err)
				}
				if len(deleted) == 0 {
					fmt.Fprintln(e.Out, "No unassigned virtual devices.")
				}
				return nil
			}
			orphans, err := a.AWSOrphans(ctx, conn)
			if err != nil {
				return wrapAWS(err)
			}
			if e.JSON {
				if orphans == nil {
					orphans = []awsmfa.Device{}
				}
				return e.printJSON(orphans)
			}
			if len(orphans) == 0 {
				fmt.Fprintln(e.Out, "No unassigned virtual devices.")
				return nil
			}
			printDevices(e.Out, orphans)
			return nil
		},
	}
	cmd.Flags().BoolVar(&del, "delete", false, "delete them")
	cmd.Flags().StringArrayVar(&only, "serial", nil, "with --delete, only this serial (repeatable)")
	return cmd
}

func newAWSAudit(e *Env, resolve resolver) *cobra.Command {
	var format, out string
	var noVault bool
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Audit the account's MFA readiness and export a report",
		Long: `Check every user's MFA devices, the root user's MFA, unassigned devices and
the backup state of seeds Sparekey holds, and score the account from 0 to 100.
The score starts at 100 and deducts 30 if root has no MFA, 40 × the share of
users without MFA, 15 × the share with a single device, 2 per unassigned
device (at most 5) and 10 × the share of held seeds in no backup.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if e.JSON {
				format = "json"
			}
			switch format {
			case "md", "markdown", "csv", "json":
			default:
				return usagef("--format must be md, csv or json")
			}
			a, err := e.awsApp(!noVault)
			if err != nil {
				return err
			}
			last := ""
			conn := resolve(cmd)
			rep, err := a.AWSAudit(e.Context(), conn, func(stage string, done, total int) {
				if stage == "devices" && total >= 50 && (done == total || done%50 == 0) {
					line := fmt.Sprintf("\rChecking users' devices: %d/%d", done, total)
					if line != last {
						fmt.Fprint(e.Err, line)
						last = line
					}
				}
			})
			if last != "" {
				fmt.Fprintln(e.Err)
			}
			if err != nil {
				return wrapAWS(err)
			}
			var buf bytes.Buffer
			switch format {
			case "csv", "json":
				err = writeAuditWithReadiness(e, a, conn, rep, format, &buf)
			default:
				err = rep.WriteMarkdown(&buf)
				if err == nil {
					// The same per-identity scores as 'sparekey ready'.
					err = writeAuditReadiness(e, a, conn, rep, &buf)
				}
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
			fmt.Fprintf(e.Err, "Wrote %s (score %d/100).\n", out, rep.Score)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "md", "report format: md, csv or json")
	f.StringVar(&out, "out", "", "write the report to this file instead of standard output")
	f.BoolVar(&noVault, "no-vault", false, "do not open the vault (held seeds are not checked)")
	return cmd
}

func newAWSSession(e *Env, resolve resolver) *cobra.Command {
	var fresh, forget bool
	cmd := &cobra.Command{
		Use:   "session",
		Short: "Get (and cache) an MFA session for the profile",
		Long: `Get an STS session with a code of the profile's MFA device held by Sparekey,
so that requests carry MFA, and cache it in the system keyring. The secrets
are never printed; use 'sparekey aws credentials' as a credential_process.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn := resolve(cmd)
			a, err := e.App()
			if err != nil {
				return err
			}
			if chain, err := a.AWSRoleChain(e.Context(), conn); err != nil || chain != nil {
				if err != nil {
					return err
				}
				return roleSessionCommand(e, a, conn, chain, fresh, forget)
			}
			if forget {
				a.ForgetAWSSession(conn)
				fmt.Fprintf(e.Out, "Forgot the cached session of %s.\n", conn.Label())
				return nil
			}
			s, ok := a.CachedAWSSession(conn)
			if fresh || !ok {
				if _, err := e.OpenVault(); err != nil {
					return err
				}
				if s, err = a.AWSSession(e.Context(), conn, true); err != nil {
					return wrapAWS(err)
				}
			}
			if e.JSON {
				return e.printJSON(map[string]any{"profile": conn.Label(), "serial_number": s.SerialNumber, "expiration": s.Expiration})
			}
			fmt.Fprintf(e.Out, "MFA session for %s (device %s) valid until %s.\n", conn.Label(), s.SerialNumber, s.Expiration.Local().Format(time.DateTime))
			fmt.Fprintf(e.Out, "Use it with: credential_process = sparekey aws credentials --profile %s\n", conn.Label())
			return nil
		},
	}
	cmd.Flags().BoolVar(&fresh, "fresh", false, "ignore the cached session and get a new one")
	cmd.Flags().BoolVar(&forget, "forget", false, "drop the cached session")
	return cmd
}

// writeFileReplacing writes data to path through a temporary file in the
// same folder, so a reader never sees half a report.
func writeFileReplacing(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
