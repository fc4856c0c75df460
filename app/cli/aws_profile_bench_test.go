package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/awsprofile"
	"github.com/sparekey/sparekey/vault"
)

// BenchmarkAWSCredentialsProfiles compares the credential_process hot path
// of a role profile (config resolved, role session from the keyring) with
// that of a plain profile (config resolved, MFA session from the keyring).
// Neither opens the vault or calls AWS. The target: role within 2× of plain.
func BenchmarkAWSCredentialsProfiles(b *testing.B) {
	dir := b.TempDir()
	configFile, credsFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	config := "[profile base]\nregion = us-east-1\n\n[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/Prod\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
	if err := os.WriteFile(configFile, []byte(config), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(credsFile, []byte("[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	b.Setenv("AWS_CONFIG_FILE", configFile)
	b.Setenv("AWS_SHARED_CREDENTIALS_FILE", credsFile)
	b.Setenv("AWS_PROFILE", "")

	kr := &vault.MemoryKeyring{}
	expires := time.Now().Add(time.Hour)
	if err := (awsmfa.SessionCache{Keyring: kr}).Put("base", &awsmfa.Session{AccessKeyID: "ASIABASE", SecretAccessKey: "s", SessionToken: "t", Expiration: expires}); err != nil {
		b.Fatal(err)
	}
	ch, err := awsprofile.Resolve(context.Background(), "prod", awsprofile.DefaultFiles())
	if err != nil {
		b.Fatal(err)
	}
	if err := (awsprofile.RoleCache{Keyring: kr}).Put(ch, awsprofile.Credentials{AccessKeyID: "ASIAROLE", SecretAccessKey: "s", SessionToken: "t", Expiration: expires}); err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	e := &Env{In: strings.NewReader(""), Out: &out, Err: &out, appOpts: &app.Options{Paths: app.PathsUnder(dir), Keyring: kr}}
	for _, bc := range []struct{ name, profile, key string }{{"plain", "base", "ASIABASE"}, {"role", "prod", "ASIAROLE"}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				out.Reset()
				if code := Run(e, []string{"aws", "credentials", "--profile", bc.profile}); code != 0 || !strings.Contains(out.String(), bc.key) {
					b.Fatalf("exit %d: %s", code, out.String())
				}
			}
		})
	}
}
