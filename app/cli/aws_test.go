package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/practice"
	"github.com/sparekey/sparekey/vault"
)

// awsClock is the App's clock in CLI tests; the in-process practice account
// shares it, so a test steps over TOTP periods without waiting.
type awsClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *awsClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *awsClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type awsCLIEnv struct {
	t        *testing.T
	e        *Env
	clock    *awsClock
	out, err bytes.Buffer
	dir      string
}

func newAWSCLIEnv(t *testing.T) *awsCLIEnv {
	t.Helper()
	// No AWS configuration: commands must default to the practice account.
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	for _, v := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(v, "")
	}
	dir := t.TempDir()
	clk := &awsClock{t: time.Now().Truncate(30 * time.Second).Add(10 * time.Second)}
	te := &awsCLIEnv{t: t, dir: dir, clock: clk}
	te.e = &Env{In: strings.NewReader(""), Out: &te.out, Err: &te.err, appOpts: &app.Options{
		Paths:   app.PathsUnder(dir),
		Keyring: &vault.MemoryKeyring{}, WorkFactor: 10, Now: clk.Now,
	}}
	t.Cleanup(func() {
		if a, err := te.e.App(); err == nil {
			a.StopPractice()
		}
	})
	return te
}

func (te *awsCLIEnv) run(args ...string) (string, string, int) {
	te.out.Reset()
	te.err.Reset()
	code := Run(te.e, args)
	return te.out.String(), te.err.String(), code
}

func (te *awsCLIEnv) ok(args ...string) string {
	te.t.Helper()
	out, errOut, code := te.run(args...)
	if code != 0 {
		te.t.Fatalf("sparekey %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func TestAWSCLIPractice(t *testing.T) {
	te := newAWSCLIEnv(t)
	te.ok("init")

	out, errOut, _ := te.run("aws", "whoami")
	if !strings.Contains(errOut, "practice account") || !strings.Contains(out, "user/practice-admin") || !strings.Contains(out, "MFA:      no") {
		t.Fatalf("whoami:\n%s%s", out, errOut)
	}

	out = te.ok("aws", "enroll", "--user", "bob", "--json")
	var enrolled awsmfa.EnrollResult
	if err := json.Unmarshal([]byte(out), &enrolled); err != nil {
		t.Fatal(err)
	}
	serial := enrolled.Device.SerialNumber
	if enrolled.Verified != "listed" || !strings.HasPrefix(serial, "arn:aws:iam::123456789012:mfa/sparekey-bob-") {
		t.Fatalf("enroll: %s", out)
	}
	te.clock.Advance(30 * time.Second)

	var listed struct{ Devices, Orphans []awsmfa.Device }
	if err := json.Unmarshal([]byte(te.ok("aws", "devices", "--all", "--json")), &listed); err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, d := range listed.Devices {
		if d.Held {
			held++
			if d.SerialNumber != serial {
				t.Errorf("held device %s", d.SerialNumber)
			}
		}
	}
	if held != 1 || len(listed.Orphans) != 0 {
		t.Fatalf("devices: %+v", listed)
	}
	if out := te.ok("aws", "devices", "--all"); !strings.Contains(out, "SEED IN SPAREKEY") || !strings.Contains(out, serial) {
		t.Fatalf("devices table:\n%s", out)
	}

	// bob, signing with his long-term keys, gets an MFA session; the
	// credential_process output then comes from the cache.
	if out := te.ok("aws", "--practice-user", "bob", "session"); !strings.Contains(out, "MFA session for practice") {
		t.Fatalf("session: %s", out)
	}
	var creds awsmfa.ProcessOutput
	out = te.ok("aws", "--practice-user", "bob", "credentials")
	if err := json.Unmarshal([]byte(out), &creds); err != nil || creds.Version != 1 || !strings.HasPrefix(creds.AccessKeyID, "ASIA") || creds.SessionToken == "" {
		t.Fatalf("credentials: %s %v", out, err)
	}
	if _, err := time.Parse(time.RFC3339, creds.Expiration); err != nil {
		t.Fatalf("expiration %q: %v", creds.Expiration, err)
	}

	te.clock.Advance(time.Minute)
	if out := te.ok("aws", "resync", serial); !strings.Contains(out, "Resynced") {
		t.Fatalf("resync: %s", out)
	}
	if out := te.ok("aws", "resync", "--console", serial); !strings.Contains(out, "second code:") {
		t.Fatalf("console codes: %s", out)
	}
	if _, errOut, code := te.run("aws", "resync", "--serial", "GAHT12345678", "--user", "bob", "--code1", "123", "--code2", "123"); code == 0 || !strings.Contains(errOut, "6-digit") {
		t.Fatalf("bad typed codes: %d %s", code, errOut)
	}
	te.e.In = strings.NewReader("123456\n123456\n")
	if _, errOut, code := te.run("aws", "resync", "--serial", "GAHT12345678"); code == 0 || !strings.Contains(errOut, "different") {
		t.Fatalf("prompted identical codes: %d %s", code, errOut)
	}

	report := filepath.Join(te.dir, "audit.csv")
	te.ok("aws", "audit", "--format", "csv", "--out", report)
	data, err := os.ReadFile(report)
	if err != nil || !strings.Contains(string(data), "bob,1,1,") {
		t.Fatalf("audit csv: %s %v", data, err)
	}
	if out := te.ok("aws", "audit"); !strings.Contains(out, "# MFA readiness of AWS account 123456789012") {
		t.Fatalf("audit md: %s", out)
	}

	te.clock.Advance(time.Minute)
	if out := te.ok("aws", "replace", "--user", "bob", "--old", serial); !strings.Contains(out, "The old device is deleted") {
		t.Fatalf("replace: %s", out)
	}
	if out := te.ok("aws", "replace", "--resume"); !strings.Contains(out, "No replacement") {
		t.Fatalf("resume: %s", out)
	}
	if out := te.ok("aws", "orphans"); !strings.Contains(out, "No unassigned") {
		t.Fatalf("orphans: %s", out)
	}

	// An interrupted replacement is announced, then rolled back.
	a, _ := te.e.App()
	journal := fmt.Sprintf(`{"version":1,"phase":"started","connection":"practice","user_name":"bob","old_serial":"arn:aws:iam::123456789012:mfa/x","new_device_name":"never-created","new_device_path":"/"}`)
	if err := os.WriteFile(a.AWSJournalPath(), []byte(journal), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, _ := te.run("aws", "whoami"); !strings.Contains(errOut, "replace --resume") {
		t.Fatalf("no notice of the pending replacement: %s", errOut)
	}
	if out := te.ok("aws", "replace", "--resume"); !strings.Contains(out, "Rolled back") {
		t.Fatalf("resume: %s", out)
	}

	// Guidance reaches the user: bob has no MFA and may not remove devices.
	_, errOut, code := te.run("aws", "--practice-user", "bob", "remove", "--user", "alice", "--serial", "arn:aws:iam::123456789012:mfa/alice")
	if code != 1 || !strings.Contains(errOut, "permission") {
		t.Fatalf("remove as bob: %d %s", code, errOut)
	}
	if strings.Contains(te.out.String()+errOut, creds.SecretAccessKey) {
		t.Fatal("a session secret was printed")
	}
}

// TestAWSHelperProcess is not a test: it is how the credential_process test
// runs this package's CLI as a separate program (the test binary itself).
func TestAWSHelperProcess(t *testing.T) {
	if os.Getenv("SPAREKEY_AWS_HELPER") != "1" {
		t.Skip("helper process for TestAWSCredentialProcessWithAWSCLI")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Exit(Main(args))
}

// TestAWSCredentialProcessWithAWSCLI configures the real aws CLI with
// credential_process pointing at Sparekey and calls the practice account.
// alice is under the self-manage-MFA policy: get-account-summary is denied
// with her long-term keys and allowed through Sparekey's MFA session. The
// session is cached in a real gnome-keyring inside a private D-Bus session,
// so the second call does not need a new code.
func TestAWSCredentialProcessWithAWSCLI(t *testing.T) {
	awsCLI := testenv.Tool(t, "aws")
	dbusRun := testenv.Tool(t, "dbus-run-session")
	testenv.Tool(t, "gnome-keyring-daemon")
	ctx := context.Background()
	dir := t.TempDir()

	srv, err := practice.New(practice.Options{StatePath: filepath.Join(dir, "practice.json")})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	// A passphrase vault holding a device the admin enrolls for alice,
	// bound to the "longterm" profile that holds alice's keys.
	v, vaultPath, passFile := newPassphraseVault(t, dir)
	adminKeys := srv.AdminCredentials()
	admin, err := awsmfa.Connect(ctx, awsmfa.Options{Label: "longterm", EndpointURL: endpoint, Region: "us-east-1",
		Credentials: &awsmfa.Credentials{AccessKeyID: adminKeys.AccessKeyID, SecretAccessKey: adminKeys.SecretAccessKey}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Enroll(ctx, v, awsmfa.EnrollRequest{UserName: "alice"}); err != nil {
		t.Fatal(err)
	}
	alice, err := srv.UserCredentials("alice")
	if err != nil {
		t.Fatal(err)
	}

	runtimeDir := filepath.Join(dir, "run")
	if err := os.MkdirAll(runtimeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	configFile, credsFile := filepath.Join(dir, "aws-config"), filepath.Join(dir, "aws-credentials")
	config := fmt.Sprintf(`[profile longterm]
region = us-east-1
endpoint_url = %[1]s

[profile mfa]
region = us-east-1
endpoint_url = %[1]s
credential_process = %[2]s -test.run=^TestAWSHelperProcess$ -- aws credentials --profile longterm
`, endpoint, self)
	credentials := fmt.Sprintf("[longterm]\naws_access_key_id = %s\naws_secret_access_key = %s\n", alice.AccessKeyID, alice.SecretAccessKey)
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credsFile, []byte(credentials), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(),
		"AWS_CONFIG_FILE="+configFile, "AWS_SHARED_CREDENTIALS_FILE="+credsFile,
		"AWS_PROFILE=", "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_SESSION_TOKEN=", "AWS_ENDPOINT_URL=",
		"SPAREKEY_AWS_HELPER=1", "SPAREKEY_HOME="+filepath.Join(dir, "home"), "SPAREKEY_VAULT="+vaultPath,
		"SPAREKEY_PASSPHRASE_FILE="+passFile, "HOME="+dir,
		// A keyring of its own: under make test the outer session's data and
		// runtime folders hold another login keyring with another password.
		"XDG_DATA_HOME="+filepath.Join(dir, ".local", "share"), "XDG_RUNTIME_DIR="+runtimeDir,
	)

	// Without MFA, alice's own keys are denied by the policy.
	aliceClient, err := awsmfa.Connect(ctx, awsmfa.Options{EndpointURL: endpoint, Region: "us-east-1",
		Credentials: &awsmfa.Credentials{AccessKeyID: alice.AccessKeyID, SecretAccessKey: alice.SecretAccessKey}})
	if err != nil {
		t.Fatal(err)
	}
	if err := aliceClient.DeactivateDevice(ctx, "alice", srv.DeviceSerial("alice")); !errors.Is(err, awsmfa.ErrMFARequired) {
		t.Fatalf("long-term keys were not denied: %v", err)
	}

	// Each answer goes to its own file: the private bus daemon shares the
	// session's stdout with anything it activates, and that is no place to
	// parse JSON from. No display either, so nothing can pop up a prompt.
	identFile, summaryFile := filepath.Join(dir, "ident.json"), filepath.Join(dir, "summary.json")
	// With no keyrings folder gnome-keyring would prompt to create one
	// instead of creating the login keyring from the unlock password.
	script := fmt.Sprintf(`mkdir -p "$HOME/.local/share/keyrings"
printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
%[1]q sts get-caller-identity --profile mfa --output json > %[2]q || exit 1
%[1]q iam get-account-summary --profile mfa --output json > %[3]q`, awsCLI, identFile, summaryFile)
	cmd := exec.Command(dbusRun, "--", "sh", "-c", script)
	cmd.Env = append(env, "DISPLAY=", "WAYLAND_DISPLAY=", "NO_AT_BRIDGE=1")
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		t.Fatalf("aws CLI through credential_process: %v\n%s", err, output.String())
	}
	identJSON, _ := os.ReadFile(identFile)
	var ident struct{ Arn, Account string }
	if err := json.Unmarshal(identJSON, &ident); err != nil || ident.Arn != "arn:aws:iam::123456789012:user/alice" {
		t.Fatalf("get-caller-identity: %v\n%s\n%s", err, identJSON, output.String())
	}
	summary, _ := os.ReadFile(summaryFile)
	if !bytes.Contains(summary, []byte("SummaryMap")) {
		t.Fatalf("get-account-summary with the MFA session:\n%s\n%s", summary, output.String())
	}
}

// BenchmarkAWSCredentialsCached is the credential_process hot path: a
// cached session printed without opening the vault or calling AWS.
func BenchmarkAWSCredentialsCached(b *testing.B) {
	dir := b.TempDir()
	kr := &vault.MemoryKeyring{}
	cache := awsmfa.SessionCache{Keyring: kr}
	if err := cache.Put("work", &awsmfa.Session{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s", SessionToken: "t", Expiration: time.Now().Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	e := &Env{In: strings.NewReader(""), Out: &out, Err: &out, appOpts: &app.Options{
		Paths:   app.PathsUnder(dir),
		Keyring: kr,
	}}
	for b.Loop() {
		out.Reset()
		if code := Run(e, []string{"aws", "credentials", "--profile", "work"}); code != 0 {
			b.Fatalf("exit %d: %s", code, out.String())
		}
	}
}

// newPassphraseVault creates a passphrase-mode vault at
// dir/home/data/vault.age (fast work factor) and writes its passphrase to
// dir/pass, for CLI processes started with SPAREKEY_PASSPHRASE_FILE.
func newPassphraseVault(t *testing.T, dir string) (v *vault.Vault, vaultPath, passFile string) {
	t.Helper()
	pass := []byte("correct horse battery staple")
	passFile = filepath.Join(dir, "pass")
	if err := os.WriteFile(passFile, pass, 0o600); err != nil {
		t.Fatal(err)
	}
	vaultPath = filepath.Join(dir, "home", "data", "vault.age")
	if err := os.MkdirAll(filepath.Dir(vaultPath), 0o700); err != nil {
		t.Fatal(err)
	}
	v, err := vault.Create(vaultPath, vault.ModePassphrase, vault.Options{Passphrase: func() ([]byte, error) { return pass, nil }, WorkFactor: 10})
	if err != nil {
		t.Fatal(err)
	}
	return v, vaultPath, passFile
}
