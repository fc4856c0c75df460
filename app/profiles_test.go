package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/awsprofile"
	"github.com/sparekey/sparekey/sync/practice"
	"github.com/sparekey/sparekey/vault"
)

// motoWithCounter starts moto_server behind a proxy that counts the STS
// and IAM actions passing through.
func motoWithCounter(t *testing.T) (moto, endpoint string, count func(string) int) {
	t.Helper()
	moto = testenv.StartMoto(t)
	u, _ := url.Parse(moto)
	proxy := httputil.NewSingleHostReverseProxy(u)
	var mu sync.Mutex
	counts := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil {
			mu.Lock()
			counts[form.Get("Action")]++
			mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return moto, srv.URL, func(action string) int { mu.Lock(); defer mu.Unlock(); return counts[action] }
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestAWSRoleSessions covers the role-profile faults against moto_server:
// one MFA session shared by role profiles, caches, transparent refresh of
// an expired session, a device Sparekey does not hold, a locked vault, a
// loop; and setup-profile's plan and write.
func TestAWSRoleSessions(t *testing.T) {
	moto, endpoint, count := motoWithCounter(t)
	ctx := context.Background()
	dir := t.TempDir()
	clock := &fakeClock{t: time.Now()}
	keyring := &vault.MemoryKeyring{}
	a := New(Options{Paths: PathsUnder(dir), Keyring: keyring, WorkFactor: 10, Now: clock.Now})
	if err := a.CreateVault(ctx, nil); err != nil {
		t.Fatal(err)
	}
	v, _ := a.Vault()

	adminCreds := aws.Credentials{AccessKeyID: "AKIAADMINEXAMPLE0001", SecretAccessKey: "moto-admin"}
	raw := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(moto),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return adminCreds, nil })})
	if _, err := raw.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	key, err := raw.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := awsmfa.Connect(ctx, awsmfa.Options{Label: "moto", EndpointURL: moto, Region: "us-east-1", PropagationDelay: -1,
		Credentials: &awsmfa.Credentials{AccessKeyID: adminCreds.AccessKeyID, SecretAccessKey: adminCreds.SecretAccessKey}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := admin.Enroll(ctx, v, awsmfa.EnrollRequest{UserName: "alice", DeviceName: "alice-phone"})
	if err != nil {
		t.Fatal(err)
	}
	serial := res.Device.SerialNumber

	configFile := filepath.Join(dir, "config")
	config := fmt.Sprintf(`[profile base]
region = us-east-1
endpoint_url = %[1]s

[profile prod]
role_arn = arn:aws:iam::123456789012:role/Prod
source_profile = base
mfa_serial = %[2]s
endpoint_url = %[1]s

[profile dev]
role_arn = arn:aws:iam::123456789012:role/Dev
source_profile = base
endpoint_url = %[1]s

[profile stranger]
role_arn = arn:aws:iam::123456789012:role/Prod
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/someone-elses-phone

[profile loop-a]
role_arn = arn:aws:iam::123456789012:role/Prod
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::123456789012:role/Prod
source_profile = loop-a
`, endpoint, serial)
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	credsFile := filepath.Join(dir, "credentials")
	if err := os.WriteFile(credsFile, fmt.Appendf(nil, "[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n", aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", configFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credsFile)
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
	}

	session := func(profile string) (*awsmfa.Session, error) {
		t.Helper()
		conn := AWSConnection{Profile: profile}
		ch, err := a.AWSRoleChain(ctx, conn)
		if err != nil {
			return nil, err
		}
		if ch == nil {
			t.Fatalf("%s is not a role profile", profile)
		}
		return a.AWSRoleSession(ctx, conn, ch)
	}

	// The plain path reads mfa_serial from the same files as the aws CLI.
	if got := profileMFASerial(ctx, AWSConnection{Profile: "prod"}); got != serial {
		t.Fatalf("profileMFASerial ignored AWS_CONFIG_FILE: %q", got)
	}

	// A plain profile is not a role profile; a loop is a config fault.
	if ch, err := a.AWSRoleChain(ctx, AWSConnection{Profile: "base"}); ch != nil || err != nil {
		t.Fatalf("base: %v %v", ch, err)
	}
	if _, err := a.AWSRoleChain(ctx, AWSConnection{Profile: "loop-a"}); !errors.Is(err, awsprofile.ErrProfileLoop) {
		t.Fatalf("loop: %v", err)
	}

	// A device Sparekey does not hold: no code, nothing cached, and the
	// remedy is to enroll (or import).
	_, err = session("stranger")
	if !errors.Is(err, awsmfa.ErrNoHeldDevice) || Remedy(err) != vault.RemedyEnroll || !strings.Contains(Explain(err), "import") {
		t.Fatalf("stranger: %v (%s)", err, Explain(err))
	}
	if count("GetSessionToken") != 0 || count("AssumeRole") != 0 {
		t.Fatal("a profile whose device is not held reached STS")
	}
	if _, ok := a.sessionCache().Get("base"); ok {
		t.Fatal("a failed profile left a session in the cache")
	}

	// Two role profiles, one code.
	prod, err := session("prod")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := session("dev"); err != nil {
		t.Fatal(err)
	}
	if again, err := session("prod"); err != nil || again.AccessKeyID != prod.AccessKeyID {
		t.Fatalf("prod again: %v", err)
	}
	if g, r := count("GetSessionToken"), count("AssumeRole"); g != 1 || r != 2 {
		t.Fatalf("GetSessionToken %d, AssumeRole %d; want 1 and 2", g, r)
	}

	// Without the vault, a cached MFA session still serves a role whose
	// own session is gone; a new MFA session needs the vault.
	locked := New(Options{Paths: PathsUnder(dir), Keyring: keyring, WorkFactor: 10, Now: clock.Now})
	locked.ForgetAWSRoleSession("prod")
	ch, _ := locked.AWSRoleChain(ctx, AWSConnection{Profile: "prod"})
	if _, err := locked.AWSRoleSession(ctx, AWSConnection{Profile: "prod"}, ch); err != nil {
		t.Fatalf("role from the cached MFA session without the vault: %v", err)
	}
	clock.Advance(13 * time.Hour) // both sessions have expired
	if _, err := locked.AWSRoleSession(ctx, AWSConnection{Profile: "prod"}, ch); !errors.Is(err, ErrLocked) {
		t.Fatalf("expired session without the vault: %v", err)
	}
	// With the vault, an expired session is renewed without fuss.
	if _, err := session("prod"); err != nil {
		t.Fatal(err)
	}
	if g := count("GetSessionToken"); g != 2 {
		t.Fatalf("GetSessionToken %d after expiry, want 2", g)
	}

	// setup-profile: the profile itself cannot be the one written; dev
	// gets mfa_serial from ListMFADevices; a second run changes nothing.
	if _, err := a.PlanAWSProfileSetup(ctx, AWSConnection{}, ProfileSetupRequest{Profile: "dev", As: "base"}); !errors.Is(err, ErrInvalidProfileName) {
		t.Fatalf("--as base: %v", err)
	}
	plan, err := a.PlanAWSProfileSetup(ctx, AWSConnection{}, ProfileSetupRequest{Profile: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	if plan.MFASerial != serial || plan.MFASerialFrom != "ListMFADevices" || plan.As != "dev-mfa" || !strings.Contains(plan.Diff, "+credential_process = sparekey aws credentials --profile dev") {
		t.Fatalf("plan: %+v", plan)
	}
	backup, err := a.ApplyAWSProfileSetup(plan)
	if err != nil || backup == "" {
		t.Fatalf("apply: %q %v", backup, err)
	}
	if old, _ := os.ReadFile(backup); string(old) != config {
		t.Fatal("the backup is not the old file")
	}
	if again, err := a.PlanAWSProfileSetup(ctx, AWSConnection{}, ProfileSetupRequest{Profile: "dev"}); err != nil || again.Changed() || again.MFASerialFrom != "profile" {
		t.Fatalf("second plan: %+v %v", again, err)
	}
	// A stale preview is not written over a file changed since.
	stale, _ := a.PlanAWSProfileSetup(ctx, AWSConnection{}, ProfileSetupRequest{Profile: "prod"})
	f, _ := os.OpenFile(configFile, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("# edited meanwhile\n")
	f.Close()
	if _, err := a.ApplyAWSProfileSetup(stale); !errors.Is(err, awsprofile.ErrConfigChanged) {
		t.Fatalf("stale plan: %v", err)
	}
}

// TestAWSRoleSessionRevoked: a cached MFA session that AWS no longer
// accepts (revoked, or expired early) is replaced transparently, against
// the practice Organization, which checks every credential and code.
func TestAWSRoleSessionRevoked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv, err := practice.New(practice.Options{StatePath: filepath.Join(dir, "practice.json"), MemberAccounts: 1})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	roleARN, err := srv.PutRole(srv.MemberAccountIDs()[0], practice.RoleSpec{Name: "Admin", TrustedAccounts: []string{srv.AccountID()}, RequireMFA: true})
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Paths: PathsUnder(dir), Keyring: &vault.MemoryKeyring{}, WorkFactor: 10})
	if err := a.CreateVault(ctx, nil); err != nil {
		t.Fatal(err)
	}
	v, _ := a.Vault()
	keys := srv.AdminCredentials()
	admin, err := awsmfa.Connect(ctx, awsmfa.Options{EndpointURL: endpoint, Region: "us-east-1", Credentials: &awsmfa.Credentials{AccessKeyID: keys.AccessKeyID, SecretAccessKey: keys.SecretAccessKey}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := admin.Enroll(ctx, v, awsmfa.EnrollRequest{UserName: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	alice, err := srv.UserCredentials("alice")
	if err != nil {
		t.Fatal(err)
	}
	configFile, credsFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(configFile, fmt.Appendf(nil, "[profile base]\nendpoint_url = %[1]s\n\n[profile prod]\nrole_arn = %[2]s\nsource_profile = base\nmfa_serial = %[3]s\nendpoint_url = %[1]s\n", endpoint, roleARN, res.Device.SerialNumber), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credsFile, fmt.Appendf(nil, "[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n", alice.AccessKeyID, alice.SecretAccessKey), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", configFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credsFile)
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"} {
		t.Setenv(k, "")
	}

	revoked := &awsmfa.Session{AccessKeyID: "ASIAREVOKEDEXAMPLE01", SecretAccessKey: "gone", SessionToken: "gone", Expiration: time.Now().Add(6 * time.Hour)}
	if err := a.sessionCache().Put("base", revoked); err != nil {
		t.Fatal(err)
	}
	conn := AWSConnection{Profile: "prod"}
	ch, err := a.AWSRoleChain(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.AWSRoleSession(ctx, conn, ch)
	if err != nil {
		t.Fatalf("a revoked cached session was not replaced: %v", err)
	}
	if fresh, ok := a.sessionCache().Get("base"); !ok || fresh.AccessKeyID == revoked.AccessKeyID {
		t.Fatal("the revoked session is still cached")
	}
	c, err := awsmfa.Connect(ctx, awsmfa.Options{EndpointURL: endpoint, Region: "us-east-1", Credentials: &awsmfa.Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.WhoAmI(ctx)
	if err != nil || !strings.Contains(id.Arn, ":assumed-role/Admin/") {
		t.Fatalf("role session identity: %+v %v", id, err)
	}
}
