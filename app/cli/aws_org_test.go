package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/practice"
)

// startMotoOrg runs moto_server with an organization of the default
// account and the named members, and points the AWS environment at it.
func startMotoOrg(t *testing.T, members ...string) string {
	t.Helper()
	endpoint := testenv.StartMoto(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAADMINEXAMPLE0001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "moto-admin-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIAADMINEXAMPLE0001", "moto-admin-secret", "")))
	if err != nil {
		t.Fatal(err)
	}
	orgs := organizations.NewFromConfig(cfg, func(o *organizations.Options) { o.BaseEndpoint = aws.String(endpoint) })
	if _, err := orgs.CreateOrganization(context.Background(), &organizations.CreateOrganizationInput{FeatureSet: "ALL"}); err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if _, err := orgs.CreateAccount(context.Background(), &organizations.CreateAccountInput{AccountName: aws.String(m), Email: aws.String(m + "@example.test")}); err != nil {
			t.Fatal(err)
		}
	}
	return endpoint
}

func TestAWSOrgAuditCLIMoto(t *testing.T) {
	te := newAWSCLIEnv(t)
	endpoint := startMotoOrg(t, "alpha", "beta")

	out, errOut, code := te.run("aws", "audit", "--organization", "--no-vault", "--endpoint-url", endpoint, "--format", "csv", "--concurrency", "2")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][0] != "account_id" {
		t.Fatalf("csv: %v\n%s", err, out)
	}
	for _, r := range rows[1:] {
		if r[4] != string(awsmfa.AccountAudited) {
			t.Errorf("row %v", r)
		}
	}
	if !strings.Contains(errOut, "Auditing accounts: 3/3") {
		t.Errorf("no progress on stderr: %q", errOut)
	}

	out = te.ok("aws", "audit", "--organization", "--no-vault", "--endpoint-url", endpoint, "--json")
	var rep awsmfa.OrgReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Accounts) != 3 || rep.Role != awsmfa.DefaultOrgRole {
		t.Fatalf("json: %v\n%s", err, out)
	}

	out = te.ok("aws", "audit", "--organization", "--no-vault", "--endpoint-url", endpoint, "--role", "AuditRole")
	if !strings.Contains(out, "# MFA readiness of organization o-") || !strings.Contains(out, "role:AuditRole") {
		t.Errorf("markdown:\n%s", out)
	}
}

func TestAWSOrgCLIUsage(t *testing.T) {
	te := newAWSCLIEnv(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"aws", "audit", "--role", "X"}, "go with --organization"},
		{[]string{"aws", "audit", "--organization", "--concurrency", "0"}, "--concurrency must be"},
		{[]string{"aws", "audit", "--organization", "--role", "arn:aws:iam::1:role/x"}, "not an ARN"},
		{[]string{"aws", "audit", "--organization", "--account-profile", "12=x"}, "twelve digits"},
		{[]string{"aws", "audit", "--organization", "--account-profile", "111122223333"}, "ACCOUNT=PROFILE"},
		{[]string{"aws", "root-mfa"}, "--account is required"},
		{[]string{"aws", "root-mfa", "--account", "12345"}, "twelve digits"},
		{[]string{"aws", "root-mfa", "--account", "111122223333", "--allow-password-recovery"}, "goes with --deactivate"},
	} {
		out, errOut, code := te.run(tc.args...)
		if code == 0 || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%v: exit %d, want %q in\n%s%s", tc.args, code, tc.want, out, errOut)
		}
	}
}

// TestAWSRootMFACLIMoto: moto has no centralized root access, so the
// command must stop before any root session, saying what is missing.
func TestAWSRootMFACLIMoto(t *testing.T) {
	te := newAWSCLIEnv(t)
	endpoint := startMotoOrg(t, "alpha")
	out, errOut, code := te.run("aws", "root-mfa", "--account", "1111-2222-3333", "--endpoint-url", endpoint)
	if code == 0 || !strings.Contains(errOut, "ListOrganizationsFeatures") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

// startPracticeOrg runs a practice Organization in the test and points the
// AWS environment at its management account's administrator.
func startPracticeOrg(t *testing.T, members int) (*practice.Server, string) {
	t.Helper()
	srv, err := practice.New(practice.Options{MemberAccounts: members})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c := srv.AdminCredentials()
	t.Setenv("AWS_ACCESS_KEY_ID", c.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", c.SecretAccessKey)
	t.Setenv("AWS_REGION", "us-east-1")
	return srv, endpoint
}

// TestAWSOrgAuditCLIPractice: an account that denies the role is one
// failed row with its reason; the audit carries on and exits 0.
func TestAWSOrgAuditCLIPractice(t *testing.T) {
	te := newAWSCLIEnv(t)
	srv, endpoint := startPracticeOrg(t, 3)
	denied := srv.MemberAccountIDs()[1]
	if err := srv.DeleteRole(denied, awsmfa.DefaultOrgRole); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := te.run("aws", "audit", "--organization", "--no-vault", "--endpoint-url", endpoint, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 5 {
		t.Fatalf("csv: %v\n%s", err, out)
	}
	for _, r := range rows[1:] {
		want := string(awsmfa.AccountAudited)
		if r[0] == denied {
			want = string(awsmfa.AccountFailed)
			if r[13] != string(awsmfa.ReasonRoleDenied) || r[14] != "AssumeRole" {
				t.Errorf("denied row = %v", r)
			}
		}
		if r[4] != want {
			t.Errorf("row %v: status %s, want %s", r, r[4], want)
		}
	}
	if !strings.Contains(errOut, "Audited 3 of 4 accounts; 1 failed") {
		t.Errorf("stderr: %q", errOut)
	}
}

// TestAWSRootMFACLIPractice: preview, then --deactivate --yes removes the
// previewed device and checks; --json gives both plan and result.
func TestAWSRootMFACLIPractice(t *testing.T) {
	te := newAWSCLIEnv(t)
	srv, endpoint := startPracticeOrg(t, 1)
	acct := srv.MemberAccountIDs()[0]
	if err := srv.SetRootAccessFeatures(practice.FeatureRootCredentialsManagement); err != nil {
		t.Fatal(err)
	}
	serial, err := srv.EnableRootDeviceIn(acct, practice.RootDeviceName)
	if err != nil {
		t.Fatal(err)
	}
	out := te.ok("aws", "root-mfa", "--account", acct, "--endpoint-url", endpoint)
	if !strings.Contains(out, serial) || !strings.Contains(out, "Nothing was changed") {
		t.Fatalf("preview:\n%s", out)
	}
	// Without a terminal and without --yes, nothing is removed.
	out, errOut, code := te.run("aws", "root-mfa", "--account", acct, "--endpoint-url", endpoint, "--deactivate")
	if code == 0 || !strings.Contains(errOut, "--yes") {
		t.Fatalf("unconfirmed deactivation: exit %d\n%s%s", code, out, errOut)
	}
	out = te.ok("aws", "root-mfa", "--account", acct, "--endpoint-url", endpoint, "--deactivate", "--yes", "--allow-password-recovery", "--json")
	var got struct {
		Plan   awsmfa.RootMFAPlan   `json:"plan"`
		Result awsmfa.RootMFAResult `json:"result"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got.Plan.Devices) != 1 || len(got.Result.Deactivated) != 1 || !got.Result.Verified || got.Result.Password == awsmfa.PasswordNotRequested {
		t.Fatalf("json = %+v", got)
	}
	out = te.ok("aws", "root-mfa", "--account", acct, "--endpoint-url", endpoint)
	if !strings.Contains(out, "MFA devices: none") {
		t.Fatalf("after:\n%s", out)
	}
	// Outside the organization: refused with the reason.
	out, errOut, code = te.run("aws", "root-mfa", "--account", "999999999999", "--endpoint-url", endpoint)
	if code == 0 || !strings.Contains(errOut, "not a member of this organization") {
		t.Fatalf("outside: exit %d\n%s%s", code, out, errOut)
	}
}
