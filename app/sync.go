package app

import (
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/sparekey/sparekey/vault"
)

// Two computers, one vault: when a sync tool (Syncthing, Dropbox,
// Nextcloud) leaves a conflict copy beside the vault, the window merges it
// as soon as it appears (vault.MergeConflictCopy) and says what it did;
// what the merge cannot decide waits for the person, in the copy, here and
// on the command line (sparekey conflicts).

// ConflictState is one conflict copy and what became of it.
type ConflictState struct {
	Copy   vault.ConflictCopy
	Result vault.ConflictResult
	// Err is why the copy could not be merged (another vault's file, a
	// damaged one); the copy is left as it is.
	Err error
}

// Undecided lists the accounts that wait for the person.
func (s ConflictState) Undecided() []vault.ConflictItem {
	var out []vault.ConflictItem
	for _, it := range s.Result.Items {
		if it.Status == vault.ConflictUndecided {
			out = append(out, it)
		}
	}
	return out
}

// Summary says in a sentence what the merge did.
func (s ConflictState) Summary() string {
	if s.Err != nil {
		return "A conflict copy from " + s.Copy.Tool + " could not be merged: " + Explain(s.Err)
	}
	r := s.Result
	var parts []string
	for _, st := range []vault.ConflictStatus{vault.ConflictAdded, vault.ConflictUpdated, vault.ConflictStaysDeleted, vault.ConflictUndecided} {
		if n := r.Count(st); n > 0 {
			parts = append(parts, plural(n, "account")+" "+st.String())
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing new")
	}
	out := "Merged the other computer's copy from " + s.Copy.Tool + ": " + strings.Join(parts, ", ") + "."
	if n := r.Count(vault.ConflictUndecided); n > 0 {
		out += " The copy is kept until you decide about what is undecided."
	}
	return out
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// VaultWarning is what the window should say about the open vault's file,
// or "": entries that could not be read (the vault is read-only until it
// is repaired), or a change saved by another program that could not be read
// in.
func (a *App) VaultWarning() string {
	v, err := a.Vault()
	if err != nil {
		return ""
	}
	if damaged := v.Damaged(); len(damaged) > 0 {
		return Explain(&vault.ReadOnlyError{Damaged: damaged})
	}
	if err := a.FollowError(); err != nil {
		return "A change another program saved to the vault could not be read: " + Explain(err) + " The accounts shown are the last readable version."
	}
	return ""
}

// conflictCopyFound merges a copy the vault's watch found.
func (a *App) conflictCopyFound(c vault.ConflictCopy) {
	_, _ = a.MergeConflictCopy(c, nil)
}

// MergeConflictCopy merges one conflict copy into the open vault; resolve
// (nil: leave undecided) is asked about what the merge cannot decide.
func (a *App) MergeConflictCopy(c vault.ConflictCopy, resolve func(vault.ConflictItem) vault.ConflictChoice) (ConflictState, error) {
	v, err := a.Vault()
	if err != nil {
		return ConflictState{}, err
	}
	res, err := v.MergeConflictCopy(c, resolve)
	st := ConflictState{Copy: c, Result: res, Err: err}
	if errors.Is(err, fs.ErrNotExist) {
		// Gone already: merged a moment ago, here or by another process.
		return st, nil
	}
	a.mu.Lock()
	if a.conflicts == nil {
		a.conflicts = map[string]ConflictState{}
	}
	a.conflicts[c.Path] = st
	a.mu.Unlock()
	a.changed()
	return st, err
}

// ConflictStates lists the conflict copies merged or found this session,
// by path: those with something undecided or an error still wait.
func (a *App) ConflictStates() []ConflictState {
	a.mu.Lock()
	out := make([]ConflictState, 0, len(a.conflicts))
	for _, s := range a.conflicts {
		out = append(out, s)
	}
	a.mu.Unlock()
	slices.SortFunc(out, func(x, y ConflictState) int { return strings.Compare(x.Copy.Path, y.Copy.Path) })
	return out
}

// DismissConflict forgets a merged copy's report (the window's "OK").
func (a *App) DismissConflict(path string) {
	a.mu.Lock()
	delete(a.conflicts, path)
	a.mu.Unlock()
	a.changed()
}
