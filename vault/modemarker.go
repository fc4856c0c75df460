package vault

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrKeyFileMissing: the vault is in passphrase mode but its key file
// (KeyFilePath) is gone, so no passphrase can open it. Without the mode
// marker this looked like a keyring-mode vault whose keyring lost the key.
var ErrKeyFileMissing = errors.New("the vault's key file is missing")

// ModeMarkerPath is where a vault records its mode: a one-word file
// ("keyring" or "passphrase") beside it, written at Create and SetMode.
// It holds nothing secret. It lets DetectMode tell a passphrase-mode vault
// that lost its key file from a keyring-mode one, which the key file's
// presence alone cannot.
func ModeMarkerPath(vaultPath string) string { return vaultPath + ".mode" }

func writeModeMarker(vaultPath string, m Mode) error {
	return WriteFileAtomic(ModeMarkerPath(vaultPath), []byte(m.String()+"\n"))
}

// ensureModeMarker writes the marker of a vault made before markers
// existed, once it has been opened and its mode is known for sure.
func ensureModeMarker(vaultPath string, m Mode) {
	if got, ok := readModeMarker(vaultPath); !ok || got != m {
		_ = writeModeMarker(vaultPath, m)
	}
}

// readModeMarker returns the recorded mode; ok is false when there is no
// readable marker (a vault made before markers existed).
func readModeMarker(vaultPath string) (m Mode, ok bool) {
	f, err := os.Open(ModeMarkerPath(vaultPath))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	var buf [32]byte
	n, _ := f.Read(buf[:])
	switch strings.TrimSpace(string(bytes.TrimRight(buf[:n], "\x00"))) {
	case ModePassphrase.String():
		return ModePassphrase, true
	case ModeKeyring.String():
		return ModeKeyring, true
	}
	return 0, false
}

func keyFileMissing(vaultPath string) error {
	return fmt.Errorf("%w: %s", ErrKeyFileMissing, KeyFilePath(vaultPath))
}
