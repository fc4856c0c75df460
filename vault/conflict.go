package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Two computers, one vault. People keep the vault in a folder that
// Syncthing, Dropbox or Nextcloud keeps in step. When both computers change
// it while they cannot reach each other, the tool keeps one version under
// the vault's name and the other beside it as a conflict copy. Left alone,
// whatever was changed in the copy is silently gone. MergeConflictCopy
// folds a copy back in: a union of the accounts, where an HOTP counter takes
// the higher value (a lower one would issue spent codes again) and a
// deletion on either side stands (the tombstones of format 2 tell a deleted
// account from one the other side added). What the merge cannot decide is
// left in the copy and reported, never dropped; the copy is removed only
// once nothing in it is undecided and the merged vault is safely written.

// conflictPatterns recognise the names the sync tools give a conflict copy
// of NAME.EXT (name and ext quoted by conflictMatchers).
var conflictPatterns = []struct {
	tool   string
	format string
}{
	// Syncthing: NAME.sync-conflict-YYYYMMDD-HHMMSS-DEVICEID.EXT
	{"Syncthing", `^%s\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}%s$`},
	// Dropbox: NAME (Person's conflicted copy YYYY-MM-DD).EXT, and older
	// NAME (conflicted copy YYYY-MM-DD).EXT; Nextcloud: NAME (conflicted copy
	// YYYY-MM-DD HHMMSS).EXT. One pattern covers all three.
	// No folder separators or control characters inside: a file name.
	{"Dropbox or Nextcloud", `^%s \([^()/\\\x00-\x1f]*conflicted copy[^()/\\\x00-\x1f]*\)%s$`},
}

// ConflictCopy is one conflict copy of the vault found beside it.
type ConflictCopy struct {
	Path string
	Tool string // which sync tool's naming it follows
}

// ConflictCopyOf reports whether name (a file name, no folder) is a sync
// tool's conflict copy of the vault file vaultPath.
func ConflictCopyOf(vaultPath, name string) (ConflictCopy, bool) {
	base := filepath.Base(vaultPath)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for _, p := range conflictPatterns {
		re := regexp.MustCompile(fmt.Sprintf(p.format, regexp.QuoteMeta(stem), regexp.QuoteMeta(ext)))
		if re.MatchString(name) {
			return ConflictCopy{Path: filepath.Join(filepath.Dir(vaultPath), name), Tool: p.tool}, true
		}
	}
	return ConflictCopy{}, false
}

// ConflictCopies lists the conflict copies beside the vault, oldest name
// first.
func ConflictCopies(vaultPath string) ([]ConflictCopy, error) {
	entries, err := os.ReadDir(filepath.Dir(vaultPath))
	if err != nil {
		return nil, err
	}
	var out []ConflictCopy
	for _, e := range entries {
		if c, ok := ConflictCopyOf(vaultPath, e.Name()); ok && e.Type().IsRegular() {
			out = append(out, c)
		}
	}
	return out, nil
}

// ConflictStatus says what the merge did with one account of a copy.
type ConflictStatus int

const (
	// ConflictAdded: only the copy had it; it is in the vault now.
	ConflictAdded ConflictStatus = iota
	// ConflictUpdated: both had it; the vault took the copy's newer
	// details or higher HOTP counter.
	ConflictUpdated
	// ConflictSame: both had it alike (or the vault's was newer).
	ConflictSame
	// ConflictStaysDeleted: one side deleted it, the other did not change
	// it after that; it stays deleted.
	ConflictStaysDeleted
	// ConflictUndecided: the merge cannot tell what the person wants (an
	// account deleted on one side and edited on the other after that, or two
	// different seeds under one name). It stays in the copy until resolved.
	ConflictUndecided
)

func (s ConflictStatus) String() string {
	return [...]string{"added", "updated", "same", "stays deleted", "undecided"}[s]
}

// ConflictItem is one account of a conflict copy and what became of it.
type ConflictItem struct {
	Account *Account // the copy's version (or the vault's, for a deletion the copy made)
	Status  ConflictStatus
	Reason  string // for Undecided: why, in a sentence
	// Existing is the vault's account it was matched with, if any.
	Existing *Account
}

// ConflictResult is what one merge did.
type ConflictResult struct {
	Copy  ConflictCopy
	Items []ConflictItem
	// Removed says the copy was deleted (nothing in it was undecided).
	Removed bool
}

// Count returns how many items have status s.
func (r ConflictResult) Count(s ConflictStatus) int {
	n := 0
	for _, it := range r.Items {
		if it.Status == s {
			n++
		}
	}
	return n
}

// ConflictChoice resolves an undecided item.
type ConflictChoice int

const (
	// ConflictLeave keeps it undecided: the copy stays.
	ConflictLeave ConflictChoice = iota
	// ConflictKeep puts the copy's account in the vault (beside an account
	// with the same name, or back after a deletion).
	ConflictKeep
	// ConflictDrop lets it go (the deletion, or the vault's version, wins).
	ConflictDrop
)

// ErrConflictKey means a conflict copy cannot be opened with this vault's
// key: it is not a copy of this vault (or it is damaged). It is left alone.
var ErrConflictKey = errors.New("the conflict copy cannot be opened with this vault's key")

// MergeConflictCopy merges the conflict copy c into the vault in one save
// under the vault's lock, then removes the copy if nothing in it is left
// undecided. resolve, if not nil, is asked about each undecided item.
func (v *Vault) MergeConflictCopy(c ConflictCopy, resolve func(ConflictItem) ConflictChoice) (ConflictResult, error) {
	res := ConflictResult{Copy: c}
	theirs, err := v.readConflictCopy(c)
	if err != nil {
		return res, err
	}
	err = v.mutate(func() error {
		res.Items = v.mergeContents(theirs, resolve, time.Now().UTC().Truncate(time.Second))
		return nil
	})
	if err != nil {
		return res, err
	}
	if res.Count(ConflictUndecided) == 0 {
		if err := os.Remove(c.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, fmt.Errorf("the copy was merged, but could not be removed: %w", err)
		}
		res.Removed = true
	}
	return res, nil
}

// readConflictCopy reads a copy with this vault's key.
func (v *Vault) readConflictCopy(c ConflictCopy) (*contents, error) {
	if v.store == nil {
		return nil, errors.New("an in-memory vault has no conflict copies")
	}
	theirs, _, err := readVault(c.Path, v.store.identity)
	if err != nil {
		var newer *NewerSchemaError
		switch {
		case errors.As(err, &newer):
			return nil, err
		case errors.Is(err, ErrVaultNotFound):
			// Merged and removed meanwhile, here or by another process.
			return nil, fmt.Errorf("%w: %s", fs.ErrNotExist, c.Path)
		}
		return nil, fmt.Errorf("%w: %s (%w)", ErrConflictKey, filepath.Base(c.Path), err)
	}
	if len(theirs.damaged) > 0 {
		return nil, &ReadOnlyError{Damaged: theirs.damaged}
	}
	return theirs, nil
}

// mergeContents folds another version of the vault into v; the caller
// holds v.mu and the lock.
func (v *Vault) mergeContents(theirs *contents, resolve func(ConflictItem) ConflictChoice, now time.Time) []ConflictItem {
	var items []ConflictItem
	decide := func(it ConflictItem) ConflictChoice {
		if resolve == nil {
			return ConflictLeave
		}
		return resolve(it)
	}
	// Deletions made on their side stand, unless ours changed since.
	for _, t := range theirs.deleted {
		i := slices.IndexFunc(v.accounts, func(a *Account) bool { return a.ID == t.ID || SeedFingerprint(a) == t.Seed })
		if i < 0 {
			continue
		}
		ours := v.accounts[i]
		it := ConflictItem{Account: ours.Clone(), Existing: ours.Clone(), Status: ConflictStaysDeleted}
		if ours.Updated.After(t.Deleted) {
			it.Status, it.Reason = ConflictUndecided, "deleted on the other computer, but changed on this one after that"
			switch decide(it) {
			case ConflictDrop:
				it.Status = ConflictStaysDeleted
			case ConflictKeep:
				it.Status = ConflictSame
			}
		}
		items = append(items, it)
		if it.Status == ConflictStaysDeleted {
			v.accounts = slices.Delete(v.accounts, i, i+1)
			v.deleted = recordDeletion(v.deleted, ours, t.Deleted)
		}
	}
	for _, a := range theirs.accounts {
		it := ConflictItem{Account: a.Clone()}
		i := slices.IndexFunc(v.accounts, func(x *Account) bool { return x.ID == a.ID && x.SameSeed(a) })
		if i < 0 {
			i = slices.IndexFunc(v.accounts, func(x *Account) bool { return x.SameSeed(a) })
		}
		switch {
		case i >= 0:
			ours := v.accounts[i]
			it.Existing = ours.Clone()
			it.Status = ConflictSame
			merged := ours.Clone()
			if a.Updated.After(ours.Updated) && len(detailDifferences(ours, a)) > 0 {
				merged = a.Clone()
				merged.ID, merged.Created = ours.ID, ours.Created
				it.Status = ConflictUpdated
			}
			// The higher counter is the first code not yet spent on
			// either computer.
			if a.Kind == KindHOTP && max(a.Counter, ours.Counter) != merged.Counter {
				merged.Counter = max(a.Counter, ours.Counter)
				it.Status = ConflictUpdated
			}
			v.accounts[i] = merged
		default:
			if t, deleted := DeletedAfter(v.deleted, a); deleted {
				if !a.Updated.After(t.Deleted) {
					it.Status = ConflictStaysDeleted
					break
				}
				it.Status, it.Reason = ConflictUndecided, "deleted on this computer, but changed on the other one after that"
			} else if ex := sameLabel(v.accounts, a); ex != nil {
				it.Existing = ex.Clone()
				it.Status, it.Reason = ConflictUndecided, "the two computers hold different secrets under this name (a re-enrolled device?)"
			} else {
				it.Status = ConflictAdded
			}
			if it.Status == ConflictUndecided {
				switch decide(it) {
				case ConflictDrop:
					it.Status = ConflictSame
					if it.Existing == nil {
						it.Status = ConflictStaysDeleted
					}
				case ConflictKeep:
					it.Status = ConflictAdded
				}
			}
			if it.Status == ConflictAdded {
				c := a.Clone()
				if c.ID == "" || v.index(c.ID) >= 0 {
					c.ID = NewID()
				}
				v.accounts = append(v.accounts, c)
				v.deleted = forgetDeletion(v.deleted, c)
			}
		}
		items = append(items, it)
	}
	// Their deletion records join ours, so a third copy agrees too.
	for _, t := range theirs.deleted {
		if !slices.ContainsFunc(v.deleted, func(x Tombstone) bool { return x.ID == t.ID }) &&
			!slices.ContainsFunc(v.accounts, func(a *Account) bool { return a.ID == t.ID || SeedFingerprint(a) == t.Seed }) {
			v.deleted = append(v.deleted, t)
		}
	}
	return items
}
