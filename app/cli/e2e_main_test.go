package cli

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
)

// The end-to-end tests run the real sparekey binary, built once per test
// run (lazily: in-process tests do not pay for it).
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// sparekeyBinary returns the path of the freshly built binary.
func sparekeyBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sparekey-e2e-")
		if err != nil {
			binErr = err.Error()
			return
		}
		binDir = dir
		p := filepath.Join(dir, "sparekey")
		cmd := exec.Command("go", "build", "-tags", testenv.BuildTags(), "-o", p, ".")
		cmd.Dir = testenv.RepoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = "go build: " + err.Error() + "\n" + string(out)
			return
		}
		binPath = p
	})
	if binPath == "" {
		t.Fatalf("cannot build sparekey: %s", binErr)
	}
	return binPath
}

// cleanEnv is the environment minus everything that could point a run at
// the developer's own vault, keyring or display.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "SPAREKEY_") && k != "SPAREKEY_REQUIRE_PEERS" && k != "SPAREKEY_INTEROP_DIR":
			continue
		case k == "HOME", k == "XDG_RUNTIME_DIR", k == "XDG_DATA_HOME", k == "XDG_CONFIG_HOME",
			k == "DISPLAY", k == "WAYLAND_DISPLAY", k == "DBUS_SESSION_BUS_ADDRESS", k == "GNOME_KEYRING_CONTROL":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// privateSecretService starts a D-Bus session bus and an unlocked
// gnome-keyring of our own, with a private HOME, and returns the environment
// that reaches them. Both stop with the test.
func privateSecretService(t testing.TB) []string {
	t.Helper()
	dbusDaemon := testenv.Tool(t, "dbus-daemon")
	gkd := testenv.Tool(t, "gnome-keyring-daemon")
	dbusSend := testenv.Tool(t, "dbus-send")
	tmp := t.TempDir()
	home, run := filepath.Join(tmp, "home"), filepath.Join(tmp, "run")
	for _, d := range []string{filepath.Join(home, ".local", "share", "keyrings"), run} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	env := cleanEnv("HOME="+home, "XDG_RUNTIME_DIR="+run)

	bus := exec.Command(dbusDaemon, "--session", "--nofork", "--print-address=1")
	bus.Env = env
	out, err := bus.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Process.Kill(); bus.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	env = append(env, "DBUS_SESSION_BUS_ADDRESS="+strings.TrimSpace(addr))

	keyring := exec.Command(gkd, "--foreground", "--unlock", "--components=secrets")
	keyring.Env = env
	keyring.Stdin = strings.NewReader("pw")
	var logs bytes.Buffer
	keyring.Stdout, keyring.Stderr = &logs, &logs
	keyring.WaitDelay = 2 * time.Second
	if err := keyring.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keyring.Process.Kill(); keyring.Wait() })
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		check := exec.Command(dbusSend, "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
			"org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets")
		check.Env = env
		check.WaitDelay = 2 * time.Second
		if reply, _ := check.Output(); bytes.Contains(reply, []byte("boolean true")) {
			break
		}
		if time.Since(start) > 15*time.Second {
			t.Fatalf("gnome-keyring did not come up on the private bus:\n%s", logs.String())
		}
	}
	return env
}
