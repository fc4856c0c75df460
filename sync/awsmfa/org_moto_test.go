package awsmfa

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// motoOrg is an organization built in moto_server: the management account
// (moto's default 123456789012) and members created through Organizations.
type motoOrg struct {
	endpoint string
	admin    Credentials
	members  []string // account IDs, in creation order
}

func newMotoOrg(t *testing.T, names ...string) *motoOrg {
	t.Helper()
	m := &motoOrg{endpoint: startMoto(t), admin: Credentials{AccessKeyID: "AKIAADMINEXAMPLE0001", SecretAccessKey: "moto-admin-secret"}}
	ctx := context.Background()
	orgs := organizations.NewFromConfig(m.cfg(t, m.admin), func(o *organizations.Options) { o.BaseEndpoint = aws.String(m.endpoint) })
	if _, err := orgs.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: "ALL"}); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		out, err := orgs.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(n), Email: aws.String(n + "@example.test")})
		if err != nil {
			t.Fatal(err)
		}
		m.members = append(m.members, aws.ToString(out.CreateAccountStatus.AccountId))
	}
	return m
}

func (m *motoOrg) cfg(t testing.TB, c Credentials) aws.Config {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// memberIAM is a plain IAM client inside a member account, for setup.
func (m *motoOrg) memberIAM(t *testing.T, account string) *iam.Client {
	t.Helper()
	stsc := sts.NewFromConfig(m.cfg(t, m.admin), func(o *sts.Options) { o.BaseEndpoint = aws.String(m.endpoint) })
	out, err := stsc.AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + account + ":role/" + DefaultOrgRole), RoleSessionName: aws.String("setup")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	return iam.NewFromConfig(m.cfg(t, Credentials{AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken}),
		func(o *iam.Options) { o.BaseEndpoint = aws.String(m.endpoint) })
}

// TestMotoOrgAudit runs the organization audit against moto_server, an
// independent implementation of Organizations ListAccounts, STS AssumeRole
// and IAM in several accounts. moto has no ListOrganizationsFeatures and
// no AssumeRoot, so root users come from credential reports here.
func TestMotoOrgAudit(t *testing.T) {
	m := newMotoOrg(t, "alpha", "beta", "gamma")
	ctx := context.Background()
	alpha := m.memberIAM(t, m.members[0])
	for _, u := range []string{"ann", "arno"} {
		if _, err := alpha.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}
	dev, err := alpha.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("ann-phone")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alpha.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("ann"), SerialNumber: dev.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("234567")}); err != nil {
		t.Fatal(err)
	}

	caller := connect(t, fastOptions(m.endpoint, m.admin, "moto-org"))
	org, err := caller.Organization()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []OrgProgress
	rep, err := org.Audit(ctx, OrgAuditOptions{Concurrency: 2, Audit: AuditOptions{PollInterval: 10 * time.Millisecond},
		Progress: func(p OrgProgress) { mu.Lock(); seen = append(seen, p); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Accounts) != 4 || rep.CallerAccount != "123456789012" || rep.ManagementAccount != "123456789012" || !strings.HasPrefix(rep.OrganizationID, "o-") {
		t.Fatalf("report = %+v", rep)
	}
	if rep.CentralizedRoot || !strings.Contains(rep.FeaturesNote, "could not be checked") {
		t.Errorf("features: central %v, note %q", rep.CentralizedRoot, rep.FeaturesNote)
	}
	if len(seen) != 4 || seen[3].Done != 4 || seen[3].Total != 4 {
		t.Errorf("progress = %+v", seen)
	}
	byID := map[string]*AccountResult{}
	for i := range rep.Accounts {
		a := &rep.Accounts[i]
		byID[a.ID] = a
		if a.Status != AccountAudited || a.Report == nil || a.Report.Account != a.ID {
			t.Errorf("account %s: status %s, failure %+v", a.ID, a.Status, a.Failure)
		}
		if a.Root == nil || a.Root.Source != RootFromReport {
			t.Errorf("account %s: root %+v", a.ID, a.Root)
		}
	}
	if a := byID["123456789012"]; a == nil || a.Access != "caller" {
		t.Errorf("management account reached as %+v", a)
	}
	a := byID[m.members[0]]
	if a.Access != "role:"+DefaultOrgRole || a.Name != "alpha" || len(a.Report.Users) != 2 || len(a.Report.WithoutMFA) != 1 || a.Report.WithoutMFA[0] != "arno" {
		t.Errorf("alpha = %+v, report %+v", a, a.Report)
	}

	var md, cs bytes.Buffer
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteCSV(&cs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| "+m.members[0]+" | alpha | audited |") {
		t.Errorf("markdown lacks alpha's row:\n%s", md.String())
	}
	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil || len(rows) != 5 || strings.Join(rows[0], ",") != strings.Join(OrgCSVHeader, ",") {
		t.Fatalf("csv = %v, %v", rows, err)
	}
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back OrgReport
	if err := json.Unmarshal(raw, &back); err != nil || len(back.Accounts) != 4 || back.Accounts[1].Report == nil {
		t.Fatalf("json round trip: %v", err)
	}
	for _, out := range []string{md.String(), cs.String(), string(raw)} {
		if strings.Contains(out, "moto-admin-secret") || strings.Contains(out, "SessionToken") {
			t.Fatal("a credential reached the report")
		}
	}
}

// TestMotoOrgProfiles reaches one member through a profile of its own
// instead of the role, and reports a profile that does not work as that
// account's failure while the others are audited.
func TestMotoOrgProfiles(t *testing.T) {
	m := newMotoOrg(t, "alpha", "beta", "gamma")
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "config")
	// The profile holds a session of another role in alpha.
	stsc := sts.NewFromConfig(m.cfg(t, m.admin), func(o *sts.Options) { o.BaseEndpoint = aws.String(m.endpoint) })
	ar, err := stsc.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + m.members[0] + ":role/Other"), RoleSessionName: aws.String("profile")})
	if err != nil {
		t.Fatal(err)
	}
	c := ar.Credentials
	body := fmt.Sprintf("[profile alpha-admin]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\nregion = us-east-1\n\n[profile broken]\ncredential_source = Nowhere\nrole_arn = arn:aws:iam::%s:role/x\n",
		*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken, m.members[1])
	if err := os.WriteFile(cfgFile, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	caller := connect(t, fastOptions(m.endpoint, m.admin, "moto-org"))
	t.Setenv("AWS_CONFIG_FILE", cfgFile)
	org, err := caller.Organization()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := org.Audit(context.Background(), OrgAuditOptions{
		Profiles: map[string]string{m.members[0]: "alpha-admin", m.members[1]: "broken", m.members[2]: "alpha-admin"},
		Audit:    AuditOptions{PollInterval: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rep.Accounts {
		switch a.ID {
		case m.members[0]:
			if a.Status != AccountAudited || a.Access != "profile:alpha-admin" || a.Report.Account != m.members[0] {
				t.Errorf("alpha via profile = %+v (%+v)", a, a.Failure)
			}
		case m.members[1]:
			if a.Status != AccountFailed || a.Access != "profile:broken" || a.Failure == nil {
				t.Errorf("beta via a broken profile = %+v", a)
			} else if a.Failure.Err() == nil || !errors.As(a.Failure.Err(), new(*Error)) {
				t.Errorf("beta's failure is not typed: %v", a.Failure.Err())
			}
		case m.members[2]:
			// alpha's profile named for gamma: alpha's findings must not
			// be filed under gamma.
			if a.Status != AccountFailed || a.Report != nil || !errors.Is(a.Failure.Err(), ErrWrongAccount) {
				t.Errorf("gamma via alpha's profile = %+v (%+v)", a, a.Failure)
			}
		}
	}
}
