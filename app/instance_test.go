package app

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sparekey/sparekey/vault"
)

func TestInstanceSocket(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	a := New(Options{Paths: corePaths(t), Keyring: &vault.MemoryKeyring{}})
	if err := a.SendInstance(InstanceLock); !errors.Is(err, ErrNotRunning) {
		t.Errorf("SendInstance with nothing running: %v", err)
	}
	var mu sync.Mutex
	var got []string
	stop, err := a.ListenInstance(func(cmd string) { mu.Lock(); got = append(got, cmd); mu.Unlock() })
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(a.socketPath()); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("socket: %v, %v", info, err)
	}
	for _, cmd := range []string{InstanceShow, InstanceLock} {
		if err := a.SendInstance(cmd); err != nil {
			t.Errorf("SendInstance(%s): %v", cmd, err)
		}
	}
	if err := a.SendInstance("rm -rf"); err == nil {
		t.Error("an unknown command was accepted")
	}
	// A second window for the same vault is refused (and raises the first).
	if _, err := a.ListenInstance(func(string) {}); !errors.Is(err, os.ErrExist) {
		t.Errorf("second ListenInstance: %v", err)
	}
	mu.Lock()
	if len(got) != 3 || got[0] != InstanceShow || got[1] != InstanceLock || got[2] != InstanceShow {
		t.Errorf("handled %q", got)
	}
	mu.Unlock()
	// Another vault has its own socket.
	other := New(Options{Paths: corePaths(t)})
	if other.socketPath() == a.socketPath() {
		t.Error("two vaults share a socket")
	}
	stop()
	if err := a.SendInstance(InstanceShow); !errors.Is(err, ErrNotRunning) {
		t.Errorf("after stop: %v", err)
	}
}

func TestInstanceStaleSocket(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	a := New(Options{Paths: corePaths(t), Keyring: &vault.MemoryKeyring{}})
	// A crashed run leaves its socket file behind with nobody listening.
	l, err := net.Listen("unix", a.socketPath())
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Stat(a.socketPath()); err != nil {
		t.Fatalf("no stale socket to test with: %v", err)
	}
	stop, err := a.ListenInstance(func(string) {})
	if err != nil {
		t.Fatalf("a stale socket blocked the start: %v", err)
	}
	defer stop()
	if err := a.SendInstance(InstanceShow); err != nil {
		t.Error(err)
	}
	if filepath.Dir(a.socketPath()) != os.Getenv("XDG_RUNTIME_DIR") {
		t.Errorf("socket outside the runtime dir: %s", a.socketPath())
	}
}
