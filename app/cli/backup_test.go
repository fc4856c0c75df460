package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/sparekey/sparekey/vault"
)

func newBackupEnv(t *testing.T, withAccounts bool) *transferEnv {
	te := newTransferEnv(t)
	a, err := te.e.App()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.CreateVault(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if withAccounts {
		for _, in := range []vault.Account{
			{Issuer: "Example", Name: "alice", Secret: "JBSWY3DPEHPK3PXP"},
			{Issuer: "Amazon Web Services", Name: "root", Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", AWS: &vault.AWSBinding{AccountID: "123456789012", Root: true, SerialNumber: "arn:aws:iam::123456789012:mfa/root"}},
			{Issuer: "Counter", Name: "bob", Secret: "MFRGGZDFMZTWQ2LK", Kind: vault.KindHOTP, Counter: 3},
		} {
			if _, err := a.AddAccount(in); err != nil {
				t.Fatal(err)
			}
		}
	}
	return te
}

func (te *transferEnv) mustRun(args ...string) string {
	te.t.Helper()
	out, errOut, code := te.run(args...)
	if code != 0 {
		te.t.Fatalf("sparekey %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func TestBackupCLICreateVerifyRestore(t *testing.T) {
	src := newBackupEnv(t, true)
	dir := t.TempDir()
	passFile := filepath.Join(dir, "pass.txt")
	os.WriteFile(passFile, []byte("cli backup passphrase\n"), 0o600)
	file := filepath.Join(dir, "b.age")

	out := src.mustRun("backup", "create", "--out", file, "--passphrase-file", passFile)
	if !strings.Contains(out, "Wrote 3 accounts") || !strings.Contains(out, "jq -r") {
		t.Errorf("create said %q", out)
	}
	if info, err := os.Stat(file); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", info, err)
	}
	if _, _, code := src.run("backup", "create", "--out", file, "--passphrase-file", passFile); code != 2 {
		t.Errorf("overwriting without --force: exit %d", code)
	}
	if _, _, code := src.run("backup", "create", "--out", file+"2", "--passphrase", "x"); code != 2 {
		t.Errorf("a passphrase flag exists (passphrases must never be arguments): exit %d", code)
	}
	out = src.mustRun("backup", "verify", file, "--passphrase-file", passFile)
	if !strings.Contains(out, "intact") || !strings.Contains(out, "every account") {
		t.Errorf("verify said %q", out)
	}

	dst := newBackupEnv(t, false)
	wrong := filepath.Join(dir, "wrong.txt")
	os.WriteFile(wrong, []byte("not it"), 0o600)
	_, errOut, code := dst.run("backup", "restore", file, "--passphrase-file", wrong)
	if code != 1 || !strings.Contains(errOut, file) || !strings.Contains(errOut, "wrong passphrase") {
		t.Errorf("wrong passphrase: exit %d, %q", code, errOut)
	}
	if n := len(dst.accounts()); n != 0 {
		t.Fatalf("a failed restore changed the vault: %d accounts", n)
	}
	out = dst.mustRun("backup", "restore", file, "--passphrase-file", passFile, "--dry-run")
	if !strings.Contains(out, "Dry run") || len(dst.accounts()) != 0 {
		t.Errorf("dry run: %q", out)
	}
	out = dst.mustRun("backup", "restore", file, "--passphrase-file", passFile)
	if !strings.Contains(out, "3 added") || len(dst.accounts()) != 3 {
		t.Errorf("restore into an empty vault: %q", out)
	}
	out = dst.mustRun("backup", "restore", file, "--passphrase-file", passFile, "--json")
	var res struct {
		Items []struct{ Status string }
		Added int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Items) != 3 || res.Items[0].Status != "identical" || res.Added != 0 {
		t.Errorf("second restore --json: %q (%v)", out, err)
	}
}

func TestBackupCLIRecipients(t *testing.T) {
	src := newBackupEnv(t, true)
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	keyFile := filepath.Join(dir, "key.txt")
	os.WriteFile(keyFile, []byte(id.String()+"\n"), 0o600)
	recFile := filepath.Join(dir, "recipients.txt")
	os.WriteFile(recFile, []byte("# offsite\n"+id.Recipient().String()+"\n"), 0o600)

	armored := filepath.Join(dir, "a.age")
	src.mustRun("backup", "create", "--out", armored, "--recipients-file", recFile, "--armor")
	if data, _ := os.ReadFile(armored); !strings.HasPrefix(string(data), "-----BEGIN AGE ENCRYPTED FILE-----") {
		t.Error("--armor did not armor")
	}
	dst := newBackupEnv(t, false)
	_, errOut, code := dst.run("backup", "restore", armored)
	if code != 1 || !strings.Contains(errOut, "another key") {
		t.Errorf("restore without the identity: exit %d, %q", code, errOut)
	}
	dst.mustRun("backup", "restore", armored, "--identity", keyFile)
	if len(dst.accounts()) != 3 {
		t.Error("restore with --identity restored nothing")
	}

	// To the vault's own key: the same vault restores it with no secret at all.
	own := filepath.Join(dir, "own.age")
	src.mustRun("backup", "create", "--out", own, "--vault-key", "--recipient", id.Recipient().String())
	out := src.mustRun("backup", "verify", own)
	if !strings.Contains(out, "intact") {
		t.Errorf("verify with the vault key: %q", out)
	}
	if _, errOut, code := src.run("backup", "create", "--out", filepath.Join(dir, "x.age"), "--recipient", id.String()); code == 0 || strings.Contains(errOut, id.String()) {
		t.Errorf("a private key as recipient: exit %d, %q", code, errOut)
	}
}

func TestBackupCLIAutoStatusPaper(t *testing.T) {
	te := newBackupEnv(t, true)
	dir := t.TempDir()
	out := te.mustRun("backup", "status")
	if !strings.Contains(out, "off") {
		t.Errorf("status before configuring: %q", out)
	}
	if _, _, code := te.run("backup", "auto", "--dir", filepath.Join(dir, "missing")); code == 0 {
		t.Error("a missing folder was accepted")
	}
	out = te.mustRun("backup", "auto", "--dir", dir, "--keep", "2", "--now")
	if !strings.Contains(out, "keeping 2") || !strings.Contains(out, "Wrote sparekey-backup-") {
		t.Errorf("auto said %q", out)
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "sparekey-backup-*.age"))
	if len(entries) != 1 {
		t.Fatalf("backups in the folder: %v", entries)
	}
	te.mustRun("backup", "verify", entries[0])
	out = te.mustRun("backup", "status")
	for _, want := range []string{"Automatic backups: ok", filepath.Base(entries[0]), "verified", "Last restore drill"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	out = te.mustRun("backup", "status", "--json")
	var st struct {
		Auto  struct{ State string }
		Files []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Auto.State != "ok" || len(st.Files) != 1 {
		t.Errorf("status --json: %q (%v)", out, err)
	}

	pdf := filepath.Join(dir, "aws.pdf")
	out = te.mustRun("backup", "paper", "--out", pdf, "--only-aws", "--page", "letter")
	if !strings.Contains(out, "Wrote 1 account ") {
		t.Errorf("paper said %q", out)
	}
	if _, _, code := te.run("backup", "paper", "--out", filepath.Join(dir, "x.pdf"), "--page", "legal"); code != 2 {
		t.Errorf("--page legal: exit %d", code)
	}
	te.mustRun("backup", "auto", "--off")
	if out := te.mustRun("backup", "status"); !strings.Contains(out, "off") {
		t.Errorf("after --off: %q", out)
	}
}

func TestBackupCLIRestoreListsInvalidEntries(t *testing.T) {
	te := newBackupEnv(t, false)
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	keyFile := filepath.Join(dir, "key.txt")
	os.WriteFile(keyFile, []byte(id.String()+"\n"), 0o600)
	doc := `{"format":"sparekey-backup","version":1,"count":3,"accounts":[
	  {"uri":"","issuer":"Good","name":"one","secret":"JBSWY3DPEHPK3PXP","kind":"totp","algorithm":"SHA1","digits":6,"period":30},
	  {"uri":"","issuer":"Broken","name":"two","secret":"0189!!","kind":"totp","algorithm":"SHA1","digits":6,"period":30}]}`
	file := filepath.Join(dir, "hand-made.age")
	f, _ := os.Create(file)
	w, _ := age.Encrypt(f, id.Recipient())
	w.Write([]byte(doc))
	w.Close()
	f.Close()
	out, errOut, code := te.run("backup", "restore", file, "--identity", keyFile)
	if code != 0 || !strings.Contains(out, "1 added") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"1 entry cannot be restored", "Broken (two)", "no key contains", "says it holds 3 accounts, but 2"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("preview lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "0189!!") {
		t.Error("the preview shows an invalid secret")
	}
	if n := len(te.accounts()); n != 1 {
		t.Errorf("vault has %d accounts", n)
	}
}

// handMadeBackup writes a backup, encrypted to a new age key, whose
// document holds one good and one broken entry; it returns the backup and
// the key file.
func handMadeBackup(t *testing.T) (file, keyFile string) {
	t.Helper()
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	keyFile = filepath.Join(dir, "key.txt")
	os.WriteFile(keyFile, []byte(id.String()+"\n"), 0o600)
	doc := `{"format":"sparekey-backup","version":1,"count":2,"accounts":[
	  {"uri":"","issuer":"Good","name":"one","secret":"JBSWY3DPEHPK3PXP","kind":"totp","algorithm":"SHA1","digits":6,"period":30},
	  {"uri":"","issuer":"Broken","name":"two","secret":"0189!!","kind":"totp","algorithm":"SHA1","digits":6,"period":30}]}`
	file = filepath.Join(dir, "hand-made.age")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := age.Encrypt(f, id.Recipient())
	w.Write([]byte(doc))
	w.Close()
	f.Close()
	return file, keyFile
}

func TestBackupCLIVerifyUnreadableEntry(t *testing.T) {
	te := newBackupEnv(t, false)
	file, keyFile := handMadeBackup(t)
	for _, args := range [][]string{
		{"backup", "verify", file, "--identity", keyFile},
		{"backup", "verify", file, "--identity", keyFile, "--json"},
	} {
		out, errOut, code := te.run(args...)
		if code != 1 {
			t.Errorf("%v: exit %d, want 1\n%s\n%s", args, code, out, errOut)
		}
		if strings.Contains(out, "intact") {
			t.Errorf("%v: called intact:\n%s", args, out)
		}
		if !strings.Contains(errOut, "1 of 2") || !strings.Contains(errOut, "cannot be restored") {
			t.Errorf("%v: stderr %q", args, errOut)
		}
		if strings.Contains(out+errOut, "0189!!") {
			t.Errorf("%v: the invalid secret was shown", args)
		}
	}
	out, _, _ := te.run("backup", "verify", file, "--identity", keyFile)
	if !strings.Contains(out, "Broken (two)") {
		t.Errorf("the unreadable entry is not named:\n%s", out)
	}
	if status := te.mustRun("backup", "status"); !strings.Contains(status, "FAILED") {
		t.Errorf("the drill was not recorded as failed:\n%s", status)
	}
}
