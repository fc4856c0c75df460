package practice

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestStatePersistsAcrossRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "practice.json")
	clock := newClock()
	srv, err := New(Options{StatePath: path, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	f := &fixture{t: t, srv: srv, clock: clock, url: hs.URL}
	serial := f.createDevice("phone")
	f.enable(BobUser, serial)
	if _, err := f.admin().TagMFADevice(ctx, &iam.TagMFADeviceInput{SerialNumber: aws.String(serial), Tags: []iamtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetDrift(serial, 3); err != nil {
		t.Fatal(err)
	}
	seed := f.seed(serial)
	admin := srv.AdminCredentials()
	hs.Close()
	srv.Close()

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp*")); len(leftovers) != 0 {
		t.Fatalf("temporary files left behind: %v", leftovers)
	}

	srv2, err := New(Options{StatePath: path, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	hs2 := httptest.NewServer(srv2.Handler())
	defer hs2.Close()
	f2 := &fixture{t: t, srv: srv2, clock: clock, url: hs2.URL}
	if srv2.AdminCredentials() != admin {
		t.Fatal("admin credentials changed across restart")
	}
	if got := f2.seed(serial); got != seed {
		t.Fatal("seed changed across restart")
	}
	devs, err := f2.admin().ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(BobUser)})
	if err != nil || len(devs.MFADevices) != 1 {
		t.Fatalf("after restart: %v, %v", devs, err)
	}
	tags, err := f2.admin().ListMFADeviceTags(ctx, &iam.ListMFADeviceTagsInput{SerialNumber: aws.String(serial)})
	if err != nil || len(tags.Tags) != 1 {
		t.Fatalf("tags after restart: %v, %v", tags, err)
	}
	srv2.mu.Lock()
	drift, used := srv2.st.Devices[serial].Drift, len(srv2.st.Devices[serial].UsedSteps)
	srv2.mu.Unlock()
	if drift != 3 || used != 2 {
		t.Fatalf("drift %d, used steps %d after restart", drift, used)
	}

	// Another account id cannot open this file.
	if _, err := New(Options{StatePath: path, AccountID: "210987654321"}); err == nil {
		t.Fatal("opened another account's state")
	}
}

func TestDamagedStateIsReportedNotReplaced(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"not json":      "{",
		"wrong version": `{"version": 99, "account_id": "123456789012", "users": {}, "devices": {}, "keys": {}}`,
		"bad seed":      `{"version": 1, "account_id": "123456789012", "users": {}, "devices": {"s": {"serial": "s", "seed": "!!"}}, "keys": {}}`,
	} {
		path := filepath.Join(t.TempDir(), "state.json")
		os.WriteFile(path, []byte(content), 0o600)
		_, err := New(Options{StatePath: path})
		if err == nil || !strings.Contains(err.Error(), "move it away") {
			t.Fatalf("%s: error = %v", name, err)
		}
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Fatalf("%s: the damaged file was changed", name)
		}
	}
}

func TestLoseDevice(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	serial := f.srv.DeviceSerial(AliceUser)
	if err := f.srv.LoseDevice(serial); err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.Seed(serial); !errors.Is(err, ErrSeedLost) {
		t.Fatalf("Seed of a lost device: %v", err)
	}
	if strings.Contains(fmt.Sprint(f.srv.Seed(serial)), "=") {
		t.Fatal("the error leaks the seed")
	}
	devs, err := f.admin().ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(AliceUser)})
	if err != nil || len(devs.MFADevices) != 1 {
		t.Fatalf("lost device is gone from AWS: %v, %v", devs, err)
	}
	if err := f.srv.Reset(PresetDefault); err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.Seed(serial); err != nil {
		t.Fatalf("after reset: %v", err)
	}
	if err := f.srv.Reset("nonsense"); !errors.Is(err, ErrUnknownPreset) {
		t.Fatalf("Reset(nonsense) = %v", err)
	}
}

func TestResetKeepsPresetCredentials(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.srv.Info()
	f.createDevice("extra")
	if _, err := f.admin().CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("carol")}); err != nil {
		t.Fatal(err)
	}
	carol := mustCreds(f.srv.UserCredentials("carol"))
	if err := f.srv.Reset(PresetDefault); err != nil {
		t.Fatal(err)
	}
	after := f.srv.Info()
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatal("reset changed the preset credentials")
	}
	if _, err := f.srv.UserCredentials("carol"); !errors.Is(err, ErrNoSuchUser) {
		t.Fatalf("carol survived the reset: %v", err)
	}
	_, err := f.iam(carol).ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	wantAPIError(t, err, "InvalidClientTokenId", "")
	list, err := f.admin().ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{})
	if err != nil || len(list.VirtualMFADevices) != 1 {
		t.Fatalf("devices after reset: %v, %v", list, err)
	}
}

func TestPagination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.admin()
	for i := 0; i < 7; i++ {
		f.enable(BobUser, f.createDevice(fmt.Sprintf("bob-%d", i)))
		f.clock.Add(61e9) // distinct enable dates, fresh steps
		if _, err := a.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("user-%d", i)), Path: aws.String("/drill/")}); err != nil {
			t.Fatal(err)
		}
	}
	var devs []string
	p := iam.NewListMFADevicesPaginator(a, &iam.ListMFADevicesInput{UserName: aws.String(BobUser), MaxItems: aws.Int32(3)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, d := range out.MFADevices {
			devs = append(devs, aws.ToString(d.SerialNumber))
		}
	}
	if pages != 3 || len(devs) != 7 || devs[0] != f.srv.DeviceSerial("bob-0") || devs[6] != f.srv.DeviceSerial("bob-6") {
		t.Fatalf("%d pages: %v", pages, devs)
	}

	var users []string
	up := iam.NewListUsersPaginator(a, &iam.ListUsersInput{MaxItems: aws.Int32(4)})
	for up.HasMorePages() {
		out, err := up.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Users {
			users = append(users, aws.ToString(u.UserName))
		}
	}
	if len(users) != 10 || users[0] != AliceUser {
		t.Fatalf("users = %v", users)
	}
	drill, err := a.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/drill/")})
	if err != nil || len(drill.Users) != 7 || drill.IsTruncated {
		t.Fatalf("PathPrefix: %v, %v", drill, err)
	}
	_, err = a.ListUsers(ctx, &iam.ListUsersInput{Marker: aws.String("not a marker!")})
	wantAPIError(t, err, "InvalidInput", "")
}

func TestTags(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.admin()
	serial := f.srv.DeviceSerial(AliceUser)
	tag := func(kv ...string) error {
		var tags []iamtypes.Tag
		for i := 0; i < len(kv); i += 2 {
			tags = append(tags, iamtypes.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
		}
		_, err := a.TagMFADevice(ctx, &iam.TagMFADeviceInput{SerialNumber: aws.String(serial), Tags: tags})
		return err
	}
	list := func() string {
		out, err := a.ListMFADeviceTags(ctx, &iam.ListMFADeviceTagsInput{SerialNumber: aws.String(serial)})
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, tg := range out.Tags {
			s = append(s, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
		}
		return strings.Join(s, ",")
	}
	if err := tag("team", "sec", "Owner", "alice", "empty", ""); err != nil {
		t.Fatal(err)
	}
	if err := tag("team", "ops"); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "Owner=alice,empty=,team=ops" {
		t.Fatalf("tags = %s", got)
	}
	wantAPIError(t, tag("a", "1", "A", "2"), "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
	wantAPIError(t, tag("bad\x01key", "v"), "ValidationError",
		`1 validation error detected: Value 'bad?key' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
	if _, err := a.UntagMFADevice(ctx, &iam.UntagMFADeviceInput{SerialNumber: aws.String(serial), TagKeys: []string{"owner", "nope"}}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "empty=,team=ops" {
		t.Fatalf("after untag = %s", got)
	}
	var many []string
	for i := 0; i < 49; i++ {
		many = append(many, fmt.Sprintf("k%02d", i), "v")
	}
	wantAPIError(t, tag(many...), "LimitExceeded", "")
	_, err := a.ListMFADeviceTags(ctx, &iam.ListMFADeviceTagsInput{SerialNumber: aws.String("arn:aws:iam::123456789012:mfa/none")})
	wantAPIError(t, err, "NoSuchEntity", "")
}

func TestValidationMessages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.admin()
	_, err := a.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("bob"), SerialNumber: aws.String("short"),
		AuthenticationCode1: aws.String("12345"), AuthenticationCode2: aws.String("12a456")})
	wantAPIError(t, err, "ValidationError", "3 validation errors detected: "+
		"Value 'short' at 'serialNumber' failed to satisfy constraint: Member must have length greater than or equal to 9; "+
		"Value '12345' at 'authenticationCode1' failed to satisfy constraint: Member must have length greater than or equal to 6; "+
		`Value '12a456' at 'authenticationCode2' failed to satisfy constraint: Member must satisfy regular expression pattern: [\d]+`)
	assertStatus(t, err, 400)
	_, err = a.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("bad name"), Path: aws.String("team")})
	wantAPIError(t, err, "ValidationError", "2 validation errors detected: "+
		`Value 'team' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F); `+
		`Value 'bad name' at 'virtualMFADeviceName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	_, err = a.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: "Maybe", MaxItems: aws.Int32(1001)})
	wantAPIError(t, err, "ValidationError", "2 validation errors detected: "+
		"Value 'Maybe' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]; "+
		"Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000")
	_, err = a.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
	wantAPIError(t, err, "NoSuchEntity", "The user with name nobody cannot be found.")
	_, err = a.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ALICE")})
	wantAPIError(t, err, "EntityAlreadyExists", "User with name ALICE already exists.")
}

// TestWireEnvelope checks what SDKs do not show: the raw XML, namespaces,
// request ids and statuses.
func TestWireEnvelope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	post := func(body string, signed bool) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, f.url+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		if signed {
			signForTest(t, req, []byte(body), f.srv.AdminCredentials(), "iam")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := post("Action=ListMFADevices&Version=2010-05-08&UserName=alice", true)
	var ok struct {
		XMLName xml.Name
		Result  struct {
			Devices []struct {
				UserName string
			} `xml:"MFADevices>member"`
			IsTruncated bool
		} `xml:"ListMFADevicesResult"`
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal([]byte(body), &ok); err != nil {
		t.Fatal(err)
	}
	if ok.XMLName.Space != iamNamespace || ok.XMLName.Local != "ListMFADevicesResponse" || len(ok.Result.Devices) != 1 ||
		ok.RequestID == "" || resp.Header.Get("x-amzn-RequestId") != ok.RequestID {
		t.Fatalf("response %d:\n%s", resp.StatusCode, body)
	}

	resp, body = post("Action=ListMFADevices&Version=2010-05-08&UserName=bob", true)
	if !strings.Contains(body, "<MFADevices></MFADevices>") {
		t.Fatalf("empty list is not an empty element:\n%s", body)
	}

	errCases := []struct {
		body      string
		signed    bool
		status    int
		code, ns  string
		typ       string
		msgSubstr string
	}{
		{"Action=Frobnicate&Version=2010-05-08", true, 400, "InvalidAction", iamNamespace, "Sender", "Could not find operation Frobnicate for version 2010-05-08"},
		{"Action=GetCallerIdentity&Version=2010-05-08", true, 400, "InvalidAction", iamNamespace, "Sender", "for version 2010-05-08"},
		{"Version=2010-05-08", true, 400, "MissingAction", iamNamespace, "Sender", ""},
		{"Action=GetCallerIdentity&Version=2011-06-15", false, 403, "MissingAuthenticationToken", stsNamespace, "Sender", ""},
		{"Action=ListUsers&Version=2010-05-08&a=%zz", true, 400, "MalformedQueryString", iamNamespace, "Sender", ""},
	}
	for _, tc := range errCases {
		resp, body := post(tc.body, tc.signed)
		var e xmlErrorResponse
		if err := xml.Unmarshal([]byte(body), &e); err != nil {
			t.Fatalf("%s: %v\n%s", tc.body, err, body)
		}
		if resp.StatusCode != tc.status || e.Error.Code != tc.code || e.XMLName.Space != tc.ns || e.Error.Type != tc.typ ||
			!strings.Contains(e.Error.Message, tc.msgSubstr) || e.RequestID == "" || resp.Header.Get("x-amzn-RequestId") != e.RequestID {
			t.Fatalf("%s: HTTP %d\n%s", tc.body, resp.StatusCode, body)
		}
	}
}
