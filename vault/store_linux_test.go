//go:build linux

package vault

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mountTmpfs mounts a small tmpfs for the test, or skips when mounting is
// not permitted (an unprivileged user, a locked-down container).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); the full-disk and read-only cases are covered by TestSaveFailsHalfWay only", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

func remountReadOnly(t *testing.T, dir string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
}

// TestFullDisk saves a vault that no longer fits on a real (tiny) file
// system: the save fails, and the file on disk is the old one.
func TestFullDisk(t *testing.T) {
	dir := mountTmpfs(t, "64k")
	path := filepath.Join(dir, "vault.age")
	v, err := Create(path, ModePassphrase, testOptions("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.AddAll(sampleAccounts(t, 5)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	prevBefore, _ := os.ReadFile(PreviousPath(path))
	big := mustAccount(t, Account{Name: "big", Secret: uriSecret, Note: strings.Repeat("a long note ", 10000)})
	err = v.Add(big)
	var se *SaveError
	if !errors.As(err, &se) || !isNoSpace(err) {
		t.Fatalf("save on a full disk: %v", err)
	}
	if !strings.Contains(err.Error(), "disk is full") {
		t.Errorf("message %q does not say the disk is full", err)
	}
	if v.Len() != 5 {
		t.Errorf("memory holds %d accounts after the failed save", v.Len())
	}
	assertUnchanged(t, path, before, prevBefore)
	if got, err := Open(path, testOptions("correct horse")); err != nil || got.Len() != 5 {
		t.Errorf("after a full disk: %v, %v", got, err)
	}
}

// TestReadOnlyFolder: we run as root in CI, so chmod would not stop a
// write; a read-only mount does.
func TestReadOnlyFolder(t *testing.T) {
	dir := mountTmpfs(t, "1m")
	path := filepath.Join(dir, "vault.age")
	v, err := Create(path, ModePassphrase, testOptions("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.AddAll(sampleAccounts(t, 3)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	prevBefore, _ := os.ReadFile(PreviousPath(path))
	remountReadOnly(t, dir)

	err = v.Add(mustAccount(t, Account{Name: "new", Secret: "GEZDGNBVGY3TQOJQ"}))
	var se *SaveError
	if !errors.As(err, &se) || !errors.Is(err, syscall.EROFS) {
		t.Fatalf("save into a read-only folder: %v", err)
	}
	if !strings.Contains(err.Error(), "not writable") || !strings.Contains(err.Error(), "unchanged") {
		t.Errorf("message %q does not say what happened", err)
	}
	hotp := v.Search("user1@")[0] // sampleAccounts makes account 1 HOTP
	if hotp.Kind != KindHOTP {
		t.Fatalf("%s is not HOTP", hotp.Label())
	}
	if _, err := v.IssueHOTP(hotp.ID); err == nil {
		t.Error("an HOTP code was issued without saving the counter")
	}
	assertUnchanged(t, path, before, prevBefore)
	got, err := Open(path, testOptions("correct horse"))
	if err != nil || got.Len() != 3 {
		t.Fatalf("a read-only vault must still open: %v", err)
	}
	if err := got.SetMode(ModePassphrase, testOptions("other")); err == nil {
		t.Error("changing the passphrase on a read-only folder succeeded")
	}
	if _, err := Open(path, testOptions("correct horse")); err != nil {
		t.Errorf("the old passphrase stopped working: %v", err)
	}
}
