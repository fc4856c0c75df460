package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/practice"
)

// startMotoServer runs moto_server, an independent implementation of IAM
// and STS (AssumeRole included), on a free local port.
func startMotoServer(t testing.TB) string { return testenv.StartMoto(t) }

// actionCounter sits in front of a server and counts the Query actions
// that succeed, so a test can tell how many codes were spent. (A code the
// server refuses as already used spends nothing; Sparekey then tries the
// next one.)
type actionCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *actionCounter) count(action string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[action]
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func countingProxy(t *testing.T, target string) (string, *actionCounter) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	counter := &actionCounter{counts: map[string]int{}}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		proxy.ServeHTTP(rec, r)
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") != "" && rec.status < 300 {
			counter.mu.Lock()
			counter.counts[form.Get("Action")]++
			counter.mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, counter
}

// TestAWSRoleProfilesWithAWSCLI is the role-profile flow end to end: the
// real aws CLI runs credential_process lines that setup-profile wrote, for
// two role profiles built on one IAM user, and the second profile and a
// repeat of the first cost no code: one GetSessionToken in all. The MFA
// session and the role sessions are cached in a real gnome-keyring in a
// private D-Bus session; the passphrase file is removed after the first
// call to prove later calls never open the vault.
func TestAWSRoleProfilesWithAWSCLI(t *testing.T) {
	awsCLI := testenv.Tool(t, "aws")
	dbusRun := testenv.Tool(t, "dbus-run-session")
	testenv.Tool(t, "gnome-keyring-daemon")
	moto := startMotoServer(t)
	endpoint, counter := countingProxy(t, moto)
	ctx := context.Background()
	dir := t.TempDir()

	// moto's IAM: alice with access keys and two roles to assume.
	adminOpts := awsmfa.Options{Label: "moto", EndpointURL: moto, Region: "us-east-1", PropagationDelay: -1,
		Credentials: &awsmfa.Credentials{AccessKeyID: "AKIAADMINEXAMPLE0001", SecretAccessKey: "moto-admin"}}
	raw := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(moto),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIAADMINEXAMPLE0001", SecretAccessKey: "moto-admin"}, nil
		}))})
	if _, err := raw.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	key, err := raw.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	for _, role := range []string{"Prod", "Dev"} {
		if _, err := raw.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
			t.Fatal(err)
		}
	}

	// A passphrase vault holding the device the admin enrolls for alice.
	v, vaultPath, passFile := newPassphraseVault(t, dir)
	admin, err := awsmfa.Connect(ctx, adminOpts)
	if err != nil {
		t.Fatal(err)
	}
	enrolled, err := admin.Enroll(ctx, v, awsmfa.EnrollRequest{UserName: "alice", DeviceName: "alice-sparekey"})
	if err != nil {
		t.Fatal(err)
	}
	serial := enrolled.Device.SerialNumber

	// The user's config: two role profiles without mfa_serial, comments
	// that must survive, and the keys in the credentials file.
	configFile, credsFile := filepath.Join(dir, "aws-config"), filepath.Join(dir, "aws-credentials")
	config := fmt.Sprintf(`# my AWS profiles
[profile base]
region = us-east-1
endpoint_url = %[1]s

[profile prod]
role_arn = arn:aws:iam::123456789012:role/Prod
source_profile = base
role_session_name = alice-prod
region = us-east-1
endpoint_url = %[1]s

; development account
[profile dev]
role_arn = arn:aws:iam::123456789012:role/Dev
source_profile = base
region = us-east-1
endpoint_url = %[1]s
`, endpoint)
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := fmt.Sprintf("[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n", aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey))
	if err := os.WriteFile(credsFile, []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	runtimeDir := filepath.Join(dir, "run")
	if err := os.MkdirAll(runtimeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(),
		"AWS_CONFIG_FILE="+configFile, "AWS_SHARED_CREDENTIALS_FILE="+credsFile,
		"AWS_PROFILE=", "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_ENDPOINT_URL=",
		"SPAREKEY_AWS_HELPER=1", "SPAREKEY_HOME="+filepath.Join(dir, "home"), "SPAREKEY_VAULT="+vaultPath,
		"SPAREKEY_PASSPHRASE_FILE="+passFile, "HOME="+dir,
		"XDG_DATA_HOME="+filepath.Join(dir, ".local", "share"), "XDG_RUNTIME_DIR="+runtimeDir,
		"DISPLAY=", "WAYLAND_DISPLAY=", "NO_AT_BRIDGE=1",
	)
	program := self + " -test.run=^TestAWSHelperProcess$ --"
	sparekey := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(self, append([]string{"-test.run=^TestAWSHelperProcess$", "--"}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("sparekey %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	// setup-profile: a preview first, then the write; mfa_serial comes
	// from ListMFADevices since neither profile names one.
	preview := sparekey("aws", "--profile", "prod", "setup-profile", "--program", program, "--dry-run")
	if !strings.Contains(preview, "+mfa_serial = "+serial) || !strings.Contains(preview, "+[profile prod-mfa]") || !strings.Contains(preview, "(from AWS)") {
		t.Fatalf("preview:\n%s", preview)
	}
	if data, _ := os.ReadFile(configFile); string(data) != config {
		t.Fatal("--dry-run changed the file")
	}
	sparekey("aws", "--profile", "prod", "setup-profile", "--program", program, "--yes")
	sparekey("aws", "--profile", "dev", "setup-profile", "--program", program, "--yes")
	written, _ := os.ReadFile(configFile)
	if !strings.HasPrefix(string(written), strings.SplitN(config, "[profile prod]", 2)[0]) || !strings.Contains(string(written), "; development account\n[profile dev]\n") {
		t.Fatalf("setup-profile disturbed the file:\n%s", written)
	}
	backups, _ := filepath.Glob(configFile + ".bak-*")
	if len(backups) != 2 {
		t.Fatalf("backups: %v", backups)
	}
	if counter.count("GetSessionToken") != 0 {
		t.Fatal("setup-profile spent a code")
	}

	files := map[string]string{}
	var script strings.Builder
	script.WriteString("mkdir -p \"$HOME/.local/share/keyrings\"\nprintf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1\n")
	for i, profile := range []string{"prod-mfa", "dev-mfa", "prod-mfa"} {
		out := filepath.Join(dir, fmt.Sprintf("ident-%d.json", i))
		files[out] = profile
		fmt.Fprintf(&script, "%q sts get-caller-identity --profile %s --output json > %q || exit 1\n", awsCLI, profile, out)
		if i == 0 {
			// Later calls must not need the vault.
			fmt.Fprintf(&script, "rm %q\n", passFile)
		}
	}
	cmd := exec.Command(dbusRun, "--", "sh", "-c", script.String())
	cmd.Env = env
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		t.Fatalf("aws CLI through credential_process: %v\n%s", err, output.String())
	}
	wantARN := map[string]string{"prod-mfa": "assumed-role/Prod/alice-prod", "dev-mfa": "assumed-role/Dev/sparekey-"}
	for file, profile := range files {
		data, _ := os.ReadFile(file)
		var ident struct{ Arn string }
		if err := json.Unmarshal(data, &ident); err != nil || !strings.Contains(ident.Arn, wantARN[profile]) {
			t.Fatalf("%s: %v %s\n%s", profile, err, data, output.String())
		}
	}
	if n := counter.count("GetSessionToken"); n != 1 {
		t.Fatalf("GetSessionToken called %d times, want 1 (one code for every role profile)", n)
	}
	if n := counter.count("AssumeRole"); n != 2 {
		t.Fatalf("AssumeRole called %d times, want 2 (the repeat comes from the cache)", n)
	}
}

// TestAWSRoleProfilesPracticeOrg runs the real aws CLI through Sparekey's
// credential_process against the practice Organization, whose STS checks
// each role's trust, its aws:MultiFactorAuthPresent condition, external
// ids and real TOTP codes. alice (self-manage-MFA policy) reaches a
// member's Admin role, which requires MFA, and through it an Ops role in
// another member (a chain); a role that does not trust her is refused with
// Sparekey's explanation. One code is spent for all of it.
func TestAWSRoleProfilesPracticeOrg(t *testing.T) {
	awsCLI := testenv.Tool(t, "aws")
	dbusRun := testenv.Tool(t, "dbus-run-session")
	testenv.Tool(t, "gnome-keyring-daemon")
	ctx := context.Background()
	dir := t.TempDir()

	srv, err := practice.New(practice.Options{StatePath: filepath.Join(dir, "practice.json"), MemberAccounts: 2})
	if err != nil {
		t.Fatal(err)
	}
	direct, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	endpoint, counter := countingProxy(t, direct)
	members := srv.MemberAccountIDs()
	mgmt := srv.AccountID()
	adminARN, err := srv.PutRole(members[0], practice.RoleSpec{Name: "Admin", TrustedAccounts: []string{mgmt}, RequireMFA: true, ExternalID: "ext-42"})
	if err != nil {
		t.Fatal(err)
	}
	opsARN, err := srv.PutRole(members[1], practice.RoleSpec{Name: "Ops", TrustedAccounts: []string{members[0]}})
	if err != nil {
		t.Fatal(err)
	}
	closedARN, err := srv.PutRole(members[1], practice.RoleSpec{Name: "Closed", TrustedAccounts: []string{members[1]}})
	if err != nil {
		t.Fatal(err)
	}

	v, vaultPath, passFile := newPassphraseVault(t, dir)
	adminKeys := srv.AdminCredentials()
	admin, err := awsmfa.Connect(ctx, awsmfa.Options{Label: "base", EndpointURL: direct, Region: "us-east-1",
		Credentials: &awsmfa.Credentials{AccessKeyID: adminKeys.AccessKeyID, SecretAccessKey: adminKeys.SecretAccessKey}})
	if err != nil {
		t.Fatal(err)
	}
	enrolled, err := admin.Enroll(ctx, v, awsmfa.EnrollRequest{UserName: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	serial := enrolled.Device.SerialNumber
	alice, err := srv.UserCredentials("alice")
	if err != nil {
		t.Fatal(err)
	}
	enrollCodes := counter.count("GetSessionToken")

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	program := self + " -test.run=^TestAWSHelperProcess$ --"
	configFile, credsFile := filepath.Join(dir, "aws-config"), filepath.Join(dir, "aws-credentials")
	config := fmt.Sprintf(`[profile base]
region = us-east-1
endpoint_url = %[1]s

[profile member-admin]
role_arn = %[2]s
source_profile = base
mfa_serial = %[3]s
external_id = ext-42
endpoint_url = %[1]s

[profile member-ops]
role_arn = %[4]s
source_profile = member-admin
role_session_name = alice-ops
endpoint_url = %[1]s

[profile closed]
role_arn = %[5]s
source_profile = base
mfa_serial = %[3]s
endpoint_url = %[1]s
`, endpoint, adminARN, serial, opsARN, closedARN)
	for _, p := range []string{"member-admin", "member-ops", "closed"} {
		config += fmt.Sprintf("\n[profile %s-mfa]\nregion = us-east-1\nendpoint_url = %s\ncredential_process = %s aws credentials --profile %s\n", p, endpoint, program, p)
	}
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credsFile, fmt.Appendf(nil, "[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n", alice.AccessKeyID, alice.SecretAccessKey), 0o600); err != nil {
		t.Fatal(err)
	}
	runtimeDir := filepath.Join(dir, "run")
	if err := os.MkdirAll(runtimeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(),
		"AWS_CONFIG_FILE="+configFile, "AWS_SHARED_CREDENTIALS_FILE="+credsFile,
		"AWS_PROFILE=", "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_ENDPOINT_URL=",
		"SPAREKEY_AWS_HELPER=1", "SPAREKEY_HOME="+filepath.Join(dir, "home"), "SPAREKEY_VAULT="+vaultPath,
		"SPAREKEY_PASSPHRASE_FILE="+passFile, "HOME="+dir,
		"XDG_DATA_HOME="+filepath.Join(dir, ".local", "share"), "XDG_RUNTIME_DIR="+runtimeDir,
		"DISPLAY=", "WAYLAND_DISPLAY=", "NO_AT_BRIDGE=1",
	)
	out := func(name string) string { return filepath.Join(dir, name) }
	script := fmt.Sprintf(`mkdir -p "$HOME/.local/share/keyrings"
printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
%[1]q sts get-caller-identity --profile member-admin-mfa --output json > %[2]q || exit 1
%[1]q sts get-caller-identity --profile member-admin-mfa --output json > %[3]q || exit 1
%[1]q sts get-caller-identity --profile member-ops-mfa --output json > %[4]q || exit 1
%[1]q sts get-caller-identity --profile closed-mfa --output json > %[5]q 2>&1 && exit 7
exit 0`, awsCLI, out("admin1.json"), out("admin2.json"), out("ops.json"), out("closed.txt"))
	cmd := exec.Command(dbusRun, "--", "sh", "-c", script)
	cmd.Env = env
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		t.Fatalf("aws CLI through credential_process: %v\n%s", err, output.String())
	}
	for file, want := range map[string]string{
		"admin1.json": "arn:aws:sts::" + members[0] + ":assumed-role/Admin/",
		"admin2.json": "arn:aws:sts::" + members[0] + ":assumed-role/Admin/",
		"ops.json":    "arn:aws:sts::" + members[1] + ":assumed-role/Ops/alice-ops",
	} {
		data, _ := os.ReadFile(out(file))
		var ident struct{ Arn string }
		if err := json.Unmarshal(data, &ident); err != nil || !strings.HasPrefix(ident.Arn, want) {
			t.Fatalf("%s: %v %s\n%s", file, err, data, output.String())
		}
	}
	closed, _ := os.ReadFile(out("closed.txt"))
	if !strings.Contains(string(closed), "refused to let this identity assume the role") {
		t.Fatalf("denied role:\n%s", closed)
	}
	if n := counter.count("GetSessionToken") - enrollCodes; n != 1 {
		t.Fatalf("GetSessionToken called %d times, want 1", n)
	}
	// Admin once (its repeat and the chain's first hop come from the
	// cache), Ops once; Closed was refused.
	if n := counter.count("AssumeRole"); n != 2 {
		t.Fatalf("AssumeRole succeeded %d times, want 2", n)
	}
}

// TestAWSSetupProfilePrompt: the preview comes first and only "y" writes;
// a second run finds nothing to do; unusable requests say why and write
// nothing.
func TestAWSSetupProfilePrompt(t *testing.T) {
	te := newAWSCLIEnv(t)
	te.ok("init")
	var enrolled awsmfa.EnrollResult
	if err := json.Unmarshal([]byte(te.ok("aws", "enroll", "--user", "bob", "--json")), &enrolled); err != nil {
		t.Fatal(err)
	}
	serial := enrolled.Device.SerialNumber
	configFile := filepath.Join(te.dir, "aws-config")
	config := "# keep me\n[profile work]\nregion = eu-west-1\n"
	if err := os.WriteFile(configFile, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	credsFile := filepath.Join(te.dir, "aws-credentials")
	if err := os.WriteFile(credsFile, []byte("[work]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", configFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credsFile)
	args := []string{"aws", "--profile", "work", "setup-profile", "--mfa-serial", serial}

	te.e.In = strings.NewReader("n\n")
	out, errOut, code := te.run(args...)
	if code != 0 || !strings.Contains(out, "+credential_process = sparekey aws credentials --profile work") || !strings.Contains(out, "+mfa_serial = "+serial) || !strings.Contains(errOut, "Nothing written") {
		t.Fatalf("declined: %d\n%s%s", code, out, errOut)
	}
	if data, _ := os.ReadFile(configFile); string(data) != config {
		t.Fatal("declining wrote the file")
	}

	te.e.In = strings.NewReader("y\n")
	out = te.ok(args...)
	if !strings.Contains(out, "The old file is kept as "+configFile+".bak-") {
		t.Fatalf("accepted:\n%s", out)
	}
	data, _ := os.ReadFile(configFile)
	want := "# keep me\n[profile work]\nregion = eu-west-1\nmfa_serial = " + serial + "\n\n[profile work-mfa]\ncredential_process = sparekey aws credentials --profile work\nregion = eu-west-1\n"
	if string(data) != want {
		t.Fatalf("written:\n%s\nwant:\n%s", data, want)
	}
	if st, _ := os.Stat(configFile); st.Mode().Perm() != 0o644 {
		t.Fatalf("mode changed to %v", st.Mode())
	}
	if out := te.ok(args...); !strings.Contains(out, "already set up") {
		t.Fatalf("second run:\n%s", out)
	}

	for _, bad := range [][]string{
		{"aws", "--profile", "work", "setup-profile", "--as", "work", "--yes"},
		{"aws", "--profile", "nowhere", "setup-profile", "--yes"},
		{"aws", "--profile", "work", "setup-profile", "--as", "other", "--mfa-serial", "arn:aws:iam::123456789012:mfa/not-held", "--yes"},
	} {
		_, errOut, code := te.run(bad...)
		if code == 0 || errOut == "" {
			t.Fatalf("%v: exit %d\n%s", bad, code, errOut)
		}
		t.Logf("%v:\n%s", bad[1:3], errOut)
	}
	if after, _ := os.ReadFile(configFile); string(after) != want {
		t.Fatal("a refused request changed the file")
	}
}

// TestAWSRoleSessionCommand: `aws session` and `aws credentials` on a role
// profile, in process, against the built-in practice account: the role
// session is assumed once and cached; --forget drops it but keeps the MFA
// session, so getting it again spends no code.
func TestAWSRoleSessionCommand(t *testing.T) {
	te := newAWSCLIEnv(t)
	te.ok("init")
	var enrolled awsmfa.EnrollResult
	if err := json.Unmarshal([]byte(te.ok("aws", "enroll", "--user", "bob", "--json")), &enrolled); err != nil {
		t.Fatal(err)
	}
	te.clock.Advance(30 * time.Second)
	a, _ := te.e.App()
	srv, direct, err := a.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	endpoint, counter := countingProxy(t, direct)
	roleARN, err := srv.PutRole(srv.AccountID(), practice.RoleSpec{Name: "Deploy", TrustedAccounts: []string{srv.AccountID()}, RequireMFA: true})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := srv.UserCredentials("bob")
	if err != nil {
		t.Fatal(err)
	}
	configFile, credsFile := filepath.Join(te.dir, "aws-config"), filepath.Join(te.dir, "aws-credentials")
	if err := os.WriteFile(configFile, fmt.Appendf(nil, "[profile bob]\nendpoint_url = %[1]s\n\n[profile deploy]\nrole_arn = %[2]s\nsource_profile = bob\nmfa_serial = %[3]s\nendpoint_url = %[1]s\n", endpoint, roleARN, enrolled.Device.SerialNumber), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credsFile, fmt.Appendf(nil, "[bob]\naws_access_key_id = %s\naws_secret_access_key = %s\n", bob.AccessKeyID, bob.SecretAccessKey), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", configFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credsFile)

	sessionOut := te.ok("aws", "--profile", "deploy", "session")
	if !strings.Contains(sessionOut, "Role session for deploy ("+roleARN+", from the MFA session of bob)") {
		t.Fatalf("session:\n%s", sessionOut)
	}
	var creds awsmfa.ProcessOutput
	if err := json.Unmarshal([]byte(te.ok("aws", "--profile", "deploy", "credentials")), &creds); err != nil || !strings.HasPrefix(creds.AccessKeyID, "ASIA") {
		t.Fatalf("credentials: %+v %v", creds, err)
	}
	if g, r := counter.count("GetSessionToken"), counter.count("AssumeRole"); g != 1 || r != 1 {
		t.Fatalf("GetSessionToken %d, AssumeRole %d; want 1 and 1", g, r)
	}
	if out := te.ok("aws", "--profile", "deploy", "session", "--forget"); !strings.Contains(out, "the MFA session of bob stays") {
		t.Fatalf("forget:\n%s", out)
	}
	te.ok("aws", "--profile", "deploy", "credentials")
	if g, r := counter.count("GetSessionToken"), counter.count("AssumeRole"); g != 1 || r != 2 {
		t.Fatalf("after --forget: GetSessionToken %d, AssumeRole %d; want 1 and 2", g, r)
	}
	if strings.Contains(sessionOut, creds.SecretAccessKey) {
		t.Fatal("aws session printed the role's secret")
	}
}
