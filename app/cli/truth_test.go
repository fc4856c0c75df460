package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
)

// Messages that tell the truth (issue #11, part 5), each through the
// command line.

// noVault fails the test if a command left a vault (or its key) behind.
func noVault(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(dir, "data"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "vault.age") {
			t.Errorf("a vault file was created: %s", e.Name())
		}
	}
}

func TestFailedImportOrRestoreCreatesNoVault(t *testing.T) {
	unknown := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(unknown, []byte("shopping list\n"), 0o600)
	rejected := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(rejected, []byte("otpauth://totp/A:a?secret=0189!!\notpauth://totp/B:b?secret=\n"), 0o600)
	notBackup := filepath.Join(t.TempDir(), "b.age")
	os.WriteFile(notBackup, []byte("not a backup"), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown format", []string{"import", "--yes", unknown}, 1, "not a format"},
		{"every entry rejected", []string{"import", "--yes", rejected}, 1, "all 2 entries read were rejected"},
		{"every entry rejected, dry run", []string{"import", "--dry-run", rejected}, 1, "rejected"},
		{"every entry rejected, json", []string{"import", "--yes", "--json", rejected}, 1, "rejected"},
		{"dry run", []string{"import", "--dry-run", testenv.Fixture(t, "plain.txt")}, 0, "Dry run"},
		{"not a backup", []string{"backup", "restore", notBackup}, 1, "not an age-encrypted file"},
		{"missing backup", []string{"backup", "restore", notBackup + ".nope"}, 1, "cannot open the backup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			te := newTransferEnv(t)
			_, stderr, code := te.run(tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want %d; stderr lacks %q:\n%s", code, tt.code, tt.want, stderr)
			}
			noVault(t, te.dir)
		})
	}
}

func TestImportAllRejectedJSON(t *testing.T) {
	te := newTransferEnv(t)
	rejected := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(rejected, []byte("otpauth://totp/A:a?secret=0189!!\n"), 0o600)
	stdout, _, code := te.run("import", "--yes", "--json", rejected)
	if code != 1 || !strings.Contains(stdout, `"problems"`) || strings.Contains(stdout, "0189!!") {
		t.Errorf("exit %d, stdout %s", code, stdout)
	}
}

func TestExportToStdout(t *testing.T) {
	te := newBackupEnv(t, true)
	stdout, stderr, code := te.run("export", "--format", "uris", "--out", "-", "--i-understand-this-is-plaintext")
	if code != 0 || strings.Count(stdout, "otpauth://") != 3 || !strings.Contains(stderr, "standard output") {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat("-"); err == nil {
		t.Error("a file named - was written")
	}
	stdout, _, code = te.run("export", "--format", "aegis", "--out", "-", "--i-understand-this-is-plaintext")
	if code != 0 || !strings.Contains(stdout, `"db"`) {
		t.Errorf("aegis: exit %d, %q", code, stdout)
	}
	for _, args := range [][]string{
		{"export", "--format", "google-qr", "--out", "-", "--i-understand-this-is-plaintext"},
		{"export", "--format", "uris", "--out", "-", "--json", "--i-understand-this-is-plaintext"},
	} {
		if _, _, code := te.run(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestImportSizeBoundOnEndlessDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	te := newTransferEnv(t)
	_, stderr, code := te.run("import", "--yes", "/dev/zero")
	if code != 1 || !strings.Contains(stderr, "larger than 64 MiB") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	noVault(t, te.dir)
}

// detached runs the real binary in a session of its own: no controlling
// terminal, as under cron or a CI runner, whatever runs the tests.
func detached(t *testing.T, home string, stdin string, args ...string) *exec.Cmd {
	cmd := exec.Command(sparekeyBinary(t), args...)
	cmd.Env = cleanEnv("SPAREKEY_HOME="+home, "HOME="+home, "LANG=C.UTF-8")
	cmd.Stdin = strings.NewReader(stdin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

func TestEncryptedExportWithoutTerminal(t *testing.T) {
	home := t.TempDir()
	cmd := detached(t, home, "", "import", "--yes", testenv.Fixture(t, "aegis_encrypted.json"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	msg := stderr.String()
	if !strings.Contains(msg, "--password-file") || strings.Contains(msg, "--passphrase-file") || strings.Contains(msg, "vault is protected") {
		t.Errorf("the message does not point at the export's password:\n%s", msg)
	}
	noVault(t, home)
}

func TestReadingFromFIFOHonoursInterrupt(t *testing.T) {
	for _, tt := range []struct {
		name, want string
		args       []string
	}{
		{"import", "Nothing was imported", []string{"import", "--yes"}},
		{"restore", "Your vault was not changed", []string{"backup", "restore", "--yes"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "export.fifo")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("cannot make a FIFO here: %v", err)
			}
			home := t.TempDir()
			cmd := detached(t, home, "", append(tt.args, fifo)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			// Interrupt only once the command waits on the FIFO (the kernel
			// says so in wchan): an interrupt before its handler is set up
			// would kill it, which proves nothing.
			for !waitingOnFIFO(t, cmd.Process.Pid) {
				select {
				case err := <-waited:
					t.Fatalf("ended before reading the FIFO: %v\n%s", err, stderr.String())
				case <-ctx.Done():
					cmd.Process.Kill()
					t.Fatal("never started waiting on the FIFO")
				case <-time.After(20 * time.Millisecond):
				}
			}
			cmd.Process.Signal(os.Interrupt)
			var err error
			select {
			case err = <-waited:
			case <-ctx.Done():
				cmd.Process.Kill()
				t.Fatalf("still running a minute after Ctrl-C; stderr: %s", stderr.String())
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("exit: %v (want a clean exit 1)\n%s", err, stderr.String())
			}
			if msg := stderr.String(); !strings.Contains(msg, "export.fifo") || !strings.Contains(msg, "stopped before") || !strings.Contains(msg, tt.want) {
				t.Errorf("message: %s", msg)
			}
			noVault(t, home)
		})
	}
}

// waitingOnFIFO reports whether a thread of pid sleeps in the kernel
// waiting for the other end of a FIFO. It skips the test where /proc does
// not say.
func waitingOnFIFO(t *testing.T, pid int) bool {
	tasks, err := filepath.Glob(filepath.Join("/proc", strconv.Itoa(pid), "task", "*", "wchan"))
	if err != nil || len(tasks) == 0 {
		t.Skip("no /proc here to see where the command waits")
	}
	for _, task := range tasks {
		if w, err := os.ReadFile(task); err == nil && strings.TrimSpace(string(w)) == "wait_for_partner" {
			return true
		}
	}
	return false
}

func TestMissingKeyFileMessage(t *testing.T) {
	home := t.TempDir()
	pass := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(pass, []byte("correct horse battery\n"), 0o600)
	run := func(args ...string) (string, int) {
		cmd := detached(t, home, "", args...)
		cmd.Env = append(cmd.Env, "SPAREKEY_PASSPHRASE_FILE="+pass)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		code := 0
		if exit != nil {
			code = exit.ExitCode()
		}
		return stderr.String(), code
	}
	if msg, code := run("--no-keyring", "init"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, msg)
	}
	keyFile := filepath.Join(home, "data", "vault.age.key")
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	// Without --no-keyring: the keyring is unreachable here too, and must
	// not be blamed.
	msg, code := run("list")
	if code != 1 || !strings.Contains(msg, keyFile) || !strings.Contains(msg, "missing") || strings.Contains(strings.ToLower(msg), "keyring") {
		t.Errorf("exit %d: %s", code, msg)
	}
}
