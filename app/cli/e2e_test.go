package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
)

// cliHome is one SPAREKEY_HOME driven through the real binary.
type cliHome struct {
	t     *testing.T
	bin   string
	home  string
	env   []string
	vault string
	// beforeAnswer, if set, runs while the binary waits at a prompt of
	// runOnTerminal, before the answer is typed (another process's turn).
	beforeAnswer func(prompt string)
}

func newCLIHome(t *testing.T, env []string) *cliHome {
	home := t.TempDir()
	return &cliHome{t: t, bin: sparekeyBinary(t), home: home, vault: filepath.Join(home, "data", "vault.age"),
		env: append(append([]string(nil), env...), "SPAREKEY_HOME="+home, "LANG=C.UTF-8")}
}

func (h *cliHome) run(stdin string, args ...string) (stdout, stderr string, code int) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.bin, args...)
	cmd.Env = h.env
	cmd.WaitDelay = 5 * time.Second
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		h.t.Fatalf("sparekey %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), code
}

func (h *cliHome) ok(stdin string, args ...string) string {
	h.t.Helper()
	out, errOut, code := h.run(stdin, args...)
	if code != 0 {
		h.t.Fatalf("sparekey %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func (h *cliHome) vaultBytes() []byte {
	data, err := os.ReadFile(h.vault)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		h.t.Fatal(err)
	}
	return data
}

// refused runs a command that must fail with code and a message containing
// want on stderr, writing nothing: the vault file is byte-for-byte the same
// and no temporary file is left. secrets must not appear in any output.
func (h *cliHome) refused(code int, want, stdin string, secrets []string, args ...string) {
	h.t.Helper()
	before := h.vaultBytes()
	out, errOut, got := h.run(stdin, args...)
	if got != code {
		h.t.Errorf("sparekey %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), got, code, out, errOut)
	}
	if !strings.Contains(errOut, want) {
		h.t.Errorf("sparekey %s: stderr %q does not say %q", strings.Join(args, " "), errOut, want)
	}
	if !bytes.Equal(before, h.vaultBytes()) {
		h.t.Errorf("sparekey %s changed the vault file", strings.Join(args, " "))
	}
	if tmp, _ := filepath.Glob(filepath.Join(filepath.Dir(h.vault), ".*tmp-*")); len(tmp) > 0 {
		h.t.Errorf("sparekey %s left %v", strings.Join(args, " "), tmp)
	}
	for _, s := range secrets {
		if strings.Contains(out+errOut, s) {
			h.t.Errorf("sparekey %s printed a secret: %q %q", strings.Join(args, " "), out, errOut)
		}
	}
}

func oath(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command(testenv.Tool(t, "oathtool"), args...)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oathtool %s: %v", strings.Join(args, " "), err)
	}
	return strings.Fields(string(out))
}

// sameStep runs get until oathtool and sparekey agree on which time step it
// is (a step boundary may fall between the two calls), then compares.
func sameStep(t *testing.T, what string, oathArgs []string, get func() string) {
	t.Helper()
	for range 3 {
		before := oath(t, oathArgs...)
		got := get()
		after := oath(t, oathArgs...)
		if before[0] != after[0] {
			continue // crossed a boundary: try again
		}
		if got != before[0] {
			t.Errorf("%s: sparekey says %s, oathtool %s", what, got, before[0])
		}
		return
	}
	t.Errorf("%s: never got a stable time step", what)
}

const (
	aliceSecret = "JBSWY3DPEHPK3PXP"
	bankSecret  = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // RFC 4226's key
	shaSecret   = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"
	steamSecret = "ONSWG4TFOQYTEMZU"
)

var allSecrets = []string{aliceSecret, bankSecret, shaSecret, steamSecret, "JBSW Y3DP"}

// TestCLIEndToEnd drives the binary through a vault's life in keyring mode,
// against a private gnome-keyring (no scrypt per call), then moves the key
// behind a passphrase.
func TestCLIEndToEnd(t *testing.T) {
	h := newCLIHome(t, privateSecretService(t))

	if out := h.ok("", "--version"); !strings.HasPrefix(out, "sparekey "+app.Version+" (commit ") {
		t.Errorf("--version = %q", out)
	}
	h.refused(1, "no vault here yet", "", nil, "list")
	if out := h.ok("", "init"); !strings.Contains(out, "in the system keyring") {
		t.Errorf("init said %q", out)
	}
	if info, err := os.Stat(h.vault); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("vault file: %v, %v", info, err)
	}
	h.refused(1, "already exists", "", nil, "init")

	// Adding: a URI argument, a URI on stdin, a secret on stdin with flags.
	if out := h.ok("", "add", "otpauth://totp/Example:alice@example.com?secret="+aliceSecret+"&issuer=Example", "--tag", "mail"); out != "Added Example (alice@example.com).\n" {
		t.Errorf("add said %q", out)
	}
	h.ok("otpauth://hotp/Bank:bob?secret="+bankSecret+"&counter=5&digits=8\n", "add", "-")
	h.ok(strings.ToLower(shaSecret)+"\n", "add", "--secret-stdin", "--issuer", "Cloud", "--name", "carol", "--algorithm", "sha256", "--digits", "7", "--period", "45")
	h.ok(steamSecret+"\n", "add", "--secret-stdin", "--issuer", "Steam", "--name", "gamer", "--type", "steam")
	h.ok("", "add", "otpauth://totp/GitHub:dave?secret=GEZDGNBVGY3TQOJR")
	h.ok("", "add", "otpauth://totp/GitHub:erin?secret=GEZDGNBVGY3TQOJS", "--favorite")

	// Bad input: exit 1 (or 2 for usage), a clear message, nothing written.
	h.refused(1, "no key contains", "", allSecrets, "add", "otpauth://totp/x?secret=JBSWY3DPEHPK3PX1")
	h.refused(1, "sparekey import", "", nil, "add", "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8")
	h.refused(1, "Nothing was added", "", allSecrets, "add", "otpauth://totp/Again:alice?secret="+aliceSecret)
	h.refused(1, "otpauth://", "", allSecrets, "add", aliceSecret)
	h.refused(1, "algorithm", "", allSecrets, "add", "otpauth://totp/x?secret=GEZDGNBVGY3TQOJT&algorithm=MD5")
	h.refused(1, "digits", "", allSecrets, "add", "otpauth://totp/x?secret=GEZDGNBVGY3TQOJT&digits=11")
	h.refused(1, "given twice", "", allSecrets, "add", "otpauth://totp/x?secret=GEZDGNBVGY3TQOJT&secret="+aliceSecret)
	h.refused(1, "nothing was given on standard input", "", nil, "add", "--secret-stdin", "--name", "x")
	h.refused(1, "nothing was given on standard input", "\n", nil, "add", "-")
	h.refused(1, "no key contains", "not base32!\n", allSecrets, "add", "--secret-stdin", "--name", "x")
	h.refused(1, "algorithm", "GEZDGNBVGY3TQOJT\n", allSecrets, "add", "--secret-stdin", "--name", "x", "--algorithm", "MD5")
	h.refused(1, "digits", "GEZDGNBVGY3TQOJT\n", allSecrets, "add", "--secret-stdin", "--name", "x", "--digits", "11")
	h.refused(1, "type", "GEZDGNBVGY3TQOJT\n", allSecrets, "add", "--secret-stdin", "--name", "x", "--type", "motp")
	h.refused(1, "issuer or a name", "GEZDGNBVGY3TQOJT\n", allSecrets, "add", "--secret-stdin")
	h.refused(2, "shows its secret in ps", "", nil, "add")
	h.refused(2, "accepts at most 1 arg", "", nil, "add", "a", "b")
	h.refused(2, "unknown flag", "", nil, "add", "--secret", aliceSecret)

	// list and list --json: everything but the secrets.
	out := h.ok("", "list")
	for _, want := range []string{"ACCOUNT", "★ GitHub (erin)", "Bank (bob)", "hotp", "Example (alice@example.com)", "mail", "Steam (gamer)", "steam"} {
		if !strings.Contains(out, want) {
			t.Errorf("list does not show %q:\n%s", want, out)
		}
	}
	var views []map[string]any
	out = h.ok("", "list", "--json")
	if err := json.Unmarshal([]byte(out), &views); err != nil || len(views) != 6 {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	for _, s := range allSecrets {
		if strings.Contains(out, s) {
			t.Errorf("list --json shows a secret")
		}
	}
	if views[0]["label"] != "GitHub (erin)" || views[0]["favorite"] != true {
		t.Errorf("favourite first: %v", views[0])
	}
	if out := h.ok("", "list", "github"); strings.Count(out, "GitHub") != 2 {
		t.Errorf("list github:\n%s", out)
	}
	if out := h.ok("", "list", "nothing-like-this"); !strings.Contains(out, "No account matches") {
		t.Errorf("empty search: %q", out)
	}

	// Codes, compared with oathtool.
	sameStep(t, "TOTP", []string{"--totp", "-b", aliceSecret}, func() string { return strings.TrimSpace(h.ok("", "code", "alice")) })
	sameStep(t, "TOTP SHA256/7/45s", []string{"--totp=sha256", "--digits=7", "--time-step-size=45s", "-b", shaSecret},
		func() string { return strings.TrimSpace(h.ok("", "code", "cloud")) })
	sameStep(t, "code --next", []string{"--totp", "-b", "-w", "1", aliceSecret}, func() string {
		lines := strings.Split(strings.TrimSpace(h.ok("", "code", "--next", "alice")), "\n")
		if len(lines) != 2 || !regexp.MustCompile(`^\d{6} in \d+s$`).MatchString(lines[1]) {
			t.Errorf("code --next printed %q", lines)
			return ""
		}
		next := oath(t, "--totp", "-b", "-w", "1", aliceSecret)
		if strings.Fields(lines[1])[0] != next[len(next)-1] && strings.Fields(lines[1])[0] != next[0] {
			t.Errorf("next code %s, oathtool %v", lines[1], next)
		}
		return lines[0]
	})
	sameStep(t, "code --json", []string{"--totp", "-b", aliceSecret}, func() string {
		var got struct {
			Account     string `json:"account"`
			Code        string `json:"code"`
			SecondsLeft int    `json:"seconds_left"`
			Next        string `json:"next"`
		}
		if err := json.Unmarshal([]byte(h.ok("", "code", "--json", "--next", "alice")), &got); err != nil {
			t.Fatal(err)
		}
		if got.Account != "Example (alice@example.com)" || got.SecondsLeft < 0 || got.SecondsLeft > 30 || len(got.Next) != 6 {
			t.Errorf("code --json = %+v", got)
		}
		return got.Code
	})
	steam := h.ok("", "code", "steam")
	if !regexp.MustCompile(`^[23456789BCDFGHJKMNPQRTVWXY]{5}\n$`).MatchString(steam) {
		t.Errorf("steam code %q", steam)
	}

	// HOTP: each code uses up a counter, saved before it is shown.
	want := oath(t, "--hotp", "--digits=8", "-c", "5", "-w", "2", "-b", bankSecret)
	for i, w := range want[:2] {
		if got := strings.TrimSpace(h.ok("", "code", "bank")); got != w {
			t.Errorf("HOTP code %d = %s, oathtool %s", i, got, w)
		}
	}
	var hc struct {
		Code    string `json:"code"`
		Counter uint64 `json:"counter"`
	}
	json.Unmarshal([]byte(h.ok("", "code", "bank", "--json")), &hc)
	if hc.Code != want[2] || hc.Counter != 7 {
		t.Errorf("HOTP --json = %+v, want %s at 7", hc, want[2])
	}
	var shown map[string]any
	json.Unmarshal([]byte(h.ok("", "show", "bank", "--json")), &shown)
	if shown["counter"] != float64(8) {
		t.Errorf("counter after three codes = %v, want 8", shown["counter"])
	}

	// show: the secret only with --reveal.
	out = h.ok("", "show", "alice")
	if !strings.Contains(out, "hidden (use --reveal)") || strings.Contains(out, aliceSecret) || strings.Contains(out, "JBSW Y3DP") {
		t.Errorf("show without --reveal:\n%s", out)
	}
	if out := h.ok("", "show", "alice", "--reveal"); !strings.Contains(out, "JBSW Y3DP EHPK 3PXP") {
		t.Errorf("show --reveal:\n%s", out)
	}
	if out := h.ok("", "show", "alice", "--json"); strings.Contains(out, aliceSecret) || strings.Contains(out, `"secret"`) {
		t.Errorf("show --json leaks the secret: %s", out)
	}
	if out := h.ok("", "show", "alice", "--json", "--reveal"); !strings.Contains(out, `"secret": "`+aliceSecret+`"`) {
		t.Errorf("show --json --reveal: %s", out)
	}
	h.refused(2, "--reveal", "", allSecrets, "show", "alice", "--uri")
	uri := strings.TrimSpace(h.ok("", "show", "alice", "--uri", "--reveal"))
	if acct, err := vault.ParseURI(uri); err != nil || acct.Secret != aliceSecret || acct.Issuer != "Example" {
		t.Errorf("show --uri printed %q: %v", uri, err)
	}

	// Ambiguous and unknown names.
	h.refused(1, "GitHub (erin), GitHub (dave)", "", nil, "code", "github") // favourites first
	h.refused(1, "matches 2 accounts", "", nil, "show", "git")
	h.refused(1, "No such account", "", nil, "code", "nobody")

	// edit.
	h.ok("", "edit", "alice", "--note", "work laptop", "--add-tag", "work", "--favorite")
	json.Unmarshal([]byte(h.ok("", "show", "alice", "--json")), &shown)
	if shown["note"] != "work laptop" || shown["favorite"] != true || len(shown["tags"].([]any)) != 2 {
		t.Errorf("after edit: %v", shown)
	}
	h.ok("", "edit", "bank", "--counter", "100")
	if got := strings.TrimSpace(h.ok("", "code", "bank")); got != oath(t, "--hotp", "--digits=8", "-c", "100", "-b", bankSecret)[0] {
		t.Errorf("code after resetting the counter: %s", got)
	}
	h.refused(2, "nothing to change", "", nil, "edit", "alice")
	h.refused(2, "only to HOTP", "", nil, "edit", "alice", "--counter", "3")
	h.refused(1, "issuer or a name", "", nil, "edit", "dave", "--issuer", "", "--name", "")

	// remove: never without a decision.
	h.refused(2, "needs confirmation", "y\n", nil, "remove", "dave")
	if out := h.ok("", "remove", "dave", "--yes"); !strings.Contains(out, "Removed GitHub (dave)") {
		t.Errorf("remove said %q", out)
	}
	h.refused(1, "No such account", "", nil, "remove", "dave", "--yes")
	prev, err := os.ReadFile(vault.PreviousPath(h.vault))
	if err != nil || len(prev) == 0 {
		t.Errorf("no previous version kept: %v", err)
	}

	// key status and export: the exported key opens the vault with the age CLI.
	if out := h.ok("", "key", "status"); !strings.Contains(out, "in the system keyring") {
		t.Errorf("key status: %q", out)
	}
	var status map[string]string
	json.Unmarshal([]byte(h.ok("", "key", "status", "--json")), &status)
	if status["mode"] != "keyring" || status["vault"] != h.vault {
		t.Errorf("key status --json: %v", status)
	}
	keyFile := filepath.Join(t.TempDir(), "identity.txt")
	h.ok("", "key", "export", "-o", keyFile)
	if info, err := os.Stat(keyFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("exported key: %v, %v", info, err)
	}
	ageCmd := exec.Command(testenv.Tool(t, "age"), "-d", "-i", keyFile, h.vault)
	ageCmd.WaitDelay = 5 * time.Second
	plain, err := ageCmd.Output()
	if err != nil {
		t.Fatalf("age -d: %v", err)
	}
	var doc struct {
		App      string           `json:"app"`
		Accounts []*vault.Account `json:"accounts"`
	}
	if err := json.Unmarshal(plain, &doc); err != nil || doc.App != "sparekey" || len(doc.Accounts) != 5 {
		t.Errorf("age decrypted %d accounts of %q: %v", len(doc.Accounts), doc.App, err)
	}
	if out := h.ok("", "key", "export"); !strings.Contains(out, "AGE-SECRET-KEY-1") {
		t.Error("key export to stdout printed no key")
	}

	// key passphrase: out of the keyring, behind a passphrase, then a new one.
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	os.WriteFile(first, []byte("first passphrase\n"), 0o600)
	os.WriteFile(second, []byte("second passphrase"), 0o600)
	h.ok("", "key", "passphrase", "--passphrase-file", first)
	if out := h.ok("", "key", "status"); !strings.Contains(out, "behind your passphrase") {
		t.Errorf("key status after moving: %q", out)
	}
	h.refused(1, "Wrong passphrase", "", nil, "list", "--passphrase-file", second)
	h.refused(1, "--passphrase-file", "", nil, "list") // no terminal to ask on
	h.refused(2, "--new-passphrase-file", "", nil, "key", "passphrase", "--passphrase-file", first)
	h.ok("", "key", "passphrase", "--passphrase-file", first, "--new-passphrase-file", second)
	h.refused(1, "Wrong passphrase", "", nil, "list", "--passphrase-file", first)
	if out := h.ok("", "code", "alice", "--passphrase-file", second); len(strings.TrimSpace(out)) != 6 {
		t.Errorf("code with the new passphrase: %q", out)
	}
}

// TestCLIInitFallsBackToPassphrase: with no keyring (no session bus at all,
// or --no-keyring), init says why and protects the vault with the
// passphrase file instead; without one and without a terminal it stops.
func TestCLIInitFallsBackToPassphrase(t *testing.T) {
	tmp := t.TempDir()
	pass := filepath.Join(tmp, "pass")
	os.WriteFile(pass, []byte("fallback passphrase\n"), 0o600)
	noBus := cleanEnv("HOME="+tmp, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(tmp, "no-such-bus"))

	h := newCLIHome(t, noBus)
	h.refused(1, "--passphrase-file", "", nil, "init")
	if _, err := os.Stat(h.vault); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed init left a vault: %v", err)
	}
	out, errOut, code := h.run("", "init", "--passphrase-file", pass)
	if code != 0 || !strings.Contains(out, "behind your passphrase") || !strings.Contains(errOut, "keyring cannot be used") || !strings.Contains(errOut, "Using a passphrase instead") {
		t.Fatalf("init without a bus: exit %d\n%s\n%s", code, out, errOut)
	}

	h2 := newCLIHome(t, noBus)
	out, errOut, code = h2.run("", "--no-keyring", "--passphrase-file", pass, "init")
	if code != 0 || !strings.Contains(errOut, "disabled with --no-keyring") || !strings.Contains(out, "behind your passphrase") {
		t.Fatalf("init --no-keyring: exit %d\n%s\n%s", code, out, errOut)
	}
	// add on a fresh machine creates the vault first.
	h3 := newCLIHome(t, noBus)
	out, errOut, code = h3.run("", "--no-keyring", "--passphrase-file", pass, "add", "otpauth://totp/First:x?secret="+aliceSecret)
	if code != 0 || !strings.Contains(errOut, "Created a new vault") || !strings.Contains(out, "Added First (x)") {
		t.Fatalf("add on a fresh machine: exit %d\n%s\n%s", code, out, errOut)
	}
}

// runOnTerminal runs the binary on a real pty, answering each prompt it
// waits for, and returns everything the terminal showed and the exit code.
func (h *cliHome) runOnTerminal(answers []string, prompts []string, args ...string) (string, int) {
	h.t.Helper()
	cmd := exec.Command(h.bin, args...)
	cmd.Env = h.env
	ptmx, err := pty.Start(cmd)
	if err != nil {
		h.t.Skipf("no pty: %v", err)
	}
	defer ptmx.Close()
	var mu sync.Mutex
	var screen bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	shown := func() string { mu.Lock(); defer mu.Unlock(); return screen.String() }
	for i, prompt := range prompts {
		deadline := time.Now().Add(time.Minute)
		for strings.Count(shown(), prompt) <= countBefore(prompts[:i], prompt) {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				h.t.Fatalf("sparekey %s never asked %q; the terminal shows:\n%s", strings.Join(args, " "), prompt, shown())
			}
			time.Sleep(10 * time.Millisecond)
		}
		if h.beforeAnswer != nil {
			h.beforeAnswer(prompt)
		}
		ptmx.Write([]byte(answers[i] + "\r"))
	}
	err = cmd.Wait()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	}
	time.Sleep(50 * time.Millisecond) // let the reader drain
	return shown(), code
}

func countBefore(prompts []string, p string) int {
	n := 0
	for _, q := range prompts {
		if q == p {
			n++
		}
	}
	return n
}

// TestCLITerminalPrompts types passphrases at real prompts: they are asked
// twice for a new vault, never echoed, and a mismatch or a wrong one stops.
func TestCLITerminalPrompts(t *testing.T) {
	tmp := t.TempDir()
	h := newCLIHome(t, cleanEnv("HOME="+tmp, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(tmp, "no-such-bus")))

	screen, code := h.runOnTerminal([]string{"typed secret", "different"}, []string{"New passphrase:", "Repeat the passphrase:"}, "init", "--passphrase")
	if code != 1 || !strings.Contains(screen, "differ") || strings.Contains(screen, "typed secret") {
		t.Fatalf("mismatched passphrases: exit %d\n%s", code, screen)
	}
	if _, err := os.Stat(h.vault); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a vault was created: %v", err)
	}
	screen, code = h.runOnTerminal([]string{"typed secret", "typed secret"}, []string{"New passphrase:", "Repeat the passphrase:"}, "init", "--passphrase")
	if code != 0 || !strings.Contains(screen, "behind your passphrase") || strings.Contains(screen, "typed secret") {
		t.Fatalf("init on a terminal: exit %d\n%s", code, screen)
	}
	screen, code = h.runOnTerminal([]string{"not it"}, []string{"Passphrase for"}, "list")
	if code != 1 || !strings.Contains(screen, "Wrong passphrase") || strings.Contains(screen, "not it") {
		t.Errorf("wrong passphrase on a terminal: exit %d\n%s", code, screen)
	}
	screen, code = h.runOnTerminal([]string{"typed secret"}, []string{"Passphrase for"}, "list")
	if code != 0 || !strings.Contains(screen, "The vault is empty") {
		t.Errorf("list on a terminal: exit %d\n%s", code, screen)
	}
}
