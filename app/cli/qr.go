package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
	"unicode/utf8"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// writeQRFile writes text as a QR code PNG; the file may hold a secret, so
// it is written like every secret file (0600, atomically).
func writeQRFile(path, text string) error {
	png, err := qrcode.Encode(text, qrcode.Medium, 512)
	if err != nil {
		return fmt.Errorf("cannot make a QR code: %w", err)
	}
	return vault.WriteFileAtomic(path, png)
}

// errClipboardEmpty is what --paste says when neither a text nor a picture
// is on the clipboard.
var errClipboardEmpty = errors.New("the clipboard holds neither an otpauth:// link nor a picture; copy the link or the QR code image first")

// accountsFromClipboard is `add --paste`: the clipboard's text when it has
// some, else its picture read as QR codes (the desktop app's own path).
// Neither the text nor a secret ever appears in an error; app's
// classification describes what was found instead.
func (e *Env) accountsFromClipboard() ([]*vault.Account, error) {
	text, textErr := readClipboardText(e.Context())
	var findings []app.QRFinding
	if textErr == nil {
		findings = app.ClassifyQRTexts([]string{text})
	} else {
		if !errors.Is(textErr, errClipboardEmpty) {
			return nil, textErr
		}
		var err error
		findings, err = app.ScanClipboard(e.Context())
		if errors.Is(err, app.ErrNoClipboardImage) {
			return nil, errClipboardEmpty
		}
		if err != nil {
			return nil, errors.New(app.ExplainQR(err))
		}
	}
	var accts []*vault.Account
	var problems []string
	for _, f := range findings {
		if f.Migration {
			return nil, errors.New("the clipboard holds a Google Authenticator export, which can hold many accounts: bring it in with 'sparekey import' (paste a link into 'sparekey import -', or save the picture and import that file)")
		}
		if len(f.Accounts) == 0 {
			problems = append(problems, f.Problem)
			continue
		}
		accts = append(accts, f.Accounts...)
	}
	if len(accts) == 0 {
		return nil, errors.New(strings.Join(problems, " "))
	}
	if textErr == nil {
		fmt.Fprintln(e.Err, "The link, with its secret, is still on the clipboard: copy something else over it once the account works.")
	}
	return accts, nil
}

// readClipboardText returns the clipboard's text through the same tools app
// reads clipboard pictures with (wl-paste on Wayland, xclip on X11), at
// most maxStdinValue bytes: more is refused, never cut.
func readClipboardText(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var argv []string
	switch {
	case os.Getenv("WAYLAND_DISPLAY") != "":
		argv = []string{"wl-paste", "--no-newline", "--type", "text/plain"}
	case os.Getenv("DISPLAY") != "":
		argv = []string{"xclip", "-selection", "clipboard", "-o"}
	default:
		return "", errors.New("--paste needs a desktop session and there is no display here; run 'sparekey add -' and paste the link into the terminal instead")
	}
	if _, err := exec.LookPath(argv[0]); err != nil {
		return "", fmt.Errorf("reading the clipboard needs %s, which is not installed; run 'sparekey add -' and paste the link into the terminal instead", argv[0])
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = time.Second
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("cannot run %s: %w", argv[0], err)
	}
	data, _ := io.ReadAll(io.LimitReader(out, maxStdinValue+1))
	io.Copy(io.Discard, out)
	// A failed run (no text target, empty clipboard) is "no text", not an
	// error: the clipboard may hold a picture instead.
	// Bytes that are not UTF-8 are a picture served as text (xclip as
	// the owner answers every target with its data): look for a QR code.
	if err := cmd.Wait(); err != nil || strings.TrimSpace(string(data)) == "" || !utf8.Valid(data) {
		if ctx.Err() != nil {
			return "", fmt.Errorf("%s did not answer in time; run 'sparekey add -' and paste the link into the terminal instead", argv[0])
		}
		return "", errClipboardEmpty
	}
	if len(data) > maxStdinValue {
		return "", fmt.Errorf("the clipboard holds more than %d KiB of text, far more than a link; copy just the otpauth:// link", maxStdinValue>>10)
	}
	return strings.TrimSpace(string(data)), nil
}
