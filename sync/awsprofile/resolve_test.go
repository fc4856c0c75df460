package awsprofile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

const testConfig = `[profile base]
region = us-east-1
mfa_serial = arn:aws:iam::111111111111:mfa/base-phone

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/alice
external_id = ext-1
role_session_name = alice-admin
duration_seconds = 1800

[profile deep]
role_arn = arn:aws:iam::333333333333:role/Deep
source_profile = admin

[profile self]
role_arn = arn:aws:iam::222222222222:role/Self
source_profile = self
aws_access_key_id = AKIASELFEXAMPLE00001
aws_secret_access_key = self-secret

[profile orphan]
role_arn = arn:aws:iam::222222222222:role/Orphan

[profile dangling]
role_arn = arn:aws:iam::222222222222:role/Dangling
source_profile = nowhere

[profile loop-a]
role_arn = arn:aws:iam::222222222222:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::222222222222:role/B
source_profile = loop-a

[profile ec2]
role_arn = arn:aws:iam::222222222222:role/Ec2
credential_source = Ec2InstanceMetadata

[profile sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Dev

[profile from-sso]
role_arn = arn:aws:iam::222222222222:role/FromSSO
source_profile = sso
`

const testCredentials = `[base]
aws_access_key_id = AKIABASEEXAMPLE00001
aws_secret_access_key = base-secret
`

func writeTestFiles(t *testing.T, cfg, creds string) Files {
	t.Helper()
	dir := t.TempDir()
	f := Files{Config: []string{filepath.Join(dir, "config")}, Credentials: []string{filepath.Join(dir, "credentials")}}
	if err := os.WriteFile(f.Config[0], []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.Credentials[0], []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestResolve(t *testing.T) {
	files := writeTestFiles(t, testConfig, testCredentials)
	ctx := context.Background()
	tests := []struct {
		profile string
		source  string
		roles   []string
		serial  string
		err     error
	}{
		{profile: "base", source: "base", serial: "arn:aws:iam::111111111111:mfa/base-phone"},
		{profile: "admin", source: "base", roles: []string{"admin"}, serial: "arn:aws:iam::111111111111:mfa/alice"},
		{profile: "deep", source: "base", roles: []string{"admin", "deep"}, serial: "arn:aws:iam::111111111111:mfa/alice"},
		{profile: "self", source: "self", roles: []string{"self"}},
		{profile: "orphan", err: ErrMissingSourceProfile},
		{profile: "dangling", err: ErrMissingSourceProfile},
		{profile: "loop-a", err: ErrProfileLoop},
		{profile: "ec2", err: ErrNoLongTermSource},
		{profile: "from-sso", err: ErrNoLongTermSource},
		{profile: "absent", err: ErrNoSuchProfile},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			ch, err := Resolve(ctx, tt.profile, files)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				t.Logf("message: %v", err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var roles []string
			for _, r := range ch.Roles {
				roles = append(roles, r.Profile)
			}
			if ch.Source != tt.source || !slices.Equal(roles, tt.roles) || ch.MFASerial != tt.serial || !ch.SourceKeys.HasKeys() {
				t.Fatalf("chain = source %q roles %v serial %q keys %v", ch.Source, roles, ch.MFASerial, ch.SourceKeys.HasKeys())
			}
		})
	}

	ch, err := Resolve(ctx, "admin", files)
	if err != nil {
		t.Fatal(err)
	}
	r := ch.Roles[0]
	if r.RoleARN != "arn:aws:iam::222222222222:role/Admin" || r.ExternalID != "ext-1" || r.SessionName != "alice-admin" || r.Duration != 30*time.Minute {
		t.Fatalf("role = %+v", r)
	}
	var pe *ProfileError
	_, err = Resolve(ctx, "dangling", files)
	if !errors.As(err, &pe) || pe.Missing != "nowhere" {
		t.Fatalf("dangling: %#v", err)
	}
	_, err = Resolve(ctx, "loop-a", files)
	if !errors.As(err, &pe) || !slices.Equal(pe.Path, []string{"loop-a", "loop-b", "loop-a"}) {
		t.Fatalf("loop path: %v", err)
	}
}

func TestWriteConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	old := []byte("[default]\nregion = x\n")
	if err := os.WriteFile(path, old, 0o640); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 9, 5, 7, 0, time.UTC)
	backup, err := WriteConfig(path, old, []byte("new\n"), now)
	if err != nil {
		t.Fatal(err)
	}
	if backup != path+".bak-20261128-090507" {
		t.Fatalf("backup = %s", backup)
	}
	for p, want := range map[string]string{path: "new\n", backup: string(old)} {
		data, err := os.ReadFile(p)
		st, _ := os.Stat(p)
		if err != nil || string(data) != want || st.Mode().Perm() != 0o640 {
			t.Fatalf("%s: %q %v %v", p, data, st.Mode(), err)
		}
	}
	// A second write in the same second keeps the first backup.
	if b2, err := WriteConfig(path, []byte("new\n"), []byte("newer\n"), now); err != nil || b2 == backup {
		t.Fatalf("second backup %s: %v", b2, err)
	}
	// The file changed since the preview: nothing is written.
	if _, err := WriteConfig(path, old, []byte("lost\n"), now); !errors.Is(err, ErrConfigChanged) {
		t.Fatalf("stale preview: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "newer\n" {
		t.Fatalf("stale preview overwrote the file: %q", data)
	}
	// A new file is private.
	fresh := filepath.Join(dir, "sub", "config")
	if b, err := WriteConfig(fresh, nil, []byte("x\n"), now); err != nil || b != "" {
		t.Fatalf("new file: %q %v", b, err)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o600 {
		t.Fatalf("new file mode %v", st.Mode())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if filepath.Ext(e.Name()) != "" && e.Name()[0] == '.' {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
