package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/sparekey/sparekey/vault"
)

// This file holds what the desktop window needs beyond the use cases the
// command line shares: a filterable snapshot of the accounts with cached
// codes, and the kiosk/testing passphrase from the environment.

// CodeList is the account list a window shows: a snapshot of the vault,
// filtered by what is typed in the search box and by a tag, with each
// code generated only when its period changes.
//
// A CodeList belongs to one goroutine (the UI's); it has no lock.
// Filtering works on the snapshot, never on the vault, so a keystroke costs
// one pass over precomputed lower-case strings.
type CodeList struct {
	all   []*listEntry
	shown []*listEntry
	words []string
	tag   string
	// issued keeps the HOTP codes handed out this session by account ID:
	// an issued code is spent, so it is shown until the next one, never
	// regenerated.
	issued map[string]string
}

type listEntry struct {
	acct   *vault.Account
	search string // lower-case issuer, name, tags and note
	tags   []string

	step       uint64
	code, next string
	err        error
}

// Entry is what one row of the list displays.
type Entry struct {
	Account *vault.Account
	// Code and Next are the current and following codes (TOTP, Steam) or,
	// for HOTP, the last code issued this session and "".
	Code, Next string
	Remaining  time.Duration // time-based accounts only
	Period     int
	Err        error // the account cannot produce a code (damaged secret)
}

// NewCodeList returns an empty list.
func NewCodeList() *CodeList { return &CodeList{issued: map[string]string{}} }

// SetAccounts replaces the snapshot (after unlock and after every change),
// keeping the filter. accts must be in display order (App.Accounts is).
func (l *CodeList) SetAccounts(accts []*vault.Account) {
	old := make(map[string]*listEntry, len(l.all))
	for _, e := range l.all {
		old[e.acct.ID] = e
	}
	l.all = make([]*listEntry, len(accts))
	for i, a := range accts {
		e := &listEntry{acct: a, search: searchString(a)}
		for _, t := range a.Tags {
			e.tags = append(e.tags, strings.ToLower(t))
		}
		// Keep a cached code when nothing that makes it changed.
		if o := old[a.ID]; o != nil && o.acct.Secret == a.Secret && o.acct.Algorithm == a.Algorithm &&
			o.acct.Digits == a.Digits && o.acct.Period == a.Period && o.acct.Kind == a.Kind {
			e.step, e.code, e.next, e.err = o.step, o.code, o.next, o.err
		}
		l.all[i] = e
	}
	l.apply()
}

// Clear forgets every account (the vault was locked).
func (l *CodeList) Clear() {
	l.all, l.shown = nil, nil
	l.issued = map[string]string{}
}

func searchString(a *vault.Account) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(a.Issuer))
	b.WriteByte('\n')
	b.WriteString(strings.ToLower(a.Name))
	for _, t := range a.Tags {
		b.WriteByte('\n')
		b.WriteString(strings.ToLower(t))
	}
	b.WriteByte('\n')
	b.WriteString(strings.ToLower(a.Note))
	return b.String()
}

// Filter shows only the accounts whose issuer, name, tags or note contain
// every word of query (case-insensitive), and, when tag is not "", that
// carry tag. It reports whether what is shown changed.
func (l *CodeList) Filter(query, tag string) bool {
	words := strings.Fields(strings.ToLower(query))
	tag = strings.ToLower(tag)
	if slices.Equal(words, l.words) && tag == l.tag {
		return false
	}
	l.words, l.tag = words, tag
	before := l.shown
	l.apply()
	return !sameEntries(before, l.shown)
}

func sameEntries(a, b []*listEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (l *CodeList) apply() {
	if len(l.words) == 0 && l.tag == "" {
		l.shown = l.all
		return
	}
	// A fresh slice: the previous one may still be compared by Filter.
	shown := make([]*listEntry, 0, len(l.shown))
	for _, e := range l.all {
		if l.tag != "" && !slices.Contains(e.tags, l.tag) {
			continue
		}
		shown = append(shown, e)
	}
	l.shown = l.rank(shown)
}

// rank keeps the entries that match the search, best first, with the
// ranking the command line's name lookup uses (vault.Query): exact and
// prefix matches lead, then words, then letters in order.
func (l *CodeList) rank(entries []*listEntry) []*listEntry {
	if len(l.words) == 0 {
		return entries
	}
	q := vault.NewQuery(strings.Join(l.words, " "))
	type ranked struct {
		e *listEntry
		m vault.Match
	}
	matched := make([]ranked, 0, len(entries))
	for _, e := range entries {
		if m := q.Match(e.acct, e.search); m.Tier != vault.NoMatch {
			matched = append(matched, ranked{e, m})
		}
	}
	slices.SortStableFunc(matched, func(x, y ranked) int { return vault.CompareMatches(x.m, y.m) })
	out := entries[:0]
	for _, r := range matched {
		out = append(out, r.e)
	}
	return out
}

// Len is the number of accounts shown.
func (l *CodeList) Len() int { return len(l.shown) }

// Total is the number of accounts in the snapshot, shown or not.
func (l *CodeList) Total() int { return len(l.all) }

// Filtering reports whether a search or tag hides some accounts.
func (l *CodeList) Filtering() bool { return len(l.words) > 0 || l.tag != "" }

// Account returns the i-th shown account, or nil.
func (l *CodeList) Account(i int) *vault.Account {
	if i < 0 || i >= len(l.shown) {
		return nil
	}
	return l.shown[i].acct
}

// Index returns the position of the account with this ID among those
// shown, or -1.
func (l *CodeList) Index(id string) int {
	return slices.IndexFunc(l.shown, func(e *listEntry) bool { return e.acct.ID == id })
}

// Entry returns what row i displays at now. Codes are regenerated only
// when the time step changed since the last call for that account.
func (l *CodeList) Entry(i int, now time.Time) Entry {
	if i < 0 || i >= len(l.shown) {
		return Entry{}
	}
	e := l.shown[i]
	a := e.acct
	if a.Kind == vault.KindHOTP {
		return Entry{Account: a, Code: l.issued[a.ID]}
	}
	if step := a.Step(now); step != e.step || (e.code == "" && e.err == nil) {
		e.step = step
		e.code, e.err = a.CodeForCounter(step)
		if e.err == nil {
			e.next, e.err = a.CodeForCounter(step + 1)
		}
	}
	return Entry{Account: a, Code: e.code, Next: e.next, Remaining: a.Remaining(now), Period: a.Period, Err: e.err}
}

// SetIssued records the HOTP code just issued for an account.
func (l *CodeList) SetIssued(id, code string) { l.issued[id] = code }

// Tags returns every tag in the snapshot, sorted case-insensitively, each
// spelled as its first occurrence.
func (l *CodeList) Tags() []string {
	seen := map[string]bool{}
	var tags []string
	for _, e := range l.all {
		for _, t := range e.acct.Tags {
			if k := strings.ToLower(t); !seen[k] {
				seen[k] = true
				tags = append(tags, t)
			}
		}
	}
	slices.SortFunc(tags, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return tags
}

// Favorites returns the favourite accounts of the snapshot, in order.
func (l *CodeList) Favorites() []*vault.Account {
	var out []*vault.Account
	for _, e := range l.all {
		if e.acct.Favorite {
			out = append(out, e.acct)
		}
	}
	return out
}

// EnvPassphrase returns the passphrase source the environment names for an
// unattended unlock (a kiosk, an end-to-end test): SPAREKEY_PASSPHRASE_FILE
// (the file's content less one trailing newline) or
// SPAREKEY_PASSPHRASE_COMMAND (its output). It returns nil when neither is
// set. These are the same variables the command line honours.
func EnvPassphrase() func() ([]byte, error) {
	if path := os.Getenv("SPAREKEY_PASSPHRASE_FILE"); path != "" {
		return func() ([]byte, error) { return readPassphraseFile(path) }
	}
	if command := os.Getenv("SPAREKEY_PASSPHRASE_COMMAND"); command != "" {
		return func() ([]byte, error) { return runPassphraseCommand(command) }
	}
	return nil
}

const maxPassphraseBytes = 4096

func readPassphraseFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the passphrase file named by SPAREKEY_PASSPHRASE_FILE: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPassphraseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the passphrase file named by SPAREKEY_PASSPHRASE_FILE: %w", err)
	}
	if len(data) > maxPassphraseBytes {
		return nil, fmt.Errorf("the passphrase file %s is larger than %d bytes; is it the right file?", path, maxPassphraseBytes)
	}
	return trimNewline(data), nil
}

func runPassphraseCommand(command string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	shell, flag := "/bin/sh", "-c"
	if runtime.GOOS == "windows" {
		shell, flag = "cmd", "/C"
	}
	cmd := exec.CommandContext(ctx, shell, flag, command)
	hideConsole(cmd)
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		// The output may be the passphrase: never include it.
		return nil, fmt.Errorf("the passphrase command named by SPAREKEY_PASSPHRASE_COMMAND failed: %w", err)
	}
	if out.Len() > maxPassphraseBytes {
		return nil, fmt.Errorf("the passphrase command printed more than %d bytes", maxPassphraseBytes)
	}
	return trimNewline(out.Bytes()), nil
}

func trimNewline(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}
