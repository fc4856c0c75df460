package backup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Retention decides which automatic backups stay. A backup is kept when any
// rule wants it:
//
//   - KeepLast: the newest KeepLast backups;
//   - KeepDaily: the newest backup of each of the last KeepDaily days that
//     have a backup (days in the clock's time zone);
//   - KeepWeekly: the newest backup of each of the last KeepWeekly ISO
//     weeks that have a backup;
//   - KeepDeletedFor: the newest backup still holding an account that is
//     no longer in the vault, while its removal is at most this old. A
//     backup whose contents are unknown (not in the index: written by an
//     older Sparekey or before a crash) is kept this long as well, since it
//     may be such a backup.
//
// The counts work as restic's forget --keep-last, --keep-daily and
// --keep-weekly: days and weeks without a backup do not use up a slot, so a
// computer left off for a month still keeps a week of history.
type Retention struct {
	KeepLast       int
	KeepDaily      int
	KeepWeekly     int
	KeepDeletedFor time.Duration
}

// Defaults of the retention rules besides KeepLast (AutoConfig.Keep).
const (
	DefaultKeepDaily      = 7
	DefaultKeepWeekly     = 4
	DefaultKeepDeletedFor = 30 * 24 * time.Hour
)

// DefaultRetention is the policy of automatic backups keeping the newest
// keepLast (0: DefaultKeep).
func DefaultRetention(keepLast int) Retention {
	if keepLast <= 0 {
		keepLast = DefaultKeep
	}
	return Retention{KeepLast: keepLast, KeepDaily: DefaultKeepDaily, KeepWeekly: DefaultKeepWeekly, KeepDeletedFor: DefaultKeepDeletedFor}
}

// Reasons a backup is kept, as Decision.Reasons lists them.
const (
	KeptLast     = "one of the newest"
	KeptDaily    = "newest of its day"
	KeptWeekly   = "newest of its week"
	KeptDeleted  = "last backup holding a recently removed account"
	KeptUnknown  = "contents not indexed yet"
	keptNoReason = ""
)

// Decision is the fate of one backup under a Retention.
type Decision struct {
	File    AutoFile
	Keep    bool
	Reasons []string
}

// Plan applies r to files (oldest first, as ListAuto returns them). held
// maps a file name to the account IDs it holds; a file missing from held
// has unknown contents. The newest file's accounts are taken as the vault's
// current accounts. Decisions come back in the order of files.
func (r Retention) Plan(files []AutoFile, held map[string][]string, now time.Time) []Decision {
	out := make([]Decision, len(files))
	for i, f := range files {
		out[i].File = f
	}
	keep := func(i int, why string) {
		if !slices.Contains(out[i].Reasons, why) {
			out[i].Reasons = append(out[i].Reasons, why)
		}
		out[i].Keep = true
	}
	n := len(files)
	for i := n - 1; i >= 0 && i >= n-r.KeepLast; i-- {
		keep(i, KeptLast)
	}
	loc := now.Location()
	bucket := func(count int, key func(time.Time) string, why string) {
		seen := map[string]bool{}
		for i := n - 1; i >= 0 && len(seen) < count; i-- {
			k := key(files[i].Time.In(loc))
			if !seen[k] {
				seen[k] = true
				keep(i, why)
			}
		}
	}
	bucket(r.KeepDaily, func(t time.Time) string { return t.Format(time.DateOnly) }, KeptDaily)
	bucket(r.KeepWeekly, func(t time.Time) string { y, w := t.ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) }, KeptWeekly)

	if n == 0 || r.KeepDeletedFor <= 0 {
		return out
	}
	for i, f := range files {
		if _, known := held[f.Name]; !known && now.Sub(f.Time) <= r.KeepDeletedFor {
			keep(i, KeptUnknown)
		}
	}
	current := map[string]bool{}
	for _, id := range held[files[n-1].Name] {
		current[id] = true
	}
	// lastHolder[id] is the newest file holding id; the file after it is
	// the first one without it, which dates the removal.
	lastHolder := map[string]int{}
	for i, f := range files {
		for _, id := range held[f.Name] {
			lastHolder[id] = i
		}
	}
	for id, i := range lastHolder {
		if current[id] || i == n-1 {
			continue
		}
		if removedAt := files[i+1].Time; now.Sub(removedAt) <= r.KeepDeletedFor {
			keep(i, KeptDeleted)
		}
	}
	return out
}

// Prune deletes the automatic backups in dir that DefaultRetention(keep)
// does not keep, and temporary files left by writes that were interrupted.
func Prune(dir string, keep int) error {
	return PruneWith(dir, DefaultRetention(keep), time.Now())
}

// PruneWith deletes the automatic backups in dir that r does not keep at
// time now, using the index beside them to know what each holds.
func PruneWith(dir string, r Retention, now time.Time) error {
	files, err := ListAuto(dir)
	if err != nil {
		return err
	}
	idx := loadIndex(dir)
	var errs []error
	for _, d := range r.Plan(files, idx.held(), now) {
		if d.Keep {
			continue
		}
		if err := os.Remove(d.File.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	removeStaleTemps(dir, "."+AutoFilePrefix+"*.tmp-*")
	if idx.forgetMissing(dir) {
		errs = append(errs, idx.save(dir))
	}
	return errors.Join(errs...)
}

// staleTempAge is how old a temporary file must be before it counts as left
// over by a killed write rather than one still under way in another process.
const staleTempAge = time.Minute

// Modification times are the real clock's, so the real clock judges them.
func removeStaleTemps(dir, pattern string) {
	temps, _ := filepath.Glob(filepath.Join(dir, pattern))
	for _, t := range temps {
		if info, err := os.Lstat(t); err == nil && info.Mode().IsRegular() && time.Since(info.ModTime()) > staleTempAge {
			os.Remove(t)
		}
	}
}

// KeptReasons says, for each automatic backup in dir, why
// DefaultRetention(keep) keeps it at time now; a backup the next prune
// would delete has no entry. Status displays use it to show which backups
// are the last copies of removed accounts.
func KeptReasons(dir string, keep int, now time.Time) (map[string][]string, error) {
	files, err := ListAuto(dir)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, d := range DefaultRetention(keep).Plan(files, loadIndex(dir).held(), now) {
		if d.Keep {
			out[d.File.Name] = d.Reasons
		}
	}
	return out, nil
}
