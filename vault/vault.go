// Package vault owns Sparekey's accounts: the one-time-password codes they
// produce, the strict otpauth URI format they travel in, and the encrypted
// file they live in.
//
// # The file on disk
//
// A vault is a single standard age file (vault.age) holding a JSON document
// with every account. It is always encrypted to an X25519 identity, so saves
// cost microseconds and never need a passphrase at write time. Where that
// identity lives decides the vault's mode:
//
//   - keyring mode: the identity is kept in the OS keyring (Secret Service,
//     Keychain, Credential Manager) under the vault's absolute path;
//   - passphrase mode: the identity is kept beside the vault in vault.age.key,
//     itself an age file encrypted with a passphrase (scrypt).
//
// Both are plain age, so a user can always recover with the age CLI alone:
// "age -d -i identity.txt vault.age", or "age -d vault.age.key" first.
//
// Saves are atomic: write a temporary file, fsync it, keep the current file
// as vault.age.prev (a hard link, so the current name never disappears),
// rename the temporary file over vault.age and fsync the folder. A crash at
// any moment leaves either the old or the new vault, never a mix.
package vault

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

var (
	// ErrNoSuchAccount is returned when an ID or name matches nothing.
	ErrNoSuchAccount = errors.New("no such account")
	// ErrDuplicate is returned when an account with the same seed exists.
	ErrDuplicate = errors.New("an account with the same secret and settings already exists")
)

// AmbiguousError lists the accounts a name matched when it matched several.
type AmbiguousError struct {
	Query   string
	Matches []string // labels
}

func (e *AmbiguousError) Error() string {
	labels := make([]string, len(e.Matches))
	for i, m := range e.Matches {
		labels[i] = EscapeLabel(m)
	}
	return fmt.Sprintf("%s matches %d accounts: %s; be more specific", QuoteShort(e.Query), len(e.Matches), strings.Join(labels, ", "))
}

// Vault is the unlocked, in-memory set of accounts plus what is needed to
// save it again. It is safe for concurrent use, and for use by several
// processes at once: see lock.go.
type Vault struct {
	mu       sync.RWMutex
	accounts []*Account
	deleted  []Tombstone
	damaged  []DamagedEntry // any: the vault is read-only
	store    *store         // nil for an in-memory vault (tests, previews)
	// onChange is called after every successful save, outside the lock
	// (auto-backup hooks in here).
	onChange func()
	// onReload is called, outside the lock, when a change another process
	// saved has been read in.
	onReload func()
}

func (v *Vault) setContents(c *contents) {
	v.accounts, v.deleted, v.damaged = c.accounts, c.deleted, c.damaged
}

// NewMemory returns a vault that is never written anywhere.
func NewMemory(accounts ...*Account) *Vault {
	v := &Vault{}
	for _, a := range accounts {
		v.accounts = append(v.accounts, a.Clone())
	}
	return v
}

// OnChange registers a function called after each successful save.
func (v *Vault) OnChange(f func()) {
	v.mu.Lock()
	v.onChange = f
	v.mu.Unlock()
}

// OnReload registers a function called after a change saved by another
// process has been read in (by Reload, or by a change of this process that
// found the file newer than what it had).
func (v *Vault) OnReload(f func()) {
	v.mu.Lock()
	v.onReload = f
	v.mu.Unlock()
}

// Len is the number of accounts.
func (v *Vault) Len() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.accounts)
}

// Accounts returns copies of all accounts, favourites first, then by label.
func (v *Vault) Accounts() []*Account {
	v.mu.RLock()
	out := make([]*Account, len(v.accounts))
	for i, a := range v.accounts {
		out[i] = a.Clone()
	}
	v.mu.RUnlock()
	SortAccounts(out)
	return out
}

// SortAccounts orders favourites first, then case-insensitively by label
// in natural order (numbers by value).
func SortAccounts(accts []*Account) {
	// Lower-case each label once, not twice per comparison: with 10,000
	// accounts that was 280,000 strings and most of the time of a listing.
	type keyed struct {
		label string
		a     *Account
	}
	keys := make([]keyed, len(accts))
	for i, a := range accts {
		keys[i] = keyed{strings.ToLower(a.Label()), a}
	}
	slices.SortStableFunc(keys, func(x, y keyed) int {
		if x.a.Favorite != y.a.Favorite {
			if x.a.Favorite {
				return -1
			}
			return 1
		}
		return naturalCompare(x.label, y.label) // Issuer2 before Issuer10
	})
	for i, k := range keys {
		accts[i] = k.a
	}
}

// Get returns a copy of the account with this ID.
func (v *Vault) Get(id string) (*Account, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if i := v.index(id); i >= 0 {
		return v.accounts[i].Clone(), nil
	}
	return nil, fmt.Errorf("%w: id %s", ErrNoSuchAccount, id)
}

func (v *Vault) index(id string) int {
	return slices.IndexFunc(v.accounts, func(a *Account) bool { return a.ID == id })
}

// Find resolves what a person typed to exactly one account: an exact ID
// (or a unique prefix of one), else the best match of the ranking the
// window's search uses (match.go): exact, then prefix, then every word,
// then letters in order, where the best fuzzy score wins ("ghb" picks
// GitHub over a longer name that also holds g…h…b). Several accounts
// sharing the best match give an *AmbiguousError.
func (v *Vault) Find(query string) (*Account, error) {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" {
		return nil, fmt.Errorf("%w: empty name", ErrNoSuchAccount)
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	var byID []*Account
	for _, a := range v.accounts {
		if a.ID == q || (len(q) >= 6 && strings.HasPrefix(a.ID, q)) {
			byID = append(byID, a)
		}
	}
	candidates := byID
	if len(byID) == 0 {
		sorted := slices.Clone(v.accounts)
		SortAccounts(sorted)
		candidates = best(Rank(sorted, NewQuery(query)))
	}
	switch len(candidates) {
	case 0:
		return nil, fmt.Errorf("%w matching %s", ErrNoSuchAccount, QuoteShort(query))
	case 1:
		return candidates[0].Clone(), nil
	}
	SortAccounts(candidates)
	return nil, &AmbiguousError{Query: query, Matches: distinctLabels(candidates)}
}

// Search returns copies of the accounts that match query, best first
// (see Rank): the same ranking as the window's search.
func (v *Vault) Search(query string) []*Account {
	v.mu.RLock()
	accts := make([]*Account, len(v.accounts))
	for i, a := range v.accounts {
		accts[i] = a.Clone()
	}
	v.mu.RUnlock()
	SortAccounts(accts)
	ranked := Rank(accts, NewQuery(query))
	out := make([]*Account, len(ranked))
	for i, r := range ranked {
		out[i] = r.Account
	}
	return out
}

// MatchesWords reports whether every lower-case word occurs in the account's
// searchable text. Exported so list views can filter their own snapshot.
func MatchesWords(a *Account, words []string) bool {
	if len(words) == 0 {
		return true
	}
	text := appendSearchText(nil, a)
	for _, w := range words {
		if !bytes.Contains(text, []byte(w)) {
			return false
		}
	}
	return true
}

// appendSearchText appends the account's searchable text, lower-cased, to buf.
func appendSearchText(buf []byte, a *Account) []byte {
	buf = appendLower(buf, a.Issuer)
	buf = append(buf, '\n')
	buf = appendLower(buf, a.Name)
	for _, t := range a.Tags {
		buf = append(buf, '\n')
		buf = appendLower(buf, t)
	}
	buf = append(buf, '\n')
	return appendLower(buf, a.Note)
}

// appendLower is strings.ToLower without the new string.
func appendLower(buf []byte, s string) []byte {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
		i += w
	}
	return buf
}

// Add validates and stores a new account, then saves. An account with the
// same seed (see Account.SameSeed) is refused with ErrDuplicate.
func (v *Vault) Add(a *Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return v.mutate(func() error {
		for _, existing := range v.accounts {
			if existing.SameSeed(a) {
				return fmt.Errorf("%w: %s", ErrDuplicate, existing.Label())
			}
		}
		c := a.Clone()
		if c.ID == "" || v.index(c.ID) >= 0 {
			c.ID = NewID()
		}
		now := time.Now().UTC().Truncate(time.Second)
		if c.Created.IsZero() {
			c.Created = now
		}
		c.Updated = now
		v.accounts = append(v.accounts, c)
		v.deleted = forgetDeletion(v.deleted, c)
		a.ID, a.Created, a.Updated = c.ID, c.Created, c.Updated
		return nil
	})
}

// AddAll adds several accounts in one save, skipping those whose seed is
// already present. It returns how many were added.
func (v *Vault) AddAll(accts []*Account) (int, error) {
	for _, a := range accts {
		if err := a.Validate(); err != nil {
			return 0, fmt.Errorf("%s: %w", a.Label(), err)
		}
	}
	added := 0
	err := v.mutate(func() error {
		now := time.Now().UTC().Truncate(time.Second)
	next:
		for _, a := range accts {
			for _, existing := range v.accounts {
				if existing.SameSeed(a) {
					continue next
				}
			}
			c := a.Clone()
			if c.ID == "" || v.index(c.ID) >= 0 {
				c.ID = NewID()
			}
			if c.Created.IsZero() {
				c.Created = now
			}
			c.Updated = now
			v.accounts = append(v.accounts, c)
			v.deleted = forgetDeletion(v.deleted, c)
			added++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// Update replaces the account with the same ID, then saves.
func (v *Vault) Update(a *Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return v.mutate(func() error {
		i := v.index(a.ID)
		if i < 0 {
			return fmt.Errorf("%w: id %s", ErrNoSuchAccount, a.ID)
		}
		c := a.Clone()
		c.CleanText()                  // an edit is text coming in, like a URI or an import
		c.Tags = NormalizeTags(c.Tags) // edits append tags; keep them unique and trimmed
		// An edit made from a copy read before another process issued HOTP
		// codes must not wind the counter back: those codes are spent.
		if cur := v.accounts[i]; c.Kind == KindHOTP && cur.SameSeed(c) && cur.Counter > c.Counter {
			c.Counter = cur.Counter
		}
		c.Created = v.accounts[i].Created
		c.Updated = time.Now().UTC().Truncate(time.Second)
		v.accounts[i] = c
		return nil
	})
}

// Remove deletes the account with this ID, then saves. The removed account
// is returned so an undo can add it back; it also survives in vault.age.prev
// and in backups.
func (v *Vault) Remove(id string) (*Account, error) {
	var removed *Account
	err := v.mutate(func() error {
		i := v.index(id)
		if i < 0 {
			return fmt.Errorf("%w: id %s", ErrNoSuchAccount, id)
		}
		removed = v.accounts[i]
		v.accounts = slices.Delete(v.accounts, i, i+1)
		v.deleted = recordDeletion(v.deleted, removed, time.Now().UTC())
		return nil
	})
	return removed, err
}

// IssueHOTP returns the code for an HOTP account's current counter and
// advances the counter, saving before the code is returned: a code is never
// shown for a counter that was not persisted as used.
func (v *Vault) IssueHOTP(id string) (string, error) {
	var code string
	err := v.mutate(func() error {
		i := v.index(id)
		if i < 0 {
			return fmt.Errorf("%w: id %s", ErrNoSuchAccount, id)
		}
		a := v.accounts[i]
		if a.Kind != KindHOTP {
			return fmt.Errorf("%s is not a counter-based (HOTP) account", a.Label())
		}
		c, err := a.CodeForCounter(a.Counter)
		if err != nil {
			return err
		}
		a.Counter++
		a.Updated = time.Now().UTC().Truncate(time.Second)
		code = c
		return nil
	})
	if err != nil {
		return "", err
	}
	return code, nil
}

// mutate is every change to the vault: a read-modify-write under the
// vault's lock across processes. Inside the lock the file is read again if
// another process saved since this one last read it, change is applied to
// that current state, and the result is saved before the lock is let go.
// If change or the save fails, memory goes back to the state it had (the
// current file's, when one was read in), so memory never claims what disk
// lacks.
func (v *Vault) mutate(change func() error) error {
	v.mu.Lock()
	if len(v.damaged) > 0 {
		v.mu.Unlock()
		return &ReadOnlyError{Damaged: slices.Clone(v.damaged)}
	}
	var lock *vaultLock
	reloaded := false
	if v.store != nil {
		var err error
		if lock, err = acquireLock(v.store.path, v.store.lockWait()); err != nil {
			v.mu.Unlock()
			return err
		}
		if reloaded, err = v.refreshLocked(); err != nil {
			lock.release()
			v.mu.Unlock()
			v.notifyReload(reloaded)
			return err
		}
	}
	err := v.applyAndSave(change)
	lock.release()
	onChange := v.onChange
	v.mu.Unlock()
	v.notifyReload(reloaded)
	if err != nil {
		return err
	}
	if onChange != nil {
		onChange()
	}
	return nil
}

// applyAndSave runs change on the accounts and saves; the caller holds
// v.mu and the vault's lock.
func (v *Vault) applyAndSave(change func() error) error {
	snapshot := make([]*Account, len(v.accounts))
	for i, a := range v.accounts {
		snapshot[i] = a.Clone()
	}
	deleted := slices.Clone(v.deleted)
	if err := change(); err != nil {
		v.accounts, v.deleted = snapshot, deleted
		return err
	}
	if v.store == nil {
		return nil
	}
	v.deleted = pruneTombstones(v.deleted, time.Now().UTC())
	if err := v.store.save(&contents{accounts: v.accounts, deleted: v.deleted}); err != nil {
		v.accounts, v.deleted = snapshot, deleted
		return err
	}
	return nil
}

// refreshLocked reads the vault file again if it is not the version this
// process last read or wrote. The caller holds v.mu. It reports whether
// the accounts were replaced by what another process saved.
func (v *Vault) refreshLocked() (bool, error) {
	c, seen, changed, err := readVaultIfChanged(v.store.path, v.store.identity, v.store.seen)
	if err != nil {
		if errors.Is(err, ErrVaultNotFound) {
			return false, fmt.Errorf("%w (it was moved or deleted while open)", err)
		}
		return false, err
	}
	if changed {
		v.setContents(c)
		v.store.seen = seen
	}
	return changed, nil
}

// Reload reads in a change another process saved, if there is one, and
// reports whether there was. Reading needs no lock: saves replace the file
// in one rename, so a read sees one whole version or the other.
func (v *Vault) Reload() (bool, error) {
	if v.store == nil {
		return false, nil
	}
	v.mu.Lock()
	changed, err := v.refreshLocked()
	v.mu.Unlock()
	v.notifyReload(changed)
	return changed, err
}

func (v *Vault) notifyReload(changed bool) {
	if !changed {
		return
	}
	v.mu.RLock()
	f := v.onReload
	v.mu.RUnlock()
	if f != nil {
		f()
	}
}

// distinctLabels names each account so a person can pick one: its label,
// followed by the start of its ID when another account has the same label.
func distinctLabels(accts []*Account) []string {
	count := map[string]int{}
	for _, a := range accts {
		count[a.Label()]++
	}
	labels := make([]string, len(accts))
	for i, a := range accts {
		labels[i] = a.Label()
		if count[a.Label()] > 1 {
			labels[i] += " [id " + a.ID[:min(8, len(a.ID))] + "]"
		}
	}
	return labels
}
