package practice

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The practice Organization: the practice account as its management
// account plus member accounts, each a full practice account of its own
// (users, devices, keys, root) in the same state file and behind the same
// endpoint. A request acts in the account whose access key signed it.

// OrganizationAccountAccessRole is the role Organizations creates in the
// accounts it creates, trusting the management account.
const OrganizationAccountAccessRole = "OrganizationAccountAccessRole"

// Account statuses as ListAccounts reports them.
const (
	AccountActive    = "ACTIVE"
	AccountSuspended = "SUSPENDED"
)

// Features of centralized root access (IAM ListOrganizationsFeatures).
const (
	FeatureRootCredentialsManagement = "RootCredentialsManagement"
	FeatureRootSessions              = "RootSessions"
)

// maxMemberAccounts bounds an Organization; AWS's default quota is 10, and
// rehearsing a large audit wants a few hundred.
const maxMemberAccounts = 1000

// RootPrincipal names the root user to AccountCredentials.
const RootPrincipal = "root"

var (
	// ErrNoSuchAccount: no account of the practice Organization has that id.
	ErrNoSuchAccount = errors.New("no such practice account")
	// ErrNoOrganization: the practice account was started without member
	// accounts, so there is no Organization to act on.
	ErrNoOrganization = errors.New("the practice account is not an organization (start it with member accounts)")
)

// orgState is the Organization, kept in the management account's state.
type orgState struct {
	ID      string            `json:"id"` // o-xxxxxxxxxx
	Email   string            `json:"email"`
	Created time.Time         `json:"created"`
	Members map[string]*state `json:"members"` // by account id
	// Features are the enabled centralized root access features.
	Features []string `json:"features,omitempty"`
	// NoIAMTrustedAccess models an organization where IAM's trusted
	// access was never enabled: the root access calls then fail with
	// ServiceAccessNotEnabledException.
	NoIAMTrustedAccess bool `json:"no_iam_trusted_access,omitempty"`
	// DelegatedAdmin is the member account registered as delegated
	// administrator (for IAM and Organizations), "" for none.
	DelegatedAdmin string `json:"delegated_admin,omitempty"`
}

func (o *orgState) hasFeature(f string) bool {
	for _, have := range o.Features {
		if have == f {
			return true
		}
	}
	return false
}

// membership is what the Organization knows of a member account.
type membership struct {
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	Status       string    `json:"status"`
	JoinedMethod string    `json:"joined_method"` // CREATED or INVITED
	Joined       time.Time `json:"joined"`
}

// iamRole is a role in an account. Practice model: a role's trust policy is
// reduced to the accounts it trusts (arn:aws:iam::ACCOUNT:root principals),
// an aws:MultiFactorAuthPresent condition and an sts:ExternalId condition;
// its permissions to all actions or a list.
type iamRole struct {
	Name              string    `json:"name"`
	Path              string    `json:"path"`
	ID                string    `json:"id"`
	Created           time.Time `json:"created"`
	TrustedAccounts   []string  `json:"trusted_accounts"`
	RequireMFA        bool      `json:"require_mfa,omitempty"`
	ExternalID        string    `json:"external_id,omitempty"`
	MaxSessionSeconds int       `json:"max_session_seconds,omitempty"`
	// Actions the role may call ("iam:ListMFADevices"); nil means all.
	Actions []string `json:"actions,omitempty"`
}

func (r *iamRole) trusts(account string) bool {
	for _, a := range r.TrustedAccounts {
		if a == account {
			return true
		}
	}
	return false
}

func (r *iamRole) allows(action string) bool {
	if r.Actions == nil {
		return true
	}
	for _, a := range r.Actions {
		if a == action {
			return true
		}
	}
	return false
}

// RoleSpec describes a role for Server.PutRole.
type RoleSpec struct {
	Name string
	// TrustedAccounts are the account ids whose principals may assume the
	// role (their own permissions allowing); nil means the management
	// account.
	TrustedAccounts []string
	// RequireMFA is a trust condition aws:MultiFactorAuthPresent = true.
	RequireMFA bool
	// ExternalID, when set, is a trust condition sts:ExternalId.
	ExternalID string
	// MaxSessionSeconds caps DurationSeconds; 0 means 3600, AWS's default.
	MaxSessionSeconds int
	// Actions limits what sessions of the role may do ("iam:ListMFADevices",
	// "sts:AssumeRole"); nil allows everything (AdministratorAccess).
	Actions []string
}

// Account describes an account of the practice Organization.
type Account struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Status string `json:"status"`
	// Management is true for the management account.
	Management bool `json:"management,omitempty"`
}

// memberAccountID is the id of the i-th member account (from 1): distinct
// 12-digit ids that cannot be the management account's.
func memberAccountID(management string, i int) string {
	id := fmt.Sprintf("2%011d", i)
	if id == management {
		id = fmt.Sprintf("3%011d", i)
	}
	return id
}

// newOrganization adds n member accounts, each from the preset, each with an
// OrganizationAccountAccessRole trusting the management account.
func newOrganization(mgmt *state, n int, now time.Time, preset Preset) (*orgState, error) {
	o := &orgState{
		ID:      "o-" + strings.ToLower(randomID(10)),
		Email:   "management@practice.invalid",
		Created: now.UTC().Truncate(time.Second),
		Members: map[string]*state{},
	}
	for i := 1; i <= n; i++ {
		id := memberAccountID(mgmt.AccountID, i)
		st, err := newState(id, now, preset)
		if err != nil {
			return nil, err
		}
		st.Membership = &membership{
			Name: fmt.Sprintf("member-%03d", i), Email: fmt.Sprintf("member-%03d@practice.invalid", i),
			Status: AccountActive, JoinedMethod: "CREATED", Joined: o.Created,
		}
		st.putRole(RoleSpec{Name: OrganizationAccountAccessRole, TrustedAccounts: []string{mgmt.AccountID}}, now)
		o.Members[id] = st
	}
	return o, nil
}

// putRole creates or replaces a role.
func (st *state) putRole(spec RoleSpec, now time.Time) *iamRole {
	if st.Roles == nil {
		st.Roles = map[string]*iamRole{}
	}
	r := &iamRole{Name: spec.Name, Path: "/", ID: "AROA" + randomID(17), Created: now.UTC().Truncate(time.Second),
		TrustedAccounts: append([]string(nil), spec.TrustedAccounts...), RequireMFA: spec.RequireMFA,
		ExternalID: spec.ExternalID, MaxSessionSeconds: spec.MaxSessionSeconds}
	if spec.Actions != nil {
		r.Actions = append([]string{}, spec.Actions...)
	}
	if r.MaxSessionSeconds == 0 {
		r.MaxSessionSeconds = 3600
	}
	st.Roles[spec.Name] = r
	return r
}

func (st *state) roleArn(r *iamRole) string {
	return "arn:aws:iam::" + st.AccountID + ":role" + r.Path + r.Name
}

// account finds an account of the practice Organization (or the single
// practice account) by id; the caller holds s.mu.
func (s *Server) accountLocked(id string) *state {
	if id == s.st.AccountID {
		return s.st
	}
	if s.st.Org != nil {
		return s.st.Org.Members[id]
	}
	return nil
}

// accountsLocked lists every account, management first, then members by id.
func (s *Server) accountsLocked() []*state {
	out := []*state{s.st}
	if s.st.Org == nil {
		return out
	}
	ids := make([]string, 0, len(s.st.Org.Members))
	for id := range s.st.Org.Members {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		out = append(out, s.st.Org.Members[id])
	}
	return out
}

// findKey finds an access key in any account.
func (s *Server) findKey(id string) (*state, *accessKey) {
	for _, st := range s.accountsLocked() {
		if k := st.Keys[id]; k != nil {
			return st, k
		}
	}
	return nil, nil
}

// deviceAccount is the account a device serial (an ARN with the account id)
// belongs to.
func (s *Server) deviceAccountLocked(serial string) *state {
	rest, ok := strings.CutPrefix(serial, "arn:aws:iam::")
	if ok && len(rest) > 12 {
		if st := s.accountLocked(rest[:12]); st != nil {
			return st
		}
	}
	return s.st
}

func (s *Server) memberLocked(accountID string) (*state, error) {
	if s.st.Org == nil {
		return nil, fmt.Errorf("practice: %w", ErrNoOrganization)
	}
	st := s.st.Org.Members[accountID]
	if st == nil {
		return nil, fmt.Errorf("practice: %w: %s", ErrNoSuchAccount, accountID)
	}
	return st, nil
}

// OrganizationID is the practice Organization's id, "" without members.
func (s *Server) OrganizationID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Org == nil {
		return ""
	}
	return s.st.Org.ID
}

// Accounts lists the management account and the member accounts.
func (s *Server) Accounts() []Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Account
	for _, st := range s.accountsLocked() {
		out = append(out, s.describeAccountLocked(st))
	}
	return out
}

func (s *Server) describeAccountLocked(st *state) Account {
	if st.Membership == nil {
		email := "management@practice.invalid"
		if s.st.Org != nil {
			email = s.st.Org.Email
		}
		return Account{ID: st.AccountID, Name: "management", Email: email, Status: AccountActive, Management: s.st.Org != nil}
	}
	m := st.Membership
	return Account{ID: st.AccountID, Name: m.Name, Email: m.Email, Status: m.Status}
}

// MemberAccountIDs lists the member accounts' ids in order.
func (s *Server) MemberAccountIDs() []string {
	var out []string
	for _, a := range s.Accounts() {
		if a.ID != s.opts.AccountID {
			out = append(out, a.ID)
		}
	}
	return out
}

// AccountCredentials returns the long-term access key of principal
// (RootPrincipal, or an IAM user name) in any account of the Organization,
// creating one if the user has none.
func (s *Server) AccountCredentials(accountID, principal string) (Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.accountLocked(accountID)
	if st == nil {
		return Credentials{}, fmt.Errorf("practice: %w: %s", ErrNoSuchAccount, accountID)
	}
	if principal == RootPrincipal {
		principal = rootOwner
	} else if st.Users[principal] == nil {
		return Credentials{}, fmt.Errorf("practice: %w: %q in %s", ErrNoSuchUser, principal, accountID)
	}
	k := st.longTermKey(principal)
	if k == nil {
		k = st.addKey(principal, s.now())
		if err := s.save(); err != nil {
			return Credentials{}, err
		}
	}
	return Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret}, nil
}

// DeviceSerialIn is DeviceSerial in another account of the Organization.
func (s *Server) DeviceSerialIn(accountID, name string) string {
	return "arn:aws:iam::" + accountID + ":mfa/" + name
}

// EnableRootDeviceIn is EnableRootDevice for a member account's root user.
func (s *Server) EnableRootDeviceIn(accountID, name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.accountLocked(accountID)
	if st == nil {
		return "", fmt.Errorf("practice: %w: %s", ErrNoSuchAccount, accountID)
	}
	return s.enableRootDeviceLocked(st, name)
}

// SuspendAccount marks a member account SUSPENDED: its keys stop working
// and no role in it can be assumed, as with a closed account in AWS.
func (s *Server) SuspendAccount(accountID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.memberLocked(accountID)
	if err != nil {
		return err
	}
	st.Membership.Status = AccountSuspended
	return s.save()
}

// PutRole creates or replaces a role in any account of the Organization.
func (s *Server) PutRole(accountID string, spec RoleSpec) (arn string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.accountLocked(accountID)
	if st == nil {
		return "", fmt.Errorf("practice: %w: %s", ErrNoSuchAccount, accountID)
	}
	var p params
	p.check("roleName", spec.Name, ruleNewUser)
	if err := p.err(); err != nil {
		return "", fmt.Errorf("practice: %s", err.Message)
	}
	if spec.TrustedAccounts == nil {
		spec.TrustedAccounts = []string{s.st.AccountID}
	}
	r := st.putRole(spec, s.now())
	return st.roleArn(r), s.save()
}

// DeleteRole removes a role, e.g. OrganizationAccountAccessRole from a
// member that was invited rather than created (such members lack it).
// Sessions of the role stop working.
func (s *Server) DeleteRole(accountID, roleName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.accountLocked(accountID)
	if st == nil {
		return fmt.Errorf("practice: %w: %s", ErrNoSuchAccount, accountID)
	}
	if st.Roles[roleName] == nil {
		return fmt.Errorf("practice: no role %q in %s", roleName, accountID)
	}
	delete(st.Roles, roleName)
	return s.save()
}

// SetRootAccessFeatures turns the centralized root access features on or
// off, as the IAM Enable/Disable calls of the management account would.
func (s *Server) SetRootAccessFeatures(features ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Org == nil {
		return fmt.Errorf("practice: %w", ErrNoOrganization)
	}
	var fs []string
	for _, f := range features {
		if f != FeatureRootCredentialsManagement && f != FeatureRootSessions {
			return fmt.Errorf("practice: unknown root access feature %q (use %s or %s)", f, FeatureRootCredentialsManagement, FeatureRootSessions)
		}
		fs = append(fs, f)
	}
	sort.Strings(fs)
	s.st.Org.Features = fs
	return s.save()
}

// SetDelegatedAdministrator registers a member account as delegated
// administrator: its principals may then list the accounts, read the
// organization's root access features and call AssumeRoot into the other
// members, as the management account can. "" removes the registration.
// Its roles in other members are not created: a delegated administrator's
// fan-out needs roles that trust it (PutRole).
func (s *Server) SetDelegatedAdministrator(accountID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Org == nil {
		return fmt.Errorf("practice: %w", ErrNoOrganization)
	}
	if accountID != "" {
		if _, err := s.memberLocked(accountID); err != nil {
			return err
		}
	}
	s.st.Org.DelegatedAdmin = accountID
	return s.save()
}

// RemoveRootCredentials deletes a member root user's password, access keys
// and MFA devices: the goal state of centralized root access, and what
// accounts created after it was turned on look like.
func (s *Server) RemoveRootCredentials(accountID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.accountLocked(accountID)
	if st == nil {
		return fmt.Errorf("practice: %w: %s", ErrNoSuchAccount, accountID)
	}
	st.setLoginProfile(rootOwner, time.Time{})
	for id, k := range st.Keys {
		if k.Principal == rootOwner {
			delete(st.Keys, id)
		}
	}
	for _, d := range st.devicesOf(rootOwner) {
		d.Owner, d.EnableDate, d.Drift = "", time.Time{}, 0
	}
	return s.save()
}
