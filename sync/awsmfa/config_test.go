package awsmfa

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sparekey/sparekey/sync/practice"
)

// TestConnectStandardConfiguration reaches the practice account only through
// the standard AWS configuration: profiles with keys, endpoint_url, a
// services section, and the AWS_ENDPOINT_URL_IAM/_STS variables.
func TestConnectStandardConfiguration(t *testing.T) {
	e := startPractice(t)
	ctx := context.Background()
	admin := e.srv.AdminCredentials()
	bob, err := e.srv.UserCredentials("bob")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	configFile, credsFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	config := fmt.Sprintf(`[profile admin]
region = eu-west-1
endpoint_url = %[1]s

[profile bob]
services = practice-endpoints

[services practice-endpoints]
iam =
  endpoint_url = %[1]s
sts =
  endpoint_url = %[1]s

[profile env-endpoints]
region = us-east-1
`, e.endpoint)
	creds := fmt.Sprintf("[admin]\naws_access_key_id = %s\naws_secret_access_key = %s\n[bob]\naws_access_key_id = %s\naws_secret_access_key = %s\n[env-endpoints]\naws_access_key_id = %[1]s\naws_secret_access_key = %[2]s\n",
		admin.AccessKeyID, admin.SecretAccessKey, bob.AccessKeyID, bob.SecretAccessKey)
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credsFile, []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", configFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credsFile)
	for _, v := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(v, "")
	}

	tests := []struct {
		profile string
		env     map[string]string
		user    string
	}{
		{"admin", nil, practice.AdminUser},
		{"bob", nil, "bob"}, // no region anywhere: us-east-1, as IAM is global
		{"env-endpoints", map[string]string{"AWS_ENDPOINT_URL_IAM": e.endpoint, "AWS_ENDPOINT_URL_STS": e.endpoint}, practice.AdminUser},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := Connect(ctx, Options{Profile: tt.profile, MaxAttempts: 2, MaxBackoff: 10 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if c.Label() != tt.profile {
				t.Errorf("label = %q", c.Label())
			}
			id, err := c.WhoAmI(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if id.UserName != tt.user {
				t.Fatalf("whoami = %+v", id)
			}
			// IAM goes to the same endpoint as STS.
			if _, err := c.UserDevices(ctx, "", nil); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("unknown profile", func(t *testing.T) {
		_, err := Connect(ctx, Options{Profile: "nope"})
		if !errors.Is(err, ErrCredentials) || GuidanceOf(err) == "" {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestConnectWithoutCredentials(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, v := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"} {
		t.Setenv(v, "")
	}
	c, err := Connect(context.Background(), Options{EndpointURL: "http://127.0.0.1:1", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.WhoAmI(context.Background())
	if !errors.Is(err, ErrCredentials) || GuidanceOf(err) == "" {
		t.Fatalf("err = %v (%q)", err, GuidanceOf(err))
	}
}

func TestPracticeAudit(t *testing.T) {
	e := startPractice(t)
	ctx := context.Background()
	admin := e.admin(t)
	if _, err := e.srv.EnableRootDevice(practice.RootDeviceName); err != nil {
		t.Fatal(err)
	}
	backedUp := time.Now().Add(-time.Minute) // the vault stamps accounts with the real clock
	for _, u := range []string{"bob", "alice"} {
		if _, err := admin.Enroll(ctx, e.v, EnrollRequest{UserName: u}); err != nil {
			t.Fatal(err)
		}
	}
	var last int
	rep, err := admin.Audit(ctx, AuditOptions{Vault: e.v, LastBackup: backedUp, PollInterval: time.Millisecond, Progress: func(stage string, done, total int) {
		if stage == "devices" {
			if done < last {
				t.Errorf("progress went back: %d after %d", done, last)
			}
			last = done
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.RootMFA || len(rep.StaleSeeds) != 2 || rep.HeldDevices != 2 || last != len(rep.Users) {
		t.Fatalf("report = %+v", rep)
	}
	// alice: phone + Sparekey; bob: Sparekey only; practice-admin: none.
	if len(rep.SingleDevice) != 1 || rep.SingleDevice[0] != "bob" || len(rep.WithoutMFA) != 1 {
		t.Fatalf("single %v without %v", rep.SingleDevice, rep.WithoutMFA)
	}
	devs, err := admin.AllDevices(ctx, e.v, nil)
	if err != nil {
		t.Fatal(err)
	}
	roots := 0
	for _, d := range devs {
		if d.Root {
			roots++
		}
	}
	if roots != 1 {
		t.Fatalf("root devices in %+v", devs)
	}
}
