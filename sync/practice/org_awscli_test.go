package practice

import (
	"fmt"
	"strings"
	"testing"
)

// Wire compatibility of the practice Organization with the real aws CLI:
// Organizations (JSON 1.1), STS AssumeRole with MFA and AssumeRoot, the IAM
// root access calls, and IAM under a root session.

func sessionOf(out struct {
	Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
}) Credentials {
	c := out.Credentials
	return Credentials{c.AccessKeyId, c.SecretAccessKey, c.SessionToken}
}

// on is a copy of a reporting to subtest t.
func (a *awsCLI) on(t *testing.T) *awsCLI {
	c := *a
	c.t = t
	return &c
}

type credsOut = struct {
	Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
}

func TestAWSCLIOrganization(t *testing.T) {
	t.Parallel()
	a := newAWSCLI(t, func(o *Options) { o.MemberAccounts = 25 })
	admin := a.srv.AdminCredentials()
	members := a.srv.MemberAccountIDs()
	if len(members) != 25 {
		t.Fatalf("members = %v", members)
	}
	member := members[0]
	orgID := a.srv.OrganizationID()

	t.Run("organizations", func(t *testing.T) {
		a := a.on(t)
		var org struct {
			Organization struct{ Id, Arn, FeatureSet, MasterAccountId, MasterAccountArn string }
		}
		a.ok(admin, &org, "organizations", "describe-organization")
		if org.Organization.Id != orgID || org.Organization.MasterAccountId != DefaultAccountID || org.Organization.FeatureSet != "ALL" ||
			org.Organization.Arn != "arn:aws:organizations::123456789012:organization/"+orgID {
			t.Fatalf("describe-organization = %+v", org)
		}
		// The CLI follows NextToken through two pages of 20.
		var list struct {
			Accounts []struct {
				Id, Arn, Email, Name, Status, JoinedMethod string
				JoinedTimestamp                            float64
			}
		}
		a.ok(admin, &list, "organizations", "list-accounts")
		if len(list.Accounts) != 26 || list.Accounts[0].Id != DefaultAccountID || list.Accounts[1].Id != member ||
			list.Accounts[1].Status != "ACTIVE" || list.Accounts[1].Arn != "arn:aws:organizations::123456789012:account/"+orgID+"/"+member ||
			int64(list.Accounts[1].JoinedTimestamp) != t0.Unix() {
			t.Fatalf("list-accounts = %d accounts, first %+v", len(list.Accounts), list.Accounts[:2])
		}
		var page struct {
			Accounts  []map[string]any
			NextToken string
		}
		a.ok(admin, &page, "organizations", "list-accounts", "--no-paginate", "--max-results", "5")
		if len(page.Accounts) != 5 || page.NextToken == "" {
			t.Fatalf("one page = %+v", page)
		}
		var acct struct{ Account struct{ Id, Name string } }
		a.ok(admin, &acct, "organizations", "describe-account", "--account-id", member)
		if acct.Account.Id != member || acct.Account.Name != "member-001" {
			t.Fatalf("describe-account = %+v", acct)
		}
		a.fail(admin, "AccountNotFoundException", "DescribeAccount", "", "organizations", "describe-account", "--account-id", "999999999999")
		a.fail(admin, "InvalidInputException", "ListAccounts", "", "organizations", "list-accounts", "--no-paginate", "--max-results", "21")
		memberAdmin := mustCreds(a.srv.AccountCredentials(member, AdminUser))
		a.fail(memberAdmin, "AccessDeniedException", "ListAccounts", "You don't have permissions to access this resource.", "organizations", "list-accounts")
		a.ok(memberAdmin, &org, "organizations", "describe-organization")
		a.fail(Credentials{"AKIAUNKNOWNUNKNOWN00", "secret", ""}, "UnrecognizedClientException", "ListAccounts",
			"The security token included in the request is invalid.", "organizations", "list-accounts")
		a.srv.InjectFault("ListAccounts", FaultThrottle, 1)
		a.fail(admin, "TooManyRequestsException", "ListAccounts", "Rate exceeded", "organizations", "list-accounts")
	})

	t.Run("assume-role with MFA", func(t *testing.T) {
		a := a.on(t)
		roleArn := "arn:aws:iam::" + member + ":role/" + OrganizationAccountAccessRole
		var out struct {
			Credentials     struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
			AssumedRoleUser struct{ AssumedRoleId, Arn string }
		}
		a.ok(admin, &out, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "audit")
		if out.AssumedRoleUser.Arn != "arn:aws:sts::"+member+":assumed-role/OrganizationAccountAccessRole/audit" ||
			!strings.HasSuffix(out.AssumedRoleUser.AssumedRoleId, ":audit") || out.Credentials.Expiration != "2026-03-14T16:09:10Z" {
			t.Fatalf("assume-role = %+v", out)
		}
		session := Credentials{out.Credentials.AccessKeyId, out.Credentials.SecretAccessKey, out.Credentials.SessionToken}
		var id struct{ Account, Arn string }
		a.ok(session, &id, "sts", "get-caller-identity")
		if id.Account != member || id.Arn != out.AssumedRoleUser.Arn {
			t.Fatalf("role identity = %+v", id)
		}
		var devs struct {
			MFADevices []struct{ UserName, SerialNumber string }
		}
		a.ok(session, &devs, "iam", "list-mfa-devices", "--user-name", AliceUser)
		if len(devs.MFADevices) != 1 || devs.MFADevices[0].SerialNumber != a.srv.DeviceSerialIn(member, AliceUser) {
			t.Fatalf("member's alice devices = %+v", devs)
		}
		a.fail(session, "ValidationError", "ListMFADevices", "Must specify userName when calling with non-User credentials", "iam", "list-mfa-devices")

		// A role that wants MFA, assumed by alice of the management
		// account with a code from oathtool; the same code again is a replay.
		mfaRole, err := a.srv.PutRole(member, RoleSpec{Name: "NeedsMFA", RequireMFA: true})
		if err != nil {
			t.Fatal(err)
		}
		alice := mustCreds(a.srv.UserCredentials(AliceUser))
		serial := a.srv.DeviceSerial(AliceUser)
		seed, _ := a.srv.Seed(serial)
		code := a.codes(seed, 0, 1)[0]
		a.fail(admin, "AccessDenied", "AssumeRole",
			"User: arn:aws:iam::123456789012:user/practice-admin is not authorized to perform: sts:AssumeRole on resource: "+mfaRole,
			"sts", "assume-role", "--role-arn", mfaRole, "--role-session-name", "probe")
		a.ok(alice, &out, "sts", "assume-role", "--role-arn", mfaRole, "--role-session-name", "alice", "--serial-number", serial, "--token-code", code, "--duration-seconds", "900")
		if out.Credentials.Expiration != "2026-03-14T15:24:10Z" {
			t.Fatalf("assume-role with MFA = %+v", out)
		}
		a.fail(alice, "AccessDenied", "AssumeRole", "MultiFactorAuthentication failed with invalid MFA one time pass code.",
			"sts", "assume-role", "--role-arn", mfaRole, "--role-session-name", "alice", "--serial-number", serial, "--token-code", code)
		a.fail(a.srv.RootCredentials(), "AccessDenied", "AssumeRole", "Roles may not be assumed by root accounts.",
			"sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "probe")
	})

	t.Run("centralized root access", func(t *testing.T) {
		a := a.on(t)
		a.fail(admin, "AccessDenied", "AssumeRoot", "", "sts", "assume-root", "--target-principal", member,
			"--task-policy-arn", "arn="+TaskPolicyArn(TaskDeleteRootUserCredentials))
		var feats struct {
			OrganizationId  string
			EnabledFeatures []string
		}
		a.ok(admin, &feats, "iam", "list-organizations-features")
		if feats.OrganizationId != orgID || len(feats.EnabledFeatures) != 0 {
			t.Fatalf("list-organizations-features = %+v", feats)
		}
		a.ok(admin, &feats, "iam", "enable-organizations-root-credentials-management")
		a.ok(admin, &feats, "iam", "enable-organizations-root-sessions")
		if fmt.Sprint(feats.EnabledFeatures) != "[RootCredentialsManagement RootSessions]" {
			t.Fatalf("after enabling = %+v", feats)
		}
		memberAdmin := mustCreds(a.srv.AccountCredentials(member, AdminUser))
		a.fail(memberAdmin, "AccountNotManagementOrDelegatedAdministratorException", "ListOrganizationsFeatures", "", "iam", "list-organizations-features")
		a.fail(memberAdmin, "CallerIsNotManagementAccountException", "EnableOrganizationsRootSessions", "", "iam", "enable-organizations-root-sessions")

		rootSerial, err := a.srv.EnableRootDeviceIn(member, RootDeviceName)
		if err != nil {
			t.Fatal(err)
		}
		var out credsOut
		a.ok(admin, &out, "sts", "assume-root", "--target-principal", member,
			"--task-policy-arn", "arn="+TaskPolicyArn(TaskAuditRootUserCredentials), "--duration-seconds", "900")
		audit := sessionOf(out)
		var id struct{ Account, Arn string }
		a.ok(audit, &id, "sts", "get-caller-identity")
		if id.Account != member || id.Arn != "arn:aws:iam::"+member+":root" {
			t.Fatalf("root session identity = %+v", id)
		}
		var devs struct {
			MFADevices []struct{ UserName, SerialNumber string }
		}
		a.ok(audit, &devs, "iam", "list-mfa-devices")
		if len(devs.MFADevices) != 1 || devs.MFADevices[0].SerialNumber != rootSerial {
			t.Fatalf("root devices = %+v", devs)
		}
		var lp struct{ LoginProfile struct{ UserName string } }
		a.ok(audit, &lp, "iam", "get-login-profile")
		var keys struct {
			AccessKeyMetadata []struct{ AccessKeyId string }
		}
		a.ok(audit, &keys, "iam", "list-access-keys")
		if len(keys.AccessKeyMetadata) != 1 {
			t.Fatalf("root keys = %+v", keys)
		}
		var certs struct{ Certificates []any }
		a.ok(audit, &certs, "iam", "list-signing-certificates")
		a.fail(audit, "AccessDenied", "DeactivateMFADevice", "", "iam", "deactivate-mfa-device", "--serial-number", rootSerial)
		a.fail(audit, "AccessDenied", "ListMFADevices", "", "iam", "list-mfa-devices", "--user-name", AliceUser)

		a.ok(admin, &out, "sts", "assume-root", "--target-principal", member,
			"--task-policy-arn", "arn="+TaskPolicyArn(TaskDeleteRootUserCredentials))
		del := sessionOf(out)
		a.ok(del, nil, "iam", "deactivate-mfa-device", "--serial-number", rootSerial)
		a.ok(del, nil, "iam", "delete-login-profile")
		a.ok(del, nil, "iam", "delete-access-key", "--access-key-id", keys.AccessKeyMetadata[0].AccessKeyId)
		a.ok(audit, &devs, "iam", "list-mfa-devices")
		if len(devs.MFADevices) != 0 {
			t.Fatalf("root devices after deactivation = %+v", devs)
		}
		a.fail(audit, "NoSuchEntity", "GetLoginProfile", "", "iam", "get-login-profile")
		a.fail(del, "AccessDenied", "CreateLoginProfile", "", "iam", "create-login-profile")

		a.ok(admin, &out, "sts", "assume-root", "--target-principal", member,
			"--task-policy-arn", "arn="+TaskPolicyArn(TaskCreateRootUserPassword))
		a.ok(sessionOf(out), &lp, "iam", "create-login-profile")
		a.ok(audit, &lp, "iam", "get-login-profile")

		a.fail(admin, "ValidationError", "AssumeRoot", "", "sts", "assume-root", "--target-principal", member,
			"--task-policy-arn", "arn="+TaskPolicyArn(TaskAuditRootUserCredentials), "--duration-seconds", "901")
		a.fail(a.srv.RootCredentials(), "AccessDenied", "AssumeRoot", "", "sts", "assume-root", "--target-principal", member,
			"--task-policy-arn", "arn="+TaskPolicyArn(TaskAuditRootUserCredentials))
		a.fail(admin, "AccessDenied", "AssumeRoot", "", "sts", "assume-root", "--target-principal", "999999999999",
			"--task-policy-arn", "arn="+TaskPolicyArn(TaskAuditRootUserCredentials))
	})
}
