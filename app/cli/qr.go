package cli

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"

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
