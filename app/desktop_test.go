package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/transfer/qr"
)

func deskAccount(t testing.TB, issuer, name string, tags ...string) *vault.Account {
	t.Helper()
	a, err := vault.NewAccount(vault.Account{Issuer: issuer, Name: name, Secret: vault.SecretFromBytes([]byte(issuer + "/" + name + "-secret")), Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	a.ID = vault.NewID()
	return a
}

func TestCodeListFilter(t *testing.T) {
	accts := []*vault.Account{
		deskAccount(t, "GitHub", "alice@example.com", "work"),
		deskAccount(t, "Google", "alice@gmail.com", "personal"),
		deskAccount(t, "AWS", "root", "work", "cloud"),
	}
	accts[1].Note = "recovery codes in the safe"
	vault.SortAccounts(accts)
	l := NewCodeList()
	l.SetAccounts(accts)

	tests := []struct {
		query, tag string
		want       []string
	}{
		{"", "", []string{"AWS", "GitHub", "Google"}},
		{"g", "", []string{"GitHub", "Google"}},
		{"GOO", "", []string{"Google"}},
		{"alice work", "", []string{"GitHub"}},
		{"safe", "", []string{"Google"}}, // note
		{"cloud", "", []string{"AWS"}},   // tag
		{"", "work", []string{"AWS", "GitHub"}},
		{"", "WORK", []string{"AWS", "GitHub"}}, // tags are case-insensitive
		{"git", "work", []string{"GitHub"}},
		{"nothing", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query+"/"+tt.tag, func(t *testing.T) {
			l.Filter(tt.query, tt.tag)
			var got []string
			for i := 0; i < l.Len(); i++ {
				got = append(got, l.Account(i).Issuer)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("Filter(%q, %q) = %v, want %v", tt.query, tt.tag, got, tt.want)
			}
			if l.Filtering() != (tt.query != "" || tt.tag != "") {
				t.Errorf("Filtering() = %v", l.Filtering())
			}
		})
	}
	if got := l.Tags(); strings.Join(got, ",") != "cloud,personal,work" {
		t.Errorf("Tags() = %v", got)
	}
}

func TestCodeListCodes(t *testing.T) {
	a := deskAccount(t, "GitHub", "alice")
	h, err := vault.NewAccount(vault.Account{Issuer: "Bank", Name: "alice", Secret: "JBSWY3DPEHPK3PXP", Kind: vault.KindHOTP, Counter: 7})
	if err != nil {
		t.Fatal(err)
	}
	h.ID = "hotp"
	l := NewCodeList()
	l.SetAccounts([]*vault.Account{a, h})

	now := time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC)
	e := l.Entry(0, now)
	want, _ := a.CodeAt(now)
	wantNext, _ := a.NextCodeAt(now)
	if e.Code != want || e.Next != wantNext || e.Remaining != 20*time.Second {
		t.Fatalf("Entry = %+v, want code %s next %s remaining 20s", e, want, wantNext)
	}
	// A new period gives the next code.
	later := now.Add(25 * time.Second)
	if e := l.Entry(0, later); e.Code != wantNext {
		t.Errorf("after the period ended the code is %s, want %s", e.Code, wantNext)
	}
	// HOTP: nothing until a code is issued, and never regenerated.
	if e := l.Entry(1, now); e.Code != "" {
		t.Errorf("HOTP entry shows %q before any code was issued", e.Code)
	}
	l.SetIssued("hotp", "123456")
	l.SetAccounts([]*vault.Account{a, h}) // a change elsewhere keeps it
	if e := l.Entry(1, now); e.Code != "123456" {
		t.Errorf("HOTP entry = %q, want the issued code", e.Code)
	}
	l.Clear()
	if l.Len() != 0 || l.Total() != 0 {
		t.Error("Clear left accounts")
	}
}

// BenchmarkSearchKeystroke is the work of one keystroke in the search box
// over 10,000 accounts: filter the snapshot, then produce the codes of a
// screenful of rows (what the list redraws).
func BenchmarkSearchKeystroke(b *testing.B) {
	const n, visible = 10000, 12
	accts := make([]*vault.Account, n)
	for i := range accts {
		accts[i] = deskAccount(b, fmt.Sprintf("Issuer %d", i), fmt.Sprintf("user%d@example.com", i), "tag"+fmt.Sprint(i%7))
	}
	vault.SortAccounts(accts)
	l := NewCodeList()
	l.SetAccounts(accts)
	queries := []string{"i", "is", "iss", "issu", "issue", "issuer", "issuer 1", "issuer 12", "issuer 123", "issuer 1234"}
	now := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Filter(queries[i%len(queries)], "")
		for r := 0; r < visible && r < l.Len(); r++ {
			l.Entry(r, now.Add(time.Duration(i)*30*time.Second)) // a new period: codes regenerated
		}
	}
}

func BenchmarkTickVisibleRows(b *testing.B) {
	accts := make([]*vault.Account, 1000)
	for i := range accts {
		accts[i] = deskAccount(b, fmt.Sprintf("Issuer %d", i), "user")
	}
	l := NewCodeList()
	l.SetAccounts(accts)
	now := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for r := 0; r < 12; r++ {
			l.Entry(r, now.Add(time.Duration(i)*time.Second)) // same period mostly: cached
		}
	}
}

func TestEnvPassphrase(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "pass")
	if err := os.WriteFile(file, []byte("correct horse\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SPAREKEY_PASSPHRASE_FILE", "")
	t.Setenv("SPAREKEY_PASSPHRASE_COMMAND", "")
	if EnvPassphrase() != nil {
		t.Fatal("EnvPassphrase with nothing set is not nil")
	}
	t.Setenv("SPAREKEY_PASSPHRASE_FILE", file)
	got, err := EnvPassphrase()()
	if err != nil || string(got) != "correct horse" {
		t.Fatalf("file passphrase = %q, %v", got, err)
	}
	t.Setenv("SPAREKEY_PASSPHRASE_FILE", filepath.Join(dir, "missing"))
	if _, err := EnvPassphrase()(); err == nil || !strings.Contains(err.Error(), "SPAREKEY_PASSPHRASE_FILE") {
		t.Fatalf("missing file: %v", err)
	}
	t.Setenv("SPAREKEY_PASSPHRASE_FILE", "")
	t.Setenv("SPAREKEY_PASSPHRASE_COMMAND", "printf 'from a command\\n'")
	got, err = EnvPassphrase()()
	if err != nil || string(got) != "from a command" {
		t.Fatalf("command passphrase = %q, %v", got, err)
	}
	t.Setenv("SPAREKEY_PASSPHRASE_COMMAND", "echo secret-output; exit 3")
	_, err = EnvPassphrase()()
	if err == nil || strings.Contains(err.Error(), "secret-output") {
		t.Fatalf("a failing command must fail without repeating its output: %v", err)
	}
}

func TestClassifyQRTexts(t *testing.T) {
	// Part 1 of a 2-code Google Authenticator export: two accounts, and a
	// note that part 2 was not scanned.
	migration := "otpauth-migration://offline?data=CiUKEOSScPDSHzZchAj4tHXFJnwSBU1hc29uGgREZW5vIAEoATACCikKEPkWZMjXaIU67d5ak2wWuogSDUFpcmJuYjpFbGlqYWgaACADKAIwAhABGAIgACiy8hk%3D"
	tests := []struct {
		name      string
		text      string
		accounts  int
		migration bool
		problem   string // substring
	}{
		{"otpauth", "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub", 1, false, ""},
		{"bad otpauth", "otpauth://totp/GitHub:alice?secret=!!!", 0, false, "cannot be used"},
		{"secret where the type goes", "otpauth://secret=JBSWY3DPEHPK3PXP", 0, false, "cannot be used"},
		{"web link", "https://example.com/setup", 0, false, "a web link"},
		{"wifi", "WIFI:S:home;T:WPA;P:hunter2;;", 0, false, "Wi-Fi"},
		{"other", "hello", 0, false, "5 characters of other text"},
		{"migration", migration, 2, true, "2 of 2 not read"},
		{"broken migration", "otpauth-migration://offline?data=AAAA", 0, true, "not a Google Authenticator export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := ClassifyQRTexts([]string{tt.text})
			if len(fs) != 1 {
				t.Fatalf("%d findings", len(fs))
			}
			f := fs[0]
			if len(f.Accounts) != tt.accounts || f.Migration != tt.migration || !strings.Contains(f.Problem, tt.problem) {
				t.Fatalf("finding = %d accounts, migration %v, problem %q", len(f.Accounts), f.Migration, f.Problem)
			}
			if strings.Contains(f.Problem, "hunter2") || strings.Contains(f.Problem, "JBSWY3DP") {
				t.Fatalf("a problem repeats the QR's text: %q", f.Problem)
			}
		})
	}
}

func TestScanImageFileFixture(t *testing.T) {
	path := testenv.Fixture(t, "screenshot_with_qr.png")
	fs, err := ScanImageFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || len(fs[0].Accounts) != 1 {
		t.Fatalf("findings = %+v, want one account", fs)
	}
	a := fs[0].Accounts[0]
	if a.Issuer == "" && a.Name == "" {
		t.Fatalf("account without a label: %+v", a)
	}
}

func TestScanImageErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.png")
	os.WriteFile(text, []byte("not a picture"), 0o600)
	blank := filepath.Join(dir, "blank.png")
	if err := exec.Command(testenv.Tool(t, "convert"), "-size", "200x200", "xc:white", blank).Run(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want error
		says string
	}{
		{text, qr.ErrNotImage, "not a picture"},
		{blank, qr.ErrNoQRCode, "No QR code"},
		{filepath.Join(dir, "missing.png"), os.ErrNotExist, ""},
	}
	for _, tt := range tests {
		_, err := ScanImageFile(tt.path)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", filepath.Base(tt.path), err, tt.want)
		}
		if !strings.Contains(ExplainQR(err), tt.says) {
			t.Errorf("%s: ExplainQR = %q", filepath.Base(tt.path), ExplainQR(err))
		}
	}
}

// TestScanScreenXvfb shows a QR code on a real X server and reads it back
// with the same capture the "Scan the screen" button uses.
func TestScanScreenXvfb(t *testing.T) {
	testenv.Tool(t, "import")
	display := testenv.Tool(t, "display")
	qrencode := testenv.Tool(t, "qrencode")
	disp := testenv.StartXvfb(t)
	t.Setenv("DISPLAY", disp)
	t.Setenv("WAYLAND_DISPLAY", "")

	png := filepath.Join(t.TempDir(), "qr.png")
	uri := "otpauth://totp/Screen:bob@example.com?secret=ONSWG4TFOQ&issuer=Screen"
	if out, err := exec.Command(qrencode, "-s", "6", "-o", png, uri).CombinedOutput(); err != nil {
		t.Fatalf("qrencode: %v %s", err, out)
	}
	show := exec.Command(display, "-geometry", "+300+200", png)
	show.Env = append(os.Environ(), "DISPLAY="+disp)
	if err := show.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { show.Process.Kill(); show.Wait() })
	// A scan of a screen with no code tries hard (seconds); wait for the
	// picture's window first.
	wait := exec.Command(testenv.Tool(t, "xdotool"), "search", "--sync", "--onlyvisible", "--name", "qr.png")
	wait.Env = append(os.Environ(), "DISPLAY="+disp)
	waitDone := make(chan error, 1)
	go func() { waitDone <- wait.Run() }()
	select {
	case <-waitDone:
	case <-time.After(10 * time.Second):
		wait.Process.Kill()
		t.Fatal("ImageMagick's display window did not appear")
	}

	deadline := time.Now().Add(10 * time.Second)
	for {
		fs, err := ScanScreen(context.Background())
		if err == nil && len(fs) == 1 && len(fs[0].Accounts) == 1 {
			if got := fs[0].Accounts[0].Label(); got != "Screen (bob@example.com)" {
				t.Fatalf("read %q", got)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the QR shown on the screen was not read: %v %+v", err, fs)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func TestClipboardImageNoDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if _, err := ClipboardImage(context.Background()); !errors.Is(err, ErrNoClipboardImage) {
		t.Fatalf("err = %v", err)
	}
	if _, err := CaptureScreen(context.Background()); !errors.Is(err, ErrNoScreenCapture) {
		t.Fatalf("err = %v", err)
	}
}

func TestClipboardImageXvfb(t *testing.T) {
	xclip := testenv.Tool(t, "xclip")
	qrencode := testenv.Tool(t, "qrencode")
	disp := testenv.StartXvfb(t)
	t.Setenv("DISPLAY", disp)
	t.Setenv("WAYLAND_DISPLAY", "")

	// Text on the clipboard is not a picture.
	setClip := func(args ...string) *exec.Cmd {
		c := exec.Command(xclip, append([]string{"-selection", "clipboard"}, args...)...)
		c.Env = append(os.Environ(), "DISPLAY="+disp)
		return c
	}
	c := setClip()
	c.Stdin = strings.NewReader("just text")
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	if _, err := ScanClipboard(context.Background()); !errors.Is(err, ErrNoClipboardImage) {
		t.Fatalf("text on the clipboard: err = %v", err)
	}

	png := filepath.Join(t.TempDir(), "qr.png")
	if err := exec.Command(qrencode, "-s", "4", "-o", png, "otpauth://totp/Clip:carol?secret=ONSWG4TFOQ&issuer=Clip").Run(); err != nil {
		t.Fatal(err)
	}
	c = setClip("-t", "image/png", "-i", png)
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	fs, err := ScanClipboard(context.Background())
	if err != nil || len(fs) != 1 || len(fs[0].Accounts) != 1 || fs[0].Accounts[0].Issuer != "Clip" {
		t.Fatalf("ScanClipboard = %+v, %v", fs, err)
	}
}

// FuzzClassifyQRTexts feeds arbitrary QR contents to the classifier: it
// must never panic, and a problem it reports never repeats a secret.
func FuzzClassifyQRTexts(f *testing.F) {
	for _, s := range []string{
		"otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
		"otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615",
		"otpauth-migration://offline?data=CiUKEOSScPDSHzZchAj4tHXFJnwSBU1hc29uGgREZW5vIAEoATACCikKEPkWZMjXaIU67d5ak2wWuogSDUFpcmJuYjpFbGlqYWgaACADKAIwAhABGAIgACiy8hk%3D",
		"otpauth-migration://offline?data=",
		"OTPAUTH://TOTP/a?secret=AAAA",
		"WIFI:S:x;P:y;;",
		"",
		"\x00\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, fd := range ClassifyQRTexts([]string{text}) {
			if len(text) >= 16 && strings.Contains(text, "secret=") {
				i := strings.Index(text, "secret=") + len("secret=")
				secret := text[i:min(len(text), i+16)]
				if len(secret) == 16 && strings.Contains(fd.Problem, secret) {
					t.Fatalf("the problem repeats the secret: %q", fd.Problem)
				}
			}
		}
	})
}
