package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The CLI profiles tab lists the config file's profiles and sets one up
// against the practice account: the preview is the unified diff, and on
// Write the file gets the device and the credential_process line, with
// the old file kept beside it.
func TestAWSWindowSetsUpACLIProfile(t *testing.T) {
	u, core, _ := newAWSHarness(t)
	srv, endpoint, err := core.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	w := u.showAWS(tabEnroll)
	t.Cleanup(w.win.Close)
	fyne.DoAndWait(func() { w.enroll("alice") })
	waitText(t, w, w.enrollResult, "Enrolled arn:aws:iam::")

	alice, err := srv.UserCredentials("alice")
	if err != nil {
		t.Fatal(err)
	}
	home, _ := os.UserHomeDir()
	dir := filepath.Join(home, ".aws")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "config")
	original := fmt.Sprintf("# my profiles\n[profile base]\nregion = us-east-1\nendpoint_url = %s\n\n[profile other]\nregion = eu-west-1\n", endpoint)
	if err := os.WriteFile(config, []byte(original), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(creds, fmt.Appendf(nil, "[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n", alice.AccessKeyID, alice.SecretAccessKey), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)

	w.tabs.SelectIndex(int(tabAudit) + 1)
	test.Tap(findButton(t, w.win.Content(), "Reload"))
	v := w.cliProfiles
	if !containsText(v.list, "base") || !containsText(v.list, "other") || !containsText(v.list, "no MFA device") {
		t.Fatalf("the profiles are not listed: %q", labelTexts(v.list))
	}

	var setUp fyne.CanvasObject
	walk(v.list, func(o fyne.CanvasObject) {
		if setUp == nil && containsText(o, "base") && !containsText(o, "other") {
			setUp = o
		}
	})
	test.Tap(findButton(t, setUp, "Set up…"))
	waitText(t, w, w.win.Canvas().Overlays().Top(), "+credential_process")
	overlay := w.win.Canvas().Overlays().Top()
	if !containsText(overlay, "+mfa_serial = arn:aws:iam::") || !containsText(overlay, "+[profile base-mfa]") {
		t.Fatalf("the preview is not the diff: %q", labelTexts(overlay))
	}
	if b, _ := os.ReadFile(config); string(b) != original {
		t.Fatal("the preview wrote the file")
	}
	test.Tap(findButton(t, overlay, "Write"))

	b, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if !strings.HasPrefix(got, "# my profiles\n[profile base]\n") || !strings.Contains(got, "credential_process = sparekey aws credentials --profile base") || !strings.Contains(got, "mfa_serial = arn:aws:iam::") {
		t.Errorf("the config file after Write:\n%s", got)
	}
	backups, _ := filepath.Glob(config + ".bak-*")
	if len(backups) != 1 {
		t.Fatalf("backups: %v", backups)
	}
	if old, _ := os.ReadFile(backups[0]); string(old) != original {
		t.Errorf("the backup is not the old file:\n%s", old)
	}
	if !strings.Contains(w.status.Text, "The old file is kept as") {
		t.Errorf("status = %q", w.status.Text)
	}
	if !containsText(v.list, "credential_process: sparekey aws credentials --profile base") {
		t.Errorf("the list did not follow the change: %q", labelTexts(v.list))
	}
}
