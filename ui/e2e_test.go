package ui

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
)

// The end-to-end test runs the real binary on a private X server and uses
// it the way a person does, with the keyboard (xdotool) and the clipboard
// (xclip), taking screenshots along the way into $SPAREKEY_SCREENSHOTS
// (default: a temporary folder, named in the log).
//
// The vault is made with the CLI in passphrase mode and the window unlocks
// it through SPAREKEY_PASSPHRASE_FILE, so no keyring is involved.

type e2e struct {
	t       *testing.T
	bin     string
	home    string
	pass    string
	display string
	shots   string
	env     []string

	args   []string // the window's command line (sparekey --vault PATH)
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan error
	window string
}

type lockedBuffer = testenv.Buffer

func TestE2EXvfb(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	for _, tool := range []string{"xdotool", "xclip", "xwd", "convert", "qrencode", "display"} {
		testenv.Tool(t, tool)
	}
	e := newE2E(t)

	// First launch: an empty vault teaches what to do.
	e.start()
	e.shot("01-empty-state")

	// Add three accounts at once by pasting their links.
	links := strings.Join([]string{uriGitHub, uriGoogle, uriBank}, "\n")
	e.setClipboard(links)
	e.key("ctrl+n")
	time.Sleep(500 * time.Millisecond)
	e.shot("02-add-dialog-link")
	m := e.mark()
	e.key("Return")
	e.waitTrace(m, "accounts-3")
	e.shot("03-main-list")

	// Search, then Enter copies the only match.
	e.setClipboard("")
	e.typeText("goo")
	time.Sleep(300 * time.Millisecond)
	e.shot("04-search")
	e.key("Return")
	e.expectCode(uriGoogle)
	e.key("Escape")

	// The add dialog, QR tab: a code shown on the screen by another program.
	png := filepath.Join(e.home, "screen-qr.png")
	if out, err := exec.Command("qrencode", "-s", "6", "-o", png, "otpauth://totp/Screen:dave@example.com?secret=ONSWG4TFOQ&issuer=Screen").CombinedOutput(); err != nil {
		t.Fatalf("qrencode: %v %s", err, out)
	}
	show := exec.Command("display", "-geometry", "+760+120", png)
	show.Env = e.env
	if err := show.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { show.Process.Kill(); show.Wait() })
	e.xdotool("search", "--sync", "--onlyvisible", "--name", "screen-qr.png")
	e.focus()
	e.setClipboard("not a link")
	e.key("ctrl+n")
	time.Sleep(500 * time.Millisecond)
	m = e.mark()
	e.key("space") // Scan the screen (focused)
	e.waitTrace(m, "scan-found")
	e.shot("05-add-dialog-scan")
	m = e.mark()
	e.key("space") // Add (focused)
	e.waitTrace(m, "accounts-4")
	e.key("Escape")
	e.key("Escape")
	show.Process.Kill()
	e.focus()
	e.typeText("screen")
	time.Sleep(300 * time.Millisecond)
	e.setClipboard("")
	e.key("Return")
	e.expectCode("otpauth://totp/Screen:dave@example.com?secret=ONSWG4TFOQ&issuer=Screen")
	e.key("Escape")

	// Settings (Ctrl+,).
	e.key("ctrl+comma")
	time.Sleep(500 * time.Millisecond)
	e.shot("06-settings")
	e.key("Escape")

	// `sparekey lock` locks the running window; the passphrase reopens it.
	e.cli("lock")
	time.Sleep(500 * time.Millisecond)
	e.shot("07-locked")
	e.focus()
	e.typeText("correct horse battery staple")
	m = e.mark()
	e.key("Return")
	e.waitTrace(m, "accounts-4")

	// A second launch raises this window and exits at once.
	second := exec.Command(e.bin)
	second.Env = e.env
	out, err := second.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "already running") {
		t.Fatalf("second launch: %v %s", err, out)
	}

	e.quit()
}

// newE2E builds the binary, starts a private X server and makes a
// passphrase-mode vault (no keyring) in a fresh home.
func newE2E(t *testing.T) *e2e {
	e := &e2e{t: t, home: t.TempDir()}
	e.shots = os.Getenv("SPAREKEY_SCREENSHOTS")
	if e.shots == "" {
		e.shots = t.TempDir()
	}
	if err := os.MkdirAll(e.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", e.shots)
	e.bin = buildBinary(t)
	e.display = testenv.StartXvfb(t)
	run := filepath.Join(e.home, "run")
	os.MkdirAll(run, 0o700)
	for _, d := range []string{"xdg-config", "xdg-data", "xdg-cache"} {
		os.MkdirAll(filepath.Join(e.home, d), 0o700)
	}
	e.env = append(os.Environ(),
		"DISPLAY="+e.display,
		"WAYLAND_DISPLAY=",
		"LANG=en_US.UTF-8",
		"SPAREKEY_HOME="+e.home,
		"XDG_RUNTIME_DIR="+run,
		"XDG_CONFIG_HOME="+filepath.Join(e.home, "xdg-config"),
		"XDG_DATA_HOME="+filepath.Join(e.home, "xdg-data"),
		"XDG_CACHE_HOME="+filepath.Join(e.home, "xdg-cache"),
		// No session bus: no keyring, tray or notifications to reach.
		"DBUS_SESSION_BUS_ADDRESS=disabled:",
	)
	e.pass = filepath.Join(e.home, "passphrase")
	os.WriteFile(e.pass, []byte("correct horse battery staple\n"), 0o600)
	e.cli("--no-keyring", "--passphrase-file", e.pass, "init")
	return e
}

func (e *e2e) cli(args ...string) string {
	e.t.Helper()
	cmd := exec.Command(e.bin, args...)
	cmd.Env = e.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		e.t.Fatalf("sparekey %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// start launches the window and waits until its codes are drawn.
func (e *e2e) start() {
	e.t.Helper()
	e.cmd = exec.Command(e.bin, e.args...)
	e.cmd.Env = append(e.env, "SPAREKEY_PASSPHRASE_FILE="+e.pass, "SPAREKEY_TRACE=1")
	e.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	e.stderr = &lockedBuffer{}
	pr, pw := io.Pipe()
	e.cmd.Stderr = pw
	e.cmd.Stdout = e.stderr
	listShown := make(chan struct{}, 1)
	go func() {
		s := bufio.NewScanner(pr)
		for s.Scan() {
			line := s.Text()
			e.stderr.Write([]byte(line + "\n"))
			if strings.HasPrefix(line, "sparekey-trace list-shown") {
				select {
				case listShown <- struct{}{}:
				default:
				}
			}
		}
	}()
	if err := e.cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.done = make(chan error, 1)
	go func() { e.done <- e.cmd.Wait(); pw.Close() }()
	e.t.Cleanup(func() {
		if e.cmd.ProcessState == nil {
			e.cmd.Process.Kill()
			<-e.done
		}
	})
	e.window = strings.Fields(e.xdotool("search", "--sync", "--name", "^Sparekey$"))[0]
	select {
	case <-listShown:
	case err := <-e.done:
		e.t.Fatalf("the app exited: %v\n%s", err, e.stderr)
	case <-time.After(30 * time.Second):
		e.t.Fatalf("the vault was not unlocked within 30 s\n%s", e.stderr)
	}
	time.Sleep(500 * time.Millisecond)
	e.focus()
}

func (e *e2e) focus() {
	e.xdotool("windowfocus", "--sync", e.window)
}

// quit closes the window with Ctrl+Q and expects a clean exit.
func (e *e2e) quit() {
	e.t.Helper()
	e.focus()
	e.shot("08-before-quit")
	e.key("ctrl+q")
	select {
	case err := <-e.done:
		if err != nil {
			e.t.Fatalf("the app exited with %v\n%s", err, e.stderr)
		}
	case <-time.After(10 * time.Second):
		e.shot("failed-quit")
		// A goroutine dump says where it is stuck.
		e.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-e.done:
		case <-time.After(5 * time.Second):
		}
		e.t.Fatalf("the app did not exit after Ctrl+Q\n%s", e.stderr)
	}
	if s := e.stderr.String(); strings.Contains(s, "panic") || strings.Contains(s, "JBSWY3DP") {
		e.t.Fatalf("stderr holds a panic or a secret:\n%s", s)
	}
}

func (e *e2e) xdotool(args ...string) string {
	e.t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = e.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			e.t.Fatalf("xdotool %v: %v %s", args, err, out.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		e.t.Fatalf("xdotool %v timed out", args)
	}
	return out.String()
}

func (e *e2e) key(k string) {
	e.xdotool("key", "--clearmodifiers", k)
	time.Sleep(150 * time.Millisecond)
}

func (e *e2e) typeText(s string) { e.xdotool("type", "--delay", "40", s) }

func (e *e2e) setClipboard(text string) {
	e.t.Helper()
	cmd := exec.Command("xclip", "-selection", "clipboard")
	cmd.Env = e.env
	cmd.Stdin = strings.NewReader(text)
	// No output pipes: xclip leaves a child serving the selection, which
	// would hold them open forever.
	if err := cmd.Run(); err != nil {
		e.t.Fatalf("xclip: %v", err)
	}
}

func (e *e2e) clipboard() string {
	cmd := exec.Command("xclip", "-o", "-selection", "clipboard")
	cmd.Env = e.env
	out, _ := cmd.Output()
	return string(out)
}

// expectCode waits for the account's code on the clipboard. Codes near a
// period boundary may be the one before or after.
func (e *e2e) expectCode(uri string) {
	e.t.Helper()
	a, err := vault.ParseURI(uri)
	if err != nil {
		e.t.Fatal(err)
	}
	e.waitFor("the code of "+a.Label()+" on the clipboard", func() bool {
		got := e.clipboard()
		now := time.Now()
		for _, d := range []time.Duration{0, -time.Duration(a.Period) * time.Second, time.Duration(a.Period) * time.Second} {
			if c, _ := a.CodeAt(now.Add(d)); got == c {
				return true
			}
		}
		return false
	})
}

func (e *e2e) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.shot("failed")
			e.t.Fatalf("timed out waiting for %s\n%s", what, e.stderr)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// mark notes where the app's output is, so waitTrace looks only at what
// comes after an action.
func (e *e2e) mark() int { return len(e.stderr.String()) }

// waitTrace waits for a trace line the app prints (SPAREKEY_TRACE=1)
// after mark, then gives the window a moment to draw.
func (e *e2e) waitTrace(mark int, what string) {
	e.t.Helper()
	e.waitFor(what, func() bool {
		s := e.stderr.String()
		return strings.Contains(s[min(mark, len(s)):], "sparekey-trace "+what+" ")
	})
	time.Sleep(400 * time.Millisecond)
}

// scanFound reports whether the add dialog lists a found account: the
// app's trace says so.
func (e *e2e) scanFound() bool {
	return strings.Contains(e.stderr.String(), "sparekey-trace scan-found")
}

func (e *e2e) shot(name string) {
	e.t.Helper()
	xwd := filepath.Join(e.shots, name+".xwd")
	png := filepath.Join(e.shots, name+".png")
	cmd := exec.Command("sh", "-c", fmt.Sprintf("xwd -root -silent > %q && convert %q -crop 1280x800+0+0 %q && rm %q", xwd, xwd, png, xwd))
	cmd.Env = e.env
	if out, err := cmd.CombinedOutput(); err != nil {
		e.t.Errorf("screenshot %s: %v %s", name, err, out)
	}
}

// buildBinary builds sparekey once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sparekey")
	cmd := exec.Command("go", "build", "-tags", testenv.BuildTags(), "-o", bin, ".")
	cmd.Dir = testenv.RepoRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
