// Package backup writes and reads Sparekey backups: standard age files
// holding a versioned JSON document with every account (see FORMAT.md and
// Document).
//
// # Design
//
// A backup must outlive Sparekey. So it is nothing but age (filippo.io/age)
// around JSON that carries an otpauth URI for every account: with the age
// CLI and jq alone, a user gets every seed back:
//
//	age -d backup.age | jq -r '.accounts[].uri'
//
// A backup is encrypted either to a passphrase (scrypt, work factor 18 by
// default and never above 22, the most the age CLI accepts) or to one or
// more age recipients: X25519 (age1…), hybrid post-quantum (age1pq1…) and
// plugin recipients such as age1yubikey1…. Recipient backups need no secret
// at write time, which is what lets automatic backups (Auto) run on every
// change without asking anything. Since those are encrypted to the vault key,
// which is lost with the computer, a passphrase-protected vault also keeps a
// copy of its key file beside them (KeyFileName): the folder and the
// passphrase then restore everything.
//
// Plaintext never touches the disk: documents are encrypted in memory and
// written with WriteAtomic (temp file in the same folder, 0600, fsync,
// rename, fsync of the folder), so a crash leaves the old file or the new
// one, never a fragment.
//
// The document format is described on Document and, for people, in
// FORMAT.md beside this file.
//
// Reading is strict where it must be and lenient where it can be. age
// authenticates a file chunk by chunk, so Open reads the stream to its end
// and checks the error before decoding a single byte: a truncated or
// bit-flipped file yields ErrDamaged and nothing else. A valid file whose
// document has a few bad accounts still restores the good ones; the others
// are listed in Contents.Invalid with the reason.
//
// # Automatic backups and what they keep
//
// Auto writes a new backup after every change, encrypted to public keys
// only. Retention (see Retention and DefaultRetention) keeps the newest N
// backups (AutoConfig.Keep, 10 by default), the newest backup of each of
// the last 7 days and of each of the last 4 weeks that have one (as
// restic's forget --keep-last/--keep-daily/--keep-weekly), and never
// deletes the last backup still holding an account removed from the vault
// within the last 30 days. It learns what each backup holds from an index
// beside them (IndexFileName: random account IDs and salted digests, never
// a seed or a label), since the writer cannot decrypt its own backups; a
// backup missing from the index is kept for 30 days. Issuing an HOTP code
// moves only a counter: it updates the newest backup in place instead of
// writing a new one, so counting codes never pushes older backups out.
//
// Every operation that can take noticeable time (scrypt, large sets) takes a
// ProgressFunc. It is called on the goroutine doing the work, so a UI runs
// the operation on its own goroutine and hands each Progress to its main
// thread.
package backup

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/sparekey/sparekey/vault"
)

// Limits.
const (
	// MaxFileSize is the largest backup file Open accepts. A million
	// accounts fit comfortably; anything larger is not a backup.
	MaxFileSize = 64 << 20
	// DefaultWorkFactor is the scrypt cost (log2 N) of passphrase backups:
	// age's own default, about a second here.
	DefaultWorkFactor = 18
	// MaxWorkFactor is the highest scrypt cost written or accepted: the age
	// CLI refuses anything above it by default, and a backup it cannot open
	// breaks the promise of this package.
	MaxWorkFactor = 22
	// MinWorkFactor keeps tests fast; real backups should keep the default.
	MinWorkFactor = 10
)

// Stage names a step of a long operation.
type Stage string

const (
	StageEncoding   Stage = "encoding"
	StageDeriveKey  Stage = "deriving the key from the passphrase"
	StageEncrypting Stage = "encrypting"
	StageWriting    Stage = "writing"
	StageReading    Stage = "reading"
	StageDecrypting Stage = "decrypting and checking"
	StageDecoding   Stage = "checking accounts"
	StageLayout     Stage = "laying out pages"
	StageDone       Stage = "done"
)

// Progress reports how far an operation is. Total is 0 when the amount of
// work is unknown (scrypt key derivation): show an indeterminate bar.
type Progress struct {
	Stage       Stage
	Done, Total int64
}

// ProgressFunc receives progress reports on the working goroutine. It must
// return quickly; nil means no reports.
type ProgressFunc func(Progress)

// Report calls f if it is not nil.
func (f ProgressFunc) Report(stage Stage, done, total int64) {
	if f != nil {
		f(Progress{Stage: stage, Done: done, Total: total})
	}
}

// Target says whom a backup is encrypted to: either a passphrase or
// recipients, never both (age requires a passphrase to be the only
// recipient, which also keeps its meaning obvious).
type Target struct {
	// Passphrase is called once to get the passphrase. The returned slice
	// is wiped after use.
	Passphrase func() ([]byte, error)
	// WorkFactor is the scrypt cost (log2 N); 0 means DefaultWorkFactor.
	WorkFactor int
	// Recipients are age recipients: *age.X25519Recipient,
	// *age.HybridRecipient, *plugin.Recipient (see ParseRecipient).
	Recipients []age.Recipient
	// Armor writes ASCII-armored (PEM-like) text instead of binary.
	Armor bool
}

// Encrypt builds the backup document for accounts and encrypts it in
// memory, returning the complete file contents.
func Encrypt(accounts []*vault.Account, t Target, progress ProgressFunc) ([]byte, error) {
	progress.Report(StageEncoding, 0, int64(len(accounts)))
	plain, err := Encode(accounts, time.Now())
	if err != nil {
		return nil, fmt.Errorf("encoding the backup: %w", err)
	}
	defer wipe(plain)
	progress.Report(StageEncoding, int64(len(accounts)), int64(len(accounts)))
	return EncryptDocument(plain, t, progress)
}

// EncryptDocument encrypts an already encoded plaintext document.
func EncryptDocument(plain []byte, t Target, progress ProgressFunc) ([]byte, error) {
	recipients, err := t.recipients(progress)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(plain)*4/3 + 1024)
	var dst io.Writer = &out
	var armorWriter io.WriteCloser
	if t.Armor {
		armorWriter = armor.NewWriter(&out)
		dst = armorWriter
	}
	// age.Encrypt wraps the file key for every recipient right away: for a
	// passphrase that is the scrypt derivation, the slow part.
	w, err := age.Encrypt(dst, recipients...)
	if err != nil {
		return nil, recipientError(err)
	}
	total := int64(len(plain))
	const chunk = 256 << 10
	for off := 0; off < len(plain); off += chunk {
		end := min(off+chunk, len(plain))
		if _, err := w.Write(plain[off:end]); err != nil {
			return nil, fmt.Errorf("encrypting the backup: %w", err)
		}
		progress.Report(StageEncrypting, int64(end), total)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encrypting the backup: %w", err)
	}
	if armorWriter != nil {
		if err := armorWriter.Close(); err != nil {
			return nil, fmt.Errorf("armoring the backup: %w", err)
		}
	}
	return out.Bytes(), nil
}

func (t Target) recipients(progress ProgressFunc) ([]age.Recipient, error) {
	switch {
	case t.Passphrase != nil && len(t.Recipients) > 0:
		return nil, errors.New("a backup is encrypted either to a passphrase or to recipients, not both")
	case t.Passphrase != nil:
		wf := t.WorkFactor
		if wf == 0 {
			wf = DefaultWorkFactor
		}
		if wf < MinWorkFactor || wf > MaxWorkFactor {
			return nil, fmt.Errorf("scrypt work factor %d is out of range (%d to %d; above %d the age tool cannot open the backup)", wf, MinWorkFactor, MaxWorkFactor, MaxWorkFactor)
		}
		pass, err := t.Passphrase()
		if err != nil {
			return nil, err
		}
		defer wipe(pass)
		if len(pass) == 0 {
			return nil, ErrNoPassphrase
		}
		r, err := age.NewScryptRecipient(string(pass))
		if err != nil {
			return nil, err
		}
		r.SetWorkFactor(wf)
		progress.Report(StageDeriveKey, 0, 0)
		return []age.Recipient{r}, nil
	case len(t.Recipients) > 0:
		for i, r := range t.Recipients {
			if r == nil {
				return nil, fmt.Errorf("recipient %d is empty", i+1)
			}
		}
		return t.Recipients, nil
	}
	return nil, ErrNoRecipients
}

func recipientError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "incompatible recipients") {
		return fmt.Errorf("these recipients cannot be combined in one backup: %w (use only post-quantum age1pq1… recipients, or only classic ones)", err)
	}
	return fmt.Errorf("encrypting the backup: %w", err)
}

// WriteFile encrypts accounts to t and writes the backup to path
// atomically with mode 0600. It returns the file's SHA-256 (hex).
func WriteFile(path string, accounts []*vault.Account, t Target, progress ProgressFunc) (string, error) {
	data, err := Encrypt(accounts, t, progress)
	if err != nil {
		return "", fileErr(path, err)
	}
	progress.Report(StageWriting, 0, int64(len(data)))
	if err := WriteAtomic(path, data); err != nil {
		return "", err
	}
	progress.Report(StageDone, int64(len(data)), int64(len(data)))
	return Hash(data), nil
}

// Hash is the hex SHA-256 of a file's bytes: with the file name, it is how
// verification records recognise a backup.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// WriteAtomic replaces path with data so that a crash at any point leaves
// either the old file or the new one under that name, never a fragment. The
// file is created 0600 because it may hold secrets (even encrypted, nobody
// else needs to read it).
func WriteAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return &FileError{Path: path, Err: fmt.Errorf("cannot write here: %w", err)}
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
			err = &FileError{Path: path, Err: fmt.Errorf("could not write the file (nothing was replaced): %w", err)}
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if err = writeAll(tmp, data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmpName, path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		// Makes the rename durable; some filesystems refuse to sync a
		// folder, and the rename has happened either way.
		_ = d.Sync()
		d.Close()
	}
	// Temp files of earlier writes to this name that were killed half-way
	// (the status file, the index, a verification log) go, as the vault's do.
	removeStaleTemps(dir, "."+filepath.Base(path)+".tmp-*")
	return nil
}

// testWriteDelay, set only by the crash test's child process, spreads a
// write over time so that a SIGKILL lands in the middle of it.
var testWriteDelay time.Duration

func writeAll(f *os.File, data []byte) error {
	if testWriteDelay == 0 {
		_, err := f.Write(data)
		return err
	}
	for len(data) > 0 {
		n := min(len(data), 4096)
		if _, err := f.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
		time.Sleep(testWriteDelay)
	}
	return nil
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
