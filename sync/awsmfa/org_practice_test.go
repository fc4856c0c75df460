package awsmfa

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sparekey/sparekey/sync/practice"
)

// startPracticeOrg starts a practice Organization: the management account
// and members member accounts, each from the default preset.
func startPracticeOrg(t testing.TB, members int, latency time.Duration) *practiceEnv {
	t.Helper()
	clk := newClock()
	srv, err := practice.New(practice.Options{Now: clk.Now, TimeoutFault: 5 * time.Second, MemberAccounts: members, Latency: latency})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &practiceEnv{srv: srv, endpoint: endpoint, clock: clk}
}

func (e *practiceEnv) org(t testing.TB, creds practice.Credentials) *Org {
	t.Helper()
	o, err := e.client(t, creds).Organization()
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestPracticeOrgAudit audits a practice Organization in which every
// member is in a different state: a root with MFA, a root without any
// credentials, a member that lost its role, a suspended member; and the
// Organizations API throttles the first calls.
func TestPracticeOrgAudit(t *testing.T) {
	e := startPracticeOrg(t, 5, 0)
	m := e.srv.MemberAccountIDs()
	must(t, e.srv.SetRootAccessFeatures(practice.FeatureRootCredentialsManagement, practice.FeatureRootSessions))
	rootSerial, err := e.srv.EnableRootDeviceIn(m[0], practice.RootDeviceName)
	must(t, err)
	must(t, e.srv.RemoveRootCredentials(m[1]))
	must(t, e.srv.DeleteRole(m[2], DefaultOrgRole))
	must(t, e.srv.SuspendAccount(m[3]))
	e.srv.InjectFault("ListAccounts", practice.FaultThrottle, 2)

	var calls atomic.Int32
	rep, err := e.org(t, e.srv.AdminCredentials()).Audit(context.Background(), OrgAuditOptions{
		Concurrency: 3, Audit: AuditOptions{PollInterval: time.Millisecond},
		Progress: func(OrgProgress) { calls.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.CentralizedRoot || rep.FeaturesNote != "" || rep.OrganizationID != e.srv.OrganizationID() || rep.ManagementAccount != practice.DefaultAccountID {
		t.Fatalf("report header = %+v", rep)
	}
	if len(rep.Accounts) != 6 || calls.Load() != 6 {
		t.Fatalf("%d accounts, %d progress calls", len(rep.Accounts), calls.Load())
	}
	byID := map[string]*AccountResult{}
	for i := range rep.Accounts {
		byID[rep.Accounts[i].ID] = &rep.Accounts[i]
	}

	mgmt := byID[practice.DefaultAccountID]
	if mgmt.Status != AccountAudited || mgmt.Access != "caller" || mgmt.Root.Source != RootFromReport {
		t.Errorf("management = %+v root %+v", mgmt, mgmt.Root)
	}
	withMFA := byID[m[0]]
	if withMFA.Status != AccountAudited || withMFA.Root.Source != RootFromRootSession || !slices.Equal(withMFA.Root.MFADevices, []string{rootSerial}) || !withMFA.Report.RootMFA {
		t.Errorf("member with root MFA = %+v root %+v", withMFA, withMFA.Root)
	}
	clean := byID[m[1]]
	if !clean.Root.NoCredentials() || slices.ContainsFunc(clean.Report.Deductions, func(d ScoreItem) bool { return d.Reason == rootNoMFAReason }) {
		t.Errorf("member without root credentials: root %+v deductions %+v", clean.Root, clean.Report.Deductions)
	}
	noRole := byID[m[2]]
	if noRole.Status != AccountFailed || noRole.Failure.Reason != ReasonRoleDenied || !errors.Is(noRole.Failure.Err(), ErrRoleDenied) || noRole.Failure.Step != "AssumeRole" {
		t.Errorf("member without the role = %+v", noRole.Failure)
	}
	if !strings.Contains(noRole.Failure.Guidance, DefaultOrgRole) {
		t.Errorf("guidance does not name the role: %q", noRole.Failure.Guidance)
	}
	suspended := byID[m[3]]
	if suspended.Status != AccountSkipped || suspended.Failure.Reason != ReasonSuspended || !errors.Is(suspended.Failure.Err(), ErrAccountSuspended) {
		t.Errorf("suspended member = %+v", suspended)
	}
	if ok := byID[m[4]]; ok.Status != AccountAudited || ok.Report.Account != m[4] || ok.Access != "role:"+DefaultOrgRole {
		t.Errorf("plain member = %+v", ok)
	}
	if a, f, s := rep.Counts(); a != 4 || f != 1 || s != 1 {
		t.Errorf("counts %d/%d/%d", a, f, s)
	}
}

// TestPracticeOrgAuditWithoutCentralRoot falls back to credential reports
// and says so.
func TestPracticeOrgAuditWithoutCentralRoot(t *testing.T) {
	e := startPracticeOrg(t, 2, 0)
	rep, err := e.org(t, e.srv.AdminCredentials()).Audit(context.Background(), OrgAuditOptions{Audit: AuditOptions{PollInterval: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.CentralizedRoot || !strings.Contains(rep.FeaturesNote, "off") {
		t.Errorf("features: %v %q", rep.CentralizedRoot, rep.FeaturesNote)
	}
	for _, a := range rep.Accounts {
		if a.Status != AccountAudited || a.Root == nil || a.Root.Source != RootFromReport {
			t.Errorf("%s: %+v %+v", a.ID, a, a.Root)
		}
	}
}

// TestPracticeOrgAuditFailures: what stops the whole audit (the accounts
// cannot be listed) comes back as a typed error.
func TestPracticeOrgAuditFailures(t *testing.T) {
	e := startPracticeOrg(t, 1, 0)
	t.Run("throttled beyond retries", func(t *testing.T) {
		e.srv.InjectFault("ListAccounts", practice.FaultThrottle, 100)
		defer e.srv.InjectFault("ListAccounts", practice.FaultThrottle, 0)
		_, err := e.org(t, e.srv.AdminCredentials()).Audit(context.Background(), OrgAuditOptions{})
		if !errors.Is(err, ErrThrottled) || GuidanceOf(err) == "" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("member credentials", func(t *testing.T) {
		creds, err := e.srv.AccountCredentials(e.srv.MemberAccountIDs()[0], practice.AdminUser)
		must(t, err)
		_, err = e.org(t, creds).Audit(context.Background(), OrgAuditOptions{})
		if !errors.Is(err, ErrNotOrgAdmin) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestPracticeRootMFARecovery removes a member root's device: preview,
// deactivate exactly what was previewed, verify, allow password recovery.
func TestPracticeRootMFARecovery(t *testing.T) {
	e := startPracticeOrg(t, 2, 0)
	m := e.srv.MemberAccountIDs()
	must(t, e.srv.SetRootAccessFeatures(practice.FeatureRootCredentialsManagement, practice.FeatureRootSessions))
	serial, err := e.srv.EnableRootDeviceIn(m[0], practice.RootDeviceName)
	must(t, err)
	org := e.org(t, e.srv.AdminCredentials())
	ctx := context.Background()

	plan, err := org.PreviewRootMFA(ctx, m[0])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(plan.Devices, []string{serial}) || plan.OrganizationID != e.srv.OrganizationID() || plan.AccountName == "" {
		t.Fatalf("plan = %+v", plan)
	}
	res, err := org.DeactivateRootMFA(ctx, RootMFARequest{Account: m[0], Expect: plan.Devices, AllowPasswordRecovery: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Verified || !slices.Equal(res.Deactivated, []string{serial}) || len(res.Remaining) != 0 || res.Password == PasswordNotRequested {
		t.Fatalf("result = %+v", res)
	}
	after, err := org.PreviewRootMFA(ctx, m[0])
	if err != nil || len(after.Devices) != 0 || !after.Password {
		t.Fatalf("after: %+v, %v", after, err)
	}

	// A second run finds nothing to do and says so.
	res, err = org.DeactivateRootMFA(ctx, RootMFARequest{Account: m[0], Expect: []string{}})
	if err != nil || !res.Verified || len(res.Deactivated) != 0 {
		t.Fatalf("second run: %+v, %v", res, err)
	}
}

// TestPracticeRootMFAFaults injects a failure at each step of the
// recovery: each is reported with its step and what was done before it,
// nothing is lost, and running the recovery again finishes the job.
func TestPracticeRootMFAFaults(t *testing.T) {
	for _, tc := range []struct {
		op, step string
		password bool
		removed  bool // the device is gone despite the failure
	}{
		{op: "AssumeRoot", step: "AssumeRoot"},
		{op: "ListMFADevices", step: "ListMFADevices"},
		{op: "DeactivateMFADevice", step: "DeactivateMFADevice"},
		{op: "CreateLoginProfile", step: "CreateLoginProfile", password: true, removed: true},
	} {
		t.Run(tc.op, func(t *testing.T) {
			e := startPracticeOrg(t, 1, 0)
			acct := e.srv.MemberAccountIDs()[0]
			must(t, e.srv.SetRootAccessFeatures(practice.FeatureRootCredentialsManagement))
			if tc.password {
				must(t, e.srv.RemoveRootCredentials(acct))
			}
			serial, err := e.srv.EnableRootDeviceIn(acct, practice.RootDeviceName)
			must(t, err)
			org := e.org(t, e.srv.AdminCredentials())
			ctx := context.Background()
			e.srv.InjectFault(tc.op, practice.FaultAccessDenied, 1)
			res, err := org.DeactivateRootMFA(ctx, RootMFARequest{Account: acct, Expect: []string{serial}, AllowPasswordRecovery: tc.password})
			var step *RootStepError
			if !errors.As(err, &step) || step.Step != tc.step || res == nil {
				t.Fatalf("err = %v (result %+v)", err, res)
			}
			if !errors.As(err, new(*Error)) || GuidanceOf(err) == "" {
				t.Errorf("the failure carries no typed AWS error with guidance: %v", err)
			}
			if got := len(res.Deactivated) == 1; got != tc.removed {
				t.Errorf("deactivated = %v, want removed %v", res.Deactivated, tc.removed)
			}
			// Again, without the fault: the recovery completes.
			res, err = org.DeactivateRootMFA(ctx, RootMFARequest{Account: acct, AllowPasswordRecovery: tc.password})
			if err != nil || !res.Verified {
				t.Fatalf("rerun: %+v, %v", res, err)
			}
			if tc.password && res.Password != PasswordAllowed {
				t.Errorf("password recovery = %s", res.Password)
			}
		})
	}
}

// TestPracticeRootMFARefusals: each case AWS would refuse (or that must
// not be done) is refused before any change, with its own error.
func TestPracticeRootMFARefusals(t *testing.T) {
	e := startPracticeOrg(t, 2, 0)
	m := e.srv.MemberAccountIDs()
	ctx := context.Background()
	admin := e.org(t, e.srv.AdminCredentials())

	if _, err := admin.PreviewRootMFA(ctx, m[0]); !errors.Is(err, ErrCentralRootDisabled) || GuidanceOf(err) == "" {
		t.Fatalf("feature off: %v", err)
	}
	must(t, e.srv.SetRootAccessFeatures(practice.FeatureRootCredentialsManagement))
	memberAdmin, err := e.srv.AccountCredentials(m[0], practice.AdminUser)
	must(t, err)
	must(t, e.srv.SuspendAccount(m[1]))
	serial, err := e.srv.EnableRootDeviceIn(m[0], practice.RootDeviceName)
	must(t, err)

	for _, tc := range []struct {
		name    string
		org     *Org
		account string
		want    error
	}{
		{"root caller", e.org(t, e.srv.RootCredentials()), m[0], ErrRootCaller},
		{"member caller", e.org(t, memberAdmin), m[0], ErrNotOrgAdmin},
		{"outside the organization", admin, "999999999999", ErrNotInOrganization},
		{"the management account", admin, practice.DefaultAccountID, ErrManagementRoot},
		{"suspended", admin, m[1], ErrAccountSuspended},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.org.PreviewRootMFA(ctx, tc.account)
			if !errors.Is(err, tc.want) || GuidanceOf(err) == "" {
				t.Fatalf("preview: %v", err)
			}
			_, err = tc.org.DeactivateRootMFA(ctx, RootMFARequest{Account: tc.account})
			if !errors.Is(err, tc.want) {
				t.Fatalf("deactivate: %v", err)
			}
		})
	}

	t.Run("AssumeRoot itself, outside the organization", func(t *testing.T) {
		_, err := admin.rootSession(ctx, "999999999999", TaskAuditRoot)
		var ae *Error
		if !errors.As(err, &ae) || ae.Op != "AssumeRoot" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("devices changed since the preview", func(t *testing.T) {
		_, err := admin.DeactivateRootMFA(ctx, RootMFARequest{Account: m[0], Expect: []string{}})
		if !errors.Is(err, ErrRootMFAChanged) {
			t.Fatalf("err = %v", err)
		}
		plan, err := admin.PreviewRootMFA(ctx, m[0])
		if err != nil || !slices.Equal(plan.Devices, []string{serial}) {
			t.Fatalf("the device was touched: %+v %v", plan, err)
		}
	})
}

// countingTransport counts HTTP requests (retries included).
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

// BenchmarkOrgAudit200 audits 200 member accounts with 50 ms of latency
// on every call, at several concurrencies (target: under 30 s).
func BenchmarkOrgAudit200(b *testing.B) {
	e := startPracticeOrg(b, 200, 50*time.Millisecond)
	must(b, e.srv.SetRootAccessFeatures(practice.FeatureRootCredentialsManagement, practice.FeatureRootSessions))
	for _, conc := range []int{8, 16, 32} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.MaxIdleConnsPerHost = 256
			counter := &countingTransport{base: tr}
			opts := fastOptions(e.endpoint, fromPractice(e.srv.AdminCredentials()), "bench")
			opts.Now, opts.Sleep = e.clock.Now, e.clock.Sleep
			opts.HTTPClient = &http.Client{Transport: counter, Timeout: 30 * time.Second}
			// A plain *http.Client cannot take a CA bundle; the practice
			// endpoint is plain HTTP on loopback anyway.
			b.Setenv("AWS_CA_BUNDLE", "")
			org, err := connect(b, opts).Organization()
			must(b, err)
			b.ResetTimer()
			for b.Loop() {
				rep, err := org.Audit(context.Background(), OrgAuditOptions{Concurrency: conc, Audit: AuditOptions{PollInterval: time.Millisecond}})
				if err != nil {
					b.Fatal(err)
				}
				if a, f, s := rep.Counts(); a != 201 || f+s != 0 {
					b.Fatalf("audited %d, failed %d, skipped %d", a, f, s)
				}
			}
			b.ReportMetric(float64(counter.n.Load())/float64(b.N), "requests/op")
		})
	}
}

// TestPracticeOrgAuditAccessDenied: a role that may not read MFA devices
// fails its account's audit as access-denied; the other account is audited.
func TestPracticeOrgAuditAccessDenied(t *testing.T) {
	e := startPracticeOrg(t, 2, 0)
	m := e.srv.MemberAccountIDs()
	if _, err := e.srv.PutRole(m[0], practice.RoleSpec{Name: DefaultOrgRole, Actions: []string{"iam:ListUsers"}}); err != nil {
		t.Fatal(err)
	}
	rep, err := e.org(t, e.srv.AdminCredentials()).Audit(context.Background(), OrgAuditOptions{Audit: AuditOptions{PollInterval: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rep.Accounts {
		switch a.ID {
		case m[0]:
			if a.Status != AccountFailed || a.Failure.Reason != ReasonAccessDenied || a.Failure.Step != "audit" {
				t.Errorf("limited role: %+v %+v", a, a.Failure)
			}
		default:
			if a.Status != AccountAudited {
				t.Errorf("%s: %+v", a.ID, a.Failure)
			}
		}
	}
}
