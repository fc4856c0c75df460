package awsmfa

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestParseAccountID(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"111122223333", "111122223333", true},
		{" 1111-2222-3333 ", "111122223333", true},
		{"11112222333", "", false},
		{"1111222233334", "", false},
		{"11112222333x", "", false},
		{"", "", false},
		{"arn:aws:iam::111122223333:root", "", false},
	} {
		got, err := ParseAccountID(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseAccountID(%q) = %q, %v", tc.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrBadAccountID) {
			t.Errorf("ParseAccountID(%q): error %v is not ErrBadAccountID", tc.in, err)
		}
	}
}

func TestCheckRoleName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{DefaultOrgRole, true},
		{"Audit.Role+x=y,z@w-v_u", true},
		{strings.Repeat("r", 64), true},
		{strings.Repeat("r", 65), false},
		{"", false},
		{"arn:aws:iam::111122223333:role/x", false},
		{"team/role", false},
		{"two words", false},
	} {
		err := CheckRoleName(tc.name)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrBadRoleName)) {
			t.Errorf("CheckRoleName(%q) = %v", tc.name, err)
		}
	}
}

func TestParseAccountProfiles(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want map[string]string
		err  string
	}{
		{nil, map[string]string{}, ""},
		{[]string{"111122223333=dev", "4444-5555-6666= prod "}, map[string]string{"111122223333": "dev", "444455556666": "prod"}, ""},
		{[]string{"111122223333=dev", "111122223333=dev"}, map[string]string{"111122223333": "dev"}, ""},
		{[]string{"111122223333=dev", "111122223333=prod"}, nil, "two profiles"},
		{[]string{"111122223333"}, nil, "ACCOUNT=PROFILE"},
		{[]string{"111122223333="}, nil, "ACCOUNT=PROFILE"},
		{[]string{"12=dev"}, nil, "twelve digits"},
	} {
		got, err := ParseAccountProfiles(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v: err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("%v = %v, %v", tc.in, got, err)
			continue
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%v: %s → %q, want %q", tc.in, k, got[k], v)
			}
		}
	}
}

func TestRootFinding(t *testing.T) {
	for _, tc := range []struct {
		name  string
		r     *RootFinding
		none  bool
		words string
	}{
		{"unknown", nil, false, "unknown"},
		{"report with MFA", &RootFinding{Source: RootFromReport, MFA: true}, false, "MFA"},
		{"report without MFA", &RootFinding{Source: RootFromReport}, false, "no MFA"},
		{"goal state", &RootFinding{Source: RootFromRootSession}, true, "no root credentials"},
		{"password only", &RootFinding{Source: RootFromRootSession, Password: true}, false, "password, no MFA"},
		{"everything", &RootFinding{Source: RootFromRootSession, Password: true, AccessKeys: 2, SigningCertificates: 1, MFADevices: []string{"a"}, MFA: true}, false, "password, 2 access keys, 1 certificates, 1 MFA devices"},
	} {
		if got := tc.r.NoCredentials(); got != tc.none {
			t.Errorf("%s: NoCredentials = %v", tc.name, got)
		}
		if got := tc.r.Summary(); got != tc.words {
			t.Errorf("%s: Summary = %q, want %q", tc.name, got, tc.words)
		}
	}
}

// TestApplyRootFinding: a root session's view replaces the credential
// report's, and a root with no credentials owes nothing for lacking MFA.
func TestApplyRootFinding(t *testing.T) {
	base := func() *AuditReport {
		r := &AuditReport{Users: []UserFinding{{UserName: "a", Devices: 2}}}
		r.Score, r.Deductions = Score(r)
		return r
	}
	for _, tc := range []struct {
		name  string
		root  *RootFinding
		score int
	}{
		{"from the report", &RootFinding{Source: RootFromReport}, 70},
		{"root with MFA", &RootFinding{Source: RootFromRootSession, Password: true, MFADevices: []string{"x"}, MFA: true}, 100},
		{"root with a password and no MFA", &RootFinding{Source: RootFromRootSession, Password: true}, 70},
		{"root without credentials", &RootFinding{Source: RootFromRootSession}, 100},
	} {
		r := base()
		applyRootFinding(r, tc.root)
		if r.Score != tc.score {
			t.Errorf("%s: score %d, want %d (%+v)", tc.name, r.Score, tc.score, r.Deductions)
		}
	}
	// Score's wording is what applyRootFinding looks for.
	r := &AuditReport{}
	if _, items := Score(r); len(items) == 0 || items[0].Reason != rootNoMFAReason {
		t.Fatalf("Score's root deduction reads %+v", items)
	}
}

func TestReasonOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want FailureReason
	}{
		{&Error{Kind: ErrAccountSuspended}, ReasonSuspended},
		{&Error{Kind: ErrRoleDenied}, ReasonRoleDenied},
		{&Error{Kind: ErrWrongAccount}, ReasonWrongAccount},
		{&Error{Kind: ErrMFARequired}, ReasonAccessDenied},
		{&Error{Kind: ErrThrottled}, ReasonThrottled},
		{&Error{Kind: ErrNetwork}, ReasonNetwork},
		{&Error{Kind: ErrCredentials}, ReasonCredentials},
		{&Error{Kind: ErrServiceFailure}, ReasonOther},
		{errors.New("x"), ReasonOther},
	} {
		if got := reasonOf(tc.err); got != tc.want {
			t.Errorf("reasonOf(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}

// hostRecorder answers nothing: it notes where each request would go.
type hostRecorder struct{ hosts []string }

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.hosts = append(h.hosts, r.URL.Host)
	return nil, errors.New("recorded, not sent")
}

// TestAssumeRootIsRegional: AWS serves AssumeRoot on regional STS
// endpoints only, so even a client configured for the global partition
// endpoint must send it to a region.
func TestAssumeRootIsRegional(t *testing.T) {
	t.Setenv("AWS_CA_BUNDLE", "")
	for _, tc := range []struct{ region, host string }{
		{"us-east-1", "sts.us-east-1.amazonaws.com"},
		{"aws-global", "sts.us-east-1.amazonaws.com"},
		{"eu-west-1", "sts.eu-west-1.amazonaws.com"},
	} {
		rec := &hostRecorder{}
		opts := Options{Region: tc.region, Credentials: &Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "x"}, HTTPClient: &http.Client{Transport: rec}, MaxAttempts: 1}
		org, err := connect(t, opts).Organization()
		if err != nil {
			t.Fatal(err)
		}
		_, _ = org.rootSession(context.Background(), "111122223333", TaskAuditRoot)
		if len(rec.hosts) == 0 || rec.hosts[0] != tc.host {
			t.Errorf("region %s: AssumeRoot went to %v, want %s", tc.region, rec.hosts, tc.host)
		}
	}
}
