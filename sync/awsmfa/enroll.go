package awsmfa

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sparekey/sparekey/vault"
)

// Vault tags Sparekey puts on AWS accounts whose device is not simply enabled.
const (
	// TagEnrolling: the seed was saved and the device is being enabled.
	TagEnrolling = "aws:enrolling"
	// TagNeedsAttention: something failed and the device's state on AWS is
	// uncertain or a leftover remains; the note says what.
	TagNeedsAttention = "aws:needs-attention"
	// TagRetired: the device was deactivated but kept (hardware, or delete failed).
	TagRetired = "aws:retired"
)

var (
	// ErrRootAPI: root MFA cannot be enabled or resynced through the API.
	ErrRootAPI = errors.New("root MFA can only be enabled or resynced in the AWS console")
	// ErrNotAUser: the caller is a role or federated user, which have no MFA devices.
	ErrNotAUser = errors.New("the credentials belong to a role, not an IAM user")
	// ErrBadCodes: codes typed by a person are malformed.
	ErrBadCodes = errors.New("the two codes must be different 6-digit numbers")

	// errNoVault: a flow that stores seeds was called without a vault.
	errNoVault = errors.New("an unlocked vault is needed to hold the new device's seed")
)

// IncompleteError reports a flow that failed part way, saying precisely what
// was undone and what is left behind.
type IncompleteError struct {
	Flow   string   // "enroll", "replace", …
	Step   string   // the AWS operation or local step that failed
	Err    error    // the failure
	Undone []string // what Sparekey rolled back
	Left   []string // what remains and needs a person (empty: clean rollback)
	// Fix is the action that settles what was left (vault.RemedyOf).
	Fix vault.Remedy
}

// Remedy is what to do about what the flow left behind.
func (e *IncompleteError) Remedy() vault.Remedy { return e.Fix }

func (e *IncompleteError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed at %s: %v", e.Flow, e.Step, e.Err)
	if len(e.Undone) > 0 {
		b.WriteString("; undone: " + strings.Join(e.Undone, "; "))
	}
	if len(e.Left) > 0 {
		b.WriteString("; left behind: " + strings.Join(e.Left, "; "))
	} else {
		b.WriteString("; nothing was left behind")
	}
	return b.String()
}

func (e *IncompleteError) Unwrap() error { return e.Err }

// EnrollRequest says which device to create.
type EnrollRequest struct {
	// UserName is the IAM user to enroll for; "" means the caller.
	UserName string
	// DeviceName is the virtual device's name; "" picks sparekey-<user>-<random>.
	DeviceName string
	// Path is the device's IAM path (default "/").
	Path string
	// Issuer labels the vault account (default "AWS").
	Issuer string
	// Tags are added to the vault account's (a practice enrollment is
	// tagged "practice").
	Tags []string
}

// EnrollResult describes a device that is enabled and whose seed the vault holds.
type EnrollResult struct {
	Device    Device `json:"device"`
	AccountID string `json:"vault_account_id"`
	Label     string `json:"label"`
	// Verified says how the device was confirmed to work: "session" (STS
	// accepted a fresh code) or "listed" (IAM lists it as assigned).
	Verified string   `json:"verified"`
	Warnings []string `json:"warnings,omitempty"`
	// Session is the MFA session obtained while verifying (self-enrollment
	// with long-term keys only); callers may cache it.
	Session *Session `json:"-"`
}

var deviceNameRE = regexp.MustCompile(`^[\w+=,.@-]+$`)

// DefaultDeviceName is sparekey-<user>-<6 hex>: unique, so an abandoned
// earlier attempt never blocks a new one with EntityAlreadyExists.
func DefaultDeviceName(user string) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	u := strings.Map(func(r rune) rune {
		if r < 128 && deviceNameRE.MatchString(string(r)) {
			return r
		}
		return '-'
	}, user)
	if len(u) > 64 {
		u = u[:64]
	}
	return "sparekey-" + u + "-" + hex.EncodeToString(b[:])
}

// target resolves who a device is for: an explicit user, or the caller.
func (c *Client) target(ctx context.Context, userName string) (*Identity, string, bool, error) {
	id, err := c.WhoAmI(ctx)
	if err != nil {
		return nil, "", false, err
	}
	if userName != "" {
		return id, userName, userName == id.UserName, nil
	}
	switch id.Kind {
	case PrincipalUser:
		return id, id.UserName, true, nil
	case PrincipalRoot:
		return nil, "", false, &Error{Op: "EnableMFADevice", Kind: ErrRootAPI, Err: ErrRootAPI,
			Guidance: "Sign in to the AWS console as root and add the device under Security credentials › Multi-factor authentication. Sparekey can hold the seed if you add it from the QR code or secret shown there."}
	}
	return nil, "", false, &Error{Op: "EnableMFADevice", Kind: ErrNotAUser, Err: ErrNotAUser,
		Guidance: "Roles and federated users have no MFA devices. Name an IAM user to enroll a device for (needs admin rights)."}
}

// Enroll creates a virtual MFA device, saves its seed in v, enables it with
// two consecutive codes Sparekey computes itself (steps t-1 and t, so there
// is no wait for the next period) and confirms that AWS lists it.
//
// The seed goes to the vault before the device is enabled, so an enabled
// device's seed can never be lost. On failure Enroll undoes what it created
// and returns an *IncompleteError listing anything it could not undo.
func (c *Client) Enroll(ctx context.Context, v *vault.Vault, req EnrollRequest) (*EnrollResult, error) {
	if v == nil {
		return nil, errNoVault
	}
	id, user, self, err := c.target(ctx, req.UserName)
	if err != nil {
		return nil, err
	}
	return c.enroll(ctx, v, id, user, self, req, enrollHooks{})
}

// enrollHooks let Replace journal each step; an error from a hook aborts
// the enrollment as if the step had failed.
type enrollHooks struct {
	created func(serial, vaultID string) error
	enabled func() error
}

func (c *Client) enroll(ctx context.Context, v *vault.Vault, id *Identity, user string, self bool, req EnrollRequest, hooks enrollHooks) (*EnrollResult, error) {
	var err error
	generated := req.DeviceName == ""
	if generated {
		req.DeviceName = DefaultDeviceName(user)
	}
	if !deviceNameRE.MatchString(req.DeviceName) {
		return nil, &Error{Op: "CreateVirtualMFADevice", Kind: ErrInvalidInput, Err: ErrInvalidInput,
			Guidance: "A device name may use letters, digits and + = , . @ _ - only."}
	}
	if req.Path == "" {
		req.Path = "/"
	}
	if req.Issuer == "" {
		req.Issuer = "AWS"
	}
	// Check the limit first: creating a device that cannot be enabled would
	// only leave an orphan behind.
	existing, err := c.listMFADevices(ctx, user)
	if err != nil {
		return nil, err
	}
	if len(existing) >= MaxDevicesPerIdentity {
		return nil, &Error{Op: "EnableMFADevice", Kind: ErrDeviceLimit, Code: "LimitExceeded", Err: ErrDeviceLimit, Fix: vault.RemedyReplaceDevice,
			Guidance: fmt.Sprintf("%s already has %d MFA devices, the most AWS allows. Replace one, or deactivate one first.", user, len(existing))}
	}

	var warnings []string
	create := func() (*iam.CreateVirtualMFADeviceOutput, error) {
		out, err := c.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{
			VirtualMFADeviceName: aws.String(req.DeviceName),
			Path:                 aws.String(req.Path),
		})
		return out, classify("CreateVirtualMFADevice", err)
	}
	created, err := create()
	if errors.Is(err, ErrDeviceExists) && generated {
		// Nobody else uses Sparekey's random names: an attempt of ours
		// that timed out was applied and the retry found it. Its seed is
		// unknown, so delete it and start again under a fresh name.
		stale := "arn:" + id.Partition + ":iam::" + id.Account + ":mfa" + req.Path + req.DeviceName
		if derr := c.DeleteVirtualDevice(ctx, stale); derr != nil && !errors.Is(derr, ErrNoSuchEntity) {
			warnings = append(warnings, fmt.Sprintf("an earlier timed-out attempt left the unassigned device %s, which could not be deleted (%v); delete it from the orphans", stale, derr))
		}
		req.DeviceName = DefaultDeviceName(user)
		created, err = create()
		if errors.Is(err, ErrDeviceExists) {
			// The fresh name met the same fate: AWS applied the create
			// but its reply was lost again. That is a failed create whose
			// device exists without its seed, not a name someone took.
			err = &Error{Op: "CreateVirtualMFADevice", Kind: ErrNetwork,
				Guidance: "AWS created the device but its reply did not arrive before Sparekey gave up, twice. Check the network connection and enroll again."}
		}
	}
	if err != nil {
		if errors.Is(err, ErrNetwork) || errors.Is(err, ErrServiceFailure) || errors.Is(err, ErrThrottled) {
			// A timed-out create may have happened on the server; look for it.
			return nil, c.incompleteCreate(ctx, req, err)
		}
		var e *Error
		if self && errors.As(err, &e) && (e.Kind == ErrAccessDenied || e.Kind == ErrMFARequired) && req.DeviceName != user {
			// Older versions of AWS's self-service policy allow only a
			// device named after the user.
			e.Guidance += " If your policy allows only a device named after you, retry with the device name " + user + "."
		}
		return nil, err
	}
	serial := aws.ToString(created.VirtualMFADevice.SerialNumber)
	seed := string(created.VirtualMFADevice.Base32StringSeed)
	created.VirtualMFADevice.Base32StringSeed = nil
	created.VirtualMFADevice.QRCodePNG = nil

	acct, err := vault.NewAccount(vault.Account{
		Issuer: req.Issuer,
		Name:   uniqueName(v, req.Issuer, user+"@"+id.Account, req.DeviceName),
		Secret: seed,
		Tags:   append([]string{"aws", TagEnrolling}, req.Tags...),
		Note:   "AWS virtual MFA device " + serial + " (enrolled by Sparekey)",
		AWS: &vault.AWSBinding{
			Partition: id.Partition, AccountID: id.Account, UserName: user,
			SerialNumber: serial, Profile: c.opts.Label,
		},
	})
	seed = ""
	if err == nil {
		err = v.Add(acct)
	}
	if err != nil {
		inc := &IncompleteError{Flow: "enroll", Step: "saving the seed in the vault", Err: err}
		c.undoCreate(ctx, serial, inc)
		return nil, inc
	}

	if hooks.created != nil {
		if err := hooks.created(serial, acct.ID); err != nil {
			if errors.Is(err, errCrash) {
				return nil, err // a simulated crash undoes nothing
			}
			inc := &IncompleteError{Flow: "enroll", Step: "recording progress", Err: err}
			if c.undoCreate(ctx, serial, inc) {
				if _, err := v.Remove(acct.ID); err == nil {
					inc.Undone = append(inc.Undone, "removed the unused seed from the vault")
				}
			} else {
				markAttention(v, acct.ID, "device "+serial+" was created but not enabled and could not be deleted")
			}
			return nil, inc
		}
	}

	if err := c.enable(ctx, user, serial, acct); err != nil {
		inc := &IncompleteError{Flow: "enroll", Step: "EnableMFADevice", Err: err}
		assigned, lerr := c.isAssigned(ctx, user, serial)
		switch {
		case lerr != nil:
			markAttention(v, acct.ID, "enabling failed and Sparekey could not check whether device "+serial+" is enabled; keep this seed until the device list shows it gone")
			inc.Left = append(inc.Left, fmt.Sprintf("device %s may or may not be enabled for %s (could not check: %v); its seed is kept in the vault as %q, tagged %s", serial, user, lerr, acct.Label(), TagNeedsAttention))
			return nil, inc
		case !assigned:
			if c.undoCreate(ctx, serial, inc) {
				if _, err := v.Remove(acct.ID); err == nil {
					inc.Undone = append(inc.Undone, "removed the unused seed from the vault")
				} else {
					inc.Left = append(inc.Left, fmt.Sprintf("vault entry %q for the deleted device (remove it by hand): %v", acct.Label(), err))
				}
			} else {
				markAttention(v, acct.ID, "device "+serial+" was created but not enabled and could not be deleted")
			}
			return nil, inc
		}
		// The request failed but the device is enabled (e.g. a timeout
		// after AWS applied it): carry on.
	}

	res := &EnrollResult{
		Device:    Device{SerialNumber: serial, Type: DeviceVirtual, UserName: user, Assigned: true, EnableDate: c.now().UTC(), Held: true, HeldBy: acct.ID},
		AccountID: acct.ID,
		Label:     acct.Label(),
		Warnings:  warnings,
	}
	if hooks.enabled != nil {
		if err := hooks.enabled(); err != nil {
			if errors.Is(err, errCrash) {
				return nil, err
			}
			return nil, &IncompleteError{Flow: "enroll", Step: "recording progress", Err: err,
				Left: []string{fmt.Sprintf("device %s is enabled for %s and its seed is in the vault as %q, tagged %s", serial, user, acct.Label(), TagEnrolling)}}
		}
	}
	if err := untag(v, acct.ID, TagEnrolling); err != nil {
		res.Warnings = append(res.Warnings, "the device is enabled but the vault entry still carries the "+TagEnrolling+" tag: "+err.Error())
	}
	c.verify(ctx, user, serial, acct, self, res)
	return res, nil
}

// enable sends EnableMFADevice with the codes of steps t-1 and t.
func (c *Client) enable(ctx context.Context, user, serial string, acct *vault.Account) error {
	step := acct.Step(c.now())
	c1, c2, err := pairEndingAt(acct, step)
	if err != nil {
		return err
	}
	_, err = c.iam.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
		UserName: aws.String(user), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2),
	})
	if err == nil {
		c.opts.Spent.Spend(serial, step)
	}
	return classify("EnableMFADevice", err)
}

// pairAt returns the codes of the two most recent steps at t: both are
// already "visible" on a phone, so AWS accepts them without a wait.
func pairAt(acct *vault.Account, t time.Time) (string, string, error) {
	return pairEndingAt(acct, acct.Step(t))
}

// pairEndingAt returns the codes of steps s-1 and s.
func pairEndingAt(acct *vault.Account, s uint64) (string, string, error) {
	c1, err := acct.CodeForCounter(s - 1)
	if err != nil {
		return "", "", err
	}
	c2, err := acct.CodeForCounter(s)
	if err != nil {
		return "", "", err
	}
	return c1, c2, nil
}

// verify confirms the device works: a fresh code through STS when the caller
// enrolled itself with long-term keys, otherwise the IAM device list.
// Verification problems are warnings: the device is enabled and its seed safe.
func (c *Client) verify(ctx context.Context, user, serial string, acct *vault.Account, self bool, res *EnrollResult) {
	if self && c.longTermKeys(ctx) {
		sess, err := c.sessionWithRetry(ctx, serial, acct, acct.Step(c.now())+1, 900)
		if err == nil {
			res.Verified, res.Session = "session", sess
			return
		}
		res.Warnings = append(res.Warnings, "STS did not accept a code yet ("+err.Error()+"); AWS can take about 10 seconds before a new device works. Ask for an MFA session again in a moment.")
	}
	assigned, err := c.isAssigned(ctx, user, serial)
	switch {
	case err != nil:
		res.Warnings = append(res.Warnings, "could not confirm the device in the device list: "+err.Error())
	case !assigned:
		res.Warnings = append(res.Warnings, "AWS does not list the device as assigned yet; check again in a few seconds")
	default:
		if res.Verified == "" {
			res.Verified = "listed"
		}
	}
}

func (c *Client) longTermKeys(ctx context.Context) bool {
	if c.creds == nil {
		return false
	}
	creds, err := c.creds.Retrieve(ctx)
	return err == nil && creds.SessionToken == ""
}

// sessionWithRetry asks STS for a session with the code of step from (or a
// later step once the clock reaches it), retrying while a just-enabled
// device may still be propagating.
func (c *Client) sessionWithRetry(ctx context.Context, serial string, acct *vault.Account, from uint64, seconds int32) (*Session, error) {
	const pause = 2 * time.Second
	deadline := c.now().Add(c.opts.PropagationDelay)
	// Bounded by a count as well as the clock, in case the clock is frozen.
	attempts := int(max(c.opts.PropagationDelay, 0)/pause) + 1
	for attempt := 1; ; attempt++ {
		step := max(from, acct.Step(c.now()))
		sess, err := c.getSession(ctx, serial, acct, step, seconds)
		if err == nil || !errors.Is(err, ErrInvalidCode) || !c.now().Before(deadline) || attempt >= attempts {
			return sess, err
		}
		if err := c.opts.Sleep(ctx, pause); err != nil {
			return nil, err
		}
	}
}

func (c *Client) getSession(ctx context.Context, serial string, acct *vault.Account, step uint64, seconds int32) (*Session, error) {
	code, err := acct.CodeForCounter(step)
	if err != nil {
		return nil, err
	}
	out, err := c.sts.GetSessionToken(ctx, &sts.GetSessionTokenInput{
		DurationSeconds: aws.Int32(seconds),
		SerialNumber:    aws.String(serial),
		TokenCode:       aws.String(code),
	})
	if err != nil {
		return nil, classify("GetSessionToken", err)
	}
	c.opts.Spent.Spend(serial, step)
	cr := out.Credentials
	if cr == nil {
		return nil, &Error{Op: "GetSessionToken", Kind: ErrServiceFailure, Err: errors.New("no credentials in the answer"), Guidance: "STS answered without credentials; try again."}
	}
	return &Session{
		AccessKeyID: aws.ToString(cr.AccessKeyId), SecretAccessKey: aws.ToString(cr.SecretAccessKey),
		SessionToken: aws.ToString(cr.SessionToken), Expiration: aws.ToTime(cr.Expiration), SerialNumber: serial,
	}, nil
}

func (c *Client) isAssigned(ctx context.Context, user, serial string) (bool, error) {
	devs, err := c.listMFADevices(ctx, user)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(devs, func(d Device) bool { return d.SerialNumber == serial }), nil
}

// undoCreate deletes a device that was created but never enabled. It reports
// whether the device is gone.
func (c *Client) undoCreate(ctx context.Context, serial string, inc *IncompleteError) bool {
	_, err := c.iam.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	err = classify("DeleteVirtualMFADevice", err)
	if err == nil || errors.Is(err, ErrNoSuchEntity) {
		inc.Undone = append(inc.Undone, "deleted the unassigned device "+serial)
		return true
	}
	inc.Left = append(inc.Left, fmt.Sprintf("unassigned device %s could not be deleted (%v); delete it from the orphans", serial, err))
	inc.Fix = vault.RemedyDeleteOrphans
	return false
}

// incompleteCreate handles a failed create: if the request reached AWS
// anyway, the device exists without Sparekey having its seed; delete it.
func (c *Client) incompleteCreate(ctx context.Context, req EnrollRequest, cause error) error {
	inc := &IncompleteError{Flow: "enroll", Step: "CreateVirtualMFADevice", Err: cause}
	orphans, err := c.virtualDevices(ctx, "Unassigned")
	if err != nil {
		inc.Left = append(inc.Left, fmt.Sprintf("could not check whether device %q was created anyway (%v); look for it among the orphans", req.DeviceName, err))
		inc.Fix = vault.RemedyListOrphans
		return inc
	}
	for _, d := range orphans {
		if strings.HasSuffix(d.SerialNumber, ":mfa"+req.Path+req.DeviceName) {
			c.undoCreate(ctx, d.SerialNumber, inc)
		}
	}
	return inc
}

// markAttention tags a vault entry whose device needs a person's look and
// says why in its note. Failures are ignored: the seed is already saved.
func markAttention(v *vault.Vault, id, why string) {
	a, err := v.Get(id)
	if err != nil {
		return
	}
	a.Tags = append(slices.DeleteFunc(a.Tags, func(t string) bool { return t == TagEnrolling }), TagNeedsAttention)
	a.Note = strings.TrimSpace(a.Note + "\nSparekey: " + why)
	_ = v.Update(a)
}

func untag(v *vault.Vault, id, tag string) error {
	a, err := v.Get(id)
	if err != nil {
		return err
	}
	if !slices.Contains(a.Tags, tag) {
		return nil
	}
	a.Tags = slices.DeleteFunc(a.Tags, func(t string) bool { return t == tag })
	return v.Update(a)
}

// uniqueName is name, or when the vault already has an account labelled
// issuer and name (a second device for the same user), name with the
// device's name after it: two identical labels made `code LABEL`
// ambiguous with no way to tell the accounts apart.
func uniqueName(v *vault.Vault, issuer, name, device string) string {
	for _, a := range v.Accounts() {
		if strings.EqualFold(a.Issuer, issuer) && strings.EqualFold(a.Name, name) {
			return name + " (" + device + ")"
		}
	}
	return name
}
