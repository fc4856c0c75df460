package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/sync/practice"
)

type lockedBuffer = testenv.Buffer

func TestPracticeServeAndDrills(t *testing.T) {
	home := t.TempDir()
	t.Setenv("SPAREKEY_HOME", home)
	t.Setenv("SPAREKEY_PRACTICE_TOKEN", "")
	addr := testenv.FreeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut lockedBuffer
	done := make(chan int)
	go func() {
		// No vault options at all: serve must not need one.
		done <- Run(&Env{In: strings.NewReader(""), Out: &out, Err: &errOut, ctx: ctx}, []string{"practice", "serve", "--addr", addr})
	}()
	endpoint := "http://" + addr
	accessPath, err := practice.AdminAccessPath(app.PathsUnder(home).Data, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	admin := &practice.AdminClient{Endpoint: endpoint}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if access, err := practice.ReadAdminAccess(accessPath); err == nil {
			admin.Token = access.Token
			if _, err := admin.Info(context.Background()); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("practice serve did not come up: %s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st, err := os.Stat(accessPath); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("access file %s: %v, %v; want mode 0600", accessPath, st.Mode(), err)
	}
	for _, want := range []string{"export AWS_ENDPOINT_URL=" + endpoint, "export AWS_ACCESS_KEY_ID=AKIA", "export AWS_SECRET_ACCESS_KEY=", "#   root   AKIA",
		"export SPAREKEY_PRACTICE_TOKEN=" + admin.Token + "\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("serve output lacks %q:\n%s", want, out.String())
		}
	}

	run := func(args ...string) (string, string, int) {
		var o, e bytes.Buffer
		code := Run(&Env{In: strings.NewReader(""), Out: &o, Err: &e}, append([]string{"practice", "--endpoint", endpoint}, args...))
		return o.String(), e.String(), code
	}
	ok := func(args ...string) string {
		t.Helper()
		o, e, code := run(args...)
		if code != 0 {
			t.Fatalf("practice %s: exit %d\n%s%s", strings.Join(args, " "), code, o, e)
		}
		return o
	}
	serial := "arn:aws:iam::123456789012:mfa/alice"
	if uri := ok("seed"); !strings.HasPrefix(uri, "otpauth://totp/alice@123456789012?secret=") {
		t.Errorf("seed = %q", uri)
	}
	ok("drift", serial, "4")
	ok("fault", "--op", "EnableMFADevice", "--fault", "timeout", "--count", "2")
	ok("fault", "--op", "EnableMFADevice", "--count", "0")
	ok("lose", serial)
	if _, e, code := run("seed", serial); code != 1 || !strings.Contains(e, "lost") {
		t.Errorf("seed of a lost device: exit %d, %s", code, e)
	}
	ok("reset", "--preset", "root-single-device")
	ok("seed", serial)
	if o := ok("root-device", "backup-key"); strings.TrimSpace(o) != "arn:aws:iam::123456789012:mfa/backup-key" {
		t.Errorf("root-device = %q", o)
	}
	if o := ok("info", "--json"); !strings.Contains(o, `"account_id": "123456789012"`) {
		t.Errorf("info --json = %s", o)
	}
	if o := ok("info"); !strings.Contains(o, "export SPAREKEY_PRACTICE_TOKEN="+admin.Token+"\n") {
		t.Errorf("info does not give the token to another shell:\n%s", o)
	}

	for _, bad := range [][]string{
		{"drift", serial, "many"},
		{"fault", "--fault", "meltdown"},
	} {
		if _, _, code := run(bad...); code != 2 {
			t.Errorf("practice %s: exit %d, want 2", strings.Join(bad, " "), code)
		}
	}
	if _, e, code := run("reset", "--preset", "nonsense"); code != 1 || !strings.Contains(e, "unknown practice preset") {
		t.Errorf("reset nonsense: exit %d, %s", code, e)
	}
	if _, e, code := run("drift", "arn:aws:iam::123456789012:mfa/none", "1"); code != 1 || !strings.Contains(e, "no such MFA device") {
		t.Errorf("drift of a missing device: exit %d, %s", code, e)
	}
	if _, _, code := runFreshPractice("practice", "serve", "--addr", "0.0.0.0:0"); code != 2 {
		t.Errorf("serve on a public address: exit %d, want 2", code)
	}

	// Without the right token the drill commands say where to get it.
	t.Setenv("SPAREKEY_PRACTICE_TOKEN", "not-the-token")
	if _, e, code := run("reset"); code != 1 || !strings.Contains(e, "refused the admin token") || !strings.Contains(e, "SPAREKEY_PRACTICE_TOKEN") {
		t.Errorf("reset with a wrong token: exit %d, %s", code, e)
	}
	t.Setenv("SPAREKEY_PRACTICE_TOKEN", admin.Token)
	ok("drift", serial, "0") // the printed token works from another SPAREKEY_HOME's shell
	t.Setenv("SPAREKEY_PRACTICE_TOKEN", "")
	other := "http://" + testenv.FreeAddr(t)
	if _, e, code := runFreshPractice("practice", "--endpoint", other, "info"); code != 1 || !strings.Contains(e, "sparekey practice serve") {
		t.Errorf("info where no server of ours runs: exit %d, %s", code, e)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on interrupt")
	}
	if _, _, code := run("info"); code != 1 {
		t.Error("drill command against a stopped server succeeded")
	}
	if _, err := os.Stat(accessPath); !os.IsNotExist(err) {
		t.Errorf("serve left its access file behind: %v", err)
	}
}

// runFreshPractice runs a command line in a fresh Env.
func runFreshPractice(args ...string) (string, string, int) {
	var o, e bytes.Buffer
	code := Run(&Env{In: strings.NewReader(""), Out: &o, Err: &e}, args)
	return o.String(), e.String(), code
}
