package vault

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
)

func TestMemoryAndUnavailableKeyrings(t *testing.T) {
	k := &MemoryKeyring{}
	if _, err := k.Get("x"); !errors.Is(err, ErrKeyNotInKeyring) {
		t.Errorf("Get of nothing: %v", err)
	}
	if err := k.Delete("x"); !errors.Is(err, ErrKeyNotInKeyring) {
		t.Errorf("Delete of nothing: %v", err)
	}
	k.Set("x", "1")
	k.Set("x", "2")
	if s, err := k.Get("x"); s != "2" || err != nil {
		t.Errorf("Get = %q, %v", s, err)
	}
	if err := k.Delete("x"); err != nil {
		t.Error(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { k.Set(itoa(i), "v"); k.Get(itoa(i)) })
	}
	wg.Wait()

	why := errors.New("no D-Bus session")
	u := UnavailableKeyring{Reason: why}
	_, err := u.Get("x")
	for _, e := range []error{err, u.Set("x", "y"), u.Delete("x"), UnavailableKeyring{}.Set("x", "y")} {
		if !errors.Is(e, ErrKeyringUnavailable) {
			t.Errorf("%v is not ErrKeyringUnavailable", e)
		}
	}
	if !errors.Is(err, why) {
		t.Errorf("%v does not carry its reason", err)
	}
}

// blockingKeyring never answers, like gnome-keyring waiting on an unlock
// prompt nobody can see.
type blockingKeyring struct{ release chan struct{} }

func (b blockingKeyring) Get(string) (string, error) { <-b.release; return "", nil }
func (b blockingKeyring) Set(string, string) error   { <-b.release; return nil }
func (b blockingKeyring) Delete(string) error        { <-b.release; return nil }

func TestBoundedKeyring(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	k := BoundedKeyring{Keyring: blockingKeyring{release}, Timeout: 200 * time.Millisecond}
	start := time.Now()
	_, err := k.Get("x")
	if !errors.Is(err, ErrKeyringUnavailable) || !errors.Is(err, ErrKeyringTimeout) {
		t.Errorf("Get on a stuck keyring: %v", err)
	}
	for _, err := range []error{k.Set("x", "y"), k.Delete("x")} {
		if !errors.Is(err, ErrKeyringTimeout) {
			t.Errorf("call on a stuck keyring: %v", err)
		}
	}
	t.Logf("three calls gave up after %v", time.Since(start).Round(time.Millisecond))

	// Create gives up too, and leaves nothing behind for the passphrase fallback.
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "vault.age"), ModeKeyring, Options{Keyring: k}); !errors.Is(err, ErrKeyringTimeout) {
		t.Errorf("Create with a stuck keyring: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Create left %d files", len(entries))
	}

	// A keyring that answers passes its answers and errors through.
	mem := &MemoryKeyring{}
	fast := BoundedKeyring{Keyring: mem}
	if err := fast.Set("a", "b"); err != nil {
		t.Fatal(err)
	}
	if s, err := fast.Get("a"); s != "b" || err != nil {
		t.Errorf("Get = %q, %v", s, err)
	}
	if err := fast.Delete("missing"); !errors.Is(err, ErrKeyNotInKeyring) {
		t.Errorf("Delete of nothing: %v", err)
	}
}

// The Secret Service tests run the test binary again inside a private D-Bus
// session with its own gnome-keyring and HOME, so the user's keyring is
// never touched and nothing depends on the desktop session.
const secretServiceEnv = "SPAREKEY_TEST_SECRET_SERVICE"

// runInPrivateSession re-executes this test binary, running only test,
// with mode in secretServiceEnv. With keyring set, it gets its own session
// bus and an unlocked gnome-keyring; without, a bus address that leads
// nowhere. It returns the child's output.
func runInPrivateSession(t *testing.T, test, mode string, keyring bool) string {
	t.Helper()
	tmp := t.TempDir()
	home := filepath.Join(tmp, "home")
	run := filepath.Join(tmp, "run")
	for _, d := range []string{filepath.Join(home, ".local", "share", "keyrings"), run} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "HOME", "XDG_RUNTIME_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "XDG_RUNTIME_DIR="+run, secretServiceEnv+"="+mode, "TMPDIR="+tmp)
	args := []string{"-test.run=^" + test + "$", "-test.v"}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var cmd *exec.Cmd
	if keyring {
		dbus := testenv.Tool(t, "dbus-run-session")
		testenv.Tool(t, "gnome-keyring-daemon")
		// The daemon gets none of our pipes: should it outlive the session,
		// it must not keep CombinedOutput waiting.
		script := `echo pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"`
		cmd = exec.CommandContext(ctx, dbus, append([]string{"--", "sh", "-c", script, "sh", os.Args[0]}, args...)...)
	} else {
		env = append(env, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(tmp, "no-such-bus"))
		cmd = exec.CommandContext(ctx, os.Args[0], args...)
	}
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child test failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "child: ok") {
		t.Fatalf("the child did not run its checks:\n%s", out)
	}
	return string(out)
}

func TestSecretService(t *testing.T) {
	out := runInPrivateSession(t, "TestSecretServiceChild", "keyring", true)
	t.Log(strings.TrimSpace(out))
}

func TestSecretServiceChild(t *testing.T) {
	if os.Getenv(secretServiceEnv) != "keyring" {
		return // runs only inside TestSecretService's private session
	}
	k := SystemKeyring{Timeout: 10 * time.Second}
	name := "test:" + NewID()
	if _, err := k.Get(name); !errors.Is(err, ErrKeyNotInKeyring) {
		t.Fatalf("Get of a missing entry: %v", err)
	}
	const secret = "AGE-SECRET-KEY-1 not really, with spaces & ünïcode"
	if err := k.Set(name, secret); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if got, err := k.Get(name); err != nil || got != secret {
		t.Fatalf("Get = %q, %v", got, err)
	}
	// What we stored is what the desktop's own tools see.
	if tool, err := exec.LookPath("secret-tool"); err == nil {
		lookup := exec.Command(tool, "lookup", "service", KeyringService, "username", name)
		lookup.WaitDelay = 2 * time.Second
		out, err := lookup.Output()
		if err != nil || string(out) != secret {
			t.Errorf("secret-tool lookup = %q, %v", out, err)
		}
	}
	if err := k.Delete(name); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := k.Get(name); !errors.Is(err, ErrKeyNotInKeyring) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if err := k.Delete(name); !errors.Is(err, ErrKeyNotInKeyring) {
		t.Fatalf("second Delete: %v", err)
	}

	// A keyring-mode vault with the real OS keyring (Options.Keyring nil).
	path := filepath.Join(t.TempDir(), "vault.age")
	v, err := Create(path, ModeKeyring, Options{})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if err := v.Add(mustAccount(t, Account{Issuer: "Real", Name: "keyring", Secret: uriSecret})); err != nil {
		t.Fatal(err)
	}
	got, err := Open(path, Options{})
	if err != nil || got.Len() != 1 || got.Mode() != ModeKeyring {
		t.Fatalf("Open: %v, %v", got, err)
	}
	stored, err := k.Get(keyringName(path))
	if err != nil || stored != v.Identity().String() {
		t.Fatalf("the keyring does not hold the vault key: %v", err)
	}
	// Moving to a passphrase takes the key out of the keyring.
	if err := got.SetMode(ModePassphrase, Options{Passphrase: fixedPass("pw"), WorkFactor: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(keyringName(path)); !errors.Is(err, ErrKeyNotInKeyring) {
		t.Errorf("the key is still in the keyring: %v", err)
	}
	t.Log("child: ok")
}

func TestNoSessionBus(t *testing.T) {
	runInPrivateSession(t, "TestNoSessionBusChild", "nobus", false)
}

func TestNoSessionBusChild(t *testing.T) {
	if os.Getenv(secretServiceEnv) != "nobus" {
		return
	}
	k := SystemKeyring{Timeout: 10 * time.Second}
	start := time.Now()
	_, err := k.Get("anything")
	if !errors.Is(err, ErrKeyringUnavailable) || errors.Is(err, ErrKeyringTimeout) {
		t.Fatalf("Get with no bus: %v (want unavailable, not a timeout)", err)
	}
	t.Logf("no bus: %v after %v", err, time.Since(start).Round(time.Millisecond))
	if err := k.Set("anything", "x"); !errors.Is(err, ErrKeyringUnavailable) {
		t.Fatalf("Set with no bus: %v", err)
	}
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "vault.age"), ModeKeyring, Options{}); !errors.Is(err, ErrKeyringUnavailable) {
		t.Fatalf("Create with no bus: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("Create left %d files", len(entries))
	}
	t.Log("child: ok")
}
