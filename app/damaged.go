package app

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/sparekey/sparekey/vault"
)

// damagedVaultError is a vault.ErrCorrupt from opening the vault, with
// what Explain needs to give advice that holds: whether the previous
// version kept beside the vault could stand in for it.
type damagedVaultError struct {
	err error
	// previous is the path of a .prev file that exists, looks like an age
	// file and differs from the damaged one; "" when there is none.
	previous string
}

func (e *damagedVaultError) Error() string { return e.err.Error() }
func (e *damagedVaultError) Unwrap() error { return e.err }

// withPreviousHint wraps a damaged-vault error with whether vault.age.prev
// can help. Other errors pass through.
func withPreviousHint(vaultPath string, err error) error {
	if !errors.Is(err, vault.ErrCorrupt) {
		return err
	}
	de := &damagedVaultError{err: err}
	if prev := vault.PreviousPath(vaultPath); previousDiffers(vaultPath, prev) {
		de.previous = prev
	}
	return de
}

// previousDiffers reports whether prev is worth trying instead of cur: it
// starts like an age file and is not a byte-for-byte copy of cur (a .prev
// equal to a damaged file is just as damaged).
func previousDiffers(cur, prev string) bool {
	p, err := readSmall(prev)
	if err != nil || !bytes.HasPrefix(p, []byte("age-encryption.org/")) {
		return false
	}
	c, err := readSmall(cur)
	return err != nil || !bytes.Equal(c, p)
}

// readSmall reads up to the vault's own size limit; beyond it a file is
// not one Sparekey wrote.
func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 256<<20))
}

// previousAdvice is the sentence about the previous version for a damaged
// vault: where it is and how to use it, or only the backups when it cannot
// help.
func previousAdvice(err error) string {
	var de *damagedVaultError
	if errors.As(err, &de) && de.previous != "" {
		return " The previous version is kept beside it as " + filepath.Base(de.previous) +
			" (move the damaged file aside and rename that one to " + filepath.Base(de.previous[:len(de.previous)-len(".prev")]) +
			"), and your backups can restore it as well."
	}
	return " Restore it from a backup."
}
