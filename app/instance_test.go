package app

import (
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/sparekey/sparekey/vault"
)

func TestInstanceChannel(t *testing.T) {
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
	// Another vault has its own channel, and nothing runs there.
	other := New(Options{Paths: corePaths(t)})
	if other.instanceChannel().String() == a.instanceChannel().String() {
		t.Error("two vaults share a channel")
	}
	if err := other.SendInstance(InstanceShow); !errors.Is(err, ErrNotRunning) {
		t.Errorf("the other vault's channel reached the first window: %v", err)
	}
	stop()
	if err := a.SendInstance(InstanceShow); !errors.Is(err, ErrNotRunning) {
		t.Errorf("after stop: %v", err)
	}
	// The channel can be claimed again after a clean stop.
	stop, err = a.ListenInstance(func(string) {})
	if err != nil {
		t.Fatalf("listening again after stop: %v", err)
	}
	stop()
}
