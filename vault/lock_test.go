package vault

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

const lockHolderEnv = "SPAREKEY_TEST_HOLD_LOCK"

// holdLockInChild starts a process that takes the vault's lock and keeps
// it until killed.
func holdLockInChild(t *testing.T, vaultPath string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldLockChild$")
	cmd.Env = append(os.Environ(), lockHolderEnv+"="+vaultPath)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("the child did not take the lock: %q", line)
	}
	return cmd
}

// TestHoldLockChild holds a vault's lock for TestLockHolder.
func TestHoldLockChild(t *testing.T) {
	path := os.Getenv(lockHolderEnv)
	if path == "" {
		return
	}
	if _, err := acquireLock(path, time.Second); err != nil {
		t.Fatal(err)
	}
	fmt.Println("locked")
	time.Sleep(time.Hour)
}

// TestLockHolder: a change that cannot have the lock in time fails with a
// message naming the process that holds it, changes nothing, and works
// at once after that process dies, even by SIGKILL.
func TestLockHolder(t *testing.T) {
	v, path := newFileVault(t, sampleAccounts(t, 2)...)
	before, _ := os.ReadFile(path)
	holder := holdLockInChild(t, path)
	v.store.lockTimeout = 300 * time.Millisecond

	err := v.Add(mustAccount(t, Account{Name: "late", Secret: "GEZDGNBVGY3TQOJQ"}))
	var locked *LockedError
	if !errors.As(err, &locked) || !errors.Is(err, ErrBusy) {
		t.Fatalf("a change while another process holds the lock: %v", err)
	}
	if runtime.GOOS == "linux" && !strings.Contains(locked.Holder, fmt.Sprintf("pid %d", holder.Process.Pid)) {
		t.Errorf("the message does not name the holder (pid %d): %v", holder.Process.Pid, err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) || v.Len() != 2 {
		t.Errorf("a refused change changed the vault")
	}

	holder.Process.Kill()
	holder.Wait()
	if err := v.Add(mustAccount(t, Account{Name: "after", Secret: "GEZDGNBVGY3TQOJQ"})); err != nil {
		t.Fatalf("the lock of a killed process still blocks: %v", err)
	}
}
