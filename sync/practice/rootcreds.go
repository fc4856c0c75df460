package practice

import (
	"sort"
	"time"
)

// IAM calls for a root user's credentials (what an AssumeRoot session
// audits and removes) and for centralized root access itself.

// errNonUserCaller answers calls that name no user from role sessions,
// which have no user of their own to default to.
var errNonUserCaller = &apiError{400, "ValidationError", "Must specify userName when calling with non-User credentials"}

// subject is the principal a call acts on: UserName when given (an IAM
// user of the caller's account), else the caller (IAM user or root).
func (c *call) subject(userName string) (string, *apiError) {
	if userName != "" {
		if c.st.Users[userName] == nil {
			return "", noSuchUser(userName)
		}
		return userName, nil
	}
	if c.key.isRoleSession() {
		return "", errNonUserCaller
	}
	return c.callerName(), nil
}

// ---- inputs ----

type userOptInput struct {
	UserName string
	page
}

func decodeUserOpt(p *params) userOptInput {
	in := userOptInput{}
	in.UserName, _ = p.str("UserName", ruleUserName)
	in.page = decodePage(p)
	return in
}

type createLoginProfileInput struct {
	UserName, Password string
	ResetRequired      bool
}

var rulePassword = stringRule{1, 128, `[\u0009\u000A\u000D\u0020-\u00FF]+`, func(r rune) bool { return r == 9 || r == 10 || r == 13 || r >= 0x20 && r <= 0xff }}

func decodeCreateLoginProfile(p *params) createLoginProfileInput {
	in := createLoginProfileInput{}
	in.UserName, _ = p.str("UserName", ruleNewUser)
	in.Password, _ = p.str("Password", rulePassword)
	if v, ok := p.enum("PasswordResetRequired", "true", "false"); ok {
		in.ResetRequired = v == "true"
	}
	return in
}

type deleteAccessKeyInput struct{ UserName, AccessKeyID string }

var ruleAccessKeyID = stringRule{16, 128, `[\w]+`, isWord}

func decodeDeleteAccessKey(p *params) deleteAccessKeyInput {
	in := deleteAccessKeyInput{}
	in.UserName, _ = p.str("UserName", ruleUserName)
	in.AccessKeyID = p.required("AccessKeyId", ruleAccessKeyID)
	return in
}

// ---- login profiles ----

type xmlLoginProfile struct {
	UserName              string
	CreateDate            isoTime
	PasswordResetRequired bool
}

func noSuchLoginProfile(name string) *apiError {
	return errorf(404, "NoSuchEntity", "Login Profile for User %s cannot be found.", name)
}

func (c *call) getLoginProfile(in userOptInput) (any, *apiError) {
	who, err := c.subject(in.UserName)
	if err != nil {
		return nil, err
	}
	lp := c.st.loginProfileOf(who)
	if lp == nil {
		return nil, noSuchLoginProfile(c.ownerName(who))
	}
	return struct{ LoginProfile xmlLoginProfile }{xmlLoginProfile{c.ownerName(who), isoTime(lp.Created), lp.ResetRequired}}, nil
}

// createLoginProfile gives a user a password, or root one (under the
// IAMCreateRootUserPassword task the call names no user and no password:
// root then sets its own through the sign-in page's password recovery).
func (c *call) createLoginProfile(in createLoginProfileInput) (any, *apiError) {
	who, err := c.subject(in.UserName)
	if err != nil {
		return nil, err
	}
	if who != rootOwner && in.Password == "" {
		return nil, errorf(400, "ValidationError", "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null")
	}
	if c.st.loginProfileOf(who) != nil {
		return nil, errorf(409, "EntityAlreadyExists", "Login Profile for user %s already exists.", c.ownerName(who))
	}
	c.st.setLoginProfile(who, c.now)
	lp := c.st.loginProfileOf(who)
	lp.ResetRequired = in.ResetRequired
	return struct{ LoginProfile xmlLoginProfile }{xmlLoginProfile{c.ownerName(who), isoTime(lp.Created), lp.ResetRequired}}, nil
}

func (c *call) deleteLoginProfile(in userOptInput) (any, *apiError) {
	who, err := c.subject(in.UserName)
	if err != nil {
		return nil, err
	}
	if c.st.loginProfileOf(who) == nil {
		return nil, noSuchLoginProfile(c.ownerName(who))
	}
	c.st.setLoginProfile(who, time.Time{})
	return nil, nil
}

// ---- access keys and signing certificates ----

type xmlAccessKeyMetadata struct {
	UserName    string
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string
	CreateDate  isoTime
}

func (c *call) listAccessKeys(in userOptInput) (any, *apiError) {
	who, err := c.subject(in.UserName)
	if err != nil {
		return nil, err
	}
	keys, lr, perr := paginate(c.longTermKeys(who), func(k *accessKey) string { return k.Created.Format(time.RFC3339) + " " + k.ID }, in.page)
	if perr != nil {
		return nil, perr
	}
	out := struct {
		AccessKeyMetadata members[xmlAccessKeyMetadata]
		listResult
	}{AccessKeyMetadata: members[xmlAccessKeyMetadata]{}, listResult: lr}
	for _, k := range keys {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, xmlAccessKeyMetadata{c.ownerName(who), k.ID, "Active", isoTime(k.Created)})
	}
	return out, nil
}

func (c *call) deleteAccessKey(in deleteAccessKeyInput) (any, *apiError) {
	who, err := c.subject(in.UserName)
	if err != nil {
		return nil, err
	}
	k := c.st.Keys[in.AccessKeyID]
	if k == nil || k.isSession() || k.Principal != who {
		return nil, errorf(404, "NoSuchEntity", "The Access Key with id %s cannot be found.", in.AccessKeyID)
	}
	delete(c.st.Keys, k.ID)
	return nil, nil
}

// listSigningCertificates: the practice account has no X.509 signing
// certificates, so the list is always empty.
func (c *call) listSigningCertificates(in userOptInput) (any, *apiError) {
	if _, err := c.subject(in.UserName); err != nil {
		return nil, err
	}
	return struct {
		Certificates members[struct{}]
		listResult
	}{Certificates: members[struct{}]{}}, nil
}

// ---- centralized root access ----

// rootAccess is the Organization for the IAM root access calls, with AWS's
// errors for a caller outside one, a member caller (enable and disable
// want the management account itself) and IAM without trusted access.
func (c *call) rootAccess(change bool) (*orgState, *apiError) {
	mgmt := c.srv.st
	if mgmt.Org == nil || (c.st != mgmt && c.st.Membership == nil) {
		return nil, errorf(400, "OrganizationNotFoundException", "The request was rejected because no organization is associated with your account.")
	}
	if c.st != mgmt && (change || !c.isAdministrator(mgmt.Org, mgmt)) {
		if change {
			return nil, errorf(400, "CallerIsNotManagementAccountException", "The request was rejected because the account making the request is not the management account for the organization.")
		}
		return nil, errorf(400, "AccountNotManagementOrDelegatedAdministratorException", "The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.")
	}
	if mgmt.Org.NoIAMTrustedAccess {
		return nil, errorf(400, "ServiceAccessNotEnabledException", "The request was rejected because trusted access is not enabled for IAM in Organizations.")
	}
	return mgmt.Org, nil
}

type xmlOrgFeatures struct {
	OrganizationID  string `xml:"OrganizationId"`
	EnabledFeatures members[string]
}

func featuresXML(o *orgState) xmlOrgFeatures {
	return xmlOrgFeatures{o.ID, append(members[string]{}, o.Features...)}
}

func (c *call) listOrganizationsFeatures(noInput) (any, *apiError) {
	o, err := c.rootAccess(false)
	if err != nil {
		return nil, err
	}
	return featuresXML(o), nil
}

// setFeature returns the operation that turns feature on or off.
func setFeature(feature string, on bool) func(*call, noInput) (any, *apiError) {
	return func(c *call, _ noInput) (any, *apiError) {
		o, err := c.rootAccess(true)
		if err != nil {
			return nil, err
		}
		var kept []string
		for _, f := range o.Features {
			if f != feature {
				kept = append(kept, f)
			}
		}
		if on {
			kept = append(kept, feature)
		}
		o.Features = kept
		sort.Strings(o.Features)
		return featuresXML(o), nil
	}
}
