package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
)

// transferEnv is a CLI environment with its own vault (keyring mode, an
// in-memory keyring) in a temporary folder.
type transferEnv struct {
	t        *testing.T
	e        *Env
	out, err bytes.Buffer
	dir      string
}

func newTransferEnv(t *testing.T) *transferEnv {
	dir := t.TempDir()
	te := &transferEnv{t: t, dir: dir}
	te.e = &Env{In: strings.NewReader(""), Out: &te.out, Err: &te.err, appOpts: &app.Options{
		Paths:   app.PathsUnder(dir),
		Keyring: &vault.MemoryKeyring{}, WorkFactor: 10,
	}}
	return te
}

func (te *transferEnv) run(args ...string) (stdout, stderr string, code int) {
	te.out.Reset()
	te.err.Reset()
	code = Run(te.e, args)
	return te.out.String(), te.err.String(), code
}

// accounts lists the vault's accounts; none when there is no vault (a
// preview or a failed import never creates one).
func (te *transferEnv) accounts() []*vault.Account {
	a, err := te.e.App()
	if err != nil {
		te.t.Fatal(err)
	}
	if state, _ := a.State(); state == app.StateMissing {
		return nil
	}
	if _, err := te.e.OpenVault(); err != nil {
		te.t.Fatal(err)
	}
	accts, err := a.Accounts()
	if err != nil {
		te.t.Fatal(err)
	}
	return accts
}

func writeImportPassword(t *testing.T, pw string) string {
	p := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(p, []byte(pw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportCommandPreviewAndApply(t *testing.T) {
	te := newTransferEnv(t)
	plain := testenv.Fixture(t, "plain.txt")

	// Dry run: a preview, nothing added.
	_, stderr, code := te.run("import", "--dry-run", plain)
	if code != 0 || !strings.Contains(stderr, "7 new, 0 identical") || !strings.Contains(stderr, "Dry run") {
		t.Fatalf("dry run: code %d\n%s", code, stderr)
	}
	if n := len(te.accounts()); n != 0 {
		t.Fatalf("dry run added %d accounts", n)
	}

	// Without a terminal and without --yes nothing is added.
	_, stderr, code = te.run("import", plain)
	if code != 2 || !strings.Contains(stderr, "--yes") || len(te.accounts()) != 0 {
		t.Fatalf("no confirmation: code %d\n%s", code, stderr)
	}

	stdout, stderr, code := te.run("import", "--yes", plain)
	if code != 0 || !strings.Contains(stdout, "7 added") {
		t.Fatalf("import: code %d\n%s\n%s", code, stdout, stderr)
	}
	if n := len(te.accounts()); n != 7 {
		t.Fatalf("vault holds %d accounts, want 7", n)
	}

	// The encrypted Aegis vault holds the same seven: all identical now.
	pw := writeImportPassword(t, "test")
	stdout, stderr, code = te.run("import", "--yes", "--password-file", pw, testenv.Fixture(t, "aegis_encrypted.json"))
	if code != 0 || !strings.Contains(stderr, "0 new, 7 identical") || !strings.Contains(stdout, "Nothing new") {
		t.Fatalf("second import: code %d\n%s\n%s", code, stdout, stderr)
	}
	for _, secret := range []string{"4SJHB4GSD43FZBAI7C2HLRJGPQ", "JRZCL47CMXVOQMNPZR2F7J4RGI"} {
		if strings.Contains(stdout+stderr, secret) {
			t.Error("the preview shows a secret")
		}
	}

	// A conflicting account (same name, other secret) is never overwritten.
	conflict := filepath.Join(t.TempDir(), "conflict.txt")
	os.WriteFile(conflict, []byte("otpauth://totp/Deno:Mason?secret=JBSWY3DPEHPK3PXP\n"), 0o600)
	_, stderr, code = te.run("import", "--yes", conflict)
	if code != 0 || !strings.Contains(stderr, "conflict") || !strings.Contains(stderr, "not overwritten") {
		t.Fatalf("conflict: code %d\n%s", code, stderr)
	}
	for _, a := range te.accounts() {
		if a.Issuer == "Deno" && a.Secret != "4SJHB4GSD43FZBAI7C2HLRJGPQ" {
			t.Fatal("the conflicting import overwrote Deno")
		}
	}
}

func TestImportCommandErrors(t *testing.T) {
	te := newTransferEnv(t)
	wrong := writeImportPassword(t, "wrong")
	_, stderr, code := te.run("import", "--yes", "--password-file", wrong, testenv.Fixture(t, "2fas_authenticator_encrypted_v4.2fas"))
	if code != 1 || !strings.Contains(stderr, "2fas_authenticator_encrypted_v4.2fas") || !strings.Contains(stderr, "wrong password") {
		t.Errorf("wrong password: code %d\n%s", code, stderr)
	}
	// One bad file stops the whole import: nothing half-happens.
	bad := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(bad, []byte("shopping list\n"), 0o600)
	_, stderr, code = te.run("import", "--yes", testenv.Fixture(t, "plain.txt"), bad)
	if code != 1 || !strings.Contains(stderr, "notes.txt") || !strings.Contains(stderr, "Aegis") || len(te.accounts()) != 0 {
		t.Errorf("unknown format: code %d\n%s", code, stderr)
	}
}

func TestImportCommandGoogleBatches(t *testing.T) {
	te := newTransferEnv(t)
	_, stderr, code := te.run("import", "--dry-run", testenv.Fixture(t, "google_migration_1of2.png"))
	if code != 0 || !strings.Contains(stderr, "code 2 of 2 not read") {
		t.Errorf("one of two: code %d\n%s", code, stderr)
	}
	stdout, stderr, code := te.run("--json", "import", "--yes", testenv.Fixture(t, "google_migration_1of2.png"), testenv.Fixture(t, "google_migration_2of2.txt"))
	if code != 0 {
		t.Fatalf("code %d\n%s", code, stderr)
	}
	var rep struct {
		Missing []any `json:"missing_batch_parts"`
		Plan    []struct{ Status string }
		Added   int
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(rep.Missing) != 0 || len(rep.Plan) != 4 || rep.Added != 4 {
		t.Errorf("report %+v", rep)
	}
}

func TestExportCommand(t *testing.T) {
	te := newTransferEnv(t)
	if _, stderr, code := te.run("import", "--yes", testenv.Fixture(t, "plain.txt")); code != 0 {
		t.Fatal(stderr)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "aegis.json")

	_, stderr, code := te.run("export", "--format", "aegis", "--out", out)
	if code != 2 || !strings.Contains(stderr, "--i-understand-this-is-plaintext") {
		t.Errorf("without the acknowledgement: code %d\n%s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("wrote the file without the acknowledgement")
	}

	_, stderr, code = te.run("export", "--format", "aegis", "--out", out, "--i-understand-this-is-plaintext")
	if code != 0 || !strings.Contains(stderr, "UNENCRYPTED") {
		t.Fatalf("aegis: code %d\n%s", code, stderr)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v %v", st.Mode(), err)
	}
	_, stderr, code = te.run("export", "--format", "uris", "--out", out, "--i-understand-this-is-plaintext")
	if code == 0 || !strings.Contains(stderr, "already exists") {
		t.Errorf("overwrite: code %d\n%s", code, stderr)
	}

	// The export imports back into a fresh vault as the same seven.
	te2 := newTransferEnv(t)
	if _, stderr, code := te2.run("import", "--yes", out); code != 0 {
		t.Fatal(stderr)
	}
	if n := len(te2.accounts()); n != 7 {
		t.Errorf("re-imported %d accounts", n)
	}

	qrDir := filepath.Join(dir, "to-phone")
	stdout, stderr, code := te.run("export", "--format", "google-qr", "--out", qrDir, "--i-understand-this-is-plaintext")
	if code != 0 || !strings.Contains(stderr, "Left out") || !strings.Contains(stderr, "Steam") {
		t.Fatalf("google-qr: code %d\n%s", code, stderr)
	}
	files := strings.Fields(stdout)
	if len(files) != 1 {
		t.Fatalf("files %q", files)
	}
	zbarimg := testenv.Tool(t, "zbarimg")
	link, err := exec.Command(zbarimg, "--raw", "-q", files[0]).Output()
	if err != nil || !strings.HasPrefix(string(link), "otpauth-migration://offline?data=") {
		t.Errorf("zbarimg: %v", err)
	}
	if st, err := os.Stat(files[0]); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("QR picture mode %v %v", st.Mode(), err)
	}
}

func TestImportCommandFromStdin(t *testing.T) {
	te := newTransferEnv(t)
	te.e.In = strings.NewReader("otpauth://totp/Piped:me?secret=JBSWY3DPEHPK3PXP\nnot a link\n")
	stdout, stderr, code := te.run("import", "--yes", "-")
	if code != 0 || !strings.Contains(stdout, "1 added") || !strings.Contains(stderr, "standard input: line 2: is not an otpauth:// link") {
		t.Fatalf("code %d\n%s\n%s", code, stdout, stderr)
	}
}
