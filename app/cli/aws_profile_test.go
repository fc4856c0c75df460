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
	"github.com/sparekey/sparekey/vault"
)

// startMotoServer runs moto_server, an independent implementation of IAM
// and STS (AssumeRole included), on a free local port.
func startMotoServer(t testing.TB) string {
	t.Helper()
	bin := testenv.Tool(t, "moto_server")
	port := testenv.FreePort(t)
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s: %v", endpoint, err)
		}
	}
}

// actionCounter sits in front of a server and counts the Query actions
// that pass, so a test can tell how many codes were spent.
type actionCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *actionCounter) count(action string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[action]
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
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") != "" {
			counter.mu.Lock()
			counter.counts[form.Get("Action")]++
			counter.mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
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
	pass := []byte("correct horse battery staple")
	passFile := filepath.Join(dir, "pass")
	if err := os.WriteFile(passFile, pass, 0o600); err != nil {
		t.Fatal(err)
	}
	vaultPath := filepath.Join(dir, "home", "data", "vault.age")
	if err := os.MkdirAll(filepath.Dir(vaultPath), 0o700); err != nil {
		t.Fatal(err)
	}
	v, err := vault.Create(vaultPath, vault.ModePassphrase, vault.Options{Passphrase: func() ([]byte, error) { return pass, nil }, WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
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
