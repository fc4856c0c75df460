package backup

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/sparekey/sparekey/vault"
)

// IndexFileName is the bookkeeping file beside automatic backups. It lets
// retention know which accounts each backup holds without decrypting any
// (automatic backups are written to public keys and cannot be read back by
// the process writing them). It holds account IDs, which are random and say
// nothing about the account, and salted SHA-256 digests of each backup's
// contents; never a seed, a label or an issuer.
const IndexFileName = ".sparekey-backup-index.json"

// indexLockName is the file whose lock lets one process at a time write a
// backup and update the index (vault.LockFile).
const indexLockName = ".sparekey-backup-index.lock"

// maxIndexSize bounds what is read: an index of a thousand backups of a
// thousand accounts is about 40 MB, far beyond any real folder.
const maxIndexSize = 64 << 20

type backupIndex struct {
	Version int `json:"version"`
	// Salt keys the digests, so they cannot be compared across folders or
	// against precomputed guesses.
	Salt  string                `json:"salt"`
	Files map[string]indexEntry `json:"files"`
}

type indexEntry struct {
	Accounts []string `json:"accounts"` // account IDs
	// Shape digests the accounts without HOTP counters and edit times,
	// Full with them: a backup whose Shape matches differs at most in
	// counters.
	Shape string `json:"shape"`
	Full  string `json:"full"`
}

// loadIndex reads the index in dir. A missing or damaged index is an empty
// one: its backups then count as "contents unknown", which retention keeps.
func loadIndex(dir string) *backupIndex {
	idx := &backupIndex{Version: 1, Files: map[string]indexEntry{}}
	f, err := os.Open(filepath.Join(dir, IndexFileName))
	if err != nil {
		return idx
	}
	defer f.Close()
	var loaded backupIndex
	// A truncated read fails to decode, which is an empty index too.
	dec := json.NewDecoder(io.LimitReader(f, maxIndexSize))
	if err := dec.Decode(&loaded); err != nil || loaded.Version != 1 || loaded.Files == nil {
		return idx
	}
	return &loaded
}

func (idx *backupIndex) save(dir string) error {
	data, err := json.Marshal(idx)
	if err != nil {
		return err
	}
	return WriteAtomic(filepath.Join(dir, IndexFileName), data)
}

// held maps each indexed file to the accounts it holds.
func (idx *backupIndex) held() map[string][]string {
	out := make(map[string][]string, len(idx.Files))
	for name, e := range idx.Files {
		out[name] = e.Accounts
	}
	return out
}

// forgetMissing drops entries whose file is gone and reports whether any was.
func (idx *backupIndex) forgetMissing(dir string) bool {
	changed := false
	for name := range idx.Files {
		if _, err := os.Lstat(filepath.Join(dir, name)); errors.Is(err, fs.ErrNotExist) {
			delete(idx.Files, name)
			changed = true
		}
	}
	return changed
}

// entryFor describes accounts for the index, salting with the index's salt
// (made on first use).
func (idx *backupIndex) entryFor(accts []*vault.Account) (indexEntry, error) {
	if idx.Salt == "" {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return indexEntry{}, err
		}
		idx.Salt = hex.EncodeToString(b[:])
	}
	e := indexEntry{Accounts: make([]string, 0, len(accts))}
	withoutCounters := make([]*vault.Account, len(accts))
	for i, a := range accts {
		e.Accounts = append(e.Accounts, a.ID)
		c := a.Clone()
		// Issuing an HOTP code moves the counter and the edit time.
		c.Counter, c.Updated = 0, time.Time{}
		withoutCounters[i] = c
	}
	var err error
	if e.Full, err = idx.digest(accts); err != nil {
		return indexEntry{}, err
	}
	if e.Shape, err = idx.digest(withoutCounters); err != nil {
		return indexEntry{}, err
	}
	return e, nil
}

func (idx *backupIndex) digest(accts []*vault.Account) (string, error) {
	plain, err := Encode(accts, time.Time{})
	if err != nil {
		return "", err
	}
	defer wipe(plain)
	h := sha256.New()
	h.Write([]byte(idx.Salt))
	h.Write(plain)
	return hex.EncodeToString(h.Sum(nil)), nil
}
