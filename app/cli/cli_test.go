package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/creack/pty"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// coreEnv is an in-process CLI on its own vault folder, with an in-memory
// keyring, cheap scrypt and a clock fixed at RFC 6238's time 59.
type coreEnv struct {
	t        testing.TB
	e        *Env
	out, err bytes.Buffer
	vault    string
}

func newCoreEnv(t testing.TB) *coreEnv {
	dir := t.TempDir()
	c := &coreEnv{t: t, vault: filepath.Join(dir, "data", "vault.age")}
	c.e = &Env{In: strings.NewReader(""), Out: &c.out, Err: &c.err, appOpts: &app.Options{
		Paths:   app.Paths{Config: filepath.Join(dir, "config"), Data: filepath.Join(dir, "data"), Vault: c.vault},
		Keyring: &vault.MemoryKeyring{}, WorkFactor: 10, Now: func() time.Time { return time.Unix(59, 0) },
	}}
	return c
}

// run executes one command line. Each run gets a fresh Env (as each process
// would) sharing the keyring and options.
func (c *coreEnv) run(stdin io.Reader, args ...string) (string, string, int) {
	c.out.Reset()
	c.err.Reset()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	e := &Env{In: stdin, Out: &c.out, Err: &c.err, appOpts: c.e.appOpts, passphraseHook: c.e.passphraseHook}
	code := Run(e, args)
	return c.out.String(), c.err.String(), code
}

func (c *coreEnv) ok(stdin io.Reader, args ...string) string {
	c.t.Helper()
	out, errOut, code := c.run(stdin, args...)
	if code != 0 {
		c.t.Fatalf("%s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func TestRunInProcess(t *testing.T) {
	c := newCoreEnv(t)
	c.ok(nil, "init")
	rfc := vault.SecretFromBytes([]byte("12345678901234567890"))
	c.ok(strings.NewReader(rfc+"\n"), "add", "--secret-stdin", "--issuer", "RFC", "--name", "6238", "--digits", "8")
	c.ok(strings.NewReader("otpauth://hotp/RFC:4226?secret="+rfc+"\n"), "add", "-")
	// The fixed clock makes TOTP codes exact: RFC 6238 at t=59.
	if out := c.ok(nil, "code", "6238"); out != "94287082\n" {
		t.Errorf("code = %q", out)
	}
	var code map[string]any
	json.Unmarshal([]byte(c.ok(nil, "code", "6238", "--json", "--next")), &code)
	if code["code"] != "94287082" || code["seconds_left"] != float64(1) || code["next"] == "" {
		t.Errorf("code --json = %v", code)
	}
	for _, want := range []string{"755224", "287082", "359152"} {
		if out := c.ok(nil, "code", "4226"); out != want+"\n" {
			t.Errorf("HOTP code = %q, want %s", out, want)
		}
	}
	if out := c.ok(nil, "code", "--next", "4226"); out != "969429\n" {
		t.Errorf("HOTP --next = %q (--next means nothing for HOTP)", out)
	}
	var views []accountView
	json.Unmarshal([]byte(c.ok(nil, "list", "--json")), &views)
	if len(views) != 2 || *views[0].Counter != 4 || views[1].Counter != nil || views[1].Period != 30 {
		t.Errorf("list --json = %+v", views)
	}
	if out := c.ok(nil, "edit", "4226", "--tag", "a,b", "--remove-tag", "A", "--json"); !strings.Contains(out, `"tags": [`+"\n"+`    "b"`) {
		t.Errorf("edit --json = %s", out)
	}
	if _, errOut, code := c.run(nil, "frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") || !strings.Contains(errOut, "--help") {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
	if _, errOut, code := c.run(nil, "remove", "4226"); code != 2 || !strings.Contains(errOut, "--yes") {
		t.Errorf("remove without a terminal: %d %q", code, errOut)
	}
}

// TestRemoveAsksOnATerminal answers the confirmation through a real pty.
func TestRemoveAsksOnATerminal(t *testing.T) {
	c := newCoreEnv(t)
	c.ok(nil, "add", "otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQ")
	c.ok(nil, "add", "otpauth://totp/B:b?secret=GEZDGNBVGY3TQOJR")
	for _, tc := range []struct {
		answer, want string
		left         int
	}{
		{"n\n", "Nothing was removed", 2},
		{"\n", "Nothing was removed", 2},
		{"yes\n", "Removed A (a)", 1},
	} {
		ptmx, tty, err := pty.Open()
		if err != nil {
			t.Skipf("no pty: %v", err)
		}
		ptmx.Write([]byte(tc.answer))
		out, errOut, code := c.run(tty, "remove", "A")
		ptmx.Close()
		tty.Close()
		if code != 0 || !strings.Contains(out, tc.want) || !strings.Contains(errOut, "Remove A (a)? [y/N]") {
			t.Errorf("answer %q: %d %q %q", tc.answer, code, out, errOut)
		}
		var views []accountView
		json.Unmarshal([]byte(c.ok(nil, "list", "--json")), &views)
		if len(views) != tc.left {
			t.Errorf("answer %q: %d accounts left", tc.answer, len(views))
		}
	}
}

func TestPassphraseSources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	for content, want := range map[string]string{
		"pw\n":           "pw",
		"pw\r\n":         "pw",
		"pw":             "pw",
		"pw\n\n":         "pw\n", // only one newline is the file's; the rest is the passphrase
		" spaced pw \n":  " spaced pw ",
		"ünïcødé ✓\n":    "ünïcødé ✓",
		"":               "",
		"line1\nline2\n": "line1\nline2",
	} {
		got, err := readPassphraseFile(write("p", content))
		if err != nil || string(got) != want {
			t.Errorf("readPassphraseFile(%q) = %q, %v", content, got, err)
		}
	}
	if _, err := readPassphraseFile(write("big", strings.Repeat("x", maxPassphrase+1))); err == nil || !strings.Contains(err.Error(), "right file") {
		t.Errorf("an oversized file: %v", err)
	}
	if _, err := readPassphraseFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("a missing file gave a passphrase")
	}

	ctx := context.Background()
	if got, err := runPassphraseCommand(ctx, "printf 'from command\\n'"); err != nil || string(got) != "from command" {
		t.Errorf("command = %q, %v", got, err)
	}
	_, err := runPassphraseCommand(ctx, "echo leaked-secret; exit 3")
	if err == nil || strings.Contains(err.Error(), "leaked-secret") {
		t.Errorf("a failing command: %v", err)
	}

	// Order: --passphrase-file, --passphrase-command, then the environment.
	fileP := write("f", "from flag file\n")
	envP := write("e", "from env file\n")
	t.Setenv("SPAREKEY_PASSPHRASE_FILE", envP)
	t.Setenv("SPAREKEY_PASSPHRASE_COMMAND", "")
	for _, tc := range []struct {
		e    Env
		want string
	}{
		{Env{passFile: fileP}, "from flag file"},
		{Env{passCommand: "echo from flag command"}, "from flag command"},
		{Env{}, "from env file"},
	} {
		got, err := tc.e.Passphrase("prompt")()
		if err != nil || string(got) != tc.want {
			t.Errorf("%+v: %q, %v", tc.e, got, err)
		}
		if got, err := tc.e.newPassphrase()(); err != nil || string(got) != tc.want {
			t.Errorf("new passphrase from %+v: %q, %v", tc.e, got, err)
		}
	}
	t.Setenv("SPAREKEY_PASSPHRASE_FILE", "")
	t.Setenv("SPAREKEY_PASSPHRASE_COMMAND", "echo from env command")
	if got, _ := (&Env{}).Passphrase("p")(); string(got) != "from env command" {
		t.Errorf("SPAREKEY_PASSPHRASE_COMMAND: %q", got)
	}
	if _, err := (&Env{passFile: write("empty", "\n")}).newPassphrase()(); err == nil {
		t.Error("an empty new passphrase was accepted")
	}
}

// TestKeyPassphraseInProcess covers the moves between keyring and passphrase
// with the in-process hooks, and the refusal to "change" a passphrase to
// the one read from the same file.
func TestKeyPassphraseInProcess(t *testing.T) {
	c := newCoreEnv(t)
	c.ok(nil, "add", "otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQ")
	dir := t.TempDir()
	oldP, newP := filepath.Join(dir, "old"), filepath.Join(dir, "new")
	os.WriteFile(oldP, []byte("old\n"), 0o600)
	os.WriteFile(newP, []byte("new\n"), 0o600)
	c.ok(nil, "key", "passphrase", "--passphrase-file", oldP)
	if mode, _ := vault.DetectMode(c.vault); mode != vault.ModePassphrase {
		t.Fatalf("mode = %v", mode)
	}
	before, _ := os.ReadFile(vault.KeyFilePath(c.vault))
	if _, errOut, code := c.run(nil, "key", "passphrase", "--passphrase-file", oldP); code != 2 || !strings.Contains(errOut, "--new-passphrase-file") {
		t.Errorf("changing to the same file: %d %q", code, errOut)
	}
	if after, _ := os.ReadFile(vault.KeyFilePath(c.vault)); !bytes.Equal(before, after) {
		t.Error("a refused change rewrote the key file")
	}
	c.ok(nil, "key", "passphrase", "--passphrase-file", oldP, "--new-passphrase-file", newP)
	if _, errOut, code := c.run(nil, "list", "--passphrase-file", oldP); code != 1 || !strings.Contains(errOut, "Wrong passphrase") {
		t.Errorf("old passphrase: %d %q", code, errOut)
	}
	c.ok(nil, "list", "--passphrase-file", newP)
	// Back into the keyring: the key file goes.
	c.ok(nil, "key", "keyring", "--passphrase-file", newP)
	if _, err := os.Stat(vault.KeyFilePath(c.vault)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("key file after moving to the keyring: %v", err)
	}
	c.ok(nil, "list")
}

func TestIsCobraUsage(t *testing.T) {
	for msg, want := range map[string]bool{
		`unknown command "x" for "sparekey"`:       true,
		"unknown flag: --frob":                     true,
		"accepts at most 1 arg(s), received 2":     true,
		`invalid argument "x" for "--digits" flag`: true,
		"flag needs an argument: --issuer":         true,
		"the vault file is damaged or incomplete":  false,
		"wrong passphrase":                         false,
	} {
		if got := isCobraUsage(errors.New(msg)); got != want {
			t.Errorf("isCobraUsage(%q) = %v", msg, got)
		}
	}
}

func TestEditTags(t *testing.T) {
	c := newCoreEnv(t)
	c.ok(nil, "add", "otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQ", "--tag", "work")
	out := c.ok(nil, "edit", "a", "--add-tag", "work", "--add-tag", " home ", "--json")
	var view accountView
	if err := json.Unmarshal([]byte(out), &view); err != nil || strings.Join(view.Tags, ",") != "work,home" {
		t.Errorf("edit --json tags = %q, %v", view.Tags, err)
	}
	if _, errOut, code := c.run(nil, "add", "otpauth://steam/S:s?secret=GEZDGNBVGY3TQOJR&digits=6"); code != 1 || !strings.Contains(errOut, "The number of digits must be 5 for Steam codes (got 6)") {
		t.Errorf("steam digits: %d %q", code, errOut)
	}
	if _, errOut, code := c.run(strings.NewReader("GEZDGNBVGY3TQOJS\n"), "add", "--secret-stdin"); code != 1 || !strings.Contains(errOut, "The name is missing: an account needs an issuer or a name.") {
		t.Errorf("no name: %d %q", code, errOut)
	}
}

func TestDamagedVaultMessages(t *testing.T) {
	c := newCoreEnv(t)
	c.ok(nil, "add", "otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQ")
	good, err := os.ReadFile(c.vault)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(good)
	flipped[len(flipped)-5] ^= 1
	for name, data := range map[string][]byte{"flipped": flipped, "truncated": good[:len(good)/2], "empty": {}} {
		os.WriteFile(c.vault, data, 0o600)
		_, errOut, code := c.run(nil, "list")
		if code != 1 || strings.Count(errOut, "damaged or incomplete") != 1 || !strings.Contains(errOut, "vault.age.prev") {
			t.Errorf("%s vault: exit %d, %q", name, code, errOut)
		}
		if after, _ := os.ReadFile(c.vault); !bytes.Equal(after, data) {
			t.Errorf("%s vault: the file was changed", name)
		}
	}
}

func TestNewerVaultMessage(t *testing.T) {
	c := newCoreEnv(t)
	c.ok(nil, "init")
	v, err := c.e.OpenVault()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, _ := age.Encrypt(&buf, v.Recipient())
	io.WriteString(w, `{"schema":99,"app":"sparekey","accounts":[]}`)
	w.Close()
	os.WriteFile(c.vault, buf.Bytes(), 0o600)
	if _, errOut, code := c.run(nil, "list"); code != 1 || !strings.Contains(errOut, "written by a newer Sparekey (format 99") || !strings.Contains(errOut, "update Sparekey") {
		t.Errorf("newer vault: exit %d %q", code, errOut)
	}
	if after, _ := os.ReadFile(c.vault); !bytes.Equal(after, buf.Bytes()) {
		t.Error("the newer vault was rewritten")
	}
}
