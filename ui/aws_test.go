package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
)

// newAWSHarness is a UI over an app with the real clock (the practice
// account checks request times) and no AWS configuration, so the AWS
// window starts on the practice account. Calls run in place, as in the
// other UI tests: under the test driver fyne.Do runs on the caller's
// goroutine, so a real goroutine would race with the test reading the
// widgets. Tests still wait for results the way they would for a
// goroutine.
func newAWSHarness(t *testing.T) (*UI, *app.App, *atomic.Int64) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(v, "")
	}
	fa := test.NewTempApp(t)
	dir := t.TempDir()
	paths := app.PathsUnder(dir)
	// skew moves the app's clock (and the practice account's) ahead, so a
	// resync need not wait for codes that enrollment used to go stale.
	skew := new(atomic.Int64)
	now := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	core := app.New(app.Options{Paths: paths, Keyring: &vault.MemoryKeyring{}, WorkFactor: 10, Now: now})
	if err := core.CreateVault(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(core.StopPractice)
	u := New(fa, core, Options{NoTicker: true, Background: func(f func()) { f() }})
	t.Cleanup(u.Window().Close)
	return u, core, skew
}

// waitText waits for a label under root to contain s.
func waitText(t *testing.T, w *awsWindow, root fyne.CanvasObject, s string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		found, running := false, true
		fyne.DoAndWait(func() { found, running = containsText(root, s), w.running })
		if found && !running {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	var status string
	fyne.DoAndWait(func() { status = w.status.Text })
	t.Fatalf("%q did not appear (status: %s)", s, status)
}

func TestAWSWindowPractice(t *testing.T) {
	u, core, skew := newAWSHarness(t)
	w := u.showAWS(tabWhoAmI)
	t.Cleanup(w.win.Close)
	if w.kind.Selected != connPractice || !w.connection().Practice {
		t.Fatalf("without AWS configuration the window connects to %q, want the practice account", w.kind.Selected)
	}
	if !containsText(w.win.Content(), "Practice account — a local look-alike of IAM") {
		t.Error("the practice account is not labelled")
	}

	test.Tap(findButton(t, w.win.Content(), "Who am I"))
	waitText(t, w, w.whoami, "ARN: arn:aws:iam::")
	if !strings.Contains(w.status.Text, "on the practice account (as practice-admin)") {
		t.Errorf("status = %q", w.status.Text)
	}
	if !strings.Contains(w.whoami.Text, "User: practice-admin") || !strings.Contains(w.whoami.Text, "Carries MFA:") {
		t.Errorf("who am I = %q", w.whoami.Text)
	}

	w.tabs.SelectIndex(int(tabDevices))
	w.allUsers.SetChecked(true)
	test.Tap(findButton(t, w.win.Content(), "List devices"))
	waitText(t, w, w.devices, "alice")
	if !containsText(w.devices, "Seed held by Sparekey") || !containsText(w.devices, "virtual") {
		t.Error("the device table has no header or type")
	}

	// Enroll Sparekey for bob (who has no MFA), as the administrator.
	w.tabs.SelectIndex(int(tabEnroll))
	w.enrollUser.SetText("bob")
	fyne.DoAndWait(func() { w.enroll("bob") })
	waitText(t, w, w.enrollResult, "Enrolled arn:aws:iam::")
	v, err := core.Vault()
	if err != nil {
		t.Fatal(err)
	}
	var held *vault.Account
	for _, a := range v.Accounts() {
		if a.AWS != nil && a.AWS.UserName == "bob" {
			held = a
		}
	}
	if held == nil {
		t.Fatal("the enrolled seed is not in the vault")
	}
	walk(w.win.Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, held.Secret) {
			t.Error("the window shows the seed")
		}
	})

	// Resync the device just enrolled, once the codes enrollment used
	// are history.
	skew.Add(int64(2 * time.Minute))
	i := slices.IndexFunc(w.resyncPick.Options, func(s string) bool { return strings.HasSuffix(s, held.AWS.SerialNumber) })
	if i < 0 {
		t.Fatalf("resync choices %v lack the new device", w.resyncPick.Options)
	}
	w.resyncPick.SetSelectedIndex(i)
	test.Tap(findButton(t, w.win.Content(), "Resync"))
	waitText(t, w, w.resyncResult, "Resynced "+held.AWS.SerialNumber)

	w.tabs.SelectIndex(int(tabOrphans))
	test.Tap(findButton(t, w.win.Content(), "Find orphans"))
	waitText(t, w, w.orphanList, "No orphaned virtual devices")

	w.tabs.SelectIndex(int(tabAudit))
	test.Tap(findButton(t, w.win.Content(), "Audit the account"))
	waitText(t, w, w.auditScore, "Score: ")
	if !containsText(w.auditBody, "Summary") {
		t.Error("the audit shows no findings")
	}
	md := filepath.Join(t.TempDir(), "audit.md")
	f, err := os.Create(md)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.report.WriteMarkdown(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if b, _ := os.ReadFile(md); !strings.Contains(string(b), "**Score: ") {
		t.Errorf("the saved report has no score:\n%s", b)
	}
}

// An orphan left by an abandoned enrollment (made with the aws CLI, as a
// person would) is found and, after the confirmation, deleted.
func TestAWSWindowDeletesOrphans(t *testing.T) {
	awsCLI := testenv.Tool(t, "aws")
	u, core, _ := newAWSHarness(t)
	srv, endpoint, err := core.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	creds := srv.AdminCredentials()
	cmd := exec.Command(awsCLI, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "left-behind",
		"--bootstrap-method", "Base32StringSeed", "--outfile", filepath.Join(t.TempDir(), "seed.txt"),
		"--endpoint-url", endpoint, "--region", "us-east-1", "--output", "json")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") { // the harness blanks them; the CLI reads "" as a profile name
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("aws iam create-virtual-mfa-device: %v\n%s", err, out)
	}

	w := u.showAWS(tabOrphans)
	t.Cleanup(w.win.Close)
	if !w.deleteOrphans.Disabled() {
		t.Error("Delete is enabled before any orphan was found")
	}
	test.Tap(findButton(t, w.win.Content(), "Find orphans"))
	waitText(t, w, w.orphanList, "mfa/"+pathBreak+"left-behind") // shown breakable, see serialCell
	if w.deleteOrphans.Disabled() {
		t.Fatal("Delete stays disabled with an orphan listed")
	}
	test.Tap(w.deleteOrphans)
	confirm := w.win.Canvas().Overlays().Top()
	if confirm == nil || !containsText(confirm, "mfa/left-behind") {
		t.Fatal("no confirmation naming the orphan")
	}
	test.Tap(findButton(t, confirm, "Yes"))
	waitText(t, w, w.orphanList, "Deleted:")
	test.Tap(findButton(t, w.win.Content(), "Find orphans"))
	waitText(t, w, w.orphanList, "No orphaned virtual devices")
}

func TestAWSWindowErrorShown(t *testing.T) {
	u, _, _ := newAWSHarness(t)
	w := u.showAWS(tabWhoAmI)
	t.Cleanup(w.win.Close)
	w.practiceUser.Options = append(w.practiceUser.Options, "nobody-here")
	w.practiceUser.SetSelected("nobody-here")
	test.Tap(findButton(t, w.win.Content(), "Who am I"))
	waitText(t, w, w.win.Content(), "Who am I failed:")
}

func TestAWSProfileSections(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	os.WriteFile(cfg, []byte("[default]\nregion=eu-west-1\n[profile work]\n[sso-session corp]\n[ profile  lab ]\n"), 0o600)
	creds := filepath.Join(dir, "credentials")
	os.WriteFile(creds, []byte("[default]\n[ci]\n"), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("HOME", dir)
	if got, want := awsProfiles(), []string{"ci", "default", "lab", "work"}; !slices.Equal(got, want) {
		t.Errorf("profiles = %v, want %v", got, want)
	}
}
