package cli

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/practice"
)

func init() { register(newPracticeCommand) }

// defaultPracticeAddr is where `sparekey practice serve` listens unless told
// otherwise, and where the drill commands look for it.
const defaultPracticeAddr = "127.0.0.1:8045"

// newPracticeCommand is `sparekey practice`: run the practice account as a
// server and drive its scenario controls. None of it opens the vault.
func newPracticeCommand(e *Env) *cobra.Command {
	admin := &practice.AdminClient{}
	cmd := &cobra.Command{
		Use:   "practice",
		Short: "Run the practice AWS account and stage drills (drift, faults, lost phone)",
		Long: `The practice account is a local look-alike of AWS IAM and STS for MFA chores:
the aws CLI, the AWS SDKs and 'sparekey aws --endpoint-url' can all talk to it,
and nothing reaches AWS. Its credentials and seeds are practice values only.

'serve' runs it; the other commands stage drills on a running server through
its admin endpoint (--endpoint, default $SPAREKEY_PRACTICE_ENDPOINT or
http://` + defaultPracticeAddr + `). The admin endpoint wants the token 'serve'
made: it is kept for you in a file only you can read, or taken from
$SPAREKEY_PRACTICE_TOKEN.`,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Name() == "serve" {
				return nil
			}
			return e.findPracticeToken(admin)
		},
	}
	endpoint := os.Getenv("SPAREKEY_PRACTICE_ENDPOINT")
	if endpoint == "" {
		endpoint = "http://" + defaultPracticeAddr
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&admin.Endpoint, "endpoint", endpoint, "URL of a running practice server (drill commands)")

	cmd.AddCommand(
		newPracticeServe(e),
		newPracticeInfo(e, admin),
		newPracticeDrift(e, admin),
		newPracticeFault(e, admin),
		newPracticeReset(e, admin),
		newPracticeLose(e, admin),
		newPracticeRootDevice(e, admin),
		newPracticeSeed(e, admin),
		newPracticeLatency(e, admin),
		newPracticeSuspend(e, admin),
	)
	return cmd
}

func newPracticeServe(e *Env) *cobra.Command {
	var addr, state, accountID string
	var accounts int
	var latency time.Duration
	var rootAccess bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the practice account until interrupted",
		Long: `Run the practice account on a loopback address until Ctrl-C, printing the
endpoint and the practice credentials as shell export lines.

Without --state the account lives in memory and is fresh each time; with it,
the account (practice seeds and keys included) is kept in that file, 0600.

With --accounts N the practice account is the management account of a
practice Organization with N member accounts. Each member has the same
preset users and its own devices and root, and an
OrganizationAccountAccessRole the management account may assume.
Organizations (ListAccounts, DescribeOrganization), STS AssumeRole and
AssumeRoot and IAM's centralized root access calls all answer on the same
endpoint. --root-access turns centralized root access on from the start.
--latency delays every call, to rehearse an audit of many accounts.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return usagef("--addr %q is not HOST:PORT: %v", addr, err)
			}
			if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
				return usagef("--addr %s is not a loopback address; the practice account serves this machine only (use 127.0.0.1:PORT)", addr)
			}
			dataDir, err := e.practiceDataDir()
			if err != nil {
				return err
			}
			if accounts < 0 {
				return usagef("--accounts must be 0 or more")
			}
			if rootAccess && accounts == 0 {
				return usagef("--root-access needs an organization: add --accounts N")
			}
			if latency < 0 {
				return usagef("--latency must not be negative")
			}
			srv, err := practice.New(practice.Options{StatePath: state, AccountID: accountID, MemberAccounts: accounts, Latency: latency})
			if err != nil {
				return err
			}
			if rootAccess {
				if err := srv.SetRootAccessFeatures(practice.FeatureRootCredentialsManagement, practice.FeatureRootSessions); err != nil {
					return err
				}
			}
			defer srv.Close()
			url, err := srv.Start(addr)
			if err != nil {
				return err
			}
			access := practice.AdminAccess{Endpoint: url, Token: srv.AdminToken()}
			accessPath, err := practice.AdminAccessPath(dataDir, url)
			if err != nil {
				return err
			}
			if err := practice.WriteAdminAccess(accessPath, access); err != nil {
				return err
			}
			defer practice.RemoveAdminAccess(accessPath, access.Token)
			info := srv.Info()
			if e.JSON {
				if err := e.printJSON(struct {
					Endpoint   string `json:"endpoint"`
					AdminToken string `json:"admin_token"`
					practice.Info
				}{url, access.Token, info}); err != nil {
					return err
				}
			} else {
				printPracticeExports(e, url, info)
				fmt.Fprintf(e.Out, "export %s=%s\n", practiceTokenEnv, access.Token)
				fmt.Fprintf(e.Out, "# The admin token is also in %s (only you can read it) for 'sparekey practice' drills.\n", accessPath)
				fmt.Fprintln(e.Err, "Practice account running; press Ctrl-C to stop.")
			}
			<-cmd.Context().Done()
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", defaultPracticeAddr, "loopback HOST:PORT to listen on (port 0 picks a free one)")
	cmd.Flags().StringVar(&state, "state", "", "keep the practice account in this JSON file (default: memory only)")
	cmd.Flags().StringVar(&accountID, "account-id", "", "12-digit account id (default "+practice.DefaultAccountID+")")
	cmd.Flags().IntVar(&accounts, "accounts", 0, "member accounts of a practice Organization (0: a single account)")
	cmd.Flags().BoolVar(&rootAccess, "root-access", false, "turn centralized root access on in the organization (AssumeRoot)")
	cmd.Flags().DurationVar(&latency, "latency", 0, "delay every AWS call by this much (e.g. 50ms)")
	return cmd
}

// practiceTokenEnv, when set, is the admin token to use instead of the
// access file: for a server another user or another SPAREKEY_HOME runs.
const practiceTokenEnv = "SPAREKEY_PRACTICE_TOKEN"

// practiceDataDir is where `serve` keeps the access files: the data folder,
// whose vault none of the practice commands opens.
func (e *Env) practiceDataDir() (string, error) {
	if e.appOpts != nil && e.appOpts.Paths.Data != "" {
		return e.appOpts.Paths.Data, nil
	}
	p, err := app.DefaultPaths()
	if err != nil {
		return "", err
	}
	return p.Data, nil
}

// findPracticeToken gives admin the token of the server at its endpoint:
// $SPAREKEY_PRACTICE_TOKEN, else the access file `serve` wrote.
func (e *Env) findPracticeToken(admin *practice.AdminClient) error {
	if tok := os.Getenv(practiceTokenEnv); tok != "" {
		admin.Token = tok
		return nil
	}
	dir, err := e.practiceDataDir()
	if err != nil {
		return err
	}
	path, err := practice.AdminAccessPath(dir, admin.Endpoint)
	if err != nil {
		return usagef("--endpoint: %v", err)
	}
	access, err := practice.ReadAdminAccess(path)
	switch {
	case errors.Is(err, practice.ErrNoAdminAccess):
		return fmt.Errorf("%w (%s)\nStart one with 'sparekey practice serve', or set %s to the token the server printed.", err, admin.Endpoint, practiceTokenEnv)
	case errors.Is(err, practice.ErrBadAdminAccess):
		return fmt.Errorf("%w\nRestart 'sparekey practice serve' to write it again, or set %s to the token the server printed.", err, practiceTokenEnv)
	case err != nil:
		return err
	}
	admin.Token = access.Token
	return nil
}

// explainPracticeAdmin adds the remedy to an admin endpoint error.
func explainPracticeAdmin(err error) error {
	if errors.Is(err, practice.ErrAdminToken) {
		return fmt.Errorf("%w\nThe server there is not the one that wrote your access file (it was restarted, or is someone else's): set %s to the token its 'sparekey practice serve' printed.", err, practiceTokenEnv)
	}
	return err
}

// printPracticeExports prints the endpoint and credentials as lines a shell
// can eval: practice-admin is exported, the others are listed as comments.
func printPracticeExports(e *Env, url string, info practice.Info) {
	admin := info.Users[practice.AdminUser]
	fmt.Fprintf(e.Out, "# Sparekey practice account %s at %s (nothing here reaches AWS)\n", info.AccountID, url)
	fmt.Fprintf(e.Out, "# Identity: %s (all permissions)\n", practice.AdminUser)
	fmt.Fprintf(e.Out, "export AWS_ENDPOINT_URL=%s\n", url)
	fmt.Fprintf(e.Out, "export AWS_ACCESS_KEY_ID=%s\n", admin.AccessKeyID)
	fmt.Fprintf(e.Out, "export AWS_SECRET_ACCESS_KEY=%s\n", admin.SecretAccessKey)
	fmt.Fprintln(e.Out, "export AWS_REGION=us-east-1")
	fmt.Fprintf(e.Out, "export SPAREKEY_PRACTICE_ENDPOINT=%s\n", url)
	fmt.Fprintln(e.Out, "# Other identities (AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY):")
	fmt.Fprintf(e.Out, "#   root   %s %s\n", info.Root.AccessKeyID, info.Root.SecretAccessKey)
	for _, name := range []string{practice.AliceUser, practice.BobUser} {
		if c, ok := info.Users[name]; ok {
			fmt.Fprintf(e.Out, "#   %-6s %s %s\n", name, c.AccessKeyID, c.SecretAccessKey)
		}
	}
	fmt.Fprintf(e.Out, "# alice's MFA device: %s ('sparekey practice seed' prints its otpauth URI)\n", info.AliceDevice)
	if o := info.Organization; o != nil {
		fmt.Fprintf(e.Out, "# Organization %s: this is its management account, with %d member accounts.\n", o.ID, len(o.Members))
		if n := len(o.Members); n > 0 {
			fmt.Fprintf(e.Out, "#   members %s … %s; each has the same preset users and an %s\n", o.Members[0].ID, o.Members[n-1].ID, practice.OrganizationAccountAccessRole)
			fmt.Fprintf(e.Out, "#   the identity above may assume: arn:aws:iam::%s:role/%s\n", o.Members[0].ID, practice.OrganizationAccountAccessRole)
		}
		if len(o.Features) == 0 {
			fmt.Fprintln(e.Out, "#   centralized root access is off (AssumeRoot refused until it is enabled)")
		} else {
			fmt.Fprintf(e.Out, "#   centralized root access: %s\n", strings.Join(o.Features, ", "))
		}
	}
}

func newPracticeInfo(e *Env, admin *practice.AdminClient) *cobra.Command {
	var account string
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Print a running practice server's endpoint and credentials as export lines",
		Long: `Print a running practice server's endpoint and credentials as export lines.
With --account, the credentials are a member account's, so the aws CLI or
Sparekey can act in that member directly.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var info practice.Info
			var err error
			if account != "" {
				info, err = admin.MemberInfo(e.Context(), account)
			} else {
				info, err = admin.Info(e.Context())
			}
			if err != nil {
				return explainPracticeAdmin(err)
			}
			if e.JSON {
				return e.printJSON(struct {
					AdminToken string `json:"admin_token"`
					practice.Info
				}{admin.Token, info})
			}
			printPracticeExports(e, admin.Endpoint, info)
			// Another shell (or user) can eval this to run the drills.
			fmt.Fprintf(e.Out, "export %s=%s\n", practiceTokenEnv, admin.Token)
			return nil
		},
	}
	cmd.Flags().StringVar(&account, "account", "", "a member account's id: print its credentials instead")
	return cmd
}

func newPracticeDrift(e *Env, admin *practice.AdminClient) *cobra.Command {
	return &cobra.Command{
		Use:   "drift SERIAL STEPS",
		Short: "Make the server believe a device's clock is STEPS × 30 s off",
		Long: `Make the practice account believe a device's clock is STEPS × 30 s off
(positive: ahead), as if the phone's clock was wrong when it was enabled.
Codes from a correct clock then fail when |STEPS| > 1, until the device is
resynced ('sparekey aws resync'). 'drift SERIAL 0' puts it back.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			steps, err := strconv.Atoi(args[1])
			if err != nil {
				return usagef("STEPS %q is not a whole number of 30-second steps", args[1])
			}
			if err := admin.SetDrift(e.Context(), args[0], steps); err != nil {
				return explainPracticeAdmin(err)
			}
			return practiceDone(e, fmt.Sprintf("%s now drifts %+d steps (%+d s).", args[0], steps, steps*30))
		},
	}
}

func newPracticeFault(e *Env, admin *practice.AdminClient) *cobra.Command {
	var op, fault string
	var count int
	cmd := &cobra.Command{
		Use:   "fault",
		Short: "Make the next calls of an operation fail (throttle, server-error, timeout)",
		Long: `Make the next --count calls of --op fail the way AWS fails:
  throttle      400 Throttling "Rate exceeded"
  server-error  500 ServiceFailure
  timeout       hang until the client gives up (at most 30 s), then 500
  access-denied 403 AccessDenied (AccessDeniedException in Organizations)
--op is an AWS action name such as EnableMFADevice or GetSessionToken, or
'*' for every operation. --count 0 clears the fault.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := practice.ParseFault(fault)
			if err != nil {
				return usagef("%v", err)
			}
			if count < 0 {
				return usagef("--count must be 0 or more")
			}
			if err := admin.InjectFault(e.Context(), op, f, count); err != nil {
				return explainPracticeAdmin(err)
			}
			if count == 0 {
				return practiceDone(e, fmt.Sprintf("No more faults on %s.", op))
			}
			return practiceDone(e, fmt.Sprintf("The next %d call(s) of %s fail with %s.", count, op, f))
		},
	}
	cmd.Flags().StringVar(&op, "op", practice.AnyOperation, "AWS operation to fail, or * for all ("+strings.Join(practice.Operations(), ", ")+")")
	cmd.Flags().StringVar(&fault, "fault", string(practice.FaultThrottle), "throttle, server-error, timeout or access-denied")
	cmd.Flags().IntVar(&count, "count", 1, "how many calls fail")
	return cmd
}

func newPracticeReset(e *Env, admin *practice.AdminClient) *cobra.Command {
	var preset string
	cmd := &cobra.Command{
		Use:   "reset",
		Short: "Reset the practice account to a clean preset",
		Long: `Reset the running practice account to a preset. Devices, seeds, sessions and
users made since are gone; the printed credentials of root and the preset
users keep working. Presets:
  default             root without MFA; practice-admin; alice with one
                      virtual MFA device; bob without MFA
  root-single-device  default, plus one MFA device on the root user`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := admin.Reset(e.Context(), practice.Preset(preset)); err != nil {
				return explainPracticeAdmin(err)
			}
			return practiceDone(e, fmt.Sprintf("Practice account reset to %s.", preset))
		},
	}
	cmd.Flags().StringVar(&preset, "preset", string(practice.PresetDefault), "default or root-single-device")
	return cmd
}

func newPracticeLose(e *Env, admin *practice.AdminClient) *cobra.Command {
	return &cobra.Command{
		Use:   "lose SERIAL",
		Short: "Simulate a lost phone: the device stays in AWS, its seed is gone",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := admin.LoseDevice(e.Context(), args[0]); err != nil {
				return explainPracticeAdmin(err)
			}
			return practiceDone(e, fmt.Sprintf("%s is lost: AWS keeps it, its seed is no longer available.", args[0]))
		},
	}
}

func newPracticeRootDevice(e *Env, admin *practice.AdminClient) *cobra.Command {
	var account string
	cmd := &cobra.Command{
		Use:   "root-device NAME",
		Short: "Give the root user an MFA device (AWS only allows this in the console)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			serial, err := admin.EnableRootDeviceIn(e.Context(), account, args[0])
			if err != nil {
				return explainPracticeAdmin(err)
			}
			if e.JSON {
				return e.printJSON(map[string]string{"serial": serial})
			}
			fmt.Fprintln(e.Out, serial)
			return nil
		},
	}
	cmd.Flags().StringVar(&account, "account", "", "a member account's id (default: the management or only account)")
	return cmd
}

func newPracticeLatency(e *Env, admin *practice.AdminClient) *cobra.Command {
	return &cobra.Command{
		Use:   "latency DURATION",
		Short: "Delay every AWS call of a running practice server (e.g. 50ms; 0 for none)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := time.ParseDuration(args[0])
			if err != nil || d < 0 {
				return usagef("DURATION %q is not a duration such as 50ms or 1s", args[0])
			}
			if err := admin.SetLatency(e.Context(), d); err != nil {
				return explainPracticeAdmin(err)
			}
			return practiceDone(e, fmt.Sprintf("Every AWS call now waits %s before it is answered.", d))
		},
	}
}

func newPracticeSuspend(e *Env, admin *practice.AdminClient) *cobra.Command {
	return &cobra.Command{
		Use:   "suspend ACCOUNT",
		Short: "Suspend a member account of the practice organization",
		Long: `Suspend a member account of the practice organization: ListAccounts shows it
SUSPENDED, its keys stop working and no role in it can be assumed, as with
an account AWS has closed. Reset the server to bring it back.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := admin.SuspendAccount(e.Context(), args[0]); err != nil {
				return explainPracticeAdmin(err)
			}
			return practiceDone(e, fmt.Sprintf("Account %s is suspended.", args[0]))
		},
	}
}

func newPracticeSeed(e *Env, admin *practice.AdminClient) *cobra.Command {
	return &cobra.Command{
		Use:   "seed [SERIAL]",
		Short: "Print a practice device's otpauth URI (default: alice's device), for drills",
		Long: `Print the otpauth URI of a practice device, so a drill can add it to
Sparekey ('sparekey practice seed | sparekey add -'). Only the practice
account hands out seeds like this; AWS never shows a seed twice. A device
marked lost ('practice lose') has no seed to give.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := admin.Info(e.Context())
			if err != nil {
				return explainPracticeAdmin(err)
			}
			serial := info.AliceDevice
			if len(args) == 1 {
				serial = args[0]
			}
			seed, err := admin.Seed(e.Context(), serial)
			if err != nil {
				return explainPracticeAdmin(err)
			}
			name := serial[strings.LastIndex(serial, "/")+1:]
			uri := practice.EnrollmentURI(name, info.AccountID, seed)
			if e.JSON {
				return e.printJSON(map[string]string{"serial": serial, "uri": uri})
			}
			fmt.Fprintln(e.Out, uri)
			return nil
		},
	}
}

// practiceDone reports a drill step: a sentence, or {"status": "ok"}.
func practiceDone(e *Env, msg string) error {
	if e.JSON {
		return e.printJSON(map[string]string{"status": "ok", "message": msg})
	}
	fmt.Fprintln(e.Out, msg)
	return nil
}
