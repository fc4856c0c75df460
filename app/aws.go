package app

// The AWS chores: app-level wrappers around sync/awsmfa that pick the
// connection (a profile, an endpoint, or the built-in practice account),
// bring the vault and the keyring, and remember nothing secret.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/awsprofile"
	"github.com/sparekey/sparekey/sync/practice"
	"github.com/sparekey/sparekey/vault"
)

// PracticeLabel is the connection name of the built-in practice account.
const PracticeLabel = "practice"

// AWSConnection says which AWS account to talk to.
type AWSConnection struct {
	// Profile is a profile of ~/.aws/config ("" = AWS_PROFILE or default).
	Profile string
	// EndpointURL overrides the IAM and STS endpoints (e.g. moto).
	EndpointURL string
	Region      string
	// Practice uses the built-in practice account, started in this process
	// on 127.0.0.1; PracticeUser picks who signs in there ("" = the
	// practice administrator, "root", or an IAM user such as "alice").
	Practice     bool
	PracticeUser string
}

// Label is the connection's name in the vault's AWS bindings and the
// session cache.
func (c AWSConnection) Label() string {
	switch {
	case c.Practice && (c.PracticeUser == "" || c.PracticeUser == practice.AdminUser):
		return PracticeLabel
	case c.Practice:
		// Each practice identity has its own sessions.
		return PracticeLabel + ":" + c.PracticeUser
	case c.Profile != "":
		return c.Profile
	case os.Getenv("AWS_PROFILE") != "":
		return os.Getenv("AWS_PROFILE")
	}
	return "default"
}

// HaveAWSCredentials reports whether any standard AWS configuration exists
// (environment keys, a profile, or the shared files). Without one the CLI
// and UI default to the practice account.
func HaveAWSCredentials() bool {
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		if os.Getenv(v) != "" {
			return true
		}
	}
	files := []string{config.DefaultSharedConfigFilename(), config.DefaultSharedCredentialsFilename()}
	if f := os.Getenv("AWS_CONFIG_FILE"); f != "" {
		files = append(files, f)
	}
	if f := os.Getenv("AWS_SHARED_CREDENTIALS_FILE"); f != "" {
		files = append(files, f)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() && st.Size() > 0 {
			return true
		}
	}
	return false
}

// practiceRuntime is the in-process practice account of one App.
type practiceRuntime struct {
	srv      *practice.Server
	endpoint string
}

var (
	practiceMu    sync.Mutex
	practiceByApp = map[*App]*practiceRuntime{}
)

// PracticeServer starts (once) and returns the practice account, whose
// state lives in the data folder so drills survive restarts.
func (a *App) PracticeServer() (*practice.Server, string, error) {
	practiceMu.Lock()
	defer practiceMu.Unlock()
	if rt := practiceByApp[a]; rt != nil {
		return rt.srv, rt.endpoint, nil
	}
	if err := os.MkdirAll(a.paths.Data, 0o700); err != nil {
		return nil, "", err
	}
	srv, err := practice.New(practice.Options{StatePath: filepath.Join(a.paths.Data, "practice-account.json"), Now: a.now})
	if err != nil {
		return nil, "", fmt.Errorf("starting the practice account: %w", err)
	}
	if srv.OrganizationID() == "" {
		if err := makePracticeOrganization(srv); err != nil {
			return nil, "", fmt.Errorf("starting the practice account: %w", err)
		}
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("starting the practice account: %w", err)
	}
	practiceByApp[a] = &practiceRuntime{srv: srv, endpoint: endpoint}
	return srv, endpoint, nil
}

// PracticeMembers is how many member accounts the built-in practice
// account's Organization has: enough for the organization audit to show a
// table and for a member root's recovery to be rehearsed, without starting
// `sparekey practice serve --accounts N`.
const PracticeMembers = 3

// makePracticeOrganization turns a single practice account (a new one, or
// one saved before it had members, whose seeds stay) into the management
// account of a small Organization ready for the organization chores:
// centralized root access on, and the first member's root holding an MFA
// device for `aws root-mfa` to find and remove. Done once: what the
// person changes afterwards (a removed root device) stays changed.
func makePracticeOrganization(srv *practice.Server) error {
	if err := srv.AddOrganization(PracticeMembers); err != nil {
		return err
	}
	if err := srv.SetRootAccessFeatures(practice.FeatureRootCredentialsManagement, practice.FeatureRootSessions); err != nil {
		return err
	}
	_, err := srv.EnableRootDeviceIn(srv.MemberAccountIDs()[0], practice.RootDeviceName)
	return err
}

// StopPractice stops the practice account if it runs.
func (a *App) StopPractice() {
	practiceMu.Lock()
	rt := practiceByApp[a]
	delete(practiceByApp, a)
	practiceMu.Unlock()
	if rt != nil {
		rt.srv.Close()
	}
}

// AWSClient connects to the account conn describes. No network call is made.
func (a *App) AWSClient(ctx context.Context, conn AWSConnection) (*awsmfa.Client, error) {
	opts := awsmfa.Options{Profile: conn.Profile, Label: conn.Label(), Region: conn.Region, EndpointURL: conn.EndpointURL, Now: a.now, Spent: a.awsSpentSteps()}
	if conn.Practice {
		srv, endpoint, err := a.PracticeServer()
		if err != nil {
			return nil, err
		}
		var creds practice.Credentials
		switch conn.PracticeUser {
		case "", practice.AdminUser:
			creds = srv.AdminCredentials()
		case "root":
			creds = srv.RootCredentials()
		default:
			if creds, err = srv.UserCredentials(conn.PracticeUser); err != nil {
				return nil, err
			}
		}
		opts.Profile, opts.EndpointURL = "", endpoint
		opts.Credentials = &awsmfa.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}
		opts.MaxBackoff = 200 * time.Millisecond
	}
	return awsmfa.Connect(ctx, opts)
}

// vaultIfOpen returns the vault when unlocked, else nil: device lists work
// without it and just cannot say which seeds Sparekey holds. It is the one
// source of "held" for the CLI and the window alike: every listing and the
// audit take the vault from here, and with none they report the held
// state as unknown (Device.HeldUnknown, AuditReport.HeldUnknown), never
// as "no".
func (a *App) vaultIfOpen() *vault.Vault {
	v, err := a.Vault()
	if err != nil {
		return nil
	}
	return v
}

func (a *App) sessionCache() awsmfa.SessionCache {
	return awsmfa.SessionCache{Keyring: a.keyring, Now: a.now}
}

// AWSWhoAmI shows who the connection's credentials are and whether they carry MFA.
func (a *App) AWSWhoAmI(ctx context.Context, conn AWSConnection) (*awsmfa.Identity, error) {
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	return c.WhoAmI(ctx)
}

// AWSDevices lists the caller's devices, or every user's (all = true, admin),
// marking those whose seed the vault holds.
func (a *App) AWSDevices(ctx context.Context, conn AWSConnection, all bool, progress func(done, total int)) ([]awsmfa.Device, error) {
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	if all {
		return c.AllDevices(ctx, a.vaultIfOpen(), progress)
	}
	return c.UserDevices(ctx, "", a.vaultIfOpen())
}

// AWSUserDevices lists one user's devices (admin; "" = the caller).
func (a *App) AWSUserDevices(ctx context.Context, conn AWSConnection, user string) ([]awsmfa.Device, error) {
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	return c.UserDevices(ctx, user, a.vaultIfOpen())
}

// AWSOrphans lists unassigned virtual devices.
func (a *App) AWSOrphans(ctx context.Context, conn AWSConnection) ([]awsmfa.Device, error) {
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	return c.Orphans(ctx, a.vaultIfOpen())
}

// AWSDeleteOrphans deletes unassigned virtual devices (only the listed
// serials when given) and returns those deleted.
func (a *App) AWSDeleteOrphans(ctx context.Context, conn AWSConnection, only ...string) ([]string, error) {
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	// With the vault open, seeds of deleted orphans leave it too.
	return c.DeleteOrphans(ctx, a.vaultIfOpen(), only...)
}

// AWSEnroll makes Sparekey an MFA device of the caller (or, as admin, of
// req.UserName). The seed goes straight into the vault and never reaches
// the caller; the vault's save triggers the automatic backup.
func (a *App) AWSEnroll(ctx context.Context, conn AWSConnection, req awsmfa.EnrollRequest) (*awsmfa.EnrollResult, error) {
	v, c, err := a.vaultAndAWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	if conn.Practice {
		// Marked in the label and by a tag: a practice code opens nothing real.
		if req.Issuer == "" {
			req.Issuer = PracticeIssuer
		}
		req.Tags = append(req.Tags, PracticeTag)
	}
	res, err := c.Enroll(ctx, v, req)
	if err == nil && res.Session != nil {
		_ = a.sessionCache().Put(conn.Label(), res.Session)
	}
	return res, err
}

// AWSResync resyncs the device of the vault account matching query. It
// may wait up to three periods for two codes AWS has not seen yet;
// progress (may be nil) hears about every second of that wait.
func (a *App) AWSResync(ctx context.Context, conn AWSConnection, query string, progress func(awsmfa.ResyncWait)) (*vault.Account, error) {
	acct, c, err := a.awsAccount(ctx, conn, query)
	if err != nil {
		return nil, err
	}
	return acct, c.Resync(ctx, acct, progress)
}

// AWSConsoleResyncCodes returns two consecutive codes of a held device to
// type into the console's resync form (root devices).
func (a *App) AWSConsoleResyncCodes(ctx context.Context, conn AWSConnection, query string) (string, string, error) {
	acct, c, err := a.awsAccount(ctx, conn, query)
	if err != nil {
		return "", "", err
	}
	return c.ConsoleResyncCodes(ctx, acct)
}

// AWSResyncWithCodes resyncs a device (hardware token) with two codes a
// person typed; user "" means the caller.
func (a *App) AWSResyncWithCodes(ctx context.Context, conn AWSConnection, user, serial, code1, code2 string) error {
	if err := awsmfa.ValidateCodePair(strings.TrimSpace(code1), strings.TrimSpace(code2)); err != nil {
		return err
	}
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return err
	}
	return c.ResyncWithCodes(ctx, user, serial, strings.TrimSpace(code1), strings.TrimSpace(code2))
}

func (a *App) awsAccount(ctx context.Context, conn AWSConnection, query string) (*vault.Account, *awsmfa.Client, error) {
	v, err := a.Vault()
	if err != nil {
		return nil, nil, err
	}
	acct, err := findAWSAccount(v, query)
	if err != nil {
		return nil, nil, err
	}
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return nil, nil, err
	}
	return acct, c, nil
}

// findAWSAccount resolves a serial number or a vault name to an AWS-bound account.
func findAWSAccount(v *vault.Vault, query string) (*vault.Account, error) {
	if a, ok := awsmfa.HeldSeeds(v)[query]; ok {
		return a, nil
	}
	acct, err := v.Find(query)
	if err != nil {
		return nil, err
	}
	if acct.AWS == nil || acct.AWS.SerialNumber == "" {
		return nil, vault.WithRemedy(fmt.Errorf("%s is not bound to an AWS MFA device", acct.Label()), vault.RemedyEnroll)
	}
	return acct, nil
}

// AWSJournalPath is where device replacements are journaled.
func (a *App) AWSJournalPath() string { return filepath.Join(a.paths.Data, awsmfa.JournalFile) }

// AWSPendingReplacement returns the journal of an unfinished replacement,
// or nil. The UI calls it at start to offer Resume.
func (a *App) AWSPendingReplacement() (*awsmfa.Journal, error) {
	return awsmfa.ReadJournal(a.AWSJournalPath())
}

// AWSReplace replaces a device: the new one is enrolled and verified before
// the old one is deactivated and deleted; progress is journaled.
func (a *App) AWSReplace(ctx context.Context, conn AWSConnection, req awsmfa.ReplaceRequest) (*awsmfa.ReplaceResult, error) {
	v, c, err := a.vaultAndAWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	req.JournalPath = a.AWSJournalPath()
	return c.Replace(ctx, v, req)
}

// AWSResume finishes or rolls back an interrupted replacement, connecting
// the way the journal says (conn is used only when it names a profile the
// journal does not, e.g. an endpoint override). (nil, nil): nothing pending.
func (a *App) AWSResume(ctx context.Context, conn AWSConnection) (*awsmfa.ReplaceResult, error) {
	j, err := a.AWSPendingReplacement()
	if err != nil || j == nil {
		return nil, err
	}
	v, err := a.Vault()
	if err != nil {
		return nil, err
	}
	if user, ok := strings.CutPrefix(j.Label, PracticeLabel); ok && (user == "" || user[0] == ':') {
		conn.Practice, conn.PracticeUser = true, strings.TrimPrefix(user, ":")
	} else if conn.Label() != j.Label {
		conn.Profile, conn.Practice = j.Label, false
	}
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	return c.Resume(ctx, v, a.AWSJournalPath())
}

// ResumeAWSReplacement is what the app runs at start: it finishes or rolls
// back an interrupted device replacement through the connection recorded in
// the journal. (nil, nil) when nothing is pending.
func (a *App) ResumeAWSReplacement(ctx context.Context) (*awsmfa.ReplaceResult, error) {
	return a.AWSResume(ctx, AWSConnection{})
}

// AWSRemoveDevice deactivates a user's device and deletes it if virtual.
func (a *App) AWSRemoveDevice(ctx context.Context, conn AWSConnection, user, serial string) (*awsmfa.RemoveResult, error) {
	v, c, err := a.vaultAndAWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	return c.RemoveDevice(ctx, v, user, serial)
}

// AWSAudit audits the account's MFA readiness. The last automatic backup
// decides which held seeds are "not in any backup".
func (a *App) AWSAudit(ctx context.Context, conn AWSConnection, progress func(stage string, done, total int)) (*awsmfa.AuditReport, error) {
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	opts := awsmfa.AuditOptions{Vault: a.vaultIfOpen(), LastBackup: a.AutoBackupStatus().LastSuccess, Progress: progress}
	if conn.Practice {
		opts.PollInterval = 50 * time.Millisecond // the local report is ready at once
	}
	return c.Audit(ctx, opts)
}

// AWSSession returns an MFA session for the connection: from the keyring
// cache while it is valid (unless fresh), else a new one from STS with a
// code of the held device. mfaSerial "" means the profile's mfa_serial, if any.
func (a *App) AWSSession(ctx context.Context, conn AWSConnection, fresh bool) (*awsmfa.Session, error) {
	cache := a.sessionCache()
	if !fresh {
		if s, ok := cache.Get(conn.Label()); ok {
			return s, nil
		}
	}
	v, c, err := a.vaultAndAWSClient(ctx, conn)
	if err != nil {
		return nil, err
	}
	acct, err := c.SessionDevice(ctx, v, profileMFASerial(ctx, conn))
	if err != nil {
		return nil, err
	}
	s, err := c.NewSession(ctx, acct, 12*time.Hour)
	if err != nil {
		return nil, err
	}
	_ = cache.Put(conn.Label(), s) // a keyring failure only costs a new session next time
	return s, nil
}

// CachedAWSSession returns a valid cached session without opening the vault.
func (a *App) CachedAWSSession(conn AWSConnection) (*awsmfa.Session, bool) {
	return a.sessionCache().Get(conn.Label())
}

// ForgetAWSSession drops the cached session.
func (a *App) ForgetAWSSession(conn AWSConnection) { a.sessionCache().Forget(conn.Label()) }

// profileMFASerial reads mfa_serial from the profile, if it has one.
func profileMFASerial(ctx context.Context, conn AWSConnection) string {
	if conn.Practice {
		return ""
	}
	profile := conn.Label()
	// The files the aws CLI reads: LoadSharedConfigProfile on its own
	// ignores AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE.
	files := awsprofile.DefaultFiles()
	sc, err := config.LoadSharedConfigProfile(ctx, profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = files.Config, files.Credentials
	})
	if err != nil {
		return ""
	}
	return sc.MFASerial
}

// WriteAWSCredentialProcess prints the session in the credential_process
// JSON format. It is the only place session secrets leave the process.
func WriteAWSCredentialProcess(w io.Writer, s *awsmfa.Session) error {
	return awsmfa.WriteProcessCredentials(w, s)
}

// ExplainAWS turns an AWS error into a message with its guidance. It never
// includes secrets (awsmfa errors carry none).
func ExplainAWS(err error) string {
	if err == nil {
		return ""
	}
	var amb *vault.AmbiguousError
	if errors.As(err, &amb) || errors.Is(err, ErrLocked) || errors.Is(err, vault.ErrNoSuchAccount) {
		return explainCore(err)
	}
	msg := err.Error()
	if g := awsmfa.GuidanceOf(err); g != "" {
		msg += "\n" + g
	}
	return msg
}

// vaultAndAWSClient is what every chore that touches held seeds needs.
func (a *App) vaultAndAWSClient(ctx context.Context, conn AWSConnection) (*vault.Vault, *awsmfa.Client, error) {
	v, err := a.Vault()
	if err != nil {
		return nil, nil, err
	}
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return nil, nil, err
	}
	return v, c, nil
}
