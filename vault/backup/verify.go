package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/sparekey/sparekey/vault"
)

// Comparison is the result of a restore drill: how a backup's accounts
// relate to the vault's, without importing anything.
type Comparison struct {
	// Items is the merge preview (vault.PlanMerge) of the backup into the vault.
	Items []vault.MergeItem
	// Missing are vault accounts the backup does not hold (added since).
	Missing   []*vault.Account
	Identical int
	Changed   int // same seed, different details
	New       int // in the backup only (removed from the vault since)
	Conflict  int // same name, different seed
	Invalid   int // entries of the backup that cannot be restored
}

// Compare runs vault.PlanMerge of backup into current and lists the vault
// accounts the backup lacks.
func Compare(current []*vault.Account, c *Contents) Comparison {
	cmp := Comparison{Items: vault.PlanMerge(current, c.Accounts), Invalid: len(c.Invalid)}
	for _, it := range cmp.Items {
		switch it.Status {
		case vault.MergeIdentical:
			cmp.Identical++
		case vault.MergeChanged:
			cmp.Changed++
		case vault.MergeNew:
			cmp.New++
		case vault.MergeConflict:
			cmp.Conflict++
		}
	}
	for _, a := range current {
		if !slices.ContainsFunc(c.Accounts, a.SameSeed) {
			cmp.Missing = append(cmp.Missing, a)
		}
	}
	return cmp
}

// Complete reports whether restoring the backup would bring back every
// account of the vault with the same codes.
func (c Comparison) Complete() bool { return len(c.Missing) == 0 && c.Invalid == 0 }

// Summary is a one-line description for a status line or a log.
func (c Comparison) Summary() string {
	s := fmt.Sprintf("%d identical, %d changed since, %d only in the backup, %d only in the vault", c.Identical, c.Changed, c.New+c.Conflict, len(c.Missing))
	if c.Invalid > 0 {
		s += fmt.Sprintf(", %d unreadable", c.Invalid)
	}
	return s
}

// VerifyRecord is what is remembered about one verification of one backup
// file. It holds no secrets: counts, a hash of the encrypted file, a date.
type VerifyRecord struct {
	File       string    `json:"file"`   // base name
	SHA256     string    `json:"sha256"` // of the encrypted file
	VerifiedAt time.Time `json:"verified_at"`
	OK         bool      `json:"ok"`
	Accounts   int       `json:"accounts"`
	Complete   bool      `json:"complete"` // held every vault account at the time
	Summary    string    `json:"summary,omitempty"`
	Problem    string    `json:"problem,omitempty"`
}

func (r VerifyRecord) key() string { return r.File + "@" + r.SHA256 }

// maxVerifyRecords bounds the file: old records of pruned backups go first.
const maxVerifyRecords = 500

// VerifyLog is the small JSON file remembering when each backup was last
// verified, keyed by file name and content hash (so a replaced file with
// the same name is not reported as verified).
type VerifyLog struct {
	Path string
	mu   sync.Mutex
}

type verifyFile struct {
	Version int            `json:"version"`
	Records []VerifyRecord `json:"records"`
}

// Records returns every record, newest first.
func (l *VerifyLog) Records() ([]VerifyRecord, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.load()
}

func (l *VerifyLog) load() ([]VerifyRecord, error) {
	data, err := os.ReadFile(l.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var f verifyFile
	if err := json.Unmarshal(data, &f); err != nil {
		// A damaged record file only loses the history, never a backup.
		return nil, nil
	}
	slices.SortFunc(f.Records, func(a, b VerifyRecord) int { return b.VerifiedAt.Compare(a.VerifiedAt) })
	return f.Records, nil
}

// Lookup returns the latest record for a backup file (base name) with
// this content hash.
func (l *VerifyLog) Lookup(file, sha256 string) (VerifyRecord, bool) {
	recs, _ := l.Records()
	for _, r := range recs {
		if r.File == filepath.Base(file) && r.SHA256 == sha256 {
			return r, true
		}
	}
	return VerifyRecord{}, false
}

// Add stores a record, replacing an older one for the same file and hash.
func (l *VerifyLog) Add(r VerifyRecord) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(l.Path), 0o700); err != nil {
		return err
	}
	// Drills run from the window and the command line: one writer at a time.
	release, err := vault.LockFile(l.Path+".lock", vault.DefaultLockTimeout)
	if err != nil {
		return err
	}
	defer release()
	r.File = filepath.Base(r.File)
	recs, err := l.load()
	if err != nil {
		return err
	}
	recs = slices.DeleteFunc(recs, func(x VerifyRecord) bool { return x.key() == r.key() })
	recs = append([]VerifyRecord{r}, recs...)
	if len(recs) > maxVerifyRecords {
		recs = recs[:maxVerifyRecords]
	}
	data, err := json.MarshalIndent(verifyFile{Version: 1, Records: recs}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(l.Path), 0o700); err != nil {
		return err
	}
	return WriteAtomic(l.Path, data)
}

// Verify decrypts the backup at path, compares it with current without
// importing anything, and records the result in log (nil: not recorded).
// A backup that cannot be opened is recorded as failed and returned as the
// error. One that opens but holds entries that cannot be restored is
// recorded as failed too, and returned with an error wrapping
// ErrUnreadableEntries beside the Opened backup and its Comparison.
func Verify(path string, u Unlock, current []*vault.Account, log *VerifyLog, progress ProgressFunc) (*Opened, Comparison, error) {
	return VerifyContext(context.Background(), path, u, current, log, progress)
}

// VerifyContext is Verify that gives up reading when ctx is done; an
// interrupted drill is not recorded.
func VerifyContext(ctx context.Context, path string, u Unlock, current []*vault.Account, log *VerifyLog, progress ProgressFunc) (*Opened, Comparison, error) {
	o, err := OpenFileContext(ctx, path, u, progress)
	rec := VerifyRecord{File: filepath.Base(path), VerifiedAt: time.Now().UTC().Truncate(time.Second)}
	if err != nil {
		// Only a regular file is read again: a FIFO would block, and give
		// other bytes anyway.
		if info, serr := os.Stat(path); serr == nil && info.Mode().IsRegular() && info.Size() <= MaxFileSize && !errors.Is(err, ErrInterrupted) {
			if data, rerr := os.ReadFile(path); rerr == nil && len(data) <= MaxFileSize {
				rec.SHA256 = Hash(data)
			}
		}
		rec.Problem = err.Error()
		// A wrong passphrase says nothing about the file: don't record it
		// as a failed drill.
		if log != nil && rec.SHA256 != "" && !errors.Is(err, ErrWrongPassphrase) && !errors.Is(err, ErrNoPassphrase) && !errors.Is(err, ErrInterrupted) {
			_ = log.Add(rec)
		}
		return nil, Comparison{}, err
	}
	cmp := Compare(current, o.Contents)
	rec.SHA256 = o.SHA256
	rec.OK = true
	rec.Accounts = len(o.Accounts)
	rec.Complete = cmp.Complete()
	rec.Summary = cmp.Summary()
	// A backup that cannot give back every entry it holds failed the drill,
	// even though it decrypts.
	var unreadable error
	if n := len(o.Invalid); n > 0 {
		unreadable = &FileError{Path: path, Err: fmt.Errorf("%w: %d of %d", ErrUnreadableEntries, n, n+len(o.Accounts))}
		rec.OK = false
		rec.Problem = unreadable.Error()
	}
	if log != nil {
		if err := log.Add(rec); err != nil {
			return o, cmp, errors.Join(unreadable, fmt.Errorf("the verification could not be recorded: %w", err))
		}
	}
	return o, cmp, unreadable
}
