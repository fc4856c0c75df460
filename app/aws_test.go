package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/vault"
)

func TestAWSConnectionLabel(t *testing.T) {
	t.Setenv("AWS_PROFILE", "")
	tests := []struct {
		conn AWSConnection
		want string
	}{
		{AWSConnection{}, "default"},
		{AWSConnection{Profile: "work"}, "work"},
		{AWSConnection{Practice: true}, "practice"},
		{AWSConnection{Practice: true, PracticeUser: "practice-admin"}, "practice"},
		{AWSConnection{Practice: true, PracticeUser: "bob"}, "practice:bob"},
	}
	for _, tt := range tests {
		if got := tt.conn.Label(); got != tt.want {
			t.Errorf("%+v: label %q, want %q", tt.conn, got, tt.want)
		}
	}
	t.Setenv("AWS_PROFILE", "envprofile")
	if got := (AWSConnection{}).Label(); got != "envprofile" {
		t.Errorf("AWS_PROFILE label = %q", got)
	}
}

func TestHaveAWSCredentials(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"} {
		t.Setenv(v, "")
	}
	if HaveAWSCredentials() {
		t.Fatal("credentials found in an empty home")
	}
	if err := os.MkdirAll(filepath.Join(dir, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".aws", "config"), []byte("[default]\nregion = eu-west-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !HaveAWSCredentials() {
		t.Fatal("~/.aws/config not noticed")
	}
}

func TestAWSPracticeSessionsAndResume(t *testing.T) {
	dir := t.TempDir()
	a := New(Options{Paths: PathsUnder(dir),
		Keyring: &vault.MemoryKeyring{}, WorkFactor: 10})
	t.Cleanup(a.StopPractice)
	ctx := context.Background()
	if err := a.CreateVault(ctx, nil); err != nil {
		t.Fatal(err)
	}
	admin := AWSConnection{Practice: true}
	saves := 0
	a.OnChange(func() { saves++ }) // what automatic backups hook into
	for _, user := range []string{"alice", "bob"} {
		if _, err := a.AWSEnroll(ctx, admin, awsmfa.EnrollRequest{UserName: user}); err != nil {
			t.Fatal(err)
		}
	}
	if saves == 0 {
		t.Fatal("enrolling did not notify the vault's change listeners")
	}
	devs, err := a.AWSUserDevices(ctx, admin, "bob")
	if err != nil || len(devs) != 1 || !devs[0].Held {
		t.Fatalf("bob's devices: %+v %v", devs, err)
	}
	sessions := map[string]*awsmfa.Session{}
	for _, user := range []string{"alice", "bob"} {
		conn := AWSConnection{Practice: true, PracticeUser: user}
		s, err := a.AWSSession(ctx, conn, false)
		if err != nil {
			t.Fatalf("%s: %v", user, err)
		}
		cached, ok := a.CachedAWSSession(conn)
		if !ok || cached.SessionToken != s.SessionToken {
			t.Fatalf("%s: session not cached", user)
		}
		sessions[user] = s
	}
	if sessions["alice"].SerialNumber == sessions["bob"].SerialNumber {
		t.Fatal("alice and bob share a device")
	}
	a.ForgetAWSSession(AWSConnection{Practice: true, PracticeUser: "bob"})
	if _, ok := a.CachedAWSSession(AWSConnection{Practice: true, PracticeUser: "bob"}); ok {
		t.Fatal("forgotten session still cached")
	}
	if res, err := a.ResumeAWSReplacement(ctx); res != nil || err != nil {
		t.Fatalf("resume with nothing pending: %+v %v", res, err)
	}
	if ExplainAWS(nil) != "" {
		t.Fatal("ExplainAWS(nil)")
	}
}
