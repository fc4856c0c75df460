package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/sparekey/sparekey/app/testenv"
)

// hostileLink carries ESC, BEL, CR, NUL and a right-to-left override in
// both the issuer and the name.
const hostileLink = "otpauth://totp/%1B%5B31mEvil%07Corp%1B%5D0%3Bpwned%07:bob%0D%00%E2%80%AEgpj.exe?secret=GEZDGNBVGY3TQOJQ&issuer=%1B%5B31mEvil%07Corp%1B%5D0%3Bpwned%07"

// rawControl finds a byte or rune no output may carry raw.
func rawControl(s string) string {
	for _, bad := range []string{"\x1b", "\x07", "\r", "\x00", "\u202e", "\u2066", "\u009b"} {
		if strings.Contains(s, bad) {
			return bad
		}
	}
	return ""
}

func TestAddReadsAllOfStandardInput(t *testing.T) {
	const prefix = "otpauth://totp/Long:a?secret="
	longLine := prefix + strings.Repeat("A", 65569-len(prefix)) // the 65,569-byte line of issue #11
	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"link past the bound", longLine + "\n", []string{"add", "-"}, "more than 64 KiB"},
		{"secret past the bound", strings.Repeat("GEZDGNBV", 65569/8+1), []string{"add", "--secret-stdin", "--name", "x"}, "more than 64 KiB"},
		{"two links", "otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQ\notpauth://totp/B:b?secret=GEZDGNBVGY3TQOJR\n", []string{"add", "-"}, "sparekey import -"},
		{"nothing", "\n\n", []string{"add", "-"}, "nothing was given"},
	} {
		c := newCoreEnv(t)
		c.ok(nil, "init")
		_, errOut, code := c.run(strings.NewReader(tc.stdin), tc.args...)
		if code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, %q; want a refusal saying %q", tc.name, code, errOut, tc.want)
		}
		if out := c.ok(nil, "list"); !strings.Contains(out, "empty") {
			t.Errorf("%s: something was added:\n%s", tc.name, out)
		}
	}
	// Just under the bound is read whole, not cut: the parser sees all of
	// it (and refuses an over-long link by its own rule, not a shortened one).
	c := newCoreEnv(t)
	_, errOut, _ := c.run(strings.NewReader(prefix+strings.Repeat("A", 65000)), "add", "-")
	if !strings.Contains(errOut, "secret") {
		t.Errorf("a 65,000-byte link: %q", errOut)
	}
}

func TestAddWarnsWhenTheSecretIsAnArgument(t *testing.T) {
	c := newCoreEnv(t)
	_, errOut, code := c.run(nil, "add", "otpauth://totp/A:a?secret=GEZDGNBVGY3TQOJQ")
	if code != 0 || !strings.Contains(errOut, "process list") || !strings.Contains(errOut, "sparekey add -") {
		t.Errorf("add with the link as an argument: exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = c.run(strings.NewReader("otpauth://totp/B:b?secret=GEZDGNBVGY3TQOJR\n"), "add", "-")
	if code != 0 || strings.Contains(errOut, "warning") {
		t.Errorf("add - : exit %d, stderr %q", code, errOut)
	}
	help := c.ok(nil, "add", "--help")
	for _, want := range []string{"--paste", "add -", "process list", "history"} {
		if !strings.Contains(help, want) {
			t.Errorf("add --help does not mention %q", want)
		}
	}
}

// Values a person typed come back in errors short, escaped and never as
// file content.
func TestErrorsQuoteTypedValuesSafely(t *testing.T) {
	c := newCoreEnv(t)
	c.ok(strings.NewReader(hostileLink+"\n"), "add", "-")
	long := strings.Repeat("z", 300)
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		never string
	}{
		{"--type with escapes", "GEZDGNBV", []string{"add", "--secret-stdin", "--name", "x", "--type", "\x1b[2Jtotp"}, "\x1b"},
		{"--type long", "GEZDGNBV", []string{"add", "--secret-stdin", "--name", "x", "--type", long}, long[:40]},
		{"--algorithm with a bidi override", "GEZDGNBV", []string{"add", "--secret-stdin", "--name", "x", "--algorithm", "\u202eSHA1"}, "\u202e"},
		{"--algorithm holding a secret", "GEZDGNBV", []string{"add", "--secret-stdin", "--name", "x", "--algorithm", "JBSWY3DPEHPK3PXP"}, "JBSWY3DPEHPK3PXP"},
		{"search term with escapes", "", []string{"code", "\x1b]0;title\x07nothing"}, "\x1b"},
		{"ambiguous search", "", []string{"code", "\x1b"}, "\x1b"},
		{"list search", "", []string{"list", "\x1b[2Jnone"}, "\x1b"},
	} {
		out, errOut, code := c.run(strings.NewReader(tc.stdin), tc.args...)
		if code == 0 && tc.args[0] != "list" {
			t.Errorf("%s: accepted", tc.name)
		}
		if strings.Contains(out+errOut, tc.never) || rawControl(out+errOut) != "" {
			t.Errorf("%s: output quotes the raw value: %q %q", tc.name, out, errOut)
		}
	}

	// A plain file where the vault should be: refused, its bytes never shown.
	plain := "JBSWY3DPEHPK3PXP is my GitHub secret\n"
	os.WriteFile(c.vault, []byte(plain), 0o600)
	_, errOut, code := c.run(nil, "list")
	if code != 1 || strings.Contains(errOut, "JBSWY3DP") || strings.Contains(errOut, "GitHub") || !strings.Contains(errOut, "not an encrypted vault") {
		t.Errorf("plain file as the vault: exit %d, %q", code, errOut)
	}
}

// The real binary, end to end: a hostile link through add, list, show,
// an import preview and an error never puts a raw control byte on the
// terminal, and what is stored is the cleaned name.
func TestHostileNamesNeverReachTheTerminal(t *testing.T) {
	tmp := t.TempDir()
	pass := filepath.Join(tmp, "pass")
	os.WriteFile(pass, []byte("hostile names\n"), 0o600)
	h := newCLIHome(t, cleanEnv("HOME="+tmp, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(tmp, "no-bus"),
		"SPAREKEY_PASSPHRASE_FILE="+pass))
	h.ok("", "--no-keyring", "init")

	check := func(what, stdin string, args ...string) string {
		t.Helper()
		out, errOut, _ := h.run(stdin, args...)
		if bad := rawControl(out + errOut); bad != "" {
			t.Errorf("%s printed %q raw:\nstdout: %q\nstderr: %q", what, bad, out, errOut)
		}
		return out + errOut
	}
	if got := check("add -", hostileLink+"\n", "add", "-"); !strings.Contains(got, "Added [31mEvilCorp]0;pwned (bob gpj.exe).") {
		t.Errorf("add said %q", got)
	}
	check("add with the link as an argument", "", "add", strings.Replace(hostileLink, "GEZDGNBVGY3TQOJQ", "GEZDGNBVGY3TQOJR", 1))
	check("list", "", "list")
	check("show", "", "show", "EvilCorp")
	check("code", "", "code", "\x1b[2J")
	check("edit", "", "edit", "bob", "--note", "a\x1b]0;x\x07b", "--add-tag", "\u202etag")
	check("show after edit", "", "show", "bob gpj")
	list := "otpauth://totp/%1B%5B2JImported:%E2%80%AEeve?secret=GEZDGNBVGY3TQOJS\n" +
		"otpauth://totp/%1B%5B2JBroken:x%07?secret=1\n"
	if got := check("import preview", list, "import", "--dry-run", "-"); !strings.Contains(got, "removed") {
		t.Errorf("the import preview does not say names were cleaned:\n%s", got)
	}
	check("an error", "", "add", "--secret-stdin", "--name", "x", "--type", "\x1b[31m\x07")
}

// add --paste reads the clipboard of a real (virtual) X display: the link
// as text, or a copied QR picture.
func TestAddPaste(t *testing.T) {
	xclip := testenv.Tool(t, "xclip")
	display := testenv.StartXvfb(t)
	tmp := t.TempDir()
	pass := filepath.Join(tmp, "pass")
	os.WriteFile(pass, []byte("paste\n"), 0o600)
	h := newCLIHome(t, cleanEnv("HOME="+tmp, "DISPLAY="+display, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(tmp, "no-bus"),
		"SPAREKEY_PASSPHRASE_FILE="+pass))
	h.ok("", "--no-keyring", "init")

	// copyToClipboard makes xclip own the clipboard until the next copy or
	// the end of the test, as a desktop application would.
	var owner *exec.Cmd
	var ownerDone chan struct{}
	stopOwner := func() {
		if owner != nil {
			owner.Process.Kill()
			<-ownerDone
			owner = nil
		}
	}
	t.Cleanup(stopOwner)
	copyToClipboard := func(mime string, data []byte) {
		t.Helper()
		stopOwner()
		f := filepath.Join(tmp, "clip")
		os.WriteFile(f, data, 0o600)
		owner = exec.Command(xclip, "-selection", "clipboard", "-quiet", "-t", mime, "-i", f)
		owner.Env = append(os.Environ(), "DISPLAY="+display)
		var ownerOut strings.Builder
		owner.Stdout, owner.Stderr = &ownerOut, &ownerOut
		if err := owner.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		ownerDone = done
		go func(cmd *exec.Cmd) { cmd.Wait(); close(done) }(owner)
		// xclip owns the selection once it answers for it; on a busy
		// machine that can take a while, so wait for it rather than a clock.
		for {
			probe := exec.Command(xclip, "-selection", "clipboard", "-o", "-t", "TARGETS")
			probe.Env = owner.Env
			if out, _ := probe.Output(); strings.Contains(string(out), mime) {
				return
			}
			select {
			case <-done:
				t.Fatalf("xclip exited before taking the clipboard: %s", ownerOut.String())
			default:
			}
		}
	}

	h.refused(1, "neither an otpauth:// link nor a picture", "", nil, "--no-keyring", "add", "--paste")

	copyToClipboard("UTF8_STRING", []byte("otpauth://totp/Pasted:alice?secret="+aliceSecret+"&issuer=Pasted\n"))
	out, errOut, code := h.run("", "--no-keyring", "add", "--paste")
	if code != 0 || out != "Added Pasted (alice).\n" || strings.Contains(errOut, "process list") || !strings.Contains(errOut, "still on the clipboard") {
		t.Errorf("add --paste (text): exit %d\n%s\n%s", code, out, errOut)
	}

	copyToClipboard("UTF8_STRING", []byte("https://example.com/"+aliceSecret))
	h.refused(1, "a web link", "", []string{aliceSecret}, "--no-keyring", "add", "--paste")

	png, err := qrcode.Encode("otpauth://totp/Picture:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Picture", qrcode.Medium, 256)
	if err != nil {
		t.Fatal(err)
	}
	copyToClipboard("image/png", png)
	if out := h.ok("", "--no-keyring", "add", "--paste"); out != "Added Picture (bob).\n" {
		t.Errorf("add --paste (picture) said %q", out)
	}
	if labels := listAccounts(t, h); strings.Join(labels, ",") != "Pasted (alice),Picture (bob)" {
		t.Errorf("vault holds %v", labels)
	}
}

func listAccounts(t *testing.T, h *cliHome) []string {
	t.Helper()
	var labels []string
	for _, line := range strings.Split(h.ok("", "--no-keyring", "list"), "\n")[1:] {
		if f := strings.Fields(line); len(f) >= 3 {
			labels = append(labels, strings.Join(f[:len(f)-1], " "))
		}
	}
	return labels
}
