package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/vault"
)

func corePaths(t *testing.T) Paths {
	root := t.TempDir()
	return PathsUnder(root)
}

func corePass(s string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(s), nil }
}

// coreApp is an App on a fresh keyring-mode vault (in-memory keyring) with
// a fixed clock at RFC 6238's test time 59.
func coreApp(t *testing.T) *App {
	t.Helper()
	a := New(Options{Paths: corePaths(t), Keyring: &vault.MemoryKeyring{}, WorkFactor: 10, Now: func() time.Time { return time.Unix(59, 0) }})
	if err := a.CreateVault(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestVaultLifecycle(t *testing.T) {
	kr := &vault.MemoryKeyring{}
	a := New(Options{Paths: corePaths(t), Keyring: kr, WorkFactor: 10})
	if s, _ := a.State(); s != StateMissing {
		t.Fatalf("state of a new install = %v", s)
	}
	if _, err := a.Vault(); !errors.Is(err, ErrLocked) {
		t.Errorf("Vault() before creation: %v", err)
	}
	var changes, locks atomic.Int32
	a.OnChange(func() { changes.Add(1) })
	a.OnLock(func() { locks.Add(1) })
	if err := a.CreateVault(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if s, m := a.State(); s != StateUnlocked || m != vault.ModeKeyring {
		t.Errorf("after create: %v %v", s, m)
	}
	if _, err := a.AddURI("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP"); err != nil {
		t.Fatal(err)
	}
	if changes.Load() != 2 {
		t.Errorf("OnChange ran %d times, want 2 (create, add)", changes.Load())
	}
	a.Lock()
	a.Lock() // twice is harmless
	if locks.Load() != 1 {
		t.Errorf("OnLock ran %d times", locks.Load())
	}
	if s, _ := a.State(); s != StateLocked {
		t.Errorf("after lock: %v", s)
	}
	if _, err := a.Accounts(); !errors.Is(err, ErrLocked) {
		t.Errorf("Accounts while locked: %v", err)
	}
	if err := a.Unlock(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if accts, _ := a.Accounts(); len(accts) != 1 {
		t.Errorf("after unlock: %d accounts", len(accts))
	}
	if err := a.Unlock(context.Background(), nil); err != nil {
		t.Errorf("Unlock of an unlocked app: %v", err)
	}
	// A second vault here is refused.
	if err := New(Options{Paths: a.Paths(), Keyring: kr}).CreateVault(context.Background(), nil); !errors.Is(err, vault.ErrVaultExists) {
		t.Errorf("CreateVault over a vault: %v", err)
	}
}

// TestCreateVaultFallsBackToPassphrase is what the first-run screen does: try
// the keyring, and when it cannot be used, explain and ask for a passphrase.
func TestCreateVaultFallsBackToPassphrase(t *testing.T) {
	paths := corePaths(t)
	a := New(Options{Paths: paths, Keyring: vault.UnavailableKeyring{Reason: errors.New("no D-Bus session")}, WorkFactor: 10})
	err := a.CreateVault(context.Background(), nil)
	if !errors.Is(err, vault.ErrKeyringUnavailable) {
		t.Fatalf("CreateVault without a keyring: %v", err)
	}
	if msg := Explain(err); !strings.Contains(msg, "no D-Bus session") || !strings.Contains(msg, "passphrase") {
		t.Errorf("Explain = %q", msg)
	}
	if s, _ := a.State(); s != StateMissing {
		t.Errorf("a refused create left state %v", s)
	}
	if err := a.CreateVault(context.Background(), corePass("fallback")); err != nil {
		t.Fatal(err)
	}
	a.Lock()
	if err := a.Unlock(context.Background(), corePass("wrong")); !errors.Is(err, vault.ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if err := a.Unlock(context.Background(), corePass("fallback")); err != nil {
		t.Fatal(err)
	}
	if _, m := a.State(); m != vault.ModePassphrase {
		t.Errorf("mode = %v", m)
	}
}

type stuckKeyring struct{ release chan struct{} }

func (s stuckKeyring) Get(string) (string, error) { <-s.release; return "", nil }
func (s stuckKeyring) Set(string, string) error   { <-s.release; return nil }
func (s stuckKeyring) Delete(string) error        { <-s.release; return nil }

// TestStuckKeyring: a keyring waiting on an unseen unlock prompt must not
// hang the app; the bounded keyring gives up and Explain says what to do.
func TestStuckKeyring(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	kr := vault.BoundedKeyring{Keyring: stuckKeyring{release}, Timeout: 200 * time.Millisecond}
	a := New(Options{Paths: corePaths(t), Keyring: kr, WorkFactor: 10})
	err := a.CreateVault(context.Background(), nil)
	if !errors.Is(err, vault.ErrKeyringTimeout) {
		t.Fatalf("CreateVault on a stuck keyring: %v", err)
	}
	if msg := Explain(err); !strings.Contains(msg, "did not answer in time") {
		t.Errorf("Explain = %q", msg)
	}
	// Even an unbounded stuck keyring can be abandoned through the context.
	b := New(Options{Paths: corePaths(t), Keyring: stuckKeyring{release}})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := b.CreateVault(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("CreateVault with an expired context: %v", err)
	}
}

// The no-bus case runs in a child process: godbus remembers the first
// session bus it connects to, so the environment must be set from the start.
const noBusEnv = "SPAREKEY_TEST_APP_NO_BUS"

func TestCreateVaultWithoutSessionBus(t *testing.T) {
	tmp := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS":
			continue
		}
		env = append(env, kv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCreateVaultWithoutSessionBusChild$", "-test.v")
	cmd.Env = append(env, noBusEnv+"="+tmp, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(tmp, "no-such-bus"))
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "child: ok") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func TestCreateVaultWithoutSessionBusChild(t *testing.T) {
	dir := os.Getenv(noBusEnv)
	if dir == "" {
		return
	}
	paths := PathsUnder(dir)
	a := New(Options{Paths: paths, WorkFactor: 10}) // the real OS keyring
	err := a.CreateVault(context.Background(), nil)
	if !errors.Is(err, vault.ErrKeyringUnavailable) || errors.Is(err, vault.ErrKeyringTimeout) {
		t.Fatalf("CreateVault with no session bus: %v", err)
	}
	if _, err := os.Stat(paths.Vault); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a vault file was written: %v", err)
	}
	if err := a.CreateVault(context.Background(), corePass("fallback")); err != nil {
		t.Fatalf("passphrase fallback: %v", err)
	}
	t.Log("child: ok")
}

func TestExplain(t *testing.T) {
	secret := "JBSWY3DPEHPK3PXPJBSW"
	_, uriErr := vault.ParseURI("otpauth://totp/a?secret=" + secret + "1")
	_, ambErr := vault.NewMemory(
		&vault.Account{ID: "1", Issuer: "GitHub", Name: "a", Secret: "GE", Kind: vault.KindTOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30},
		&vault.Account{ID: "2", Issuer: "GitHub", Name: "b", Secret: "GI", Kind: vault.KindTOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30},
	).Find("git")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{vault.ErrMigrationURI, "Import it"},
		{uriErr, "secret"},
		{ambErr, "GitHub (a), GitHub (b)"},
		{vault.ErrWrongPassphrase, "Wrong passphrase"},
		{vault.ErrNoPassphrase, "none was given"},
		{vault.UnavailableKeyring{Reason: errors.New("no bus")}.Set("a", "b"), "(no bus)"},
		{vault.UnavailableKeyring{}.Set("a", "b"), "no keyring service answered"},
		{vault.ErrKeyNotInKeyring, "import its key"},
		{&vault.NewerSchemaError{Found: 3, Supported: 1}, "update Sparekey"},
		{vault.ErrCorrupt, "from a backup"}, // .prev only when it can help: TestDamagedVaultPreviousHint
		{fmt.Errorf("%w: payload chunk failed", vault.ErrCorrupt), "damaged or incomplete: payload chunk failed"},
		{vault.ErrVaultNotFound, "Create one"},
		{&vault.SaveError{Path: "/x/vault.age", Err: syscall.ENOSPC}, "disk is full"},
		{vault.ErrDuplicate, "Nothing was added"},
		{vault.ErrNoSuchAccount, "No "},
		{ErrLocked, "Unlock it first"},
		{errors.New("something else"), "something else"},
	} {
		got := Explain(tc.err)
		if !strings.Contains(got, tc.want) || (tc.err != nil && got == "") {
			t.Errorf("Explain(%v) = %q, want it to mention %q", tc.err, got, tc.want)
		}
		if strings.Contains(got, secret) {
			t.Errorf("Explain(%v) leaks a secret: %q", tc.err, got)
		}
		// Commands are the command line's to print (a remedy), never
		// part of a sentence a desktop user reads.
		if strings.Contains(got, "sparekey ") {
			t.Errorf("Explain(%v) = %q names a command", tc.err, got)
		}
	}
}

func TestRemedy(t *testing.T) {
	_, uriErr := vault.ParseURI("https://example.com/login")
	for _, tc := range []struct {
		err  error
		want vault.Remedy
	}{
		{nil, vault.RemedyNone},
		{vault.ErrMigrationURI, vault.RemedyImport},
		{fmt.Errorf("add: %w", vault.ErrMigrationURI), vault.RemedyImport},
		{uriErr, vault.RemedyEnterSecret},
		{vault.ErrKeyNotInKeyring, vault.RemedyImportKey},
		{vault.ErrVaultNotFound, vault.RemedyCreateVault},
		{fmt.Errorf("code: %w", vault.ErrNoSuchAccount), vault.RemedyListAccounts},
		{vault.ErrWrongPassphrase, vault.RemedyNone},
		{&awsmfa.Error{Op: "EnableMFADevice", Kind: awsmfa.ErrInvalidCode, Fix: vault.RemedyResync}, vault.RemedyResync},
	} {
		if got := Remedy(tc.err); got != tc.want {
			t.Errorf("Remedy(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	if !errors.Is(mustErr(vault.ParseURI("https://example.com")), vault.ErrInvalidURI) {
		t.Error("the remedy hides ErrInvalidURI from errors.Is")
	}
}

func mustErr(_ any, err error) error { return err }

func TestDefaultPaths(t *testing.T) {
	home := t.TempDir()
	t.Setenv("SPAREKEY_HOME", home)
	t.Setenv("SPAREKEY_VAULT", "")
	p, err := DefaultPaths()
	if err != nil {
		t.Fatal(err)
	}
	if p.Config != filepath.Join(home, "config") || p.Data != filepath.Join(home, "data") || p.Vault != filepath.Join(home, "data", "vault.age") {
		t.Errorf("SPAREKEY_HOME paths: %+v", p)
	}
	t.Setenv("SPAREKEY_VAULT", "/elsewhere/v.age")
	if p, _ := DefaultPaths(); p.Vault != "/elsewhere/v.age" {
		t.Errorf("SPAREKEY_VAULT: %+v", p)
	}
	t.Setenv("SPAREKEY_HOME", "")
	t.Setenv("SPAREKEY_VAULT", "")
	t.Setenv("XDG_DATA_HOME", filepath.Join(home, "xdg"))
	if p, _ := DefaultPaths(); p.Vault != filepath.Join(home, "xdg", "sparekey", "vault.age") {
		t.Errorf("XDG_DATA_HOME: %+v", p)
	}
}
