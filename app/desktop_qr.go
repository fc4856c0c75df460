package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/png" // screen captures and clipboard images arrive as PNG
	"os/exec"
	"strings"
	"time"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/transfer"
	"github.com/sparekey/sparekey/vault/transfer/qr"
)

// Adding accounts from QR codes: on screen, in a picture file, or in the
// clipboard. The pixels come from the platform's own tools (ImageMagick's
// import or xwd on X11, xclip or wl-paste for the clipboard, PowerShell on
// Windows) because no Go dependency here can read another program's
// pixels; decoding is the qr
// package (gozxing). What a QR holds is sorted into accounts to offer, Google
// Authenticator exports (handed to the importer), and texts that are not
// accounts at all, each with a sentence for the person.

// Errors the add dialog tells apart.
var (
	ErrNoClipboardImage = errors.New("the clipboard holds no picture")
	ErrNoScreenCapture  = errors.New("cannot capture the screen here")
)

// QRFinding is one QR code read from a picture.
type QRFinding struct {
	// Accounts are what the code adds: one for an otpauth:// link, several
	// for a Google Authenticator export. Empty when the code is not usable.
	Accounts []*vault.Account
	// Migration marks a Google Authenticator export (otpauth-migration://).
	Migration bool
	// Problem explains, without the code's text (it may hold a secret),
	// why nothing can be added from this code. Skipped export entries are
	// listed here too.
	Problem string
}

// ClassifyQRTexts turns the texts of the QR codes found in one picture into
// findings, in the order found.
func ClassifyQRTexts(texts []string) []QRFinding {
	out := make([]QRFinding, 0, len(texts))
	for _, t := range texts {
		t = strings.TrimSpace(t)
		lower := strings.ToLower(t)
		switch {
		case strings.HasPrefix(lower, "otpauth-migration:"):
			out = append(out, migrationFinding(t))
		case strings.HasPrefix(lower, "otpauth:"):
			acct, err := vault.ParseURI(t)
			if err != nil {
				out = append(out, QRFinding{Problem: "This QR code looks like an account but cannot be used: " + ExplainURI(err, t)})
				continue
			}
			out = append(out, QRFinding{Accounts: []*vault.Account{acct}})
		default:
			out = append(out, QRFinding{Problem: "This QR code is not a two-factor account (it holds " + describeText(t) + "). Sparekey needs the QR code shown when you turn on two-factor authentication."})
		}
	}
	return out
}

func migrationFinding(text string) QRFinding {
	f := QRFinding{Migration: true}
	res, err := transfer.ImportBytes("QR code", []byte(text), transfer.Options{})
	if err != nil {
		f.Problem = "This Google Authenticator export cannot be read: " + Explain(err) + " Export again on the phone and scan the new code."
		return f
	}
	f.Accounts = res.Accounts
	var notes []string
	for _, p := range res.Skipped {
		notes = append(notes, p.Entry+": "+p.Reason)
	}
	for _, m := range res.MissingBatchParts {
		notes = append(notes, m.String())
	}
	f.Problem = strings.Join(notes, "\n")
	return f
}

// ExplainURI is Explain for an error about the otpauth URI uri. A
// malformed URI can put its secret where the parser expects something
// else (a type, a label), and the parser's message then quotes it: any
// piece of the secret is masked out of the sentence.
func ExplainURI(err error, uri string) string {
	return redactSecret(Explain(err), uri)
}

func redactSecret(msg, uri string) string {
	lower := asciiLower(uri) // same length as uri, whatever its bytes
	for i := strings.Index(lower, "secret="); i >= 0; {
		start := i + len("secret=")
		end := strings.IndexAny(uri[start:], "&#")
		if end < 0 {
			end = len(uri) - start
		}
		if secret := uri[start : start+end]; len(secret) >= 4 {
			msg = strings.ReplaceAll(msg, secret, "…")
			// Also a shorter quote of it (parsers truncate long values).
			for n := len(secret) - 1; n >= 8; n-- {
				if strings.Contains(msg, secret[:n]) {
					msg = strings.ReplaceAll(msg, secret[:n], "…")
					break
				}
			}
		}
		next := strings.Index(lower[start:], "secret=")
		if next < 0 {
			break
		}
		i = start + next
	}
	return msg
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// describeText says what kind of text a QR holds without repeating it.
func describeText(t string) string {
	lower := strings.ToLower(t)
	switch {
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		return "a web link"
	case strings.HasPrefix(lower, "wifi:"):
		return "Wi-Fi settings"
	case strings.HasPrefix(lower, "mailto:"):
		return "an e-mail address"
	case strings.HasPrefix(lower, "begin:vcard"):
		return "a contact card"
	case t == "":
		return "no text"
	}
	return fmt.Sprintf("%d characters of other text", len([]rune(t)))
}

// ScanImage reads every QR code in img.
func ScanImage(img image.Image) ([]QRFinding, error) {
	texts, err := qr.DecodeImage(img)
	if err != nil {
		return nil, err
	}
	return ClassifyQRTexts(texts), nil
}

// ScanImageFile reads every QR code in a PNG, JPEG or GIF file.
func ScanImageFile(path string) ([]QRFinding, error) {
	texts, err := qr.DecodeFile(path)
	if err != nil {
		return nil, err
	}
	return ClassifyQRTexts(texts), nil
}

// ExplainQR is Explain for the errors of the QR paths.
func ExplainQR(err error) string {
	switch {
	case errors.Is(err, qr.ErrNoQRCode):
		return "No QR code was found in the picture. Make sure the whole code is visible and not too small, then try again."
	case errors.Is(err, qr.ErrNotImage):
		return "This file is not a picture Sparekey can read (PNG, JPEG or GIF). Nothing was added."
	case errors.Is(err, ErrNoClipboardImage):
		return "The clipboard holds no picture. Copy the QR code image first (right-click it › Copy image), or take a screenshot to the clipboard."
	case errors.Is(err, ErrNoScreenCapture):
		return err.Error() + ". Save the QR code as a picture and use Open a picture instead."
	case errors.Is(err, context.DeadlineExceeded):
		return "Capturing took too long and was stopped. Try again, or save the QR code as a picture and open it."
	}
	return Explain(err)
}

// ScanScreen captures the whole screen and reads the QR codes on it.
func ScanScreen(ctx context.Context) ([]QRFinding, error) {
	img, err := CaptureScreen(ctx)
	if err != nil {
		return nil, err
	}
	return ScanImage(img)
}

// CaptureScreen returns a picture of the whole screen, from the commands
// screenCaptureCommands lists for this platform.
func CaptureScreen(ctx context.Context) (image.Image, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	cmds, err := screenCaptureCommands()
	if err != nil {
		return nil, err
	}
	var tried []string
	for _, c := range cmds {
		if _, err := exec.LookPath(c[0]); err != nil {
			tried = append(tried, c[0]+" is not installed")
			continue
		}
		out, err := runCapture(ctx, c)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			tried = append(tried, err.Error())
			continue
		}
		img, _, err := image.Decode(bytes.NewReader(out))
		if err != nil {
			tried = append(tried, c[0]+" gave no picture")
			continue
		}
		return img, nil
	}
	return nil, fmt.Errorf("%w (%s)", ErrNoScreenCapture, strings.Join(tried, "; "))
}

func runCapture(ctx context.Context, argv []string) ([]byte, error) {
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	hideConsole(cmd)
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errOut.String())
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return nil, fmt.Errorf("%s failed: %v %s", argv[0], err, msg)
	}
	if out.Len() > qr.MaxFileSize {
		return nil, fmt.Errorf("%s printed more than %d MiB", argv[0], qr.MaxFileSize>>20)
	}
	return out.Bytes(), nil
}

// ClipboardImage returns the picture on the clipboard, read by the command
// clipboardImageCommand names for this platform, or an error wrapping
// ErrNoClipboardImage.
func ClipboardImage(ctx context.Context) (image.Image, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	argv, err := clipboardImageCommand()
	if err != nil {
		return nil, err
	}
	if _, err := exec.LookPath(argv[0]); err != nil {
		return nil, fmt.Errorf("%w: reading pictures from the clipboard needs %s, which is not installed", ErrNoClipboardImage, argv[0])
	}
	out, err := runCapture(ctx, argv)
	if err != nil || len(out) == 0 {
		return nil, ErrNoClipboardImage
	}
	img, _, err := image.Decode(bytes.NewReader(out))
	if err != nil {
		return nil, ErrNoClipboardImage
	}
	return img, nil
}

// ScanClipboard reads the QR codes in the clipboard's picture.
func ScanClipboard(ctx context.Context) ([]QRFinding, error) {
	img, err := ClipboardImage(ctx)
	if err != nil {
		return nil, err
	}
	return ScanImage(img)
}

// AddScanned adds accounts offered by a scan (one button per account in
// the dialog). It is AddAccount for an already parsed account.
func (a *App) AddScanned(acct *vault.Account) error {
	c := acct.Clone()
	if err := a.add(c); err != nil {
		return err
	}
	acct.ID = c.ID
	return nil
}
