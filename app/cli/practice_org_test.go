package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/sync/practice"
)

// TestPracticeServeOrganization runs `practice serve --accounts 3
// --root-access` and stages the organization drills through the CLI.
func TestPracticeServeOrganization(t *testing.T) {
	home := t.TempDir()
	t.Setenv("SPAREKEY_HOME", home)
	t.Setenv("SPAREKEY_PRACTICE_TOKEN", "")
	addr := testenv.FreeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut lockedBuffer
	done := make(chan int)
	go func() {
		done <- Run(&Env{In: strings.NewReader(""), Out: &out, Err: &errOut, ctx: ctx},
			[]string{"practice", "serve", "--addr", addr, "--accounts", "3", "--root-access", "--latency", "1ms"})
	}()
	defer func() {
		cancel()
		<-done
	}()
	endpoint := "http://" + addr
	accessPath, err := practice.AdminAccessPath(app.PathsUnder(home).Data, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	admin := &practice.AdminClient{Endpoint: endpoint}
	var info practice.Info
	deadline := time.Now().Add(10 * time.Second)
	for {
		if access, err := practice.ReadAdminAccess(accessPath); err == nil {
			admin.Token = access.Token
			if info, err = admin.Info(context.Background()); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("practice serve did not come up: %s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	o := info.Organization
	if o == nil || len(o.Members) != 3 || strings.Join(o.Features, ",") != "RootCredentialsManagement,RootSessions" {
		t.Fatalf("organization = %+v", o)
	}
	for _, want := range []string{"# Organization " + o.ID, "with 3 member accounts", "arn:aws:iam::" + o.Members[0].ID + ":role/OrganizationAccountAccessRole"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve output lacks %q:\n%s", want, out.String())
		}
	}

	run := func(args ...string) (string, string, int) {
		return runFreshPractice(append([]string{"practice", "--endpoint", endpoint}, args...)...)
	}
	if o, e, code := run("root-device", "--account", info.Organization.Members[1].ID, "root-phone"); code != 0 || strings.TrimSpace(o) != "arn:aws:iam::"+info.Organization.Members[1].ID+":mfa/root-phone" {
		t.Fatalf("root-device --account: %d %q %s", code, o, e)
	}
	memberOut, e, code := run("info", "--account", info.Organization.Members[0].ID)
	if code != 0 || !strings.Contains(memberOut, "# Sparekey practice account "+info.Organization.Members[0].ID) ||
		!strings.Contains(memberOut, "export AWS_ACCESS_KEY_ID=AKIA") || strings.Contains(memberOut, info.Users[practice.AdminUser].AccessKeyID) {
		t.Fatalf("info --account: %d %s %s", code, memberOut, e)
	}
	if _, e, code := run("info", "--account", "999999999999"); code != 1 || !strings.Contains(e, "no such practice account") {
		t.Fatalf("info --account unknown: %d %s", code, e)
	}
	if _, e, code := run("suspend", info.Organization.Members[2].ID); code != 0 {
		t.Fatalf("suspend: %d %s", code, e)
	}
	if _, e, code := run("suspend", "999999999999"); code != 1 || !strings.Contains(e, "no such practice account") {
		t.Fatalf("suspend unknown account: %d %s", code, e)
	}
	if _, e, code := run("latency", "0"); code != 0 {
		t.Fatalf("latency: %d %s", code, e)
	}
	if _, e, code := run("latency", "soon"); code != 2 {
		t.Fatalf("latency soon: %d %s", code, e)
	}
	if _, e, code := run("fault", "--op", "ListAccounts", "--fault", "access-denied"); code != 0 {
		t.Fatalf("fault access-denied: %d %s", code, e)
	}
	if _, _, code := runFreshPractice("practice", "serve", "--addr", "127.0.0.1:0", "--root-access"); code != 2 {
		t.Errorf("--root-access without --accounts: exit %d, want 2", code)
	}
}
