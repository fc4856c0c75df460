package backup

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"filippo.io/age"

	"github.com/sparekey/sparekey/vault"
)

// Defaults for automatic backups.
const (
	DefaultKeep       = 10
	DefaultDebounce   = 2 * time.Second
	DefaultMaxDelay   = 30 * time.Second
	DefaultStaleAfter = 10 * time.Minute
)

// AutoFilePrefix starts the name of every automatic backup. Only files
// matching the full pattern (prefix, UTC timestamp, .age) are ever pruned,
// so a user's own files, a sync client's "conflicted copy" files and
// temporary files in the same folder are left alone.
const AutoFilePrefix = "sparekey-backup-"

var autoFileName = regexp.MustCompile(`^sparekey-backup-(\d{8}T\d{6}\.\d{3}Z)(-\d+)?\.age$`)

// IsAutoBackupName reports whether name (a base name) is an automatic backup.
func IsAutoBackupName(name string) bool { return autoFileName.MatchString(name) }

// AutoConfig configures automatic backups.
type AutoConfig struct {
	// Dir is the folder backups go to (a synced cloud folder works). It must
	// exist: a folder that disappeared (an unmounted drive) is an error,
	// never silently recreated on the local disk.
	Dir string
	// Keep is how many of the newest backups are always kept (0:
	// DefaultKeep). Older ones are pruned by DefaultRetention(Keep): one a
	// day for a week and one a week for a month stay too, and so does the
	// last backup holding an account removed within 30 days.
	Keep int
	// Retention replaces DefaultRetention(Keep) when set (tests).
	Retention *Retention
	// Recipients the backups are encrypted to, typically the vault's own
	// Recipient plus any extra keys. Required: automatic backups never ask
	// for a passphrase.
	Recipients []age.Recipient
	// Armor writes ASCII-armored files.
	Armor bool
	// Debounce is how long changes must pause before a backup is written
	// (0: DefaultDebounce); MaxDelay bounds the wait under a steady stream
	// of changes (0: DefaultMaxDelay).
	Debounce, MaxDelay time.Duration
	// StaleAfter is how long changes may remain without a backup before
	// Status says StateStale (0: DefaultStaleAfter).
	StaleAfter time.Duration
	// KeyFile, if set, is a passphrase-protected identity file (the vault's
	// vault.age.key) copied beside the backups as KeyFileName whenever it
	// changes, so that the backups restore with the passphrase alone after
	// the computer is lost.
	KeyFile string
	// StatusFile, if set, receives the status as JSON after every attempt
	// (no secrets), so another process (the CLI) can show it.
	StatusFile string
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// AutoState summarises the health of automatic backups.
type AutoState string

const (
	StateOff     AutoState = "off"     // not configured
	StateOK      AutoState = "ok"      // the newest backup holds every change
	StatePending AutoState = "pending" // a change is waiting for the debounce
	StateStale   AutoState = "stale"   // changes have waited longer than StaleAfter
	StateFailing AutoState = "failing" // the last attempt failed; retrying
)

// AutoStatus is what a status line or the CLI shows. It holds no secrets.
type AutoStatus struct {
	State        AutoState `json:"state"`
	Dir          string    `json:"dir"`
	Keep         int       `json:"keep"`
	LastSuccess  time.Time `json:"last_success,omitzero"`
	LastFile     string    `json:"last_file,omitempty"`
	LastError    string    `json:"last_error,omitempty"`
	LastErrorAt  time.Time `json:"last_error_at,omitzero"`
	Failures     int       `json:"consecutive_failures,omitempty"`
	PendingSince time.Time `json:"pending_since,omitzero"`
	Updated      time.Time `json:"updated"`
}

// Warning is a one-line message for a stale or failing state, "" otherwise.
func (s AutoStatus) Warning() string {
	switch s.State {
	case StateFailing:
		return fmt.Sprintf("automatic backups are failing (%d attempts): %s", s.Failures, s.LastError)
	case StateStale:
		return fmt.Sprintf("changes since %s are not backed up yet", s.PendingSince.Local().Format(time.DateTime))
	}
	return ""
}

// Auto writes a new encrypted backup after every change, in the
// background. Changed is the hook (vault.Vault.OnChange): it only records
// the change and wakes the worker, so it costs the caller microseconds.
type Auto struct {
	cfg      AutoConfig
	accounts func() []*vault.Account

	mu       sync.Mutex
	status   AutoStatus
	pending  bool
	onStatus func(AutoStatus)

	// force makes the next backup a new file even if nothing changed.
	// Otherwise the index beside the backups (IndexFileName) tells whether
	// the newest one already holds the accounts, so a change notification
	// that changed nothing (an unlock, a save of the same data) does not
	// rotate out an older backup for an identical new one.
	force bool

	kick  chan struct{}
	flush chan chan error
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// StartAuto starts automatic backups of what accounts returns (usually
// vault.Vault.Accounts). If the folder holds no backup yet, one is written
// right away.
func StartAuto(cfg AutoConfig, accounts func() []*vault.Account) (*Auto, error) {
	if cfg.Dir == "" {
		return nil, errors.New("automatic backups need a folder")
	}
	if len(cfg.Recipients) == 0 {
		return nil, fmt.Errorf("automatic backups need at least one recipient: %w", ErrNoRecipients)
	}
	if info, err := os.Stat(cfg.Dir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("the backup folder %s does not exist or is not a folder", cfg.Dir)
	}
	if cfg.Keep <= 0 {
		cfg.Keep = DefaultKeep
	}
	if cfg.Debounce <= 0 {
		cfg.Debounce = DefaultDebounce
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = DefaultMaxDelay
	}
	if cfg.StaleAfter <= 0 {
		cfg.StaleAfter = DefaultStaleAfter
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &Auto{
		cfg:      cfg,
		accounts: accounts,
		kick:     make(chan struct{}, 1),
		flush:    make(chan chan error),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	a.status = AutoStatus{Dir: cfg.Dir, Keep: cfg.Keep}
	files, _ := ListAuto(cfg.Dir)
	if len(files) > 0 {
		newest := files[len(files)-1]
		a.status.LastFile = newest.Name
		a.status.LastSuccess = newest.Time
	}
	go a.loop()
	if len(files) == 0 {
		a.Changed()
	}
	return a, nil
}

// OnStatus registers a function called (on the worker goroutine) after
// every status change.
func (a *Auto) OnStatus(f func(AutoStatus)) {
	a.mu.Lock()
	a.onStatus = f
	a.mu.Unlock()
}

// Changed records that the vault changed. It never blocks.
func (a *Auto) Changed() {
	a.mu.Lock()
	if !a.pending {
		a.pending = true
		if a.status.PendingSince.IsZero() {
			a.status.PendingSince = a.cfg.Now()
		}
	}
	a.mu.Unlock()
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// Flush writes a backup now if changes are pending and waits for it.
func (a *Auto) Flush() error {
	reply := make(chan error, 1)
	select {
	case a.flush <- reply:
		return <-reply
	case <-a.done:
		return errors.New("automatic backups are stopped")
	}
}

// BackupNow writes a new backup file now, even without changes.
func (a *Auto) BackupNow() error {
	a.mu.Lock()
	a.pending = true
	a.force = true
	if a.status.PendingSince.IsZero() {
		a.status.PendingSince = a.cfg.Now()
	}
	a.mu.Unlock()
	return a.Flush()
}

// Close writes any pending backup and stops the worker.
func (a *Auto) Close() error {
	a.once.Do(func() { close(a.stop) })
	<-a.done
	st := a.Status()
	if st.State == StateFailing {
		return errors.New(st.LastError)
	}
	return nil
}

// Status returns the current status.
func (a *Auto) Status() AutoStatus {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.snapshotLocked()
}

func (a *Auto) snapshotLocked() AutoStatus {
	s := a.status
	s.Updated = a.cfg.Now()
	s.State = classify(s, a.cfg.StaleAfter, a.cfg.Now())
	return s
}

func classify(s AutoStatus, staleAfter time.Duration, now time.Time) AutoState {
	switch {
	case s.Failures > 0:
		return StateFailing
	case !s.PendingSince.IsZero() && now.Sub(s.PendingSince) > staleAfter:
		return StateStale
	case !s.PendingSince.IsZero():
		return StatePending
	}
	return StateOK
}

func (a *Auto) loop() {
	defer close(a.done)
	var timer *time.Timer
	var timerC <-chan time.Time
	arm := func(d time.Duration) {
		if timer == nil {
			timer = time.NewTimer(d)
		} else {
			timer.Reset(d)
		}
		timerC = timer.C
	}
	for {
		select {
		case <-a.kick:
			a.mu.Lock()
			since := a.status.PendingSince
			failing := a.status.Failures > 0
			a.mu.Unlock()
			if failing {
				continue // the retry timer is armed already
			}
			d := a.cfg.Debounce
			if waited := a.cfg.Now().Sub(since); waited+d > a.cfg.MaxDelay {
				d = max(a.cfg.MaxDelay-waited, 0)
			}
			arm(d)
		case <-timerC:
			timerC = nil
			if err := a.run(); err != nil {
				arm(a.retryDelay())
			}
		case reply := <-a.flush:
			err := a.run()
			if err != nil {
				arm(a.retryDelay())
			} else if timer != nil {
				timer.Stop()
				timerC = nil
			}
			reply <- err
		case <-a.stop:
			if timer != nil {
				timer.Stop()
			}
			_ = a.run()
			return
		}
	}
}

// retryDelay backs off from the debounce up to five minutes.
func (a *Auto) retryDelay() time.Duration {
	a.mu.Lock()
	n := a.status.Failures
	a.mu.Unlock()
	d := a.cfg.Debounce << min(n, 10)
	return min(d, 5*time.Minute)
}

// run writes one backup if changes are pending.
func (a *Auto) run() error {
	a.mu.Lock()
	if !a.pending {
		a.mu.Unlock()
		return nil
	}
	// Changes arriving while this backup is written set pending again and
	// lead to another backup.
	a.pending = false
	a.mu.Unlock()

	name, err := a.write()

	a.mu.Lock()
	now := a.cfg.Now()
	if err != nil {
		a.pending = true
		a.status.Failures++
		a.status.LastError = err.Error()
		a.status.LastErrorAt = now
	} else {
		a.status.Failures = 0
		a.status.LastError = ""
		a.status.LastSuccess = now
		a.status.LastFile = name
		if !a.pending {
			a.status.PendingSince = time.Time{}
		}
	}
	st := a.snapshotLocked()
	onStatus := a.onStatus
	a.mu.Unlock()

	if a.cfg.StatusFile != "" {
		_ = WriteAutoStatus(a.cfg.StatusFile, st)
	}
	if onStatus != nil {
		onStatus(st)
	}
	return err
}

func (a *Auto) write() (string, error) {
	name, err := a.writeBackup()
	if err != nil || a.cfg.KeyFile == "" {
		return name, err
	}
	if err := syncKeyFile(a.cfg.KeyFile, a.cfg.Dir); err != nil {
		return name, fmt.Errorf("the backup %s was written, but the copy of the vault key beside it could not be updated: %w", name, err)
	}
	return name, nil
}

func (a *Auto) writeBackup() (string, error) {
	if info, err := os.Stat(a.cfg.Dir); err != nil || !info.IsDir() {
		return "", fmt.Errorf("the backup folder %s is missing (is the drive connected?)", a.cfg.Dir)
	}
	// The index and the pruning are a read-modify-write of the folder: the
	// window and a command backing up at once would lose each other's
	// entries, or prune from a stale view.
	release, err := vault.LockFile(filepath.Join(a.cfg.Dir, indexLockName), vault.DefaultLockTimeout)
	if err != nil {
		return "", err
	}
	defer release()
	accts := a.accounts()
	idx := loadIndex(a.cfg.Dir)
	entry, err := idx.entryFor(accts)
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	last := a.status.LastFile
	force := a.force
	a.force = false
	a.mu.Unlock()

	// The newest backup already holds these accounts, at most with older
	// HOTP counters: every HOTP code is a save, and a new file for each
	// would push out the backups that still hold removed accounts. Nothing
	// changed: keep the file. Only counters: update it in place.
	if prev, ok := idx.Files[last]; ok && !force && prev.Shape == entry.Shape && fileExists(filepath.Join(a.cfg.Dir, last)) {
		if prev.Full == entry.Full {
			return last, nil
		}
		return last, a.writeIndexed(idx, last, accts, entry)
	}
	name := a.freeName()
	if err := a.writeIndexed(idx, name, accts, entry); err != nil {
		return "", err
	}
	// The new backup exists; a failed prune only leaves extra files, and
	// the next run tries again.
	_ = PruneWith(a.cfg.Dir, a.cfg.retention(), a.cfg.Now())
	return name, nil
}

// writeIndexed writes the backup file name, then records what it holds.
// A crash between the two leaves a backup the index does not know, which
// retention keeps (its contents are unknown) rather than deletes.
func (a *Auto) writeIndexed(idx *backupIndex, name string, accts []*vault.Account, entry indexEntry) error {
	data, err := Encrypt(accts, Target{Recipients: a.cfg.Recipients, Armor: a.cfg.Armor}, nil)
	if err != nil {
		return err
	}
	if err := WriteAtomic(filepath.Join(a.cfg.Dir, name), data); err != nil {
		return err
	}
	idx.Files[name] = entry
	idx.forgetMissing(a.cfg.Dir)
	if err := idx.save(a.cfg.Dir); err != nil {
		return fmt.Errorf("the backup %s was written, but the index of what each backup holds could not be updated: %w", name, err)
	}
	return nil
}

func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

func (c AutoConfig) retention() Retention {
	r := DefaultRetention(c.Keep)
	if c.Retention != nil {
		r = *c.Retention
	}
	return r
}

func (a *Auto) freeName() string {
	base := AutoFilePrefix + a.cfg.Now().UTC().Format("20060102T150405.000Z")
	name := base + ".age"
	for i := 2; ; i++ {
		if _, err := os.Lstat(filepath.Join(a.cfg.Dir, name)); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = base + "-" + strconv.Itoa(i) + ".age"
	}
}

// AutoFile is one automatic backup in a folder.
type AutoFile struct {
	Name string
	Path string
	Time time.Time // from the name (UTC)
	Size int64
}

// ListAuto lists the automatic backups in dir, oldest first.
func ListAuto(dir string) ([]AutoFile, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []AutoFile
	for _, e := range entries {
		m := autoFileName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			continue
		}
		t, err := time.Parse("20060102T150405.000Z", m[1])
		if err != nil {
			continue
		}
		f := AutoFile{Name: e.Name(), Path: filepath.Join(dir, e.Name()), Time: t}
		if info, err := e.Info(); err == nil {
			f.Size = info.Size()
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(x, y AutoFile) int {
		if c := x.Time.Compare(y.Time); c != 0 {
			return c
		}
		return compareSuffix(x.Name, y.Name)
	})
	return out, nil
}

func compareSuffix(x, y string) int {
	if len(x) != len(y) {
		return len(x) - len(y)
	}
	return strings.Compare(x, y)
}

// WriteAutoStatus saves a status as JSON (atomically, 0600).
func WriteAutoStatus(path string, s AutoStatus) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return WriteAtomic(path, data)
}

// ReadAutoStatus loads a status written by another process. The state is
// recomputed for the current time, so a process that stopped with changes
// pending shows as stale once StaleAfter has passed.
func ReadAutoStatus(path string, staleAfter time.Duration) (AutoStatus, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return AutoStatus{}, err
	}
	var s AutoStatus
	if err := json.Unmarshal(data, &s); err != nil {
		return AutoStatus{}, fmt.Errorf("%s: the status file is damaged: %w", path, err)
	}
	if staleAfter <= 0 {
		staleAfter = DefaultStaleAfter
	}
	s.State = classify(s, staleAfter, time.Now())
	return s, nil
}
