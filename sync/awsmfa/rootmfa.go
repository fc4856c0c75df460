package awsmfa

// Recovering a member account's root MFA through centralized root access:
// the management account (or IAM's delegated administrator) opens a
// 15-minute root session in the member account and removes the root's MFA
// devices, so whoever recovers the root can sign in with the password (or
// recover the password by email) and enroll a new device. Preview first,
// deactivate only what the preview showed, verify after.

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
)

// Root-MFA recovery errors.
var (
	// ErrRootMFAChanged: the devices differ from the preview; nothing was
	// deactivated.
	ErrRootMFAChanged = errors.New("the root user's MFA devices changed since the preview")
	// ErrRootMFARemains: after deactivation a device is still listed.
	ErrRootMFARemains = errors.New("a root MFA device is still active after deactivation")
)

// RootMFAPlan is what a recovery would do, shown before doing it.
type RootMFAPlan struct {
	Account        string    `json:"account"`
	AccountName    string    `json:"account_name"`
	OrganizationID string    `json:"organization_id"`
	Devices        []string  `json:"devices"`
	Password       bool      `json:"password"`
	Checked        time.Time `json:"checked"`
}

// RootMFARequest asks for the deactivation.
type RootMFARequest struct {
	Account string
	// Expect are the serials the person confirmed (from the preview); if
	// the root's devices differ, nothing is done. nil skips the check.
	Expect []string
	// AllowPasswordRecovery lets the root user recover a password by
	// email afterwards (CreateLoginProfile under IAMCreateRootUserPassword).
	AllowPasswordRecovery bool
}

// PasswordRecovery says what happened to the root's password.
type PasswordRecovery string

const (
	PasswordNotRequested PasswordRecovery = "not-requested"
	PasswordAllowed      PasswordRecovery = "allowed"
	// PasswordAlreadySet: the root has a password; recovery by email works.
	PasswordAlreadySet PasswordRecovery = "already-set"
)

// RootMFAResult is what the recovery did, also on failure (what was done
// before the failing step).
type RootMFAResult struct {
	Account     string           `json:"account"`
	Deactivated []string         `json:"deactivated"`
	Remaining   []string         `json:"remaining"`
	Verified    bool             `json:"verified"`
	Password    PasswordRecovery `json:"password_recovery"`
}

// RootStepError is a failure at one step of the recovery, carrying what
// had been done. errors.Is and errors.As reach the cause.
type RootStepError struct {
	Step   string
	Result *RootMFAResult
	Err    error
}

func (e *RootStepError) Error() string { return "root MFA recovery, " + e.Step + ": " + e.Err.Error() }
func (e *RootStepError) Unwrap() error { return e.Err }

// checkRootAccess refuses clearly, before any root session, whatever AWS
// would refuse less clearly: a root caller, an organization without
// centralized root access, a caller that is not its administrator, the
// management account's own root, and accounts outside the organization.
func (o *Org) checkRootAccess(ctx context.Context, account string) (orgID string, acct OrgAccount, err error) {
	id, err := o.caller.WhoAmI(ctx)
	if err != nil {
		return "", acct, err
	}
	if id.Kind == PrincipalRoot {
		return "", acct, &Error{Op: "AssumeRoot", Kind: ErrRootCaller, Err: ErrRootCaller,
			Guidance: "Root sessions are started by an IAM user or role of the management account or of the delegated administrator, never by a root user. Sign in as such a user or role."}
	}
	orgID, central, err := o.orgFeatures(ctx)
	if err != nil {
		return "", acct, err
	}
	if !central {
		return "", acct, &Error{Op: "ListOrganizationsFeatures", Kind: ErrCentralRootDisabled, Err: ErrCentralRootDisabled,
			Guidance: "The organization has not turned on root credentials management. An administrator of the management account turns it on in the IAM console (Root access management); until then the member's root recovers its MFA through AWS support."}
	}
	if org, err := o.apis.Organizations.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err == nil && org.Organization != nil {
		if aws.ToString(org.Organization.MasterAccountId) == account {
			return "", acct, &Error{Op: "AssumeRoot", Kind: ErrManagementRoot, Err: ErrManagementRoot,
				Guidance: "Centralized root access reaches member accounts only. The management account's root recovers its MFA on the AWS sign-in page (Troubleshoot MFA) or through AWS support."}
		}
	}
	accounts, err := o.Accounts(ctx)
	if err != nil {
		return "", acct, err
	}
	i := slices.IndexFunc(accounts, func(a OrgAccount) bool { return a.ID == account })
	if i < 0 {
		return "", acct, &Error{Op: "ListAccounts", Kind: ErrNotInOrganization, Err: ErrNotInOrganization,
			Guidance: "Account " + account + " is not among this organization's accounts. Check the account ID, or use the credentials of the organization it belongs to."}
	}
	if !accounts[i].active() {
		return "", acct, &Error{Op: "ListAccounts", Kind: ErrAccountSuspended, Err: ErrAccountSuspended,
			Guidance: "Account " + account + " is " + accounts[i].State + "; its root cannot be changed until it is active again."}
	}
	return orgID, accounts[i], nil
}

// PreviewRootMFA shows a member root's MFA devices and password in an
// audit-only root session. It changes nothing.
func (o *Org) PreviewRootMFA(ctx context.Context, account string) (*RootMFAPlan, error) {
	orgID, acct, err := o.checkRootAccess(ctx, account)
	if err != nil {
		return nil, err
	}
	root, err := o.rootSession(ctx, account, TaskAuditRoot)
	if err != nil {
		return nil, err
	}
	plan := &RootMFAPlan{Account: account, AccountName: acct.Name, OrganizationID: orgID, Checked: o.caller.now().UTC()}
	if plan.Devices, err = rootMFADevices(ctx, root); err != nil {
		return nil, err
	}
	if plan.Password, err = rootHasPassword(ctx, root); err != nil {
		return nil, err
	}
	return plan, nil
}

// DeactivateRootMFA removes a member root's MFA devices in a root session
// with IAMDeleteRootUserCredentials, checks that none is left, and, if
// asked, lets the root recover its password by email.
func (o *Org) DeactivateRootMFA(ctx context.Context, req RootMFARequest) (*RootMFAResult, error) {
	res := &RootMFAResult{Account: req.Account, Deactivated: []string{}, Password: PasswordNotRequested}
	fail := func(step string, err error) (*RootMFAResult, error) {
		return res, &RootStepError{Step: step, Result: res, Err: err}
	}
	if _, _, err := o.checkRootAccess(ctx, req.Account); err != nil {
		return fail("check", err)
	}
	root, err := o.rootSession(ctx, req.Account, TaskDeleteRootCreds)
	if err != nil {
		return fail("AssumeRoot", err)
	}
	devices, err := rootMFADevices(ctx, root)
	if err != nil {
		return fail("ListMFADevices", err)
	}
	if req.Expect != nil {
		want := slices.Clone(req.Expect)
		slices.Sort(want)
		if !slices.Equal(want, devices) {
			res.Remaining = devices
			return fail("ListMFADevices", &Error{Op: "ListMFADevices", Kind: ErrRootMFAChanged, Err: ErrRootMFAChanged,
				Guidance: "Someone changed the root's devices after the preview. Look at the preview again before confirming."})
		}
	}
	for _, serial := range devices {
		_, err := root.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{SerialNumber: aws.String(serial)})
		if err != nil && !errors.Is(classify("DeactivateMFADevice", err), ErrNoSuchEntity) {
			res.Remaining = remainingAfter(devices, res.Deactivated)
			return fail("DeactivateMFADevice", classify("DeactivateMFADevice", err))
		}
		res.Deactivated = append(res.Deactivated, serial)
	}
	left, err := rootMFADevices(ctx, root)
	if err != nil {
		res.Remaining = remainingAfter(devices, res.Deactivated)
		return fail("verify", err)
	}
	res.Remaining = left
	if len(left) > 0 {
		return fail("verify", &Error{Op: "ListMFADevices", Kind: ErrRootMFARemains, Err: ErrRootMFARemains,
			Guidance: "AWS still lists a root MFA device. Wait a minute and look again; if it stays, repeat the recovery."})
	}
	res.Verified = true
	if !req.AllowPasswordRecovery {
		return res, nil
	}
	pw, err := o.rootSession(ctx, req.Account, TaskCreateRootPassword)
	if err != nil {
		return fail("AssumeRoot", err)
	}
	// In a root session CreateLoginProfile takes no password: it turns on
	// recovery by email to the account's root address.
	if _, err := pw.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{}); err != nil {
		if !errors.Is(classify("CreateLoginProfile", err), ErrDeviceExists) {
			return fail("CreateLoginProfile", classify("CreateLoginProfile", err))
		}
		res.Password = PasswordAlreadySet
		return res, nil
	}
	res.Password = PasswordAllowed
	return res, nil
}

func remainingAfter(devices, done []string) []string {
	out := []string{}
	for _, d := range devices {
		if !slices.Contains(done, d) {
			out = append(out, d)
		}
	}
	return out
}
