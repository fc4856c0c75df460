//go:build unix

package backup

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sparekey/sparekey/vault"
)

// The child half of TestAutoBackupSurvivesSIGKILL: write backups in a loop
// until killed.
func TestHelperBackupWriter(t *testing.T) {
	dir := os.Getenv("SPAREKEY_TEST_BACKUP_WRITER_DIR")
	if dir == "" {
		t.Skip("helper process for TestAutoBackupSurvivesSIGKILL")
	}
	r, err := age.ParseX25519Recipient(os.Getenv("SPAREKEY_TEST_BACKUP_WRITER_RECIPIENT"))
	if err != nil {
		t.Fatal(err)
	}
	accts := manyAccounts(t, 1500)          // hundreds of kilobytes
	testWriteDelay = 200 * time.Microsecond // so that most kills land mid-write
	a, err := StartAuto(AutoConfig{Dir: dir, Keep: 4, Recipients: []age.Recipient{r}, Debounce: time.Millisecond}, func() []*vault.Account { return accts })
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "started"), nil, 0o600)
	for {
		if err := a.BackupNow(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAutoBackupSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const rounds = 20
	for i := range rounds {
		os.Remove(filepath.Join(dir, "started"))
		cmd := exec.Command(exe, "-test.run=^TestHelperBackupWriter$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SPAREKEY_TEST_BACKUP_WRITER_DIR="+dir, "SPAREKEY_TEST_BACKUP_WRITER_RECIPIENT="+id.Recipient().String())
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(filepath.Join(dir, "started")); err == nil {
				break
			}
		}
		// Let the first write complete once, however slow the machine,
		// so the rounds after it kill writes that replace and prune.
		for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(5 * time.Millisecond) {
			if files, _ := ListAuto(dir); len(files) > 0 {
				break
			}
		}
		// Growing, jittered delays: early rounds kill the first write, later
		// ones kill a later write part-way.
		time.Sleep(time.Duration(10+rand.IntN(100+i*50)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: the writer was not killed but exited: %v", i, err)
		}
	}
	files := decryptAll(t, dir, id)
	if len(files) == 0 {
		t.Fatal("no backup survived")
	}
	// Temporary files are what a kill mid-write leaves; they are never
	// mistaken for backups and are pruned by a later run.
	temps, _ := filepath.Glob(filepath.Join(dir, "."+AutoFilePrefix+"*.tmp-*"))
	t.Logf("%d complete backups remain after %d kills (%d interrupted writes left temporary files)", len(files), rounds, len(temps))
}
