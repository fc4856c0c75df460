package vault

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// MergeStatus classifies an incoming account (from an import or a backup)
// against what the vault already holds.
type MergeStatus int

const (
	// MergeNew: nothing in the vault has this seed or this label.
	MergeNew MergeStatus = iota
	// MergeIdentical: same seed and same details; nothing to do.
	MergeIdentical
	// MergeChanged: same seed, different details (label, tags, note,
	// counter, AWS binding); updating is offered, never done silently.
	MergeChanged
	// MergeConflict: same issuer and name but a different seed. Both may be
	// real (a re-enrolled device), so the user chooses.
	MergeConflict
)

func (s MergeStatus) String() string {
	return [...]string{"new", "identical", "changed", "conflict"}[s]
}

// MergeItem is one line of a merge preview.
type MergeItem struct {
	Incoming *Account
	Existing *Account // nil for MergeNew
	Status   MergeStatus
	// Differences names the fields that differ (never their secret values).
	Differences []string
	// WithinImport marks a conflict with an earlier entry of the same import
	// (two exports disagreeing about one account) rather than with the
	// vault; Existing is then that earlier entry. Update does not apply.
	WithinImport bool
}

// MergeChoice is what to do with one item.
type MergeChoice int

const (
	// ChooseDefault: add New items, skip the rest.
	ChooseDefault MergeChoice = iota
	ChooseSkip
	// ChooseUpdate replaces the existing account's details with the incoming
	// ones (Changed) or the existing account entirely (Conflict).
	ChooseUpdate
	// ChooseKeepBoth adds a Conflict item as a separate account.
	ChooseKeepBoth
)

// PlanMerge compares incoming accounts with existing ones. Duplicates within
// incoming (same seed) collapse to the first, with the highest HOTP counter
// among them.
func PlanMerge(existing, incoming []*Account) []MergeItem {
	var unique []*Account
next:
	for _, in := range incoming {
		for i, u := range unique {
			if u.SameSeed(in) {
				// Two copies of one HOTP token (say, from two backups): the
				// higher counter is the first one not yet used, so keep it.
				if in.Kind == KindHOTP && in.Counter > u.Counter {
					c := u.Clone()
					c.Counter = in.Counter
					unique[i] = c
				}
				continue next
			}
		}
		unique = append(unique, in)
	}
	var items []MergeItem
	for i, in := range unique {
		item := MergeItem{Incoming: in, Status: MergeNew}
		for _, ex := range existing {
			if ex.SameSeed(in) {
				item.Existing = ex
				item.Differences = detailDifferences(ex, in)
				item.Status = MergeIdentical
				if len(item.Differences) > 0 {
					item.Status = MergeChanged
				}
				break
			}
		}
		if item.Existing == nil {
			if ex := sameLabel(existing, in); ex != nil {
				item.Existing, item.Status = ex, MergeConflict
				item.Differences = []string{"secret or code settings"}
			} else if earlier := sameLabel(unique[:i], in); earlier != nil {
				item.Existing, item.Status, item.WithinImport = earlier, MergeConflict, true
				item.Differences = []string{"secret or code settings"}
			}
		}
		items = append(items, item)
	}
	return items
}

func sameLabel(accts []*Account, a *Account) *Account {
	for _, x := range accts {
		if strings.EqualFold(x.Issuer, a.Issuer) && strings.EqualFold(x.Name, a.Name) {
			return x
		}
	}
	return nil
}

func detailDifferences(a, b *Account) []string {
	var d []string
	if a.Issuer != b.Issuer {
		d = append(d, "issuer")
	}
	if a.Name != b.Name {
		d = append(d, "name")
	}
	if !slices.Equal(a.Tags, b.Tags) {
		d = append(d, "tags")
	}
	if a.Note != b.Note {
		d = append(d, "note")
	}
	if a.Favorite != b.Favorite {
		d = append(d, "favourite")
	}
	if a.Kind == KindHOTP && a.Counter != b.Counter {
		d = append(d, "counter")
	}
	if (a.AWS == nil) != (b.AWS == nil) || (a.AWS != nil && *a.AWS != *b.AWS) {
		d = append(d, "AWS device")
	}
	return d
}

// MergeCounts summarises a plan for a preview heading.
func MergeCounts(items []MergeItem) map[MergeStatus]int {
	m := map[MergeStatus]int{}
	for _, it := range items {
		m[it.Status]++
	}
	return m
}

// MergeResult says what ApplyMerge did.
type MergeResult struct{ Added, Updated, Skipped int }

func (r MergeResult) String() string {
	return fmt.Sprintf("%d added, %d updated, %d left as they were", r.Added, r.Updated, r.Skipped)
}

// PlanChangedError means the vault changed, between the preview and the
// moment the person answered, in a way that changes the plan (another
// process added, edited or removed a matching account). Nothing was
// applied; Plan is the plan against the vault as it is now, to show again.
type PlanChangedError struct{ Plan []MergeItem }

func (e *PlanChangedError) Error() string {
	return "the vault changed while the merge was being decided; nothing was applied, review the new preview"
}

// samePlan reports whether two plans for the same incoming accounts would
// do the same thing.
func samePlan(a, b []MergeItem) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Status != y.Status || x.WithinImport != y.WithinImport || (x.Existing == nil) != (y.Existing == nil) ||
			!slices.Equal(x.Differences, y.Differences) {
			return false
		}
		if x.Existing != nil && !x.WithinImport && x.Existing.ID != y.Existing.ID {
			return false
		}
	}
	return true
}

// ApplyMerge carries out a plan in one save. choose is asked for every
// item (nil means ChooseDefault for all): by default only New items are
// added, so nothing existing is ever overwritten without a decision. For an
// HOTP account the higher counter always wins, so a code is never reissued.
func (v *Vault) ApplyMerge(items []MergeItem, choose func(MergeItem) MergeChoice) (MergeResult, error) {
	incoming := make([]*Account, len(items))
	for i, it := range items {
		incoming[i] = it.Incoming
	}
	var res MergeResult
	err := v.mutate(func() error {
		// The plan was made from what this process had read; the vault
		// may have changed since (mutate has read it again).
		current := make([]*Account, len(v.accounts))
		for i, a := range v.accounts {
			current[i] = a.Clone()
		}
		if fresh := PlanMerge(current, incoming); !samePlan(items, fresh) {
			return &PlanChangedError{Plan: fresh}
		}
		res = MergeResult{}
		now := time.Now().UTC().Truncate(time.Second)
		for _, it := range items {
			choice := ChooseDefault
			if choose != nil {
				choice = choose(it)
			}
			if err := it.Incoming.Validate(); err != nil {
				return fmt.Errorf("%s: %w", it.Incoming.Label(), err)
			}
			switch {
			case it.Status == MergeNew && choice != ChooseSkip,
				it.Status == MergeConflict && choice == ChooseKeepBoth:
				c := it.Incoming.Clone()
				c.ID = NewID()
				if c.Created.IsZero() {
					c.Created = now
				}
				c.Updated = now
				v.accounts = append(v.accounts, c)
				v.deleted = forgetDeletion(v.deleted, c)
				res.Added++
			case (it.Status == MergeChanged || it.Status == MergeConflict) && choice == ChooseUpdate && !it.WithinImport:
				i := v.index(it.Existing.ID)
				if i < 0 {
					return fmt.Errorf("%w: %s changed while the merge was prepared; preview again", ErrNoSuchAccount, it.Existing.Label())
				}
				c := it.Incoming.Clone()
				c.ID, c.Created, c.Updated = v.accounts[i].ID, v.accounts[i].Created, now
				if c.Kind == KindHOTP && v.accounts[i].Kind == KindHOTP && v.accounts[i].Counter > c.Counter && v.accounts[i].SameSeed(c) {
					c.Counter = v.accounts[i].Counter
				}
				v.accounts[i] = c
				res.Updated++
			default:
				res.Skipped++
			}
		}
		return nil
	})
	return res, err
}
