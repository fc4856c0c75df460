package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsprofile"
)

func newAWSCredentials(e *Env, conn *app.AWSConnection) *cobra.Command {
	return &cobra.Command{
		Use:   "credentials --profile PROFILE",
		Short: "Print MFA session credentials for credential_process",
		Long: `Print session credentials in the credential_process format, cached in the
system keyring until shortly before they expire. Use it from another profile
in ~/.aws/config ('sparekey aws setup-profile' writes this for you):

  [profile work-mfa]
  credential_process = sparekey aws credentials --profile work

PROFILE either holds long-term keys (Sparekey gets an MFA session from STS
with a code of the device it holds), or is a role profile (role_arn with
source_profile, and mfa_serial): Sparekey gets one MFA session for the
source profile's user and assumes the role with it. Every role profile built
on the same source shares that session, so one code serves them all until it
expires. Role chains (a source_profile that is itself a role profile) work
too. PROFILE must not point back at Sparekey.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if os.Getenv(credentialProcessGuard) != "" {
				return fmt.Errorf("profile %q runs Sparekey's credential_process from within itself; give --profile a profile that holds long-term access keys or assumes a role", conn.Label())
			}
			os.Setenv(credentialProcessGuard, "1")
			defer os.Unsetenv(credentialProcessGuard)
			c := *conn
			if c.PracticeUser != "" {
				c.Practice = true
			}
			if c.Profile == "" && !c.Practice && os.Getenv("AWS_PROFILE") == "" {
				return usagef("credentials needs --profile (the profile holding the long-term keys, or a role profile)")
			}
			a, err := e.App()
			if err != nil {
				return err
			}
			ctx := e.Context()
			chain, err := a.AWSRoleChain(ctx, c)
			if err != nil {
				return err
			}
			if chain != nil {
				s, err := a.AWSRoleSession(ctx, c, chain)
				if errors.Is(err, app.ErrLocked) {
					// A new MFA session needs a code, so the vault.
					if _, err = e.OpenVault(); err != nil {
						return err
					}
					s, err = a.AWSRoleSession(ctx, c, chain)
				}
				if err != nil {
					return wrapAWS(err)
				}
				return app.WriteAWSCredentialProcess(e.Out, s)
			}
			// Fast path: a cached session needs neither the vault nor AWS.
			if s, ok := a.CachedAWSSession(c); ok {
				return app.WriteAWSCredentialProcess(e.Out, s)
			}
			if _, err := e.OpenVault(); err != nil {
				return err
			}
			s, err := a.AWSSession(ctx, c, true)
			if err != nil {
				return wrapAWS(err)
			}
			return app.WriteAWSCredentialProcess(e.Out, s)
		},
	}
}

func newAWSSetupProfile(e *Env, resolve resolver) *cobra.Command {
	var req app.ProfileSetupRequest
	var yes, dryRun bool
	cmd := &cobra.Command{
		Use:   "setup-profile --profile PROFILE",
		Short: "Write a profile into ~/.aws/config whose credentials come from Sparekey",
		Long: `Prepare PROFILE (a role profile, or one with long-term keys) for MFA sessions
from Sparekey: fill its mfa_serial with your device whose seed Sparekey holds
(asked of AWS with ListMFADevices when the profile has none), and write a
profile, PROFILE-mfa unless --as says otherwise, whose credential_process runs
'sparekey aws credentials --profile PROFILE'. Its region and endpoint are
copied from PROFILE.

The change is shown as a diff first and written only when you confirm
(--yes skips the question, --dry-run only shows it). Everything else in the
file stays exactly as it was, comments and spacing included; the old file is
kept beside it as config.bak-YYYYMMDD-HHMMSS.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn := resolve(cmd)
			if conn.Practice {
				return usagef("setup-profile writes ~/.aws/config profiles; give --profile, not the practice account")
			}
			if conn.Profile == "" && os.Getenv("AWS_PROFILE") == "" {
				return usagef("setup-profile needs --profile (the role profile, or the profile holding your long-term keys)")
			}
			a, err := e.needVault()
			if err != nil {
				return err
			}
			plan, err := a.PlanAWSProfileSetup(e.Context(), conn, req)
			if err != nil {
				return wrapAWS(err)
			}
			if e.JSON && (dryRun || !plan.Changed()) {
				return e.printJSON(plan)
			}
			if !plan.Changed() {
				fmt.Fprintf(e.Out, "%s is already set up: profile %s gets its credentials from Sparekey with device %s.\n", plan.ConfigPath, plan.As, plan.MFASerial)
				return nil
			}
			if !e.JSON {
				switch plan.MFASerialFrom {
				case "ListMFADevices":
					fmt.Fprintf(e.Out, "Your MFA device whose seed Sparekey holds: %s (from AWS).\n", plan.MFASerial)
				case "profile":
					fmt.Fprintf(e.Out, "Device from the profile's mfa_serial: %s.\n", plan.MFASerial)
				}
				fmt.Fprintf(e.Out, "Changes to %s:\n\n%s\n", plan.ConfigPath, plan.Diff)
			}
			if dryRun {
				fmt.Fprintln(e.Err, "Nothing written (--dry-run).")
				return nil
			}
			if !yes {
				fmt.Fprintf(e.Err, "Write these changes to %s? [y/N] ", plan.ConfigPath)
				answer, _ := bufio.NewReader(e.In).ReadString('\n')
				if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
					fmt.Fprintln(e.Err, "Nothing written.")
					return nil
				}
			}
			backup, err := a.ApplyAWSProfileSetup(plan)
			if err != nil {
				return err
			}
			if e.JSON {
				return e.printJSON(map[string]any{"plan": plan, "backup": backup})
			}
			fmt.Fprintf(e.Out, "Wrote %s.", plan.ConfigPath)
			if backup != "" {
				fmt.Fprintf(e.Out, " The old file is kept as %s.", backup)
			}
			fmt.Fprintf(e.Out, "\nTry it: aws sts get-caller-identity --profile %s\n", plan.As)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.As, "as", "", "name of the profile to write (default: PROFILE-mfa)")
	f.StringVar(&req.MFASerial, "mfa-serial", "", "MFA device to use (default: the profile's, or yours that Sparekey holds)")
	f.StringVar(&req.ConfigPath, "config", "", "AWS config file to edit (default: $AWS_CONFIG_FILE or ~/.aws/config)")
	f.StringVar(&req.Program, "program", "sparekey", "how credential_process starts Sparekey (a full path if it is not on PATH)")
	f.BoolVar(&yes, "yes", false, "write without asking")
	f.BoolVar(&dryRun, "dry-run", false, "only show the change")
	return cmd
}

// roleSessionCommand is `aws session` for a role profile: the role's
// session, from the cache or assumed with the shared MFA session.
// --forget and --fresh act on the role's session only; the MFA session
// stays, since other role profiles share it.
func roleSessionCommand(e *Env, a *app.App, conn app.AWSConnection, chain *awsprofile.Chain, fresh, forget bool) error {
	if forget || fresh {
		a.ForgetAWSRoleSession(chain.Profile)
	}
	if forget {
		fmt.Fprintf(e.Out, "Forgot the cached role session of %s; the MFA session of %s stays for its other roles.\n", chain.Profile, chain.Source)
		return nil
	}
	ctx := e.Context()
	s, err := a.AWSRoleSession(ctx, conn, chain)
	if errors.Is(err, app.ErrLocked) {
		if _, err = e.OpenVault(); err != nil {
			return err
		}
		s, err = a.AWSRoleSession(ctx, conn, chain)
	}
	if err != nil {
		return wrapAWS(err)
	}
	role := chain.Roles[len(chain.Roles)-1].RoleARN
	if e.JSON {
		return e.printJSON(map[string]any{"profile": chain.Profile, "role_arn": role, "source_profile": chain.Source, "expiration": s.Expiration})
	}
	fmt.Fprintf(e.Out, "Role session for %s (%s, from the MFA session of %s) valid until %s.\n", chain.Profile, role, chain.Source, s.Expiration.Local().Format(time.DateTime))
	fmt.Fprintf(e.Out, "Use it with: credential_process = sparekey aws credentials --profile %s\n", chain.Profile)
	return nil
}
