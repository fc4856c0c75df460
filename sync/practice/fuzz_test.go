package practice

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecodeRequest feeds arbitrary form bodies to the Query parser and the
// operations' input decoders: they must never panic, must accept only
// inputs that satisfy the constraints the operations rely on, and must
// answer everything else with a 4xx error whose envelope is valid XML.
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		"Action=EnableMFADevice&Version=2010-05-08&UserName=bob&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fbob&AuthenticationCode1=123456&AuthenticationCode2=654321",
		"Action=CreateVirtualMFADevice&Version=2010-05-08&VirtualMFADeviceName=phone&Path=%2Fteam%2F&Tags.member.1.Key=k&Tags.member.1.Value=v",
		"Action=ListVirtualMFADevices&Version=2010-05-08&AssignmentStatus=Unassigned&MaxItems=2&Marker=YWJj",
		"Action=UntagMFADevice&Version=2010-05-08&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fx&TagKeys.member.1=a&TagKeys.member.2=b",
		"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900&SerialNumber=arn%3Aaws%3Aiam%3A%3A1%3Amfa%2Fa&TokenCode=000000",
		"Action=ListUsers&Version=2010-05-08&PathPrefix=%2F&MaxItems=1000",
		"Action=DeactivateMFADevice&SerialNumber=GAHT12345678",
		"Action=GetCallerIdentity&Version=2011-06-15",
		"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A200000000001%3Arole%2FOrganizationAccountAccessRole&RoleSessionName=audit&SerialNumber=arn%3Aaws%3Aiam%3A%3A1%3Amfa%2Fa&TokenCode=000000&DurationSeconds=3600&ExternalId=x-1",
		"Action=AssumeRoot&Version=2011-06-15&TargetPrincipal=200000000001&TaskPolicyArn.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Froot-task%2FIAMAuditRootUserCredentials&DurationSeconds=900",
		"Action=DeleteAccessKey&AccessKeyId=AKIA0000000000000000",
		"Action=CreateLoginProfile&PasswordResetRequired=maybe",
		"Action=Nope&Version=1",
		"Action=EnableMFADevice&AuthenticationCode1=%FF%FE&AuthenticationCode2=%00",
		"a=%zz",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		action, in, err := decodeRequest(body)
		if err != nil {
			if err.Status < 400 || err.Status >= 500 {
				t.Fatalf("decode error with status %d: %v", err.Status, err)
			}
			if !utf8.ValidString(err.Message) || strings.IndexFunc(err.Message, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
				t.Fatalf("unprintable message %q", err.Message)
			}
			rec := httptest.NewRecorder()
			writeError(rec, iamService, "req", err)
			var e xmlErrorResponse
			if xerr := xml.Unmarshal(rec.Body.Bytes(), &e); xerr != nil {
				t.Fatalf("error envelope is not XML: %v\n%s", xerr, rec.Body)
			}
			if e.Error.Code != err.Code {
				t.Fatalf("envelope code %q, want %q", e.Error.Code, err.Code)
			}
			return
		}
		if operations[action] == nil {
			t.Fatalf("accepted unknown action %q", action)
		}
		switch in := in.(type) {
		case codesInput:
			for _, c := range []string{in.Code1, in.Code2} {
				if len(c) != 6 || strings.Trim(c, "0123456789") != "" {
					t.Fatalf("accepted code %q", c)
				}
			}
			checkSerial(t, in.Serial)
		case createDeviceInput:
			if in.Name == "" || !isValidPath(in.Path) || len(in.Tags) > maxTags {
				t.Fatalf("accepted %+v", in)
			}
		case serialInput:
			checkSerial(t, in.Serial)
		case listVirtualInput:
			if in.MaxItems < 1 || in.MaxItems > 1000 || (in.Status != "Any" && in.Status != "Assigned" && in.Status != "Unassigned") {
				t.Fatalf("accepted %+v", in)
			}
		case sessionInput:
			if in.Duration != 0 && (in.Duration < 900 || in.Duration > 129600) {
				t.Fatalf("accepted duration %d", in.Duration)
			}
		case untagInput:
			if len(in.Keys) > maxTags {
				t.Fatalf("accepted %d keys", len(in.Keys))
			}
		case assumeRoleInput:
			if in.RoleArn == "" || len(in.SessionName) < 2 || in.Duration != 0 && (in.Duration < 900 || in.Duration > 43200) {
				t.Fatalf("accepted %+v", in)
			}
		case assumeRootInput:
			if len(in.Target) < 12 || in.TaskPolicyArn == "" || in.Duration < 0 || in.Duration > rootTaskSeconds {
				t.Fatalf("accepted %+v", in)
			}
		}
	})
}

func checkSerial(t *testing.T, s string) {
	t.Helper()
	if len(s) < 9 || len(s) > 256 {
		t.Fatalf("accepted serial %q", s)
	}
	for _, r := range s {
		if !isSerialRune(r) {
			t.Fatalf("accepted serial %q", s)
		}
	}
}

// FuzzCheckSignedRequest feeds arbitrary Authorization, X-Amz-Date and
// X-Amz-Content-Sha256 headers to the checks made before the key is looked
// up: they must never panic, must answer a refusal with a printable AWS
// error, and must let through only a request time inside the window whose
// day is the credential scope's, for the operation's own service.
func FuzzCheckSignedRequest(f *testing.F) {
	now := time.Date(2026, 3, 14, 15, 9, 10, 0, time.UTC)
	for _, seed := range []struct{ auth, date, hash string }{
		{"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260314/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=00", "20260314T150000Z", ""},
		{"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260314/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", "20260314T150000Z", "UNSIGNED-PAYLOAD"},
		{"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20200101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00", "20200101T000000Z", ""},
		{"AWS4-HMAC-SHA256 Credential=A/20260314/x/iam/aws4_request, SignedHeaders=x-amz-date, Signature=1", "20260314T999999Z", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"AWS4-HMAC-SHA256 Credential=A/2026/us-east-1/iam, Signature=", "Sat, 14 Mar 2026 15:09:10 GMT", ""},
		{"Bearer x", "", ""},
	} {
		f.Add(seed.auth, seed.date, seed.hash)
	}
	f.Fuzz(func(t *testing.T, auth, date, hash string) {
		a, aerr := parseAuthHeader(auth)
		if aerr != nil || a == nil {
			checkPrintable(t, aerr)
			return
		}
		req := httptest.NewRequest("POST", "http://127.0.0.1:1/", strings.NewReader(""))
		req.Header.Set("X-Amz-Date", date)
		req.Header.Set("X-Amz-Content-Sha256", hash)
		got, aerr := checkSignedRequest(req, nil, a, iamService, now)
		if aerr != nil {
			checkPrintable(t, aerr)
			return
		}
		signedAt, err := time.Parse(amzDateFormat, got)
		if err != nil || got != date || got[:8] != a.Date || a.Service != "iam" || !slices.Contains(a.SignedHeaders, "host") {
			t.Fatalf("accepted date %q for %+v", got, a)
		}
		if d := signedAt.Sub(now); d < -requestWindow || d > requestWindow {
			t.Fatalf("accepted a request time %v away", d)
		}
		if hash != "" && hash != payloadHash(nil) {
			t.Fatalf("accepted payload hash %q", hash)
		}
	})
}

func checkPrintable(t *testing.T, err *apiError) {
	t.Helper()
	if err == nil {
		return
	}
	if !utf8.ValidString(err.Message) || strings.IndexFunc(err.Message, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		t.Fatalf("unprintable message %q", err.Message)
	}
}

// FuzzParseAdminAccess feeds arbitrary files to the access file parser: it
// must never panic and must accept only a loopback endpoint and a token of
// the right size, which then survive writing and reading back.
func FuzzParseAdminAccess(f *testing.F) {
	for _, seed := range []string{
		`{"endpoint":"http://127.0.0.1:8045","token":"q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80"}`,
		`{"endpoint":"http://[::1]:8045","token":"q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80"}`,
		`{"endpoint":"http://evil.example:8045","token":"q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80"}`,
		`{"endpoint":"http://localhost","token":"short"}`,
		`{"endpoint":"http://localhost:1","token":"q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80","x":1}`,
		`[]`,
		``,
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := parseAdminAccess(b)
		if err != nil {
			if !errors.Is(err, ErrBadAdminAccess) {
				t.Fatalf("error %v is not ErrBadAdminAccess", err)
			}
			return
		}
		if _, _, err := loopbackEndpoint(a.Endpoint); err != nil {
			t.Fatalf("accepted endpoint %q", a.Endpoint)
		}
		path := filepath.Join(dir, "access.json")
		if err := WriteAdminAccess(path, a); err != nil {
			t.Fatal(err)
		}
		if back, err := ReadAdminAccess(path); err != nil || back != a {
			t.Fatalf("read back %+v, %v; wrote %+v", back, err, a)
		}
	})
}

// FuzzDecodeJSONRequest feeds arbitrary X-Amz-Target headers and bodies to
// the Organizations JSON parser and input decoders: they must never panic,
// must accept only operations of the JSON service with inputs inside their
// constraints, and must answer everything else with a 4xx error whose
// envelope is JSON with the code in __type.
func FuzzDecodeJSONRequest(f *testing.F) {
	for _, seed := range []struct{ target, body string }{
		{"AWSOrganizationsV20161128.ListAccounts", `{"MaxResults":20,"NextToken":"MjAwMDAwMDAwMDIx"}`},
		{"AWSOrganizationsV20161128.ListAccounts", `{"MaxResults":0}`},
		{"AWSOrganizationsV20161128.DescribeAccount", `{"AccountId":"200000000001"}`},
		{"AWSOrganizationsV20161128.DescribeAccount", `{"AccountId":12}`},
		{"AWSOrganizationsV20161128.DescribeOrganization", ``},
		{"AWSOrganizationsV20161128.GetSessionToken", `{}`},
		{"AWSOrganizationsV20161128.", `[]`},
		{"DynamoDB_20120810.ListTables", `{"a":`},
	} {
		f.Add(seed.target, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, target string, body []byte) {
		req, err := parseJSONRequest(target, body)
		var in any
		if err == nil {
			var op *operation
			if op, err = lookupOperation(req, organizationsService); err == nil {
				in, err = op.decode(req)
			}
		}
		if err != nil {
			if err.Status < 400 || err.Status >= 500 {
				t.Fatalf("decode error with status %d: %v", err.Status, err)
			}
			checkPrintable(t, err)
			rec := httptest.NewRecorder()
			writeError(rec, organizationsService, "req", err)
			var e struct {
				Type    string `json:"__type"`
				Message string
			}
			if jerr := json.Unmarshal(rec.Body.Bytes(), &e); jerr != nil || e.Type == "" {
				t.Fatalf("error envelope is not JSON with __type: %v\n%s", jerr, rec.Body)
			}
			return
		}
		if op := operations[req.Action]; op == nil || !op.svc.JSON {
			t.Fatalf("accepted %q, not an Organizations operation", req.Action)
		}
		switch in := in.(type) {
		case listAccountsInput:
			if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > 20) {
				t.Fatalf("accepted MaxResults %d", *in.MaxResults)
			}
		case describeAccountInput:
			if in.AccountId == nil || len(*in.AccountId) != 12 || strings.Trim(*in.AccountId, "0123456789") != "" {
				t.Fatalf("accepted account id %v", in.AccountId)
			}
		}
	})
}

// FuzzParseState feeds arbitrary state files to the parser: it must never
// panic, and a state it accepts must give a server that lists its
// accounts, describes itself and answers a signed call without panicking.
func FuzzParseState(f *testing.F) {
	// Seeds: a whole single account and a whole organization of one
	// member (real files, large for a fuzzer), then small hand-made ones.
	dir := f.TempDir()
	for i, members := range []int{0, 1} {
		path := filepath.Join(dir, fmt.Sprintf("seed-%d.json", i))
		srv, err := New(Options{StatePath: path, MemberAccounts: members})
		if err != nil {
			f.Fatal(err)
		}
		if members > 0 {
			srv.SetDelegatedAdministrator(srv.MemberAccountIDs()[0])
			srv.SuspendAccount(srv.MemberAccountIDs()[0])
			srv.PutRole(srv.MemberAccountIDs()[0], RoleSpec{Name: "ReadOnly", Actions: []string{"iam:ListMFADevices"}})
		}
		srv.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version":1,"account_id":"123456789012","users":{},"devices":{},"keys":{},"organization":{"members":{"200000000001":null}}}`))
	f.Add([]byte(`{"version":1,"account_id":"123456789012","users":{},"devices":{},"keys":{},"login_profiles":{"<root_account>":null}}`))
	f.Add([]byte(`{"version":1,"account_id":"123456789012","users":{},"devices":{},"keys":{},"organization":{"id":"o-x","members":{"200000000001":` +
		`{"version":1,"account_id":"200000000001","users":{},"devices":{},"keys":{},"roles":{"R":{"name":"R","trusted_accounts":null}},` +
		`"membership":{"status":"ACTIVE"}}},"delegated_admin":"200000000001","features":["RootSessions"]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := parseState(b)
		if err != nil {
			return
		}
		srv, err := New(Options{AccountID: st.AccountID})
		if err != nil {
			return
		}
		defer srv.Close()
		srv.st = st
		srv.Accounts()
		srv.Info()
		rec := httptest.NewRecorder()
		body := []byte("Action=GetAccountSummary&Version=2010-05-08")
		req := httptest.NewRequest("POST", "http://127.0.0.1/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		signForTest(t, req, body, srv.RootCredentials(), "iam")
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 403 {
			t.Fatalf("GetAccountSummary: %d %s", rec.Code, rec.Body)
		}
	})
}
