package awsmfa

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// JournalFile is the replacement journal's name inside the app's data folder.
const JournalFile = "aws-replace.json"

// Replacement phases, in order. The journal is written after each one, so a
// crash at any point leaves a record of the last completed phase.
const (
	PhaseStarted        = "started"         // nothing created yet (or a create in flight)
	PhaseCreated        = "created"         // new device created, seed in the vault
	PhaseEnabled        = "enabled"         // new device enabled: two devices now
	PhaseOldDeactivated = "old-deactivated" // old device removed from the user
	PhaseDone           = "done"
)

// JournalVersion is the journal's format version.
const JournalVersion = 1

// Journal is the record of one device replacement in progress. It holds
// serial numbers and names only, never a seed or a credential.
type Journal struct {
	Version    int       `json:"version"`
	Phase      string    `json:"phase"`
	Label      string    `json:"connection"` // profile or "practice"
	UserName   string    `json:"user_name"`
	OldSerial  string    `json:"old_serial"`
	NewName    string    `json:"new_device_name"`
	NewPath    string    `json:"new_device_path"`
	NewSerial  string    `json:"new_serial,omitempty"`
	NewVaultID string    `json:"new_vault_account_id,omitempty"`
	Started    time.Time `json:"started"`
	Updated    time.Time `json:"updated"`
}

// ErrJournalCorrupt: the journal exists but cannot be read.
var ErrJournalCorrupt = errors.New("the replacement journal is damaged")

// ReadJournal returns the journal at path, or (nil, nil) when there is none.
func ReadJournal(path string) (*Journal, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the replacement journal: %w", err)
	}
	return parseJournal(data)
}

func parseJournal(data []byte) (*Journal, error) {
	var j Journal
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrJournalCorrupt, err)
	}
	switch {
	case j.Version != JournalVersion:
		return nil, fmt.Errorf("%w: version %d (this Sparekey reads %d)", ErrJournalCorrupt, j.Version, JournalVersion)
	case j.OldSerial == "" || j.UserName == "" || j.Label == "":
		return nil, fmt.Errorf("%w: missing user, connection or old device", ErrJournalCorrupt)
	}
	switch j.Phase {
	case PhaseStarted, PhaseDone:
	case PhaseCreated, PhaseEnabled, PhaseOldDeactivated:
		if j.NewSerial == "" {
			return nil, fmt.Errorf("%w: phase %s without a new device", ErrJournalCorrupt, j.Phase)
		}
	default:
		return nil, fmt.Errorf("%w: unknown phase %q", ErrJournalCorrupt, j.Phase)
	}
	return &j, nil
}

// writeJournal saves j atomically with mode 0600: temp file in the same
// folder, fsync, rename, fsync the folder.
func writeJournal(path string, j *Journal) error {
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(data, '\n'))
}

// createJournal writes the first version of a journal, failing with
// ErrReplaceInProgress if one exists: two Sparekey processes can never both
// start a replacement. The file appears complete (link of a synced temp file).
func createJournal(path string, j *Journal) error {
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".new"
	if err := writeFileAtomic(tmp, append(data, '\n')); err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return ErrReplaceInProgress
		}
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

func removeJournal(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing the replacement journal: %w", err)
	}
	return nil
}
