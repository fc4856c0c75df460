package cli

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsmfa"
)

// withOrganizationAudit adds --organization (and its tuning flags) to the
// account audit command: the same command and formats, the whole
// organization instead of one account.
func withOrganizationAudit(e *Env, resolve resolver, audit *cobra.Command) *cobra.Command {
	var organization bool
	var role string
	var concurrency int
	var profiles []string
	accountAudit := audit.RunE
	audit.Long += `

With --organization, audit every account of the AWS Organization from the
management account or a delegated administrator: Sparekey assumes --role in
each member account (or uses --account-profile ACCOUNT=PROFILE), audits up to
--concurrency accounts at once, and reports every account, including those
it could not reach and why. Where the organization has centralized root
access, member root users are examined in audit-only root sessions.`
	audit.RunE = func(cmd *cobra.Command, args []string) error {
		if !organization {
			if cmd.Flags().Changed("role") || cmd.Flags().Changed("concurrency") || cmd.Flags().Changed("account-profile") {
				return usagef("--role, --concurrency and --account-profile go with --organization")
			}
			return accountAudit(cmd, args)
		}
		return runOrgAudit(e, resolve, cmd, role, concurrency, profiles)
	}
	f := audit.Flags()
	f.BoolVar(&organization, "organization", false, "audit every account of the AWS Organization")
	f.StringVar(&role, "role", awsmfa.DefaultOrgRole, "with --organization, the role to assume in each member account")
	f.IntVar(&concurrency, "concurrency", awsmfa.DefaultOrgConcurrency, "with --organization, how many accounts to audit at once")
	f.StringArrayVar(&profiles, "account-profile", nil, "with --organization, reach ACCOUNT through PROFILE instead of the role (ACCOUNT=PROFILE, repeatable)")
	return audit
}

func runOrgAudit(e *Env, resolve resolver, cmd *cobra.Command, role string, concurrency int, profilePairs []string) error {
	format, _ := cmd.Flags().GetString("format")
	out, _ := cmd.Flags().GetString("out")
	noVault, _ := cmd.Flags().GetBool("no-vault")
	if e.JSON {
		format = "json"
	}
	switch format {
	case "md", "markdown", "csv", "json":
	default:
		return usagef("--format must be md, csv or json")
	}
	if concurrency < 1 || concurrency > 64 {
		return usagef("--concurrency must be between 1 and 64")
	}
	if err := awsmfa.CheckRoleName(role); err != nil {
		return usagef("--role: %v", err)
	}
	profiles, err := awsmfa.ParseAccountProfiles(profilePairs)
	if err != nil {
		return usagef("--account-profile: %v", err)
	}
	a, err := e.awsApp(!noVault)
	if err != nil {
		return err
	}
	progress := func(p awsmfa.OrgProgress) {
		line := fmt.Sprintf("\rAuditing accounts: %d/%d", p.Done, p.Total)
		if p.Failed > 0 {
			line += fmt.Sprintf(" (%d could not be audited)", p.Failed)
		}
		fmt.Fprint(e.Err, line)
	}
	rep, err := a.AWSOrgAudit(e.Context(), resolve(cmd), app.OrgAuditRequest{Role: role, Profiles: profiles, Concurrency: concurrency, Progress: progress})
	if rep != nil && len(rep.Accounts) > 0 {
		fmt.Fprintln(e.Err)
	}
	if err != nil {
		return wrapAWS(err)
	}
	var buf bytes.Buffer
	switch format {
	case "csv":
		err = rep.WriteCSV(&buf)
	case "json":
		err = (&Env{Out: &buf}).printJSON(rep)
	default:
		err = rep.WriteMarkdown(&buf)
	}
	if err != nil {
		return err
	}
	audited, failed, skipped := rep.Counts()
	if out == "" {
		if _, err := e.Out.Write(buf.Bytes()); err != nil {
			return err
		}
	} else {
		if err := writeFileReplacing(out, buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(e.Err, "Wrote %s.\n", out)
	}
	if failed > 0 || skipped > 0 {
		fmt.Fprintf(e.Err, "Audited %d of %d accounts; %d failed and %d were skipped (the report says why).\n", audited, len(rep.Accounts), failed, skipped)
	}
	return nil
}

func newAWSRootMFA(e *Env, resolve resolver) *cobra.Command {
	var account string
	var deactivate, allowPassword, yes bool
	cmd := &cobra.Command{
		Use:   "root-mfa --account ID",
		Short: "Show, then remove, a member account's root MFA through centralized root access",
		Long: `Recover a member account's root user whose MFA device is lost, from the
organization's management account or IAM's delegated administrator, through
centralized root access (a 15-minute root session in the member account).

Without --deactivate it only shows the root's MFA devices and whether it has a
password. --deactivate removes exactly the devices shown (after asking), then
checks that none is left. --allow-password-recovery also lets the root user
recover its password by email, so it can sign in and enroll a new device.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if account == "" {
				return usagef("--account is required: the member account's 12-digit ID")
			}
			id, err := awsmfa.ParseAccountID(account)
			if err != nil {
				return usagef("--account: %v", err)
			}
			if allowPassword && !deactivate {
				return usagef("--allow-password-recovery goes with --deactivate")
			}
			a, err := e.App()
			if err != nil {
				return err
			}
			ctx, conn := e.Context(), resolve(cmd)
			plan, err := a.AWSRootMFAPreview(ctx, conn, id)
			if err != nil {
				return wrapAWS(err)
			}
			if !deactivate {
				if e.JSON {
					return e.printJSON(plan)
				}
				printRootPlan(e, plan)
				if len(plan.Devices) > 0 {
					fmt.Fprintln(e.Out, "Nothing was changed. Add --deactivate to remove these devices.")
				}
				return nil
			}
			if !e.JSON {
				printRootPlan(e, plan)
			}
			if len(plan.Devices) == 0 && !allowPassword {
				if e.JSON {
					return e.printJSON(map[string]any{"plan": plan, "result": &awsmfa.RootMFAResult{Account: id, Deactivated: []string{}, Remaining: []string{}, Verified: true, Password: awsmfa.PasswordNotRequested}})
				}
				fmt.Fprintln(e.Out, "The root user has no MFA device; nothing to remove.")
				return nil
			}
			if !yes {
				question := fmt.Sprintf("Remove %d MFA device(s) from the root user of %s?", len(plan.Devices), id)
				if len(plan.Devices) == 0 {
					question = fmt.Sprintf("Allow the root user of %s to recover its password by email?", id)
				}
				ok, err := confirm(e, question)
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(e.Out, "Nothing was changed.")
					return nil
				}
			}
			res, err := a.AWSRootMFADeactivate(ctx, conn, plan, allowPassword)
			if e.JSON && err == nil {
				return e.printJSON(map[string]any{"plan": plan, "result": res})
			}
			if res != nil {
				printRootResult(e, res)
			}
			var step *awsmfa.RootStepError
			if errors.As(err, &step) && res != nil && len(res.Deactivated) > 0 {
				fmt.Fprintf(e.Err, "Stopped at %s after removing %d device(s); running the same command again continues.\n", step.Step, len(res.Deactivated))
			}
			return wrapAWS(err)
		},
	}
	f := cmd.Flags()
	f.StringVar(&account, "account", "", "the member account's ID")
	f.BoolVar(&deactivate, "deactivate", false, "remove the devices shown, then check they are gone")
	f.BoolVar(&allowPassword, "allow-password-recovery", false, "with --deactivate, let the root user recover its password by email")
	f.BoolVarP(&yes, "yes", "y", false, "do not ask before removing")
	return cmd
}

func printRootPlan(e *Env, p *awsmfa.RootMFAPlan) {
	name := ""
	if p.AccountName != "" {
		name = " (" + p.AccountName + ")"
	}
	fmt.Fprintf(e.Out, "Root user of account %s%s, organization %s:\n", p.Account, name, p.OrganizationID)
	fmt.Fprintf(e.Out, "  Password: %s\n", map[bool]string{true: "yes", false: "no"}[p.Password])
	if len(p.Devices) == 0 {
		fmt.Fprintln(e.Out, "  MFA devices: none")
		return
	}
	fmt.Fprintf(e.Out, "  MFA devices (%d):\n", len(p.Devices))
	for _, d := range p.Devices {
		fmt.Fprintf(e.Out, "    %s\n", d)
	}
}

func printRootResult(e *Env, r *awsmfa.RootMFAResult) {
	for _, d := range r.Deactivated {
		fmt.Fprintf(e.Out, "Deactivated %s\n", d)
	}
	if r.Verified {
		fmt.Fprintln(e.Out, "Checked: the root user has no MFA device left.")
	}
	switch r.Password {
	case awsmfa.PasswordAllowed:
		fmt.Fprintln(e.Out, "The root user can now recover its password by email (Forgot password on the sign-in page), then enroll a new MFA device.")
	case awsmfa.PasswordAlreadySet:
		fmt.Fprintln(e.Out, "The root user already has a password; it signs in with it (or recovers it by email) and enrolls a new MFA device.")
	}
}
