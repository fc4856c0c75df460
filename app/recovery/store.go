package recovery

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/vault"
)

// DirName is the folder of runs beside the vault.
const DirName = "recovery"

// Store keeps runs as one JSON file each in Dir.
type Store struct {
	Dir string
	Now func() time.Time
}

// DirBeside returns the runs folder beside a vault file.
func DirBeside(vaultPath string) string { return filepath.Join(filepath.Dir(vaultPath), DirName) }

func (s *Store) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// DamagedRunError says a run file could not be used. The file was moved
// aside to KeptAs, never deleted or overwritten.
type DamagedRunError struct {
	Path   string
	KeptAs string
	// Newer is the format version when the file came from a newer Sparekey.
	Newer int
	Err   error
}

func (e *DamagedRunError) Error() string {
	what := fmt.Sprintf("the recovery run %s is damaged (%v)", filepath.Base(e.Path), e.Err)
	if e.Newer > 0 {
		what = fmt.Sprintf("the recovery run %s was written by a newer Sparekey (format %d; this one reads %d)", filepath.Base(e.Path), e.Newer, Version)
	}
	if e.KeptAs != "" {
		return what + "; it was moved aside to " + e.KeptAs + " and nothing in it was lost"
	}
	return what + "; it was left where it is"
}

func (e *DamagedRunError) Unwrap() error { return e.Err }

var idRE = regexp.MustCompile(`^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$`)

// ValidID reports whether id has the shape of a run ID (and so is safe as
// a file name).
func ValidID(id string) bool { return idRE.MatchString(id) }

func (s *Store) path(id string) string { return filepath.Join(s.Dir, id+".json") }

// Start resolves the answers to a leaf and saves a new run on it.
func (s *Store) Start(answers guide.Answers, b guide.Binding) (*Run, error) {
	g, err := guide.Resolve(answers)
	if err != nil {
		return nil, err
	}
	return s.StartOn(g, answers, b)
}

// StartOn saves a new run on leaf g.
func (s *Store) StartOn(g guide.Guide, answers guide.Answers, b guide.Binding) (*Run, error) {
	var rnd [3]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	now := s.now()
	id := now.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(rnd[:])
	r := NewRun(id, answers, g, b, now)
	return r, s.Save(r)
}

// ErrRunChanged: another process (the window, another terminal) saved the
// run after this copy of it was read; saving would undo its change.
var ErrRunChanged = errors.New("the recovery run was changed elsewhere since it was read")

// Save writes the run atomically (a crash leaves the old file or the new
// one), 0600 in a 0700 folder, under a lock shared with every other
// Sparekey process. A run saved elsewhere since r was read is not
// overwritten: Save returns ErrRunChanged, and the caller loads it again
// (Update does that for it).
func (s *Store) Save(r *Run) error {
	if !ValidID(r.ID) {
		return fmt.Errorf("recovery run ID %q is not valid", r.ID)
	}
	release, err := s.lock(r.ID)
	if err != nil {
		return err
	}
	defer release()
	return s.saveLocked(r)
}

func (s *Store) lock(id string) (func(), error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("saving the recovery run: %w", err)
	}
	release, err := vault.LockFile(s.path(id)+".lock", vault.DefaultLockTimeout)
	if err != nil {
		return nil, fmt.Errorf("saving the recovery run: %w", err)
	}
	return release, nil
}

func (s *Store) saveLocked(r *Run) error {
	p := s.path(r.ID)
	if data, err := os.ReadFile(p); err == nil {
		disk, perr := ParseRun(data)
		switch {
		case perr != nil:
			// Damaged since it was read: kept aside, never overwritten.
			_ = s.setAside(p, perr)
		case disk.Revision != r.Revision:
			return fmt.Errorf("%w (run %s): load it again and redo the change", ErrRunChanged, r.ID)
		}
	}
	r.Revision++
	data, err := json.MarshalIndent(r, "", "  ")
	if err == nil {
		err = vault.WriteFileAtomic(p, append(data, '\n'))
	}
	if err != nil {
		r.Revision--
	}
	return err
}

// Update loads the run, applies change and saves it, all under the lock:
// the safe way for the window and the command line to change the same run.
func (s *Store) Update(id string, change func(*Run) error) (*Run, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("%w: %q is not a run ID", ErrNoSuchRun, id)
	}
	release, err := s.lock(id)
	if err != nil {
		return nil, err
	}
	defer release()
	r, err := s.Load(id)
	if err != nil {
		return nil, err
	}
	if err := change(r); err != nil {
		return nil, err
	}
	return r, s.saveLocked(r)
}

// ParseRun reads a run file's contents.
func ParseRun(data []byte) (*Run, error) {
	var probe struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not a run file: %w", err)
	}
	if probe.Version > Version {
		return nil, &newerError{probe.Version}
	}
	var r Run
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not a run file: %w", err)
	}
	switch {
	case r.Version < 1:
		return nil, errors.New("no format version")
	case !ValidID(r.ID):
		return nil, fmt.Errorf("run ID %q is not valid", r.ID)
	case r.Path == "":
		return nil, errors.New("no path")
	}
	switch r.State {
	case Open, Finished, Abandoned:
	default:
		return nil, fmt.Errorf("unknown run state %q", r.State)
	}
	for _, st := range r.Steps {
		switch st.Status {
		case Todo, Doing, Done, Skipped, Failed, Waiting:
		default:
			return nil, fmt.Errorf("step %q has unknown status %q", st.ID, st.Status)
		}
	}
	return &r, nil
}

type newerError struct{ version int }

func (e *newerError) Error() string {
	return fmt.Sprintf("format version %d is newer than %d", e.version, Version)
}

// Load reads one run. A damaged or newer file is moved aside and reported
// as *DamagedRunError; nothing is reset silently.
func (s *Store) Load(id string) (*Run, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("%w: %q is not a run ID", ErrNoSuchRun, id)
	}
	p := s.path(id)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNoSuchRun, id)
	}
	if err != nil {
		return nil, err
	}
	r, err := ParseRun(data)
	if err != nil {
		return nil, s.setAside(p, err)
	}
	if r.ID != id {
		return nil, s.setAside(p, fmt.Errorf("it names run %s", r.ID))
	}
	return r, nil
}

func (s *Store) setAside(p string, cause error) error {
	de := &DamagedRunError{Path: p, Err: cause}
	var ne *newerError
	if errors.As(cause, &ne) {
		de.Newer = ne.version
	}
	aside := fmt.Sprintf("%s.unreadable-%s", p, s.now().UTC().Format("20060102-150405"))
	if err := os.Rename(p, aside); err == nil {
		de.KeptAs = aside
	}
	return de
}

// List returns every readable run, most recently updated first, and the
// damaged files it moved aside.
func (s *Store) List() ([]*Run, []error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{err}
	}
	var runs []*Run
	var problems []error
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || !ValidID(id) {
			continue
		}
		r, err := s.Load(id)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		runs = append(runs, r)
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].Updated.After(runs[j].Updated) })
	return runs, problems
}

// Unfinished returns the open runs, most recent first.
func (s *Store) Unfinished() ([]*Run, []error) {
	all, problems := s.List()
	var open []*Run
	for _, r := range all {
		if r.State == Open {
			open = append(open, r)
		}
	}
	return open, problems
}

// Close ends a run as finished or abandoned; the file stays as a record.
func (s *Store) Close(r *Run, st State, why string) error {
	if r.State != Open {
		return fmt.Errorf("%w (%s)", ErrClosed, r.State)
	}
	if st != Finished && st != Abandoned {
		return fmt.Errorf("a run closes as finished or abandoned, not %q", st)
	}
	now := s.now()
	r.State, r.Updated = st, now
	if why != "" {
		r.AddNote(why, now)
	}
	return s.Save(r)
}
