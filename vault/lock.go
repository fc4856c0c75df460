package vault

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// One writer at a time. Every change to a vault is a read-modify-write done
// while holding an exclusive advisory lock on a file beside it
// (vault.age.lock), shared by every process that opens the vault: the window,
// the command line, an AWS chore or a restore. Inside the lock the vault file
// is read again if another process replaced it, so no one's change is
// overwritten, and an HOTP counter is never handed out twice.
//
// The lock belongs to an open file descriptor (flock on Unix, LockFileEx on
// Windows): the operating system releases it when the holder exits or
// crashes, so a lock is never left behind. The lock file itself stays, empty;
// it never changes, so a sync tool copies it once and never sees a conflict.

// LockPath is the file whose lock guards the vault at vaultPath.
func LockPath(vaultPath string) string { return vaultPath + ".lock" }

// DefaultLockTimeout is how long a change waits for another writer before it
// gives up with a *LockedError. Saves take milliseconds; a few seconds means
// the other process is stuck or paused.
const DefaultLockTimeout = 5 * time.Second

// ErrBusy is wrapped by LockedError, for callers that only test errors.Is.
var ErrBusy = errors.New("another program is changing the vault")

// LockedError says the vault's lock could not be had in time, and by whom
// where the operating system can tell.
type LockedError struct {
	Path   string
	Waited time.Duration
	// Holder describes the process holding the lock ("sparekey (pid 4242)"),
	// or "" where the system cannot tell.
	Holder string
}

func (e *LockedError) Error() string {
	who := "another program"
	if e.Holder != "" {
		who = e.Holder
	}
	return fmt.Sprintf("%s is being changed by %s; waited %s for it to finish", filepath.Base(e.Path), who, e.Waited.Round(100*time.Millisecond))
}

func (e *LockedError) Unwrap() error { return ErrBusy }

// vaultLock is one held lock; release lets it go.
type vaultLock struct{ f *os.File }

// acquireLock waits up to timeout for the exclusive lock of the vault at
// vaultPath. The wait is the kernel's (a blocking lock call), which wakes
// a waiter the moment the lock is free: polling would let a busy writer take
// the lock again and again ahead of the one waiting.
func acquireLock(vaultPath string, timeout time.Duration) (*vaultLock, error) {
	return lockAt(LockPath(vaultPath), vaultPath, timeout)
}

// lockAt locks the file path on behalf of guarded, the file the errors name.
func lockAt(path, guarded string, timeout time.Duration) (*vaultLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		// A lock needs no write access to the lock file, only the file; in
		// a read-only folder the save that follows says what is wrong.
		var rerr error
		if f, rerr = os.Open(path); rerr != nil {
			return nil, saveError(guarded, err)
		}
	}
	if ok, err := tryLock(f); err != nil || ok {
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot lock the vault: %w", err)
		}
		return &vaultLock{f: f}, nil
	}
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- waitLock(f) }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot lock the vault: %w", err)
		}
		return &vaultLock{f: f}, nil
	case <-timer.C:
		holder := lockHolder(f)
		// The blocked call cannot be taken back: when it returns, the lock
		// it got is let go at once.
		go func() {
			if err := <-done; err == nil {
				unlock(f)
			}
			f.Close()
		}()
		return nil, &LockedError{Path: guarded, Waited: time.Since(start), Holder: holder}
	}
}

func (l *vaultLock) release() {
	if l == nil || l.f == nil {
		return
	}
	unlock(l.f)
	l.f.Close()
	l.f = nil
}

// LockFile takes the same kind of lock on any file Sparekey keeps beside
// its data (a backup folder's index, a status file): the read-modify-write
// of such a file by the window and the command line at once is otherwise
// lost like a vault's. lockPath is created if missing and never removed.
// The lock is released by calling release, or by the OS if the process
// dies. A lock not had within timeout gives a *LockedError.
func LockFile(lockPath string, timeout time.Duration) (release func(), err error) {
	l, err := lockAt(lockPath, lockPath, timeout)
	if err != nil {
		return nil, err
	}
	return l.release, nil
}
