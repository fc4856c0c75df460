package app

// Role profiles: `sparekey aws credentials --profile X` for a profile with
// role_arn + source_profile (+ mfa_serial), and setup-profile, which
// writes such profiles' credential_process lines into ~/.aws/config.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/awsprofile"
	"github.com/sparekey/sparekey/vault"
)

// AWSRoleChain resolves conn's profile. It returns (nil, nil) when the
// profile assumes no role (or does not exist in the files: its keys may
// come from the environment), so the caller takes the plain path.
func (a *App) AWSRoleChain(ctx context.Context, conn AWSConnection) (*awsprofile.Chain, error) {
	if conn.Practice {
		return nil, nil
	}
	ch, err := awsprofile.Resolve(ctx, conn.Label(), awsprofile.DefaultFiles())
	switch {
	case errors.Is(err, awsprofile.ErrMissingSourceProfile), errors.Is(err, awsprofile.ErrProfileLoop), errors.Is(err, awsprofile.ErrNoLongTermSource):
		return nil, err
	case err != nil:
		// Not a role profile Sparekey can tell apart (absent from the
		// files, or a fault the SDK reports): the plain path loads the
		// configuration itself and explains what is wrong.
		return nil, nil
	}
	if !ch.IsRole() {
		return nil, nil
	}
	return ch, nil
}

func (a *App) roleCache() awsprofile.RoleCache {
	return awsprofile.RoleCache{Keyring: a.keyring, Now: a.now}
}

// CachedAWSRoleSession returns the role profile's cached session, without
// the vault or AWS.
func (a *App) CachedAWSRoleSession(ch *awsprofile.Chain) (*awsmfa.Session, bool) {
	c, ok := a.roleCache().Get(ch)
	if !ok {
		return nil, false
	}
	return roleSession(c, ""), true
}

// ForgetAWSRoleSession drops a role profile's cached session.
func (a *App) ForgetAWSRoleSession(profile string) { a.roleCache().Forget(profile) }

// AWSRoleSession returns credentials for a role profile: its cached
// session, or AssumeRole along the chain from the MFA session of the
// chain's source identity. That session is cached under the source
// profile's name, so every role profile built on it shares it and one
// code serves them all until it expires. The vault is needed only when a
// new MFA session must be requested; without it the error is ErrLocked
// and the caller may unlock and call again.
func (a *App) AWSRoleSession(ctx context.Context, conn AWSConnection, ch *awsprofile.Chain) (*awsmfa.Session, error) {
	if s, ok := a.CachedAWSRoleSession(ch); ok {
		return s, nil
	}
	rc := a.roleCache()
	opts := awsprofile.AssumeOptions{Files: awsprofile.DefaultFiles(), EndpointURL: conn.EndpointURL, Region: conn.Region, Now: a.now}
	// Every role's session is cached under its own profile (a keyring
	// failure only costs an AssumeRole next time), so a chain starts from
	// its longest cached part.
	save := func(i int, c awsprofile.Credentials) { _ = rc.Put(ch.Prefix(i), c) }
	for i := len(ch.Roles) - 2; i >= 0; i-- {
		if c, ok := rc.Get(ch.Prefix(i)); ok {
			if creds, err := ch.AssumeFrom(ctx, c, i+1, opts, save); err == nil {
				return roleSession(creds, ""), nil
			}
			break // start over from the MFA session, which explains any failure
		}
	}
	src, cached, err := a.sourceSession(ctx, conn, ch, false)
	if err != nil {
		return nil, err
	}
	creds, err := ch.AssumeFrom(ctx, sourceCredentials(src), 0, opts, save)
	if errors.Is(err, awsprofile.ErrSourceExpired) && cached {
		// Revoked or expired early (a clock jump): refresh transparently.
		a.sessionCache().Forget(ch.Source)
		if src, _, err = a.sourceSession(ctx, conn, ch, true); err != nil {
			return nil, err
		}
		creds, err = ch.AssumeFrom(ctx, sourceCredentials(src), 0, opts, save)
	}
	if err != nil {
		return nil, err
	}
	return roleSession(creds, src.SerialNumber), nil
}

// sourceSession is the MFA session of the chain's source identity, from
// the cache unless fresh. It reports whether it came from the cache.
func (a *App) sourceSession(ctx context.Context, conn AWSConnection, ch *awsprofile.Chain, fresh bool) (*awsmfa.Session, bool, error) {
	cache := a.sessionCache()
	if !fresh {
		if s, ok := cache.Get(ch.Source); ok {
			return s, true, nil
		}
	}
	v, err := a.Vault()
	if err != nil {
		return nil, false, err
	}
	c, err := a.sourceClient(ctx, conn, ch)
	if err != nil {
		return nil, false, err
	}
	acct, err := c.SessionDevice(ctx, v, ch.MFASerial)
	if errors.Is(err, awsmfa.ErrNoHeldDevice) && ch.MFASerial != "" {
		return nil, false, notHeldError(ch)
	}
	if err != nil {
		return nil, false, err
	}
	s, err := c.NewSession(ctx, acct, 12*time.Hour)
	if err != nil {
		return nil, false, err
	}
	_ = cache.Put(ch.Source, s)
	return s, false, nil
}

// sourceClient connects with the source profile's own long-term keys:
// loading a role profile's configuration would make the SDK try the role
// itself, and ask for a code.
func (a *App) sourceClient(ctx context.Context, conn AWSConnection, ch *awsprofile.Chain) (*awsmfa.Client, error) {
	opts := awsmfa.Options{Profile: ch.Source, Label: ch.Source, Region: conn.Region, EndpointURL: conn.EndpointURL, Now: a.now, Spent: a.awsSpentSteps()}
	if ch.SourceKeys.HasKeys() {
		opts.Credentials = &awsmfa.Credentials{AccessKeyID: ch.SourceKeys.AccessKeyID, SecretAccessKey: ch.SourceKeys.SecretAccessKey, SessionToken: ch.SourceKeys.SessionToken}
	}
	return awsmfa.Connect(ctx, opts)
}

func notHeldError(ch *awsprofile.Chain) error {
	return &awsmfa.Error{Op: "GetSessionToken", Kind: awsmfa.ErrNoHeldDevice, Err: awsmfa.ErrNoHeldDevice, Fix: vault.RemedyEnroll,
		Guidance: fmt.Sprintf("Profile %s names mfa_serial %s, and Sparekey does not hold that device's seed, so it cannot make the code. "+
			"Enroll Sparekey as an MFA device of the user behind profile %s, or import the device's QR code or setup key if you still have it; "+
			"or set mfa_serial to a device Sparekey holds.", ch.MFASerialProfile, ch.MFASerial, ch.Source)}
}

func sourceCredentials(s *awsmfa.Session) awsprofile.Credentials {
	return awsprofile.Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken, Expiration: s.Expiration}
}

func roleSession(c awsprofile.Credentials, serial string) *awsmfa.Session {
	return &awsmfa.Session{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration, SerialNumber: serial}
}

// ProfileSetupRequest says which profile setup-profile prepares.
type ProfileSetupRequest struct {
	// Profile is the profile to serve: a role profile, or one holding
	// long-term keys.
	Profile string
	// As is the profile to write with the credential_process line
	// (default Profile + "-mfa").
	As string
	// MFASerial overrides the device; by default the profile's own
	// mfa_serial if Sparekey holds it, else the caller's device from
	// ListMFADevices whose seed Sparekey holds.
	MFASerial string
	// Program is how the line starts Sparekey (default "sparekey").
	Program string
	// ConfigPath defaults to $AWS_CONFIG_FILE or ~/.aws/config.
	ConfigPath string
}

// ProfileSetupPlan is a previewed change of the config file.
type ProfileSetupPlan struct {
	ConfigPath string `json:"config_path"`
	Profile    string `json:"profile"`
	As         string `json:"as"`
	MFASerial  string `json:"mfa_serial"`
	// MFASerialFrom says where the device came from: "flag", "profile"
	// (already in the config) or "ListMFADevices".
	MFASerialFrom     string `json:"mfa_serial_from"`
	CredentialProcess string `json:"credential_process"`
	Diff              string `json:"diff"`
	old, new          []byte
}

// Changed reports whether the plan changes the file at all.
func (p *ProfileSetupPlan) Changed() bool { return p.Diff != "" }

// PlanAWSProfileSetup works out the edit of the config file and its
// preview; nothing is written. The vault must be open (it says which
// devices Sparekey holds).
func (a *App) PlanAWSProfileSetup(ctx context.Context, conn AWSConnection, req ProfileSetupRequest) (*ProfileSetupPlan, error) {
	v, err := a.Vault()
	if err != nil {
		return nil, err
	}
	files := awsprofile.DefaultFiles()
	if req.ConfigPath != "" {
		files.Config = []string{req.ConfigPath}
	}
	if req.Profile == "" {
		req.Profile = conn.Label()
	}
	if req.As == "" {
		req.As = req.Profile + "-mfa"
	}
	if req.Program == "" {
		req.Program = "sparekey"
	}
	ch, err := awsprofile.Resolve(ctx, req.Profile, files)
	if err != nil {
		return nil, err
	}
	switch {
	case req.As == req.Profile:
		return nil, profileNameErrorf("the profile with Sparekey's credential_process must be another profile than %s itself (the aws tool would use its keys or role instead, and Sparekey would call itself); pick another name", req.Profile)
	case req.As == ch.Source || slices.ContainsFunc(ch.Roles, func(r awsprofile.Role) bool { return r.Profile == req.As }):
		return nil, profileNameErrorf("profile %s is part of the chain %s is built from, so it cannot take Sparekey's credential_process; pick another name", req.As, req.Profile)
	}
	old, err := readIfExists(files.Config[0])
	if err != nil {
		return nil, fmt.Errorf("reading the AWS config file: %w", err)
	}
	cf := awsprofile.ParseConfig(old)
	if arn, ok := cf.Get(awsprofile.ProfileSection(req.As), "role_arn"); ok && arn != "" {
		return nil, profileNameErrorf("profile %s already assumes a role, and the aws tool would use that instead of Sparekey's credential_process; pick another name", req.As)
	}

	plan := &ProfileSetupPlan{ConfigPath: files.Config[0], Profile: req.Profile, As: req.As}
	held := awsmfa.HeldSeeds(v)
	setup := awsprofile.Setup{Profile: req.Profile, As: req.As, Program: req.Program}
	// mfa_serial goes where the chain reads it from, else on the profile
	// itself (the first role of a chain reads outward from the source).
	where := ch.MFASerialProfile
	if where == "" {
		where = req.Profile
	}
	switch {
	case req.MFASerial != "":
		if _, ok := held[req.MFASerial]; !ok {
			return nil, notHeldError(&awsprofile.Chain{MFASerial: req.MFASerial, MFASerialProfile: req.Profile, Source: ch.Source})
		}
		plan.MFASerial, plan.MFASerialFrom = req.MFASerial, "flag"
	case ch.MFASerial != "" && held[ch.MFASerial] != nil:
		plan.MFASerial, plan.MFASerialFrom = ch.MFASerial, "profile"
	default:
		serial, err := a.heldCallerDevice(ctx, conn, ch, v)
		if err != nil {
			return nil, err
		}
		plan.MFASerial, plan.MFASerialFrom = serial, "ListMFADevices"
	}
	if plan.MFASerial != ch.MFASerial {
		setup.MFASerial, setup.MFASerialProfile = plan.MFASerial, where
	}
	plan.CredentialProcess = setup.CredentialProcess()
	plan.old, plan.new = old, setup.Apply(old)
	plan.Diff = awsprofile.UnifiedDiff(plan.ConfigPath, plan.ConfigPath+" (new)", plan.old, plan.new)
	return plan, nil
}

// ErrInvalidProfileName: setup-profile was asked to write a profile that
// would not work. Its errors say why; errors.Is finds this sentinel.
var ErrInvalidProfileName = errors.New("unusable profile name")

type profileNameError struct{ msg string }

func profileNameErrorf(format string, args ...any) error {
	return &profileNameError{fmt.Sprintf(format, args...)}
}

func (e *profileNameError) Error() string        { return e.msg }
func (e *profileNameError) Is(target error) bool { return target == ErrInvalidProfileName }

// heldCallerDevice asks AWS for the source identity's MFA devices and
// returns the newest one Sparekey holds.
func (a *App) heldCallerDevice(ctx context.Context, conn AWSConnection, ch *awsprofile.Chain, v *vault.Vault) (string, error) {
	c, err := a.sourceClient(ctx, conn, ch)
	if err != nil {
		return "", err
	}
	devs, err := c.UserDevices(ctx, "", v)
	if err != nil {
		return "", err
	}
	var best *awsmfa.Device
	var others []string
	for i := range devs {
		d := &devs[i]
		if !d.Held {
			others = append(others, d.SerialNumber)
			continue
		}
		if best == nil || d.EnableDate.After(best.EnableDate) {
			best = d
		}
	}
	if best != nil {
		return best.SerialNumber, nil
	}
	found := "AWS lists no MFA device for this user."
	if len(others) > 0 {
		found = "AWS lists " + strings.Join(others, ", ") + ", none of which Sparekey holds."
	}
	return "", &awsmfa.Error{Op: "ListMFADevices", Kind: awsmfa.ErrNoHeldDevice, Err: awsmfa.ErrNoHeldDevice, Fix: vault.RemedyEnroll,
		Guidance: found + " Enroll Sparekey as an MFA device of the user behind profile " + ch.Source + ", or import a device's QR code or setup key, then set up the profile again."}
}

// ApplyAWSProfileSetup writes the plan: a dated backup of the old file
// first, then the new file atomically. It refuses when the file changed
// since the preview. It returns the backup's path ("" for a new file).
func (a *App) ApplyAWSProfileSetup(p *ProfileSetupPlan) (string, error) {
	if !p.Changed() {
		return "", nil
	}
	return awsprofile.WriteConfig(p.ConfigPath, p.old, p.new, a.now())
}

// readIfExists reads a file; a missing one reads as empty.
func readIfExists(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}
