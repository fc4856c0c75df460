package awsmfa

// The organization-wide readiness audit: list the organization's accounts,
// reach each one (a role assumed from the caller, or a profile of its own),
// run the per-account Audit there, and look at member accounts' root users
// through centralized root access when the organization has it. One
// account's failure is that account's result, never the end of the audit.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/sparekey/sparekey/vault"
)

// Organizations is the part of the AWS Organizations API Sparekey uses.
type Organizations interface {
	ListAccounts(context.Context, *organizations.ListAccountsInput, ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
	DescribeOrganization(context.Context, *organizations.DescribeOrganizationInput, ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
}

// OrgSTS is the part of STS that reaches into member accounts.
type OrgSTS interface {
	AssumeRole(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
	AssumeRoot(context.Context, *sts.AssumeRootInput, ...func(*sts.Options)) (*sts.AssumeRootOutput, error)
}

// OrgFeatures is IAM's view of centralized root access.
type OrgFeatures interface {
	ListOrganizationsFeatures(context.Context, *iam.ListOrganizationsFeaturesInput, ...func(*iam.Options)) (*iam.ListOrganizationsFeaturesOutput, error)
}

// RootIAM is the IAM a root session (sts:AssumeRoot) may call: the task
// policy decides which of these succeed.
type RootIAM interface {
	GetLoginProfile(context.Context, *iam.GetLoginProfileInput, ...func(*iam.Options)) (*iam.GetLoginProfileOutput, error)
	CreateLoginProfile(context.Context, *iam.CreateLoginProfileInput, ...func(*iam.Options)) (*iam.CreateLoginProfileOutput, error)
	ListAccessKeys(context.Context, *iam.ListAccessKeysInput, ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error)
	ListSigningCertificates(context.Context, *iam.ListSigningCertificatesInput, ...func(*iam.Options)) (*iam.ListSigningCertificatesOutput, error)
	ListMFADevices(context.Context, *iam.ListMFADevicesInput, ...func(*iam.Options)) (*iam.ListMFADevicesOutput, error)
	DeactivateMFADevice(context.Context, *iam.DeactivateMFADeviceInput, ...func(*iam.Options)) (*iam.DeactivateMFADeviceOutput, error)
}

var (
	_ Organizations = (*organizations.Client)(nil)
	_ OrgSTS        = (*sts.Client)(nil)
	_ OrgFeatures   = (*iam.Client)(nil)
	_ RootIAM       = (*iam.Client)(nil)
)

// Organization errors, each the Kind of an *Error so errors.Is tells them apart.
var (
	ErrAccountSuspended    = errors.New("the account is suspended or closing")
	ErrRoleDenied          = errors.New("the role in the member account could not be assumed")
	ErrNoOrganization      = errors.New("the account belongs to no organization")
	ErrNotOrgAdmin         = errors.New("the caller is neither the management account nor a delegated administrator for IAM")
	ErrCentralRootDisabled = errors.New("centralized root access is not enabled for the organization")
	ErrRootCaller          = errors.New("a root user cannot start a root session")
	ErrNotInOrganization   = errors.New("the account is not a member of this organization")
	ErrManagementRoot      = errors.New("the management account's root user is outside centralized root access")
	ErrWrongAccount        = errors.New("the credentials reach another account than the one listed")
)

// DefaultOrgRole is the role Organizations creates in the accounts it creates.
const DefaultOrgRole = "OrganizationAccountAccessRole"

// DefaultOrgConcurrency is how many accounts are audited at once. Each
// account's audit itself lists users' devices Concurrency at a time; the
// calls go to different accounts, so IAM's per-account limits are not
// shared, and 16 role sessions at once is far below STS's quota. Measured
// on 200 members with 50 ms per call: 20 s at 8, 11 s at 16, 8.5 s at 32.
const DefaultOrgConcurrency = 16

// Root task policies for sts:AssumeRoot.
const (
	rootTaskPrefix         = "arn:aws:iam::aws:policy/root-task/"
	TaskAuditRoot          = rootTaskPrefix + "IAMAuditRootUserCredentials"
	TaskDeleteRootCreds    = rootTaskPrefix + "IAMDeleteRootUserCredentials"
	TaskCreateRootPassword = rootTaskPrefix + "IAMCreateRootUserPassword"
)

// rootSessionSeconds is the longest root session AWS grants (15 minutes).
const rootSessionSeconds = 900

// OrgAPIs are the services an Org talks to; tests may supply fakes.
type OrgAPIs struct {
	Organizations Organizations
	STS           OrgSTS
	IAM           OrgFeatures
	// Member returns a client that signs with a member account's
	// temporary credentials.
	Member func(creds Credentials, label string) *Client
	// Profile returns a client for a named profile (per-account access).
	Profile func(ctx context.Context, profile string) (*Client, error)
	// RootIAM returns IAM signing with a root session's credentials.
	RootIAM func(creds Credentials) RootIAM
}

// Org reaches an organization's accounts from its management account or
// from a delegated administrator.
type Org struct {
	caller *Client
	apis   OrgAPIs
}

// Organization returns the organization seen from c's credentials. It
// fails for clients built over fakes (use NewOrg).
func (c *Client) Organization() (*Org, error) {
	if c.cfg == nil {
		return nil, errors.New("organization: the client has no AWS configuration")
	}
	cfg := *c.cfg
	endpoint := c.opts.EndpointURL
	// AssumeRoot is served by regional STS endpoints only; the SDK's
	// endpoint rules pick the regional one for any real region.
	if cfg.Region == "" || cfg.Region == "aws-global" {
		cfg.Region = "us-east-1"
	}
	orgs := organizations.NewFromConfig(cfg, func(o *organizations.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
		// Listing accounts is the one call the whole audit hangs on:
		// give a throttled Organizations API more room to recover.
		o.Retryer = retry.NewStandard(func(s *retry.StandardOptions) {
			s.MaxAttempts = max(c.opts.MaxAttempts, 8)
			s.MaxBackoff = c.opts.MaxBackoff
			s.Backoff = retry.NewExponentialJitterBackoff(c.opts.MaxBackoff)
			s.RateLimiter = ratelimit.None
		})
	})
	stsClient := sts.NewFromConfig(cfg, func(o *sts.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	iamClient := iam.NewFromConfig(cfg, func(o *iam.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	apis := OrgAPIs{
		Organizations: orgs,
		STS:           stsClient,
		IAM:           iamClient,
		Member: func(creds Credentials, label string) *Client {
			return c.withCredentials(creds, label)
		},
		Profile: func(ctx context.Context, profile string) (*Client, error) {
			opts := c.opts
			opts.Profile, opts.Label, opts.Credentials = profile, profile, nil
			return Connect(ctx, opts)
		},
		RootIAM: func(creds Credentials) RootIAM {
			root := cfg.Copy()
			root.Credentials = credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
			return iam.NewFromConfig(root, func(o *iam.Options) {
				if endpoint != "" {
					o.BaseEndpoint = aws.String(endpoint)
				}
			})
		},
	}
	return NewOrg(c, apis), nil
}

// NewOrg builds an Org over explicit APIs.
func NewOrg(caller *Client, apis OrgAPIs) *Org {
	return &Org{caller: caller, apis: apis}
}

// withCredentials is c signing with other (temporary) credentials.
func (c *Client) withCredentials(creds Credentials, label string) *Client {
	cfg := c.cfg.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
	opts := c.opts
	opts.Label, opts.Credentials = label, nil
	return NewFromConfig(cfg, opts)
}

// OrgAccount is one account of the organization.
type OrgAccount struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	State string `json:"state"`
}

// active reports whether the account can be reached at all.
func (a OrgAccount) active() bool {
	return a.State == "" || a.State == string(orgtypes.AccountStateActive)
}

// Accounts lists the organization's accounts, all pages, sorted by ID.
func (o *Org) Accounts(ctx context.Context) ([]OrgAccount, error) {
	var out []OrgAccount
	var token *string
	for {
		page, err := o.apis.Organizations.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: token})
		if err != nil {
			return nil, orgError("ListAccounts", err)
		}
		for _, a := range page.Accounts {
			state := string(a.State)
			if state == "" {
				// Status is the older field AWS retires in 2026.
				state = string(a.Status)
			}
			out = append(out, OrgAccount{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Email: aws.ToString(a.Email), State: state})
		}
		if aws.ToString(page.NextToken) == "" {
			break
		}
		token = page.NextToken
	}
	slices.SortFunc(out, func(a, b OrgAccount) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// orgError classifies Organizations, IAM-features and AssumeRoot errors,
// adding the organization-specific kinds to classify's.
func orgError(op string, err error) error {
	err = classify(op, err)
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code {
	case "AWSOrganizationsNotInUseException", "OrganizationNotFoundException", "OrganizationNotFound":
		e.Kind, e.Guidance = ErrNoOrganization, "These credentials belong to an account outside any AWS Organization. Use the management account's credentials or a delegated administrator's."
	case "AccountNotManagementOrDelegatedAdministratorException", "AccountNotManagementOrDelegatedAdministrator":
		e.Kind, e.Guidance = ErrNotOrgAdmin, "Use credentials of the organization's management account, or of the account registered as delegated administrator for IAM."
	case "OrganizationNotInAllFeaturesModeException", "OrganizationNotInAllFeaturesMode", "ServiceAccessNotEnabledException", "ServiceAccessNotEnabled":
		e.Kind, e.Guidance = ErrCentralRootDisabled, "Centralized root access needs all features in the organization and IAM's trusted access; an administrator of the management account turns both on in the IAM console (Root access management)."
	case "AccessDeniedException", "AccessDenied":
		if op == "ListAccounts" || op == "DescribeOrganization" {
			e.Kind, e.Guidance = ErrNotOrgAdmin, "Listing the organization's accounts needs the management account or a delegated administrator with organizations:ListAccounts."
		}
	}
	return e
}

// OrgAuditOptions tune an organization-wide audit.
type OrgAuditOptions struct {
	// Role is assumed in every member account (default DefaultOrgRole).
	Role string
	// Profiles reach some accounts through a profile of their own instead
	// of the role (account ID → profile name).
	Profiles map[string]string
	// Concurrency is how many accounts are audited at once (default 16).
	Concurrency int
	// Audit is passed to each account's audit (its Progress is ignored).
	Audit AuditOptions
	// Progress is called, serialized, after each account.
	Progress func(OrgProgress)
	// SessionName names the role sessions in CloudTrail (default "sparekey-audit").
	SessionName string
}

// OrgProgress reports how far an organization audit is.
type OrgProgress struct {
	Done, Total, Failed int
	// Account is the account just finished.
	Account string
}

// AccountStatus is how far the audit got in one account.
type AccountStatus string

const (
	AccountAudited AccountStatus = "audited"
	AccountFailed  AccountStatus = "failed"
	AccountSkipped AccountStatus = "skipped"
)

// FailureReason names why an account could not be audited, for reports
// and filters; errors.Is on Failure.Err tells the same apart in code.
type FailureReason string

const (
	ReasonSuspended    FailureReason = "suspended"
	ReasonRoleDenied   FailureReason = "role-denied"
	ReasonAccessDenied FailureReason = "access-denied"
	ReasonThrottled    FailureReason = "throttled"
	ReasonNetwork      FailureReason = "network"
	ReasonCredentials  FailureReason = "credentials"
	ReasonCanceled     FailureReason = "canceled"
	ReasonWrongAccount FailureReason = "wrong-account"
	ReasonOther        FailureReason = "error"
)

// AccountFailure says why an account has no report.
type AccountFailure struct {
	Reason   FailureReason `json:"reason"`
	Step     string        `json:"step"`
	Message  string        `json:"message"`
	Guidance string        `json:"guidance,omitempty"`
	err      error
}

// Err is the underlying error (nil once read back from JSON).
func (f *AccountFailure) Err() error { return f.err }

func newFailure(step string, err error) *AccountFailure {
	return &AccountFailure{Reason: reasonOf(err), Step: step, Message: err.Error(), Guidance: GuidanceOf(err), err: err}
}

func reasonOf(err error) FailureReason {
	switch {
	case errors.Is(err, ErrAccountSuspended):
		return ReasonSuspended
	case errors.Is(err, ErrRoleDenied):
		return ReasonRoleDenied
	case errors.Is(err, ErrWrongAccount):
		return ReasonWrongAccount
	case errors.Is(err, ErrAccessDenied), errors.Is(err, ErrMFARequired):
		return ReasonAccessDenied
	case errors.Is(err, ErrThrottled):
		return ReasonThrottled
	case errors.Is(err, ErrNetwork):
		return ReasonNetwork
	case errors.Is(err, ErrCredentials):
		return ReasonCredentials
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ReasonCanceled
	}
	return ReasonOther
}

// RootSource says where a root finding comes from.
type RootSource string

const (
	// RootFromRootSession: an sts:AssumeRoot session with the audit task
	// policy listed the root user's credentials one by one.
	RootFromRootSession RootSource = "root-session"
	// RootFromReport: the account's credential report and summary, which
	// tell only whether root has MFA.
	RootFromReport RootSource = "credential-report"
)

// RootFinding is what an account's root user holds.
type RootFinding struct {
	Source RootSource `json:"source"`
	MFA    bool       `json:"mfa"`
	// The rest is known only from a root session.
	Password            bool     `json:"password"`
	AccessKeys          int      `json:"access_keys"`
	SigningCertificates int      `json:"signing_certificates"`
	MFADevices          []string `json:"mfa_devices,omitempty"`
	// Note explains a root session that did not work out.
	Note string `json:"note,omitempty"`
}

// NoCredentials: the root user can neither sign in nor call APIs, the goal
// state centralized root access allows.
func (r *RootFinding) NoCredentials() bool {
	return r != nil && r.Source == RootFromRootSession && !r.Password && r.AccessKeys == 0 && r.SigningCertificates == 0 && len(r.MFADevices) == 0
}

// Summary is the root finding in a few words.
func (r *RootFinding) Summary() string {
	switch {
	case r == nil:
		return "unknown"
	case r.NoCredentials():
		return "no root credentials"
	case r.Source == RootFromReport && r.MFA:
		return "MFA"
	case r.Source == RootFromReport:
		return "no MFA"
	}
	var parts []string
	if r.Password {
		parts = append(parts, "password")
	}
	if r.AccessKeys > 0 {
		parts = append(parts, fmt.Sprintf("%d access keys", r.AccessKeys))
	}
	if r.SigningCertificates > 0 {
		parts = append(parts, fmt.Sprintf("%d certificates", r.SigningCertificates))
	}
	if n := len(r.MFADevices); n > 0 {
		parts = append(parts, fmt.Sprintf("%d MFA devices", n))
	} else {
		parts = append(parts, "no MFA")
	}
	return strings.Join(parts, ", ")
}

// AccountResult is one account's part of the organization report.
type AccountResult struct {
	OrgAccount
	// Access is how the account was reached: "caller", "role:NAME" or
	// "profile:NAME".
	Access  string          `json:"access"`
	Status  AccountStatus   `json:"status"`
	Failure *AccountFailure `json:"failure,omitempty"`
	Report  *AuditReport    `json:"report,omitempty"`
	Root    *RootFinding    `json:"root,omitempty"`
}

// Score is the account's readiness score, or -1 without a report.
func (r *AccountResult) Score() int {
	if r.Report == nil {
		return -1
	}
	return r.Report.Score
}

// OrgReport is the readiness of a whole organization.
type OrgReport struct {
	OrganizationID    string    `json:"organization_id,omitempty"`
	ManagementAccount string    `json:"management_account,omitempty"`
	CallerAccount     string    `json:"caller_account"`
	Connection        string    `json:"connection"`
	Generated         time.Time `json:"generated"`
	Role              string    `json:"role"`
	Concurrency       int       `json:"concurrency"`
	// CentralizedRoot: the organization has RootCredentialsManagement, so
	// member roots were examined through root sessions.
	CentralizedRoot bool `json:"centralized_root_access"`
	// FeaturesNote says why centralized root access could not be checked.
	FeaturesNote string          `json:"features_note,omitempty"`
	Accounts     []AccountResult `json:"accounts"`
}

// Counts tallies the accounts by status.
func (r *OrgReport) Counts() (audited, failed, skipped int) {
	for _, a := range r.Accounts {
		switch a.Status {
		case AccountAudited:
			audited++
		case AccountFailed:
			failed++
		case AccountSkipped:
			skipped++
		}
	}
	return
}

// AverageScore is the mean score of the audited accounts (-1 if none).
func (r *OrgReport) AverageScore() int {
	sum, n := 0, 0
	for i := range r.Accounts {
		if s := r.Accounts[i].Score(); s >= 0 {
			sum += s
			n++
		}
	}
	if n == 0 {
		return -1
	}
	return (sum + n/2) / n
}

// orgFeatures asks IAM whether centralized root access is on.
func (o *Org) orgFeatures(ctx context.Context) (orgID string, rootCreds bool, err error) {
	out, err := o.apis.IAM.ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	if err != nil {
		return "", false, orgError("ListOrganizationsFeatures", err)
	}
	return aws.ToString(out.OrganizationId), slices.Contains(out.EnabledFeatures, iamtypes.FeatureTypeRootCredentialsManagement), nil
}

// Audit audits every account of the organization. It fails only when the
// accounts cannot be listed; each account's own trouble is in its result.
func (o *Org) Audit(ctx context.Context, opts OrgAuditOptions) (*OrgReport, error) {
	if opts.Role == "" {
		opts.Role = DefaultOrgRole
	}
	if err := CheckRoleName(opts.Role); err != nil {
		return nil, err
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultOrgConcurrency
	}
	if opts.SessionName == "" {
		opts.SessionName = "sparekey-audit"
	}
	id, err := o.caller.WhoAmI(ctx)
	if err != nil {
		return nil, err
	}
	accounts, err := o.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	rep := &OrgReport{CallerAccount: id.Account, Connection: o.caller.opts.Label, Generated: o.caller.now().UTC(), Role: opts.Role, Concurrency: opts.Concurrency}
	if org, err := o.apis.Organizations.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err == nil && org.Organization != nil {
		rep.OrganizationID, rep.ManagementAccount = aws.ToString(org.Organization.Id), aws.ToString(org.Organization.MasterAccountId)
	}
	orgID, central, err := o.orgFeatures(ctx)
	switch {
	case err != nil:
		rep.FeaturesNote = "centralized root access could not be checked (" + err.Error() + "); root users were audited from credential reports"
	case !central:
		rep.FeaturesNote = "centralized root access is off; root users were audited from credential reports"
	}
	rep.CentralizedRoot = central
	if rep.OrganizationID == "" {
		rep.OrganizationID = orgID
	}

	rep.Accounts = make([]AccountResult, len(accounts))
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		done   int
		failed int
	)
	next := make(chan int)
	for range min(opts.Concurrency, max(len(accounts), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				res := o.auditAccount(ctx, accounts[i], id, rep.ManagementAccount, central, opts)
				mu.Lock()
				rep.Accounts[i] = res
				done++
				if res.Status == AccountFailed {
					failed++
				}
				if opts.Progress != nil {
					opts.Progress(OrgProgress{Done: done, Total: len(accounts), Failed: failed, Account: res.ID})
				}
				mu.Unlock()
			}
		}()
	}
	for i := range accounts {
		next <- i
	}
	close(next)
	wg.Wait()
	return rep, ctx.Err()
}

// auditAccount reaches one account and audits it; it never fails, it
// records.
func (o *Org) auditAccount(ctx context.Context, acct OrgAccount, caller *Identity, management string, central bool, opts OrgAuditOptions) AccountResult {
	res := AccountResult{OrgAccount: acct}
	if err := ctx.Err(); err != nil {
		res.Status, res.Failure = AccountFailed, newFailure("start", err)
		return res
	}
	if !acct.active() {
		err := &Error{Op: "ListAccounts", Kind: ErrAccountSuspended, Err: ErrAccountSuspended,
			Guidance: "The account is " + strings.ToLower(strings.ReplaceAll(acct.State, "_", " ")) + "; nothing in it can be reached until it is active again."}
		res.Status, res.Failure = AccountSkipped, newFailure("ListAccounts", err)
		return res
	}
	client, access, step, err := o.reach(ctx, acct.ID, caller, opts)
	res.Access = access
	if err != nil {
		res.Status, res.Failure = AccountFailed, newFailure(step, err)
		return res
	}
	audit := opts.Audit
	audit.Progress = nil
	rep, err := client.Audit(ctx, audit)
	if err != nil {
		res.Status, res.Failure = AccountFailed, newFailure("audit", err)
		return res
	}
	// A profile named for the wrong account would otherwise file another
	// account's findings under this one.
	if rep.Account != acct.ID {
		err := &Error{Op: "GetCallerIdentity", Kind: ErrWrongAccount, Err: ErrWrongAccount,
			Guidance: "The credentials used for account " + acct.ID + " belong to account " + rep.Account + ". Name the right profile for this account."}
		res.Status, res.Failure = AccountFailed, newFailure("audit", err)
		return res
	}
	res.Status, res.Report = AccountAudited, rep
	res.Root = &RootFinding{Source: RootFromReport, MFA: rep.RootMFA}
	// AssumeRoot reaches member accounts only, never the management account.
	if central && acct.ID != management && acct.ID != "" {
		root, err := o.rootAudit(ctx, acct.ID)
		if err != nil {
			res.Root.Note = "no root session (" + err.Error() + "); root MFA is from the credential report"
		} else {
			res.Root = root
		}
	}
	applyRootFinding(rep, res.Root)
	return res
}

// reach returns a client inside the account: the caller's own for its own
// account, a profile's if one is named, else a session of the role.
func (o *Org) reach(ctx context.Context, account string, caller *Identity, opts OrgAuditOptions) (*Client, string, string, error) {
	if p, ok := opts.Profiles[account]; ok {
		c, err := o.apis.Profile(ctx, p)
		return c, "profile:" + p, "profile", err
	}
	if account == caller.Account {
		return o.caller, "caller", "", nil
	}
	roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", partitionOr(caller.Partition, o.caller.opts.Partition), account, opts.Role)
	out, err := o.apis.STS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String(opts.SessionName)})
	access := "role:" + opts.Role
	if err != nil {
		return nil, access, "AssumeRole", roleError(roleARN, err)
	}
	creds, err := stsCredentials("AssumeRole", out.Credentials)
	if err != nil {
		return nil, access, "AssumeRole", err
	}
	return o.apis.Member(creds, "org:"+account), access, "", nil
}

func partitionOr(p, fallback string) string {
	if p != "" {
		return p
	}
	return fallback
}

func roleError(roleARN string, err error) error {
	err = classify("AssumeRole", err)
	var e *Error
	if errors.As(err, &e) && (e.Kind == ErrMFARequired || e.Kind == ErrAccessDenied) {
		e.Kind, e.Fix = ErrRoleDenied, vault.RemedyNone
		e.Guidance = "The role " + roleARN + " is missing, or its trust policy does not let these credentials in (accounts invited into an organization lack the default role until someone creates it; some roles demand MFA). Choose another role, or name a profile for this account."
	}
	return err
}

func stsCredentials(op string, c *ststypes.Credentials) (Credentials, error) {
	if c == nil || aws.ToString(c.AccessKeyId) == "" {
		return Credentials{}, &Error{Op: op, Kind: ErrServiceFailure, Err: ErrServiceFailure, Guidance: "STS answered without credentials; try again."}
	}
	return Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}, nil
}

// rootSession opens a root session in a member account under one task policy.
func (o *Org) rootSession(ctx context.Context, account, task string) (RootIAM, error) {
	out, err := o.apis.STS.AssumeRoot(ctx, &sts.AssumeRootInput{
		TargetPrincipal: aws.String(account),
		TaskPolicyArn:   &ststypes.PolicyDescriptorType{Arn: aws.String(task)},
		DurationSeconds: aws.Int32(rootSessionSeconds),
	})
	if err != nil {
		return nil, orgError("AssumeRoot", err)
	}
	creds, err := stsCredentials("AssumeRoot", out.Credentials)
	if err != nil {
		return nil, err
	}
	return o.apis.RootIAM(creds), nil
}

// rootAudit lists a member root user's credentials in an audit root session.
func (o *Org) rootAudit(ctx context.Context, account string) (*RootFinding, error) {
	root, err := o.rootSession(ctx, account, TaskAuditRoot)
	if err != nil {
		return nil, err
	}
	f := &RootFinding{Source: RootFromRootSession}
	if f.MFADevices, err = rootMFADevices(ctx, root); err != nil {
		return nil, err
	}
	f.MFA = len(f.MFADevices) > 0
	if f.Password, err = rootHasPassword(ctx, root); err != nil {
		return nil, err
	}
	keys, err := root.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil {
		return nil, classify("ListAccessKeys", err)
	}
	for _, k := range keys.AccessKeyMetadata {
		if k.Status == iamtypes.StatusTypeActive {
			f.AccessKeys++
		}
	}
	certs, err := root.ListSigningCertificates(ctx, &iam.ListSigningCertificatesInput{})
	switch {
	case errors.Is(classify("ListSigningCertificates", err), ErrUnsupported):
		// Some look-alike servers lack it; certificates are rare on roots.
	case err != nil:
		return nil, classify("ListSigningCertificates", err)
	default:
		for _, c := range certs.Certificates {
			if c.Status == iamtypes.StatusTypeActive {
				f.SigningCertificates++
			}
		}
	}
	return f, nil
}

// rootMFADevices lists the root user's devices; in a root session the
// user name is left out.
func rootMFADevices(ctx context.Context, root RootIAM) ([]string, error) {
	var serials []string
	var marker *string
	for {
		out, err := root.ListMFADevices(ctx, &iam.ListMFADevicesInput{Marker: marker})
		if err != nil {
			return nil, classify("ListMFADevices", err)
		}
		for _, d := range out.MFADevices {
			serials = append(serials, aws.ToString(d.SerialNumber))
		}
		if !out.IsTruncated || aws.ToString(out.Marker) == "" {
			break
		}
		marker = out.Marker
	}
	slices.Sort(serials)
	return serials, nil
}

func rootHasPassword(ctx context.Context, root RootIAM) (bool, error) {
	_, err := root.GetLoginProfile(ctx, &iam.GetLoginProfileInput{})
	if err == nil {
		return true, nil
	}
	if err = classify("GetLoginProfile", err); errors.Is(err, ErrNoSuchEntity) {
		return false, nil
	}
	return false, err
}

// applyRootFinding rescores rep with what the root session saw: root MFA
// devices count as root MFA, and a root with no credentials at all owes
// nothing for lacking MFA.
func applyRootFinding(rep *AuditReport, root *RootFinding) {
	if root == nil || root.Source != RootFromRootSession {
		return
	}
	rep.RootMFA = root.MFA
	rep.Score, rep.Deductions = Score(rep)
	if !root.NoCredentials() {
		return
	}
	kept := rep.Deductions[:0]
	for _, d := range rep.Deductions {
		if d.Reason == rootNoMFAReason {
			rep.Score = min(100, rep.Score+int(d.Points))
			continue
		}
		kept = append(kept, d)
	}
	rep.Deductions = kept
}

// rootNoMFAReason is Score's wording for the root deduction.
const rootNoMFAReason = "the root user has no MFA"

// roleNamePattern is IAM's rule for role names.
var roleNamePattern = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// ErrBadRoleName: not an IAM role name (an ARN or a path was given, say).
var ErrBadRoleName = errors.New("a role name is 1 to 64 letters, digits or +=,.@_- (not an ARN or a path)")

// CheckRoleName checks the role an organization audit assumes.
func CheckRoleName(name string) error {
	if !roleNamePattern.MatchString(name) {
		return fmt.Errorf("%q: %w", name, ErrBadRoleName)
	}
	return nil
}

// accountIDPattern is an AWS account ID: twelve digits.
var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// ErrBadAccountID: not a twelve-digit AWS account ID.
var ErrBadAccountID = errors.New("an AWS account ID is twelve digits")

// ParseAccountID checks an account ID as typed, allowing the dashes the
// console shows (1234-5678-9012) and surrounding spaces.
func ParseAccountID(s string) (string, error) {
	id := strings.ReplaceAll(strings.TrimSpace(s), "-", "")
	if !accountIDPattern.MatchString(id) {
		return "", fmt.Errorf("%q: %w", s, ErrBadAccountID)
	}
	return id, nil
}

// ParseAccountProfiles reads "ACCOUNT=PROFILE" pairs, one per entry, into
// the map OrgAuditOptions.Profiles takes.
func ParseAccountProfiles(pairs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, p := range pairs {
		acct, profile, ok := strings.Cut(p, "=")
		profile = strings.TrimSpace(profile)
		if !ok || profile == "" {
			return nil, fmt.Errorf("%q: expected ACCOUNT=PROFILE", p)
		}
		id, err := ParseAccountID(acct)
		if err != nil {
			return nil, err
		}
		if prev, dup := out[id]; dup && prev != profile {
			return nil, fmt.Errorf("account %s is given two profiles, %q and %q", id, prev, profile)
		}
		out[id] = profile
	}
	return out, nil
}
