package transfer

import (
	"errors"
	"fmt"
	"image"
	"strings"

	"github.com/sparekey/sparekey/vault/transfer/qr"
)

// readQRImage imports every QR code in a picture: Google Authenticator
// export codes (several may share one screenshot) and single otpauth links
// (a site's enrollment code, AWS's virtual MFA code).
func readQRImage(c *collector, data []byte) error {
	texts, err := qr.DecodeBytes(data)
	if err != nil {
		if errors.Is(err, qr.ErrNoQRCode) {
			return fmt.Errorf("%w; if the code is on a screen, take a sharper or larger screenshot of it", err)
		}
		return err
	}
	for i, text := range texts {
		pos := fmt.Sprintf("QR code %d", i+1)
		if len(texts) == 1 {
			pos = "the QR code"
		}
		lower := strings.ToLower(strings.TrimSpace(text))
		switch {
		case strings.HasPrefix(lower, "otpauth-migration:"):
			readMigrationURI(c, pos, text)
		case strings.HasPrefix(lower, "otpauth:"):
			readOTPAuthURI(c, pos, text)
		default:
			// The text may be anything (a web link, a Wi-Fi password): it
			// is neither shown nor kept.
			c.skip(pos, "does not hold an otpauth:// or otpauth-migration:// link")
		}
	}
	return nil
}

// DecodeQRFile returns the text of every QR code in a PNG, JPEG or GIF
// file (see package qr). It is what "sparekey add --qr FILE" and the
// app's "scan a picture" use.
func DecodeQRFile(path string) ([]string, error) { return qr.DecodeFile(path) }

// ErrNoQRCode is returned by DecodeQRFile when the picture holds no QR code.
var ErrNoQRCode = qr.ErrNoQRCode

// DecodeQRImage returns the text of every QR code in img (several codes in
// one picture are all found), or ErrNoQRCode.
func DecodeQRImage(img image.Image) ([]string, error) { return qr.DecodeImage(img) }
