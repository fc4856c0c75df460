package backup

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sparekey/sparekey/vault"
)

// fakeClock advances one second per reading, so every backup gets its own
// timestamp without sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func decryptAll(t *testing.T, dir string, id age.Identity) []AutoFile {
	t.Helper()
	files, err := ListAuto(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := OpenFile(f.Path, Unlock{Identities: []age.Identity{id}}, nil); err != nil {
			t.Errorf("backup %s does not decrypt: %v", f.Name, err)
		}
		if info, _ := os.Stat(f.Path); info.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", f.Name, info.Mode())
		}
	}
	return files
}

func TestAutoRotation(t *testing.T) {
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	// Files that only look like backups are never pruned.
	for _, keep := range []string{"notes.txt", "sparekey-backup-20200101T000000.000Z (conflicted copy).age", "sparekey-backup-manual.age"} {
		os.WriteFile(filepath.Join(dir, keep), []byte("x"), 0o600)
	}
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	v := vault.NewMemory(sampleAccounts(t)...)
	a, err := StartAuto(AutoConfig{Dir: dir, Keep: 3, Recipients: []age.Recipient{id.Recipient()}, Debounce: time.Hour, Now: clock.Now}, v.Accounts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for range 6 {
		if err := a.BackupNow(); err != nil {
			t.Fatal(err)
		}
	}
	files := decryptAll(t, dir, id)
	if len(files) != 3 {
		t.Fatalf("kept %d backups, want 3", len(files))
	}
	st := a.Status()
	if st.State != StateOK || st.LastFile != files[2].Name || st.LastSuccess.IsZero() {
		t.Errorf("status = %+v, newest file %s", st, files[2].Name)
	}
	for _, keep := range []string{"notes.txt", "sparekey-backup-20200101T000000.000Z (conflicted copy).age", "sparekey-backup-manual.age"} {
		if _, err := os.Stat(filepath.Join(dir, keep)); err != nil {
			t.Errorf("pruned a file that is not an automatic backup: %s", keep)
		}
	}
}

func TestAutoDebouncesAndFollowsChanges(t *testing.T) {
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	v := vault.NewMemory()
	a, err := StartAuto(AutoConfig{Dir: dir, Recipients: []age.Recipient{id.Recipient()}, Debounce: 100 * time.Millisecond}, v.Accounts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	v.OnChange(a.Changed)
	for _, acct := range sampleAccounts(t) {
		if err := v.Add(acct); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for a.Status().State != StateOK {
		if time.Now().After(deadline) {
			t.Fatalf("no backup after the debounce: %+v", a.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
	files := decryptAll(t, dir, id)
	if len(files) != 1 {
		t.Fatalf("a burst of changes made %d backups, want 1", len(files))
	}
	o, err := OpenFile(files[0].Path, Unlock{Identities: []age.Identity{id}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Accounts) != len(sampleAccounts(t)) {
		t.Errorf("the backup holds %d accounts, want every one", len(o.Accounts))
	}
	// A notification without a change (an unlock) adds no file.
	a.Changed()
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	if files, _ := ListAuto(dir); len(files) != 1 {
		t.Errorf("an unchanged vault made a new backup: %d files", len(files))
	}
}

func TestAutoStatusFailingAndStale(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "Dropbox")
	os.Mkdir(dir, 0o700)
	statusFile := filepath.Join(parent, "auto-status.json")
	id, _ := age.GenerateX25519Identity()
	clock := &fakeClock{t: time.Now()}
	v := vault.NewMemory(sampleAccounts(t)...)
	a, err := StartAuto(AutoConfig{Dir: dir, Recipients: []age.Recipient{id.Recipient()}, Debounce: time.Hour, StaleAfter: time.Minute, StatusFile: statusFile, Now: clock.Now}, v.Accounts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	if st := a.Status(); st.State != StateOK || st.Warning() != "" {
		t.Fatalf("after the first backup: %+v", st)
	}

	os.Rename(dir, dir+".unmounted")
	a.Changed()
	if err := a.Flush(); err == nil {
		t.Fatal("backup into a missing folder succeeded")
	}
	st := a.Status()
	if st.State != StateFailing || !strings.Contains(st.Warning(), "missing") || st.Failures != 1 {
		t.Errorf("status = %+v", st)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Error("the missing folder was recreated on the local disk")
	}
	saved, err := ReadAutoStatus(statusFile, time.Minute)
	if err != nil || saved.State != StateFailing || saved.LastError == "" {
		t.Errorf("saved status = %+v, %v", saved, err)
	}

	os.Rename(dir+".unmounted", dir)
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	if st := a.Status(); st.State != StateOK || st.Failures != 0 {
		t.Errorf("after recovery: %+v", st)
	}

	a.Changed() // the debounce is an hour: this change waits
	if st := a.Status(); st.State != StatePending {
		t.Errorf("right after a change: %v", st.State)
	}
	clock.Advance(2 * time.Minute)
	if st := a.Status(); st.State != StateStale || !strings.Contains(st.Warning(), "not backed up") {
		t.Errorf("after StaleAfter: %+v", st)
	}
	if err := a.Close(); err != nil { // Close writes what is pending
		t.Fatal(err)
	}
	if st := a.Status(); st.State != StateOK {
		t.Errorf("after Close: %+v", st)
	}
}

func TestStartAutoNeedsFolderAndRecipients(t *testing.T) {
	id, _ := age.GenerateX25519Identity()
	if _, err := StartAuto(AutoConfig{Dir: filepath.Join(t.TempDir(), "nope"), Recipients: []age.Recipient{id.Recipient()}}, nil); err == nil {
		t.Error("missing folder accepted")
	}
	if _, err := StartAuto(AutoConfig{Dir: t.TempDir()}, nil); err == nil {
		t.Error("no recipients accepted")
	}
}
