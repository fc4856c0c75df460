package backup

import (
	"errors"
	"fmt"
)

// Sentinel errors: callers tell them apart with errors.Is. Every error
// returned for a file is a *FileError naming that file.
var (
	// ErrWrongPassphrase: the passphrase does not open this backup.
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrNoPassphrase: the backup needs a passphrase and none was given.
	ErrNoPassphrase = errors.New("this backup is protected by a passphrase, and none was given")
	// ErrNoIdentity: none of the given keys opens this backup.
	ErrNoIdentity = errors.New("none of the given keys opens this backup")
	// ErrDamaged: the file is truncated, bit-flipped or otherwise fails
	// authentication. Nothing from it is used.
	ErrDamaged = errors.New("the backup is damaged or incomplete")
	// ErrNotAge: the file is not an age-encrypted file at all.
	ErrNotAge = errors.New("not an age-encrypted file")
	// ErrNotBackup: a valid age file whose contents are not a Sparekey backup.
	ErrNotBackup = errors.New("not a Sparekey backup")
	// ErrMalformed: a Sparekey backup whose document is missing or mistyping
	// required fields.
	ErrMalformed = errors.New("the backup document is malformed")
	// ErrTooLarge: the file exceeds MaxFileSize.
	ErrTooLarge = errors.New("the file is too large to be a Sparekey backup")
	// ErrUnreadableEntries: the backup decrypts and is authentic, but some
	// of its entries cannot be restored (listed in Contents.Invalid).
	ErrUnreadableEntries = errors.New("some entries of this backup cannot be restored")
	// ErrInterrupted: the caller gave up (Ctrl-C) before the file was
	// read whole, as when it is a FIFO nobody writes to.
	ErrInterrupted = errors.New("stopped before the backup was read")
	// ErrNoRecipients: an encryption target with neither passphrase nor recipients.
	ErrNoRecipients = errors.New("no passphrase and no recipients to encrypt the backup to")
)

// NewerVersionError is returned for a backup written by a newer Sparekey.
type NewerVersionError struct{ Found, Supported int }

func (e *NewerVersionError) Error() string {
	return fmt.Sprintf("this backup was written by a newer Sparekey (format version %d; this version reads up to %d): update Sparekey to restore it", e.Found, e.Supported)
}

// FileError names the backup file a problem is about.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() + hint(e.Err) }
func (e *FileError) Unwrap() error { return e.Err }

func hint(err error) string {
	switch {
	case errors.Is(err, ErrWrongPassphrase):
		return " (check it and try again)"
	case errors.Is(err, ErrNoIdentity):
		return " (it was made for another key: give that key, or use its passphrase)"
	case errors.Is(err, ErrDamaged):
		return " (nothing from it was used; try an older backup)"
	case errors.Is(err, ErrUnreadableEntries):
		return " (the others restore; add the listed ones again from their sites, or look for them in an older backup)"
	case errors.Is(err, ErrNotAge), errors.Is(err, ErrNotBackup):
		return " (choose a file written by Sparekey's backup)"
	}
	return ""
}

func fileErr(path string, err error) error {
	if path == "" || err == nil {
		return err
	}
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	return &FileError{Path: path, Err: err}
}
