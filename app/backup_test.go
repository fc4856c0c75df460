package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
)

// newBackupTestApp is an app with a fresh keyring-mode vault (in-memory
// keyring, cheap scrypt) whose automatic backups stop with the test.
func newBackupTestApp(t *testing.T) *App {
	t.Helper()
	root := t.TempDir()
	a := New(Options{
		Paths:      PathsUnder(root),
		Keyring:    &vault.MemoryKeyring{},
		WorkFactor: 10,
	})
	os.MkdirAll(a.Paths().Config, 0o700)
	if err := a.CreateVault(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.StopAutoBackup() })
	return a
}

func addTestAccounts(t *testing.T, a *App) []*vault.Account {
	t.Helper()
	var out []*vault.Account
	for _, in := range []vault.Account{
		{Issuer: "Example", Name: "alice", Secret: "JBSWY3DPEHPK3PXP", Tags: []string{"mail"}},
		{Issuer: "Amazon Web Services", Name: "root", Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", AWS: &vault.AWSBinding{AccountID: "123456789012", Root: true}},
		{Issuer: "Counter", Name: "bob", Secret: "MFRGGZDFMZTWQ2LK", Kind: vault.KindHOTP, Counter: 5},
	} {
		acct, err := a.AddAccount(in)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, acct)
	}
	return out
}

func pass(s string) func() ([]byte, error) { return func() ([]byte, error) { return []byte(s), nil } }

func TestBackupRestoreIntoEmptyVault(t *testing.T) {
	ctx := context.Background()
	src := newBackupTestApp(t)
	addTestAccounts(t, src)
	path := filepath.Join(t.TempDir(), "backup.age")
	var stages []backup.Stage
	res, err := src.CreateBackup(ctx, path, BackupOptions{Passphrase: pass("long passphrase"), Progress: func(p backup.Progress) { stages = append(stages, p.Stage) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounts != 3 || len(stages) == 0 || stages[len(stages)-1] != backup.StageDone {
		t.Errorf("result %+v, stages %v", res, stages)
	}

	dst := newBackupTestApp(t)
	p, n, err := dst.RestoreIntoEmpty(ctx, RestoreSource{Path: path, Passphrase: pass("long passphrase")})
	if err != nil {
		t.Fatal(err)
	}
	if n.Added != 3 || p.Counts[vault.MergeNew] != 3 {
		t.Errorf("restored %+v, counts %v", n, p.Counts)
	}
	got, _ := dst.Accounts()
	want, _ := src.Accounts()
	for i := range want {
		if !got[i].SameSeed(want[i]) || got[i].Label() != want[i].Label() || (want[i].AWS != nil) != (got[i].AWS != nil) {
			t.Errorf("account %d: %v, want %v", i, got[i].Label(), want[i].Label())
		}
	}
	if _, _, err := dst.RestoreIntoEmpty(ctx, RestoreSource{Path: path, Passphrase: pass("long passphrase")}); !errors.Is(err, ErrVaultNotEmpty) {
		t.Errorf("second restore into a full vault: %v", err)
	}
}

func TestRestorePreviewNeverOverwritesSilently(t *testing.T) {
	ctx := context.Background()
	a := newBackupTestApp(t)
	accts := addTestAccounts(t, a)
	path := filepath.Join(t.TempDir(), "b.age")
	// To the vault's own key: restores with no passphrase at all.
	if _, err := a.CreateBackup(ctx, path, BackupOptions{ToVaultKey: true}); err != nil {
		t.Fatal(err)
	}
	changed := accts[0].Clone()
	changed.Note = "edited after the backup"
	if err := a.UpdateAccount(changed); err != nil {
		t.Fatal(err)
	}
	if _, err := a.RemoveAccount(accts[1].ID); err != nil {
		t.Fatal(err)
	}
	p, err := a.PreviewRestore(ctx, RestoreSource{Path: path, Passphrase: func() ([]byte, error) {
		t.Error("passphrase asked for a backup made to the vault key")
		return nil, errors.New("no")
	}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Counts[vault.MergeChanged] != 1 || p.Counts[vault.MergeNew] != 1 || p.Counts[vault.MergeIdentical] != 1 {
		t.Fatalf("counts = %v", p.Counts)
	}
	res, err := a.ApplyRestore(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 1 || res.Updated != 0 {
		t.Errorf("result = %+v", res)
	}
	got, _ := a.FindAccount("Example")
	if got.Note != "edited after the backup" {
		t.Error("the default restore overwrote a changed account")
	}
}

func TestBadBackupLeavesVaultUntouched(t *testing.T) {
	ctx := context.Background()
	a := newBackupTestApp(t)
	addTestAccounts(t, a)
	path := filepath.Join(t.TempDir(), "b.age")
	if _, err := a.CreateBackup(ctx, path, BackupOptions{ToVaultKey: true}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	data[len(data)-3] ^= 0x40
	os.WriteFile(path, data, 0o600)
	dst := newBackupTestApp(t)
	_, _, err := dst.RestoreIntoEmpty(ctx, RestoreSource{Path: path})
	if !errors.Is(err, backup.ErrNoIdentity) { // another vault's key
		t.Errorf("err = %v", err)
	}
	_, err = a.PreviewRestore(ctx, RestoreSource{Path: path})
	if !errors.Is(err, backup.ErrDamaged) {
		t.Errorf("err = %v", err)
	}
	if msg := ExplainBackup(err); msg == "" || !contains(msg, "b.age") || !contains(msg, "not changed") {
		t.Errorf("explanation = %q", msg)
	}
	if n, _ := dst.Accounts(); len(n) != 0 {
		t.Error("a damaged backup changed the vault")
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestVerifyBackupIsRecorded(t *testing.T) {
	ctx := context.Background()
	a := newBackupTestApp(t)
	addTestAccounts(t, a)
	path := filepath.Join(t.TempDir(), "b.age")
	if _, err := a.CreateBackup(ctx, path, BackupOptions{ToVaultKey: true}); err != nil {
		t.Fatal(err)
	}
	if _, ok := a.LastVerified(path); ok {
		t.Fatal("verified before any drill")
	}
	r, err := a.VerifyBackup(ctx, RestoreSource{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Comparison.Complete() || r.Comparison.Identical != 3 {
		t.Errorf("comparison = %+v", r.Comparison)
	}
	rec, ok := a.LastVerified(path)
	if !ok || !rec.OK || !rec.Complete || rec.Accounts != 3 {
		t.Errorf("record = %+v, %v", rec, ok)
	}
	// A new account makes the old backup incomplete.
	if _, err := a.AddAccount(vault.Account{Issuer: "New", Name: "x", Secret: "ORSXG5DTMVRXEZLU"}); err != nil {
		t.Fatal(err)
	}
	r, err = a.VerifyBackup(ctx, RestoreSource{Path: path})
	if err != nil || r.Comparison.Complete() || len(r.Comparison.Missing) != 1 {
		t.Errorf("after a change: %+v, %v", r.Comparison, err)
	}
	recs, _ := a.BackupVerifications()
	if len(recs) != 1 {
		t.Errorf("records = %+v", recs)
	}
	status, _ := os.ReadFile(filepath.Join(a.Paths().Data, "backup-verified.json"))
	if contains(string(status), "JBSWY3DPEHPK3PXP") {
		t.Error("the verification file holds a secret")
	}
}

func TestAutoBackupThroughApp(t *testing.T) {
	a := newBackupTestApp(t)
	dir := t.TempDir()
	statuses := make(chan backup.AutoStatus, 100)
	a.OnAutoBackupStatus(func(s backup.AutoStatus) { statuses <- s })
	if st := a.AutoBackupStatus(); st.State != backup.StateOff {
		t.Errorf("before configuring: %v", st.State)
	}
	if err := a.ConfigureAutoBackup(AutoBackupConfig{Dir: dir, Keep: 3}); err != nil {
		t.Fatal(err)
	}
	addTestAccounts(t, a)
	if err := a.BackupNow(); err != nil {
		t.Fatal(err)
	}
	select {
	case st := <-statuses:
		if st.State == backup.StateFailing {
			t.Errorf("status = %+v", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no status report")
	}
	files, err := a.AutoBackups()
	if err != nil || len(files) == 0 {
		t.Fatalf("files = %v, %v", files, err)
	}
	// The newest backup restores with the vault key and holds every account.
	r, err := a.VerifyBackup(context.Background(), RestoreSource{Path: files[0].Path})
	if err != nil || !r.Comparison.Complete() {
		t.Errorf("newest automatic backup: %+v, %v", r.Comparison, err)
	}
	a.Lock()
	st := a.AutoBackupStatus() // from the status file now
	if st.State != backup.StateOK || st.LastFile == "" {
		t.Errorf("after lock: %+v", st)
	}
	if err := a.ConfigureAutoBackup(AutoBackupConfig{Dir: filepath.Join(dir, "missing")}); err == nil {
		t.Error("a missing folder was accepted")
	}
}

func TestPaperBackupSelection(t *testing.T) {
	a := newBackupTestApp(t)
	addTestAccounts(t, a)
	out := filepath.Join(t.TempDir(), "p.pdf")
	n, err := a.PaperBackup(context.Background(), out, PaperOptions{OnlyAWS: true})
	if err != nil || n != 1 {
		t.Fatalf("only AWS: %d, %v", n, err)
	}
	n, err = a.PaperBackup(context.Background(), out, PaperOptions{Accounts: []string{"Example", "Counter"}})
	if err != nil || n != 2 {
		t.Fatalf("by name: %d, %v", n, err)
	}
	if _, err := a.PaperBackup(context.Background(), out, PaperOptions{Accounts: []string{"nothing like it"}}); err == nil {
		t.Error("unknown account accepted")
	}
}

// The promise, for automatic backups: a user who kept only the backup
// folder (a synced cloud folder) and the vault passphrase gets every
// account back on a new computer.
func TestAutoBackupsRestoreOnANewComputerWithThePassphrase(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	old := New(Options{
		Paths:      PathsUnder(root),
		Keyring:    &vault.MemoryKeyring{},
		WorkFactor: 10,
	})
	os.MkdirAll(old.Paths().Config, 0o700)
	if err := old.CreateVault(ctx, pass("the vault passphrase")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { old.StopAutoBackup() })
	cloud := t.TempDir()
	if err := old.ConfigureAutoBackup(AutoBackupConfig{Dir: cloud}); err != nil {
		t.Fatal(err)
	}
	if advice := old.AutoBackupAdvice(); advice != "" {
		t.Errorf("passphrase mode needs no advice, got %q", advice)
	}
	addTestAccounts(t, old)
	if err := old.BackupNow(); err != nil {
		t.Fatal(err)
	}
	files, err := old.AutoBackups()
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	old.Lock()

	fresh := newBackupTestApp(t) // another computer: a new, empty vault with its own key
	if advice := fresh.AutoBackupAdvice(); advice != "" {
		t.Errorf("no auto backups configured, got advice %q", advice)
	}
	_, _, err = fresh.RestoreIntoEmpty(ctx, RestoreSource{Path: files[0].Path, KeyPassphrase: func(string) ([]byte, error) { return []byte("not it"), nil }})
	if !errors.Is(err, backup.ErrWrongPassphrase) || !strings.Contains(err.Error(), backup.KeyFileName) {
		t.Errorf("wrong passphrase: %v", err)
	}
	_, res, err := fresh.RestoreIntoEmpty(ctx, RestoreSource{Path: files[0].Path, KeyPassphrase: func(string) ([]byte, error) { return []byte("the vault passphrase"), nil }})
	if err != nil || res.Added != 3 {
		t.Fatalf("restore on the new computer: %+v, %v", res, err)
	}
}

func TestAutoBackupAdviceForKeyringVaults(t *testing.T) {
	a := newBackupTestApp(t) // keyring mode
	if err := a.ConfigureAutoBackup(AutoBackupConfig{Dir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.AutoBackupAdvice(), "export that key") {
		t.Errorf("advice = %q", a.AutoBackupAdvice())
	}
	id, _ := age.GenerateX25519Identity()
	if err := a.ConfigureAutoBackup(AutoBackupConfig{Dir: t.TempDir(), Recipients: []string{id.Recipient().String()}}); err != nil {
		t.Fatal(err)
	}
	if advice := a.AutoBackupAdvice(); advice != "" {
		t.Errorf("with an extra recipient: %q", advice)
	}
}
