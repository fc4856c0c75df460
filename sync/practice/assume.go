package practice

import (
	"crypto/rand"
	"encoding/base64"
	"sort"
	"strings"
	"time"
)

// STS AssumeRole and AssumeRoot across the accounts of the practice
// Organization.

// Role session durations (seconds).
const (
	defaultRoleSeconds = 3600
	chainedRoleSeconds = 3600
	rootTaskSeconds    = 900
)

// rootTaskPrefix starts every root-task policy ARN.
const rootTaskPrefix = "arn:aws:iam::aws:policy/root-task/"

// Root-task policies (TaskPolicyArn of AssumeRoot).
const (
	TaskAuditRootUserCredentials  = "IAMAuditRootUserCredentials"
	TaskCreateRootUserPassword    = "IAMCreateRootUserPassword"
	TaskDeleteRootUserCredentials = "IAMDeleteRootUserCredentials"
	TaskS3UnlockBucketPolicy      = "S3UnlockBucketPolicy"
	TaskSQSUnlockQueuePolicy      = "SQSUnlockQueuePolicy"
)

// TaskPolicyArn is the ARN of a root-task policy.
func TaskPolicyArn(task string) string { return rootTaskPrefix + task }

// taskPolicyActions are what an AssumeRoot session may do under each task
// policy, after AWS's managed root-task policies, restricted to the root
// user of the target account. The S3 and SQS tasks act on services the
// practice account does not have; their sessions can only say who they are.
var taskPolicyActions = map[string][]string{
	TaskAuditRootUserCredentials: {
		"iam:GetAccountSummary", "iam:GetLoginProfile", "iam:GetUser",
		"iam:ListAccessKeys", "iam:ListMFADevices", "iam:ListSigningCertificates",
	},
	TaskCreateRootUserPassword: {
		"iam:CreateLoginProfile", "iam:GetAccountSummary", "iam:GetLoginProfile", "iam:GetUser",
	},
	TaskDeleteRootUserCredentials: {
		"iam:DeactivateMFADevice", "iam:DeleteAccessKey", "iam:DeleteLoginProfile", "iam:DeleteSigningCertificate",
		"iam:GetAccountSummary", "iam:GetLoginProfile", "iam:GetUser",
		"iam:ListAccessKeys", "iam:ListMFADevices", "iam:ListSigningCertificates",
	},
	TaskS3UnlockBucketPolicy: {"s3:DeleteBucketPolicy", "s3:GetBucketPolicy"},
	TaskSQSUnlockQueuePolicy: {"sqs:GetQueueAttributes", "sqs:SetQueueAttributes"},
}

// TaskPolicyActions lists what an AssumeRoot session under task may do, as
// "service:Action"; nil for an unknown task.
func TaskPolicyActions(task string) []string {
	acts := taskPolicyActions[task]
	if acts == nil {
		return nil
	}
	out := append([]string(nil), acts...)
	sort.Strings(out)
	return out
}

func taskAllows(task, action string) bool {
	for _, a := range taskPolicyActions[task] {
		if a == action {
			return true
		}
	}
	return false
}

// ---- inputs ----

var (
	ruleRoleArn     = stringRule{20, 2048, "", nil}
	ruleSessionName = stringRule{2, 64, `[\w+=,.@-]*`, isNameRune}
	ruleExternalID  = stringRule{2, 1224, `[\w+=,.@:\/-]*`, func(r rune) bool { return isNameRune(r) || r == ':' || r == '/' }}
	ruleTarget      = stringRule{12, 2048, "", nil}
	rulePolicyArn   = stringRule{20, 2048, "", nil}
)

type assumeRoleInput struct {
	RoleArn, SessionName string
	Duration             int // 0 = default
	ExternalID           string
	Serial, TokenCode    string
}

func decodeAssumeRole(p *params) assumeRoleInput {
	in := assumeRoleInput{
		RoleArn:     p.required("RoleArn", ruleRoleArn),
		SessionName: p.required("RoleSessionName", ruleSessionName),
	}
	in.Duration, _ = p.integer("DurationSeconds", 900, 43200)
	in.ExternalID, _ = p.str("ExternalId", ruleExternalID)
	in.Serial, _ = p.str("SerialNumber", ruleSTSSerial)
	in.TokenCode, _ = p.str("TokenCode", ruleTokenCode)
	return in
}

type assumeRootInput struct {
	Target, TaskPolicyArn string
	Duration              int // 0 = default
}

func decodeAssumeRoot(p *params) assumeRootInput {
	in := assumeRootInput{Target: p.required("TargetPrincipal", ruleTarget)}
	if arn, ok := p.v["TaskPolicyArn.arn"]; ok {
		in.TaskPolicyArn = arn[0]
		p.check("taskPolicyArn.arn", in.TaskPolicyArn, rulePolicyArn)
	} else {
		p.failNull("taskPolicyArn")
	}
	in.Duration, _ = p.integer("DurationSeconds", 0, rootTaskSeconds)
	return in
}

// ---- outputs ----

type xmlCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      isoTime
}

func credentialsXML(k *accessKey) xmlCredentials {
	return xmlCredentials{k.ID, k.Secret, k.SessionToken, isoTime(k.Expiration)}
}

// newSession adds session credentials for principal to st.
func newSession(st *state, principal string, now time.Time, seconds int) *accessKey {
	st.dropExpiredSessions(now)
	token := make([]byte, 180)
	rand.Read(token)
	k := &accessKey{
		ID:           "ASIA" + randomID(16),
		Secret:       randomSecret(),
		Principal:    principal,
		Created:      now.UTC().Truncate(time.Second),
		SessionToken: base64.StdEncoding.EncodeToString(token),
		Expiration:   now.UTC().Truncate(time.Second).Add(time.Duration(seconds) * time.Second),
	}
	st.Keys[k.ID] = k
	return k
}

// ---- AssumeRole ----

// notAuthorizedToAssume is AWS's refusal of an AssumeRole the trust policy
// (or the caller's own policy) does not allow. It says no more than that,
// so a caller cannot tell a missing role from a refusing one.
func (c *call) notAuthorizedToAssume(roleArn string) *apiError {
	return errorf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.st.callerArn(c.key), sanitize(roleArn))
}

// parseRoleArn splits arn:aws:iam::ACCOUNT:role/[PATH/]NAME.
func parseRoleArn(arn string) (account, path, name string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok || len(rest) < 13 || rest[12] != ':' || strings.Trim(rest[:12], "0123456789") != "" {
		return "", "", "", false
	}
	account = rest[:12]
	res, ok := strings.CutPrefix(rest[13:], "role/")
	if !ok || res == "" || strings.HasSuffix(res, "/") {
		return "", "", "", false
	}
	i := strings.LastIndex(res, "/")
	return account, "/" + res[:i+1], res[i+1:], true
}

// assumeRole checks the caller's own permission, the role's trust (its
// accounts, sts:ExternalId, aws:MultiFactorAuthPresent) and the MFA code,
// then issues a role session in the role's account. A code is checked and
// spent like GetSessionToken's; a role session assuming another role
// (chaining) carries no MFA of its own, as in AWS.
func (c *call) assumeRole(in assumeRoleInput) (any, *apiError) {
	if c.isRoot() {
		return nil, errorf(403, "AccessDenied", "Roles may not be assumed by root accounts.")
	}
	account, path, name, ok := parseRoleArn(in.RoleArn)
	if !ok {
		return nil, errorf(400, "ValidationError", "%s is invalid", sanitize(in.RoleArn))
	}
	target := c.srv.accountLocked(account)
	var role *iamRole
	if target != nil {
		role = target.Roles[name]
	}
	if role == nil || role.Path != path || !role.trusts(c.st.AccountID) ||
		(target.Membership != nil && target.Membership.Status == AccountSuspended) ||
		(role.ExternalID != "" && in.ExternalID != role.ExternalID) {
		return nil, c.notAuthorizedToAssume(in.RoleArn)
	}
	if c.key.isRoleSession() {
		if r := c.st.Roles[c.key.Role]; r == nil || !r.allows("sts:AssumeRole") {
			return nil, c.notAuthorizedToAssume(in.RoleArn)
		}
	}

	codeGiven := in.Serial != "" || in.TokenCode != ""
	if codeGiven {
		d := c.st.Devices[in.Serial]
		if c.key.isRoleSession() || d == nil || d.Owner != c.callerName() {
			return nil, errMFASerial
		}
		if in.TokenCode == "" || !d.authenticate(c.now, in.TokenCode) {
			return nil, errMFACode
		}
	}
	mfa := codeGiven || (c.key.MFAPresent && !c.key.isRoleSession())
	if role.RequireMFA && !mfa {
		return nil, c.notAuthorizedToAssume(in.RoleArn)
	}
	if u := c.st.Users[c.callerName()]; u != nil && !u.Admin && !mfa {
		// The self-manage-MFA policy denies everything but its
		// exceptions without MFA (see policy.go).
		return nil, errorf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s with an explicit deny in an identity-based policy",
			c.st.callerArn(c.key), sanitize(in.RoleArn))
	}

	seconds := in.Duration
	if seconds == 0 {
		seconds = defaultRoleSeconds
	}
	chained := c.key.isRoleSession()
	// AWS applies the chaining limit to every caller with temporary
	// credentials, GetSessionToken sessions included.
	if c.key.isSession() && seconds > chainedRoleSeconds {
		return nil, errorf(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if seconds > role.MaxSessionSeconds {
		return nil, errorf(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	k := newSession(target, rolePrincipal(role.Name), c.now, seconds)
	k.Role, k.RoleSession, k.Chained, k.MFAPresent = role.Name, in.SessionName, chained, mfa && !chained
	if codeGiven && !chained {
		k.MFASerial = in.Serial
	}
	type assumedRoleUser struct {
		AssumedRoleID string `xml:"AssumedRoleId"`
		Arn           string
	}
	return struct {
		Credentials     xmlCredentials
		AssumedRoleUser assumedRoleUser
	}{credentialsXML(k), assumedRoleUser{role.ID + ":" + in.SessionName, target.callerArn(k)}}, nil
}

// ---- AssumeRoot ----

// assumeRoot issues a root session in a member account, limited to a
// root-task policy, for 15 minutes at most. Only IAM users and roles of
// the management account (or of the delegated administrator, into the
// other members) may call it, never a root user, and only with
// centralized root access on.
func (c *call) assumeRoot(in assumeRootInput) (any, *apiError) {
	denied := func(format string, args ...any) *apiError {
		return errorf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRoot: "+format, append([]any{c.st.callerArn(c.key)}, args...)...)
	}
	if c.isRoot() {
		return nil, denied("a root user cannot call AssumeRoot; use an IAM user or role of the management account")
	}
	mgmt := c.srv.st
	if mgmt.Org == nil || !c.isAdministrator(mgmt.Org, mgmt) {
		return nil, denied("only the management account or the delegated administrator of an organization with centralized root access may call AssumeRoot")
	}
	task, ok := strings.CutPrefix(in.TaskPolicyArn, rootTaskPrefix)
	if !ok || taskPolicyActions[task] == nil {
		return nil, denied("%s is not a root-task policy (%s…)", sanitize(in.TaskPolicyArn), rootTaskPrefix)
	}
	feature := FeatureRootCredentialsManagement
	if task == TaskS3UnlockBucketPolicy || task == TaskSQSUnlockQueuePolicy {
		feature = FeatureRootSessions
	}
	if !mgmt.Org.hasFeature(feature) {
		return nil, denied("centralized root access (%s) is not enabled for organization %s", feature, mgmt.Org.ID)
	}
	target := mgmt.Org.Members[in.Target]
	if target == nil || target == c.st {
		return nil, denied("%s is not a member account of organization %s", sanitize(in.Target), mgmt.Org.ID)
	}
	if target.Membership.Status == AccountSuspended {
		return nil, denied("member account %s is suspended", target.AccountID)
	}
	seconds := in.Duration
	if seconds == 0 {
		seconds = rootTaskSeconds
	}
	k := newSession(target, rootOwner, c.now, seconds)
	k.TaskPolicy = task
	return struct{ Credentials xmlCredentials }{credentialsXML(k)}, nil
}
