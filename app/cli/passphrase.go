package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"time"

	"golang.org/x/term"

	"github.com/sparekey/sparekey/vault"
)

const maxPassphrase = 4096

// readPassphraseFile reads a passphrase the way restic does: the whole file,
// less one trailing newline.
func readPassphraseFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the passphrase file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPassphrase+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the passphrase file: %w", err)
	}
	if len(data) > maxPassphrase {
		return nil, fmt.Errorf("the passphrase file %s is larger than %d bytes; is it the right file?", path, maxPassphrase)
	}
	return trimNewline(data), nil
}

func runPassphraseCommand(ctx context.Context, command string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	shell, flag := "/bin/sh", "-c"
	if runtime.GOOS == "windows" {
		shell, flag = "cmd", "/C"
	}
	cmd := exec.CommandContext(ctx, shell, flag, command)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		// The command's output may be the passphrase: never include it.
		return nil, fmt.Errorf("the passphrase command failed: %w", err)
	}
	if out.Len() > maxPassphrase {
		return nil, fmt.Errorf("the passphrase command printed more than %d bytes", maxPassphrase)
	}
	return trimNewline(out.Bytes()), nil
}

func trimNewline(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// readPassphraseTerminal prompts on the controlling terminal without echo.
func readPassphraseTerminal(prompt string, errOut io.Writer) ([]byte, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		if !term.IsTerminal(int(os.Stdin.Fd())) {
			return nil, fmt.Errorf("%w (there is no terminal to ask on: give --passphrase-file or --passphrase-command)", vault.ErrNoPassphrase)
		}
		restore := echoOff(int(os.Stdin.Fd()))
		fmt.Fprint(errOut, prompt+": ")
		pass, err := term.ReadPassword(int(os.Stdin.Fd()))
		restore()
		fmt.Fprintln(errOut)
		return pass, err
	}
	defer tty.Close()
	restore := echoOff(int(tty.Fd()))
	fmt.Fprint(tty, prompt+": ")
	pass, err := term.ReadPassword(int(tty.Fd()))
	restore()
	fmt.Fprintln(tty)
	if err != nil {
		return nil, fmt.Errorf("cannot read the passphrase: %w", err)
	}
	return pass, nil
}

// newPassphrase asks twice on a terminal; files and commands are taken as they are.
func (e *Env) newPassphrase() func() ([]byte, error) {
	read := e.Passphrase("New passphrase")
	return func() ([]byte, error) {
		first, err := read()
		if err != nil {
			return nil, err
		}
		if len(first) == 0 {
			return nil, errors.New("the passphrase is empty")
		}
		if e.scriptedPassphrase() || e.passphraseHook != nil {
			return first, nil
		}
		again, err := e.Passphrase("Repeat the passphrase")()
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(first, again) {
			return nil, errors.New("the two passphrases differ; nothing was changed")
		}
		return first, nil
	}
}

// scriptedPassphrase reports whether passphrases come from a file or a
// command rather than from the terminal.
func (e *Env) scriptedPassphrase() bool {
	return e.passFile != "" || e.passCommand != "" || os.Getenv("SPAREKEY_PASSPHRASE_FILE") != "" || os.Getenv("SPAREKEY_PASSPHRASE_COMMAND") != ""
}
