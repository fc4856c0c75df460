package vault

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Tombstone records that an account was deleted. Without it a merge with
// an older copy of the vault (the conflict copy a sync tool leaves when two
// computers changed the vault apart) could not tell "deleted here" from
// "added there", and a deleted account would come back.
//
// Tombstones live inside the encrypted vault, so the seed fingerprint they
// carry is as private as the seeds themselves.
type Tombstone struct {
	ID string `json:"id"`
	// Seed identifies the deleted seed (see Account.SameSeed) so a copy of
	// the account under another ID is recognised too.
	Seed    string    `json:"seed"`
	Label   string    `json:"label"`
	Deleted time.Time `json:"deleted"`
}

// TombstoneLifetime is how long a deletion is remembered. A sync conflict
// copy older than that is rare, and merging one would show the account as
// new, for the person to decide.
const TombstoneLifetime = 180 * 24 * time.Hour

// maxTombstones bounds the list for a vault whose accounts churn.
const maxTombstones = 10_000

// SeedFingerprint names an account's seed and code settings without
// revealing them: two accounts have the same fingerprint exactly when
// SameSeed says they are the same.
func SeedFingerprint(a *Account) string {
	period := a.Period
	if a.Kind == KindHOTP {
		period = 0
	}
	h := sha256.Sum256(fmt.Appendf(nil, "sparekey-seed\x00%s\x00%s\x00%d\x00%d\x00%s", a.Kind, a.Algorithm, a.Digits, period, a.Secret))
	return hex.EncodeToString(h[:16])
}

func recordDeletion(list []Tombstone, a *Account, now time.Time) []Tombstone {
	list = slices.DeleteFunc(list, func(t Tombstone) bool { return t.ID == a.ID })
	return append(list, Tombstone{ID: a.ID, Seed: SeedFingerprint(a), Label: a.Label(), Deleted: now.Truncate(time.Second)})
}

// forgetDeletion drops the tombstones of a seed that is being added again:
// the newer decision wins.
func forgetDeletion(list []Tombstone, a *Account) []Tombstone {
	fp := SeedFingerprint(a)
	return slices.DeleteFunc(list, func(t Tombstone) bool { return t.Seed == fp || t.ID == a.ID })
}

func pruneTombstones(list []Tombstone, now time.Time) []Tombstone {
	list = slices.DeleteFunc(list, func(t Tombstone) bool { return now.Sub(t.Deleted) > TombstoneLifetime })
	if len(list) > maxTombstones {
		slices.SortFunc(list, func(a, b Tombstone) int { return a.Deleted.Compare(b.Deleted) })
		list = list[len(list)-maxTombstones:]
	}
	return list
}

// Deleted returns the deletion records, oldest first.
func (v *Vault) Deleted() []Tombstone {
	v.mu.RLock()
	out := slices.Clone(v.deleted)
	v.mu.RUnlock()
	slices.SortFunc(out, func(a, b Tombstone) int { return a.Deleted.Compare(b.Deleted) })
	return out
}

// DeletedAfter returns the tombstone for a, if a's seed or ID was deleted.
func DeletedAfter(list []Tombstone, a *Account) (Tombstone, bool) {
	fp := SeedFingerprint(a)
	for _, t := range list {
		if t.ID == a.ID || t.Seed == fp {
			return t, true
		}
	}
	return Tombstone{}, false
}

// DamagedEntry is a vault entry that could not be read.
type DamagedEntry struct {
	Number int    // 1-based position in the file
	Label  string // "" when the entry is not an account at all
	Reason string
}

func (d DamagedEntry) String() string {
	if d.Label == "" {
		return fmt.Sprintf("entry %d: %s", d.Number, d.Reason)
	}
	return fmt.Sprintf("entry %d (%s): %s", d.Number, d.Label, d.Reason)
}

// ReadOnlyError is returned by every change to a vault opened with damaged
// entries: saving would drop them, and they may be all that is left of an
// account. The remedy is a repair from vault.age.prev or a backup.
type ReadOnlyError struct{ Damaged []DamagedEntry }

func (e *ReadOnlyError) Error() string {
	parts := make([]string, len(e.Damaged))
	for i, d := range e.Damaged {
		parts[i] = d.String()
	}
	return "the vault is open read-only because it has damaged entries (" + strings.Join(parts, "; ") + ")"
}

// Is lets errors.Is(err, ErrCorrupt) find it: the file is damaged.
func (e *ReadOnlyError) Is(target error) bool { return target == ErrCorrupt }

// Damaged lists the entries of the vault file that could not be read. A
// vault with any is read-only: its valid accounts give codes, and every
// change fails with a *ReadOnlyError.
func (v *Vault) Damaged() []DamagedEntry {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return slices.Clone(v.damaged)
}
