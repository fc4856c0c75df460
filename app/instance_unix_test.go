//go:build !windows

package app

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/sparekey/sparekey/vault"
)

func TestInstanceSocketIsPrivate(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	a := New(Options{Paths: corePaths(t), Keyring: &vault.MemoryKeyring{}})
	stop, err := a.ListenInstance(func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	path := a.instanceChannel().(unixSocket).path
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("socket: %v, %v", info, err)
	}
	if filepath.Dir(path) != os.Getenv("XDG_RUNTIME_DIR") {
		t.Errorf("socket outside the runtime dir: %s", path)
	}
}

func TestInstanceStaleSocket(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	a := New(Options{Paths: corePaths(t), Keyring: &vault.MemoryKeyring{}})
	path := a.instanceChannel().(unixSocket).path
	// A crashed run leaves its socket file behind with nobody listening.
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Stat(path); err != nil {
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
}
