package practice

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// Semantics of the practice Organization, through the Go SDK for STS and
// IAM and signed JSON requests for Organizations.

func newOrgFixture(t *testing.T, members int, opts ...func(*Options)) *fixture {
	return newFixture(t, append([]func(*Options){func(o *Options) { o.MemberAccounts = members }}, opts...)...)
}

// orgCall sends a signed Organizations JSON request and returns the HTTP
// status and the decoded body.
func (f *fixture) orgCall(c Credentials, op string, in any) (int, map[string]any) {
	f.t.Helper()
	body := []byte("{}")
	if in != nil {
		body, _ = json.Marshal(in)
	}
	req, _ := http.NewRequest(http.MethodPost, f.url+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", organizationsTargetPrefix+op)
	signForTest(f.t, req, body, c, "organizations")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("x-amzn-RequestId") == "" || resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		f.t.Fatalf("%s: headers %v", op, resp.Header)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		f.t.Fatalf("%s: body is not JSON: %s", op, b)
	}
	return resp.StatusCode, out
}

func (f *fixture) assumeRole(c Credentials, in *sts.AssumeRoleInput) (Credentials, error) {
	if in.RoleSessionName == nil {
		in.RoleSessionName = aws.String("test")
	}
	out, err := f.sts(c).AssumeRole(ctx, in)
	if err != nil {
		return Credentials{}, err
	}
	return sdkCreds(out.Credentials), nil
}

func (f *fixture) assumeRoot(c Credentials, target, task string) (Credentials, error) {
	out, err := f.sts(c).AssumeRoot(ctx, &sts.AssumeRootInput{
		TargetPrincipal: aws.String(target), TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String(TaskPolicyArn(task))},
	})
	if err != nil {
		return Credentials{}, err
	}
	return sdkCreds(out.Credentials), nil
}

func sdkCreds(c *ststypes.Credentials) Credentials {
	return Credentials{aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)}
}

func orgRoleArn(account, role string) *string {
	return aws.String("arn:aws:iam::" + account + ":role/" + role)
}

func TestOrganizationsCalls(t *testing.T) {
	t.Parallel()
	f := newOrgFixture(t, 45)
	admin := f.srv.AdminCredentials()
	members := f.srv.MemberAccountIDs()

	var ids []string
	token := ""
	for pages := 0; ; pages++ {
		in := map[string]any{"MaxResults": 20}
		if token != "" {
			in["NextToken"] = token
		}
		status, out := f.orgCall(admin, "ListAccounts", in)
		if status != 200 {
			t.Fatalf("ListAccounts: %d %v", status, out)
		}
		for _, a := range out["Accounts"].([]any) {
			ids = append(ids, a.(map[string]any)["Id"].(string))
		}
		token, _ = out["NextToken"].(string)
		if token == "" {
			if pages != 2 {
				t.Fatalf("%d pages, want 3", pages+1)
			}
			break
		}
	}
	if len(ids) != 46 || ids[0] != DefaultAccountID || ids[45] != members[44] {
		t.Fatalf("listed %d accounts: %v", len(ids), ids)
	}

	f.srv.SuspendAccount(members[3])
	_, out := f.orgCall(admin, "DescribeAccount", map[string]any{"AccountId": members[3]})
	if out["Account"].(map[string]any)["Status"] != AccountSuspended {
		t.Fatalf("suspended account = %v", out)
	}

	for _, tc := range []struct {
		name   string
		creds  Credentials
		op     string
		in     any
		status int
		code   string
	}{
		{"member cannot list", mustCreds(f.srv.AccountCredentials(members[0], AdminUser)), "ListAccounts", nil, 400, "AccessDeniedException"},
		{"alice without MFA", mustCreds(f.srv.UserCredentials(AliceUser)), "ListAccounts", nil, 403, "AccessDeniedException"},
		{"suspended member's keys", mustCreds(f.srv.AccountCredentials(members[3], AdminUser)), "DescribeOrganization", nil, 403, "UnrecognizedClientException"},
		{"bad MaxResults", admin, "ListAccounts", map[string]any{"MaxResults": 0}, 400, "InvalidInputException"},
		{"bad NextToken", admin, "ListAccounts", map[string]any{"NextToken": "!!"}, 400, "InvalidInputException"},
		{"wrong shape", admin, "ListAccounts", map[string]any{"MaxResults": "ten"}, 400, "SerializationException"},
		{"unknown account", admin, "DescribeAccount", map[string]any{"AccountId": "000000000000"}, 400, "AccountNotFoundException"},
		{"unknown operation", admin, "CreateAccount", nil, 400, "UnknownOperationException"},
	} {
		status, out := f.orgCall(tc.creds, tc.op, tc.in)
		if status != tc.status || out["__type"] != tc.code || out["Message"] == "" {
			t.Errorf("%s: %d %v, want %d %s", tc.name, status, out, tc.status, tc.code)
		}
	}

	single := newFixture(t)
	status, out := single.orgCall(single.srv.AdminCredentials(), "DescribeOrganization", nil)
	if status != 400 || out["__type"] != "AWSOrganizationsNotInUseException" {
		t.Fatalf("single account: %d %v", status, out)
	}

	f.srv.InjectFault("ListAccounts", FaultAccessDenied, 1)
	if status, out := f.orgCall(admin, "ListAccounts", nil); status != 403 || out["__type"] != "AccessDeniedException" {
		t.Fatalf("access-denied fault: %d %v", status, out)
	}
	f.srv.InjectFault("DescribeOrganization", FaultServerError, 1)
	if status, out := f.orgCall(admin, "DescribeOrganization", nil); status != 500 || out["__type"] != "ServiceException" {
		t.Fatalf("server-error fault: %d %v", status, out)
	}
}

func TestAssumeRoleSemantics(t *testing.T) {
	t.Parallel()
	f := newOrgFixture(t, 3)
	admin := f.srv.AdminCredentials()
	members := f.srv.MemberAccountIDs()
	m0, m1, m2 := members[0], members[1], members[2]
	alice := mustCreds(f.srv.UserCredentials(AliceUser))
	serial := f.srv.DeviceSerial(AliceUser)
	both := []string{DefaultAccountID, m0} // the management account and m0's own sessions (chaining)
	mfaRole, _ := f.srv.PutRole(m0, RoleSpec{Name: "NeedsMFA", RequireMFA: true, TrustedAccounts: both})
	extRole, _ := f.srv.PutRole(m0, RoleSpec{Name: "Vendor", ExternalID: "vendor-42"})
	readOnly, _ := f.srv.PutRole(m0, RoleSpec{Name: "ReadOnly", Actions: []string{"iam:ListMFADevices"}, MaxSessionSeconds: 7200, TrustedAccounts: both})
	f.srv.DeleteRole(m1, OrganizationAccountAccessRole) // an invited member
	f.srv.SuspendAccount(m2)

	denied := func(caller, role string) string {
		return "User: " + caller + " is not authorized to perform: sts:AssumeRole on resource: " + role
	}
	adminArn := "arn:aws:iam::123456789012:user/practice-admin"
	for _, tc := range []struct {
		name  string
		creds Credentials
		in    sts.AssumeRoleInput
		code  string
		msg   string
	}{
		{"role missing in an invited member", admin, sts.AssumeRoleInput{RoleArn: orgRoleArn(m1, OrganizationAccountAccessRole)},
			"AccessDenied", denied(adminArn, "arn:aws:iam::"+m1+":role/OrganizationAccountAccessRole")},
		{"suspended account", admin, sts.AssumeRoleInput{RoleArn: orgRoleArn(m2, OrganizationAccountAccessRole)}, "AccessDenied", ""},
		{"account outside the organization", admin, sts.AssumeRoleInput{RoleArn: orgRoleArn("999999999999", OrganizationAccountAccessRole)}, "AccessDenied", ""},
		{"trust names another account", mustCreds(f.srv.AccountCredentials(m0, AdminUser)), sts.AssumeRoleInput{RoleArn: orgRoleArn(m0, OrganizationAccountAccessRole)},
			"AccessDenied", ""},
		{"MFA condition without a code", admin, sts.AssumeRoleInput{RoleArn: aws.String(mfaRole)}, "AccessDenied", denied(adminArn, mfaRole)},
		{"external id missing", admin, sts.AssumeRoleInput{RoleArn: aws.String(extRole)}, "AccessDenied", ""},
		{"external id wrong", admin, sts.AssumeRoleInput{RoleArn: aws.String(extRole), ExternalId: aws.String("vendor-43")}, "AccessDenied", ""},
		{"root", f.srv.RootCredentials(), sts.AssumeRoleInput{RoleArn: orgRoleArn(m0, OrganizationAccountAccessRole)}, "AccessDenied", "Roles may not be assumed by root accounts."},
		{"alice without MFA", alice, sts.AssumeRoleInput{RoleArn: orgRoleArn(m0, OrganizationAccountAccessRole)}, "AccessDenied", ""},
		{"serial of someone else", admin, sts.AssumeRoleInput{RoleArn: aws.String(mfaRole), SerialNumber: aws.String(serial), TokenCode: aws.String(f.code(serial, 0))},
			"AccessDenied", errMFASerial.Message},
		{"wrong code", alice, sts.AssumeRoleInput{RoleArn: aws.String(mfaRole), SerialNumber: aws.String(serial), TokenCode: aws.String(f.code(serial, 5))},
			"AccessDenied", errMFACode.Message},
		{"longer than the role allows", admin, sts.AssumeRoleInput{RoleArn: orgRoleArn(m0, OrganizationAccountAccessRole), DurationSeconds: aws.Int32(7200)},
			"ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{"malformed role ARN", admin, sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::12:role/x/y/z")}, "ValidationError", ""},
	} {
		in := tc.in
		_, err := f.assumeRole(tc.creds, &in)
		t.Run(tc.name, func(t *testing.T) { wantAPIError(t, err, tc.code, tc.msg) })
	}

	// With a code: the session carries MFA; the code is spent.
	code := f.code(serial, 0)
	sess, err := f.assumeRole(alice, &sts.AssumeRoleInput{RoleArn: aws.String(mfaRole), SerialNumber: aws.String(serial), TokenCode: aws.String(code)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.assumeRole(alice, &sts.AssumeRoleInput{RoleArn: aws.String(mfaRole), SerialNumber: aws.String(serial), TokenCode: aws.String(code)})
	wantAPIError(t, err, "AccessDenied", errMFACode.Message)
	f.srv.mu.Lock()
	k := f.srv.st.Org.Members[m0].Keys[sess.AccessKeyID]
	f.srv.mu.Unlock()
	if k == nil || !k.MFAPresent || k.MFASerial != serial || k.Role != "NeedsMFA" {
		t.Fatalf("session = %+v", k)
	}
	// An MFA session from GetSessionToken satisfies the condition too.
	tok, err := f.sts(alice).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(f.code(serial, 1))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.assumeRole(sdkCreds(tok.Credentials), &sts.AssumeRoleInput{RoleArn: aws.String(mfaRole)}); err != nil {
		t.Fatalf("MFA session: %v", err)
	}
	_, err = f.assumeRole(sdkCreds(tok.Credentials), &sts.AssumeRoleInput{RoleArn: aws.String(readOnly), DurationSeconds: aws.Int32(7200)})
	wantAPIError(t, err, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")

	// The session works in the member account only, and chains.
	if _, err := f.iam(sess).ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(AliceUser)}); err != nil {
		t.Fatal(err)
	}
	chained, err := f.assumeRole(sess, &sts.AssumeRoleInput{RoleArn: aws.String(readOnly)})
	if err != nil {
		t.Fatalf("chaining: %v", err)
	}
	_, err = f.assumeRole(sess, &sts.AssumeRoleInput{RoleArn: aws.String(readOnly), DurationSeconds: aws.Int32(3601)})
	wantAPIError(t, err, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	// A chained session carries no MFA: even the MFA role's own session
	// cannot assume that role again without a code.
	_, err = f.assumeRole(sess, &sts.AssumeRoleInput{RoleArn: aws.String(mfaRole)})
	wantAPIError(t, err, "AccessDenied", denied("arn:aws:sts::"+m0+":assumed-role/NeedsMFA/test", mfaRole))
	// A role allowed only iam:ListMFADevices may not assume roles at all.
	_, err = f.assumeRole(chained, &sts.AssumeRoleInput{RoleArn: aws.String(readOnly)})
	wantAPIError(t, err, "AccessDenied", "")
	if _, err := f.iam(chained).ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(BobUser)}); err != nil {
		t.Fatalf("read-only role: %v", err)
	}
	_, err = f.iam(chained).GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	wantAPIError(t, err, "AccessDenied", "")
	id, err := f.sts(chained).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::"+m0+":assumed-role/ReadOnly/test" || aws.ToString(id.Account) != m0 {
		t.Fatalf("chained identity = %+v, %v", id, err)
	}
	_, err = f.sts(sess).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantAPIError(t, err, "AccessDenied", "")

	// The external id, given right.
	if _, err := f.assumeRole(admin, &sts.AssumeRoleInput{RoleArn: aws.String(extRole), ExternalId: aws.String("vendor-42")}); err != nil {
		t.Fatal(err)
	}
	// Deleting the role ends its sessions.
	f.srv.DeleteRole(m0, "ReadOnly")
	_, err = f.sts(chained).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "InvalidClientTokenId", "")
	// Sessions expire.
	f.clock.Add(time.Hour + time.Second)
	_, err = f.iam(sess).ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(AliceUser)})
	wantAPIError(t, err, "ExpiredToken", "")
}

func TestAssumeRootSemantics(t *testing.T) {
	t.Parallel()
	f := newOrgFixture(t, 3)
	admin := f.srv.AdminCredentials()
	members := f.srv.MemberAccountIDs()
	m0 := members[0]
	rootSerial, err := f.srv.EnableRootDeviceIn(m0, RootDeviceName)
	if err != nil {
		t.Fatal(err)
	}

	_, err = f.assumeRoot(admin, m0, TaskDeleteRootUserCredentials)
	wantAPIError(t, err, "AccessDenied", "")
	if !strings.Contains(err.Error(), "not enabled") {
		t.Fatalf("feature off: %v", err)
	}
	if _, err := f.admin().EnableOrganizationsRootCredentialsManagement(ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{}); err != nil {
		t.Fatal(err)
	}
	_, err = f.assumeRoot(admin, m0, TaskS3UnlockBucketPolicy) // wants RootSessions
	wantAPIError(t, err, "AccessDenied", "")

	for _, tc := range []struct {
		name          string
		creds         Credentials
		target, task  string
		code, contain string
	}{
		{"caller is root", f.srv.RootCredentials(), m0, TaskAuditRootUserCredentials, "AccessDenied", "root user"},
		{"caller is a member", mustCreds(f.srv.AccountCredentials(members[1], AdminUser)), m0, TaskAuditRootUserCredentials, "AccessDenied", "management account"},
		{"target outside the organization", admin, "999999999999", TaskAuditRootUserCredentials, "AccessDenied", "not a member account"},
		{"target is the management account", admin, DefaultAccountID, TaskAuditRootUserCredentials, "AccessDenied", "not a member account"},
		{"not a task policy", admin, m0, "../AdministratorAccess", "AccessDenied", "not a root-task policy"},
		{"alice without MFA", mustCreds(f.srv.UserCredentials(AliceUser)), m0, TaskAuditRootUserCredentials, "AccessDenied", "explicit deny"},
	} {
		_, err := f.assumeRoot(tc.creds, tc.target, tc.task)
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError(t, err, tc.code, "")
			if !strings.Contains(err.Error(), tc.contain) {
				t.Fatalf("%v does not say %q", err, tc.contain)
			}
		})
	}
	_, err = f.sts(admin).AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String(m0),
		TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String(TaskPolicyArn(TaskAuditRootUserCredentials))}, DurationSeconds: aws.Int32(901)})
	wantAPIError(t, err, "ValidationError", "")

	// Through a role of the management account, as an organization's
	// automation would.
	auditorArn, _ := f.srv.PutRole(DefaultAccountID, RoleSpec{Name: "RootAuditor", Actions: []string{"sts:AssumeRoot"}})
	auditor, err := f.assumeRole(admin, &sts.AssumeRoleInput{RoleArn: aws.String(auditorArn)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := f.sts(auditor).AssumeRoot(ctx, &sts.AssumeRootInput{TargetPrincipal: aws.String(m0),
		TaskPolicyArn: &ststypes.PolicyDescriptorType{Arn: aws.String(TaskPolicyArn(TaskAuditRootUserCredentials))}})
	if err != nil {
		t.Fatal(err)
	}
	if exp := aws.ToTime(out.Credentials.Expiration); !exp.Equal(t0.Add(15 * time.Minute)) {
		t.Fatalf("root session expires %v", exp)
	}
	audit := f.iam(sdkCreds(out.Credentials))
	if _, err := audit.GetLoginProfile(ctx, &iam.GetLoginProfileInput{}); err != nil {
		t.Fatal(err)
	}
	devs, err := audit.ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	if err != nil || len(devs.MFADevices) != 1 || aws.ToString(devs.MFADevices[0].SerialNumber) != rootSerial {
		t.Fatalf("root devices = %+v, %v", devs, err)
	}
	// The audit task cannot change anything or look at IAM users.
	_, err = audit.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{SerialNumber: aws.String(rootSerial)})
	wantAPIError(t, err, "AccessDenied", "")
	_, err = audit.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String(AdminUser)})
	wantAPIError(t, err, "AccessDenied", "")
	_, err = audit.ListUsers(ctx, &iam.ListUsersInput{})
	wantAPIError(t, err, "AccessDenied", "")
	_, err = f.sts(sdkCreds(out.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: orgRoleArn(m0, OrganizationAccountAccessRole), RoleSessionName: aws.String("x1")})
	wantAPIError(t, err, "AccessDenied", "")

	// Delete: the root device goes, the seed stays with the drill.
	del, err := f.assumeRoot(admin, m0, TaskDeleteRootUserCredentials)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.iam(del).DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{SerialNumber: aws.String(rootSerial)}); err != nil {
		t.Fatal(err)
	}
	_, err = f.iam(del).CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{})
	wantAPIError(t, err, "AccessDenied", "")
	summary, err := audit.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil || summary.SummaryMap["AccountMFAEnabled"] != 0 || summary.SummaryMap["AccountPasswordPresent"] != 1 {
		t.Fatalf("summary = %v, %v", summary, err)
	}
	// The root session ends after 15 minutes.
	f.clock.Add(15*time.Minute + time.Second)
	_, err = f.iam(del).ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	wantAPIError(t, err, "ExpiredToken", "")
}

func TestOrganizationFeatureErrors(t *testing.T) {
	t.Parallel()
	single := newFixture(t)
	_, err := single.admin().ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
	wantAPIError(t, err, "OrganizationNotFoundException", "")
	_, err = single.sts(single.srv.AdminCredentials()).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: orgRoleArn("200000000001", OrganizationAccountAccessRole), RoleSessionName: aws.String("x1")})
	wantAPIError(t, err, "AccessDenied", "")

	f := newOrgFixture(t, 1)
	f.srv.mu.Lock()
	f.srv.st.Org.NoIAMTrustedAccess = true
	f.srv.mu.Unlock()
	_, err = f.admin().EnableOrganizationsRootSessions(ctx, &iam.EnableOrganizationsRootSessionsInput{})
	wantAPIError(t, err, "ServiceAccessNotEnabledException", "")
	f.srv.mu.Lock()
	f.srv.st.Org.NoIAMTrustedAccess = false
	f.srv.mu.Unlock()
	if err := f.srv.SetRootAccessFeatures(FeatureRootSessions, FeatureRootCredentialsManagement); err != nil {
		t.Fatal(err)
	}
	out, err := f.admin().DisableOrganizationsRootSessions(ctx, &iam.DisableOrganizationsRootSessionsInput{})
	if err != nil || len(out.EnabledFeatures) != 1 || string(out.EnabledFeatures[0]) != FeatureRootCredentialsManagement {
		t.Fatalf("disable = %+v, %v", out, err)
	}
	if err := f.srv.SetRootAccessFeatures("Everything"); err == nil {
		t.Fatal("unknown feature accepted")
	}
}

func TestOrganizationState(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "org.json")
	clock := newClock()
	srv, err := New(Options{StatePath: path, MemberAccounts: 4, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	members := srv.MemberAccountIDs()
	seen := map[string]bool{DefaultAccountID: true}
	for _, id := range members {
		if len(id) != 12 || strings.Trim(id, "0123456789") != "" || seen[id] {
			t.Fatalf("member ids %v", members)
		}
		seen[id] = true
	}
	serial, _ := srv.EnableRootDeviceIn(members[2], "root-phone")
	seed, err := srv.Seed(serial)
	if err != nil || seed == "" {
		t.Fatalf("member root seed: %v", err)
	}
	creds := mustCreds(srv.AccountCredentials(members[1], BobUser))
	srv.SuspendAccount(members[3])
	srv.SetRootAccessFeatures(FeatureRootCredentialsManagement)
	orgID := srv.OrganizationID()
	srv.Close()

	again, err := New(Options{StatePath: path, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if again.OrganizationID() != orgID || len(again.MemberAccountIDs()) != 4 {
		t.Fatalf("reloaded organization %s with %v", again.OrganizationID(), again.MemberAccountIDs())
	}
	if s2, _ := again.Seed(serial); s2 != seed {
		t.Fatal("member root seed changed")
	}
	if c2 := mustCreds(again.AccountCredentials(members[1], BobUser)); c2 != creds {
		t.Fatal("member key changed")
	}
	if a := again.Accounts(); a[4].Status != AccountSuspended || !a[0].Management {
		t.Fatalf("accounts = %+v", a)
	}
	if err := again.Reset(PresetDefault); err != nil {
		t.Fatal(err)
	}
	if c2 := mustCreds(again.AccountCredentials(members[1], BobUser)); c2 != creds || again.OrganizationID() != orgID {
		t.Fatal("reset changed a member's preset key or the organization id")
	}
	again.Close()

	if _, err := New(Options{StatePath: path, MemberAccounts: 7}); err == nil || !strings.Contains(err.Error(), "holds 4 member accounts") {
		t.Fatalf("mismatched member count: %v", err)
	}
	if _, err := New(Options{MemberAccounts: -1}); err == nil {
		t.Fatal("negative member count accepted")
	}
	_, err = srv.AccountCredentials("999999999999", AdminUser)
	if !errors.Is(err, ErrNoSuchAccount) {
		t.Fatalf("unknown account: %v", err)
	}
	single, _ := New(Options{})
	if err := single.SuspendAccount("200000000001"); !errors.Is(err, ErrNoOrganization) {
		t.Fatalf("suspend without organization: %v", err)
	}
}

// TestLatency checks that injected latency delays calls (a lower bound
// only: the machine may be slower, never faster) and that concurrent calls
// all get through.
func TestLatency(t *testing.T) {
	t.Parallel()
	f := newOrgFixture(t, 1, func(o *Options) { o.Latency = 300 * time.Millisecond })
	admin := f.srv.AdminCredentials()
	done := make(chan error, 8)
	start := time.Now()
	for i := 0; i < 8; i++ {
		go func() {
			_, err := f.sts(admin).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("8 calls with 300 ms latency took %v", d)
	}
	f.srv.SetLatency(0)
}

func TestOrganizationAdminEndpoint(t *testing.T) {
	t.Parallel()
	srv, err := New(Options{MemberAccounts: 2})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	admin := &AdminClient{Endpoint: endpoint, Token: srv.AdminToken()}
	members := srv.MemberAccountIDs()

	info, err := admin.Info(ctx)
	if err != nil || info.Organization == nil || info.Organization.ID != srv.OrganizationID() || len(info.Organization.Members) != 2 {
		t.Fatalf("info = %+v, %v", info.Organization, err)
	}
	mi, err := admin.MemberInfo(ctx, members[1])
	if want := mustCreds(srv.AccountCredentials(members[1], AdminUser)); err != nil || mi.AccountID != members[1] || mi.Users[AdminUser] != want || mi.Organization != nil {
		t.Fatalf("member info = %+v, %v", mi, err)
	}
	if _, err := admin.MemberInfo(ctx, "999999999999"); err == nil {
		t.Fatal("info of an unknown account")
	}
	serial, err := admin.EnableRootDeviceIn(ctx, members[1], "root-phone")
	if err != nil || serial != srv.DeviceSerialIn(members[1], "root-phone") {
		t.Fatalf("root device = %q, %v", serial, err)
	}
	if seed, err := admin.Seed(ctx, serial); err != nil || seed == "" {
		t.Fatalf("member seed: %v", err)
	}
	if err := admin.SuspendAccount(ctx, members[0]); err != nil {
		t.Fatal(err)
	}
	if err := admin.SuspendAccount(ctx, "999999999999"); err == nil || !strings.Contains(err.Error(), "no such practice account") {
		t.Fatalf("suspend unknown: %v", err)
	}
	if err := admin.SetLatency(ctx, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := admin.InjectFault(ctx, "AssumeRoot", FaultAccessDenied, 1); err != nil {
		t.Fatal(err)
	}
	if err := admin.InjectFault(ctx, "ListAccounts", FaultThrottle, 1); err != nil {
		t.Fatal(err)
	}
	if a := srv.Accounts(); a[1].Status != AccountSuspended {
		t.Fatalf("accounts = %+v", a)
	}
}

func TestDelegatedAdministrator(t *testing.T) {
	t.Parallel()
	f := newOrgFixture(t, 3)
	members := f.srv.MemberAccountIDs()
	delegate := mustCreds(f.srv.AccountCredentials(members[0], AdminUser))
	if err := f.srv.SetRootAccessFeatures(FeatureRootCredentialsManagement); err != nil {
		t.Fatal(err)
	}
	if status, out := f.orgCall(delegate, "ListAccounts", nil); status != 400 || out["__type"] != "AccessDeniedException" {
		t.Fatalf("before delegation: %d %v", status, out)
	}
	if err := f.srv.SetDelegatedAdministrator(members[0]); err != nil {
		t.Fatal(err)
	}
	if status, out := f.orgCall(delegate, "ListAccounts", nil); status != 200 || len(out["Accounts"].([]any)) != 4 {
		t.Fatalf("delegate ListAccounts: %d %v", status, out)
	}
	if _, err := f.iam(delegate).ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{}); err != nil {
		t.Fatal(err)
	}
	_, err := f.iam(delegate).EnableOrganizationsRootSessions(ctx, &iam.EnableOrganizationsRootSessionsInput{})
	wantAPIError(t, err, "CallerIsNotManagementAccountException", "")
	if _, err := f.assumeRoot(delegate, members[1], TaskAuditRootUserCredentials); err != nil {
		t.Fatal(err)
	}
	_, err = f.assumeRoot(delegate, members[0], TaskAuditRootUserCredentials)
	wantAPIError(t, err, "AccessDenied", "")
	other := mustCreds(f.srv.AccountCredentials(members[2], AdminUser))
	_, err = f.assumeRoot(other, members[1], TaskAuditRootUserCredentials)
	wantAPIError(t, err, "AccessDenied", "")
	if err := f.srv.SetDelegatedAdministrator("999999999999"); !errors.Is(err, ErrNoSuchAccount) {
		t.Fatalf("unknown delegate: %v", err)
	}
}
