package vault

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"
)

// MatchTier is how well an account matches a search, best first. The
// window's search and the command line's name lookup rank with the same
// tiers, so what the list shows first is what `code` picks.
type MatchTier int

const (
	// MatchExact: the label, issuer, name or "issuer:name" is the query.
	MatchExact MatchTier = iota
	// MatchPrefix: the label, issuer or name begins with the query.
	MatchPrefix
	// MatchWords: every word of the query begins a word of the issuer,
	// name, tags or note ("ali" finds alice@, "gmail" finds @gmail.com).
	// Mid-word text is left to MatchLetters, so "ghb" inside
	// "neighbourhood" does not outrank GitHub's G…H…b.
	MatchWords
	// MatchLetters: the query's letters occur in order in the label
	// (fuzzy; "ghb" finds GitHub), ranked by github.com/sahilm/fuzzy's
	// score, which favours word starts and adjacent letters.
	MatchLetters
	// NoMatch: none of the above.
	NoMatch
)

// Match is how one account matched a Query.
type Match struct {
	Tier MatchTier
	// Score orders matches within MatchLetters (higher is better); 0 in
	// the other tiers.
	Score int
}

// CompareMatches orders m before o when m is the better match (for
// slices.SortStableFunc).
func CompareMatches(m, o Match) int {
	if c := cmp.Compare(m.Tier, o.Tier); c != 0 {
		return c
	}
	return cmp.Compare(o.Score, m.Score)
}

// Query is a search prepared once and matched against many accounts.
type Query struct {
	whole   string   // lower case, trimmed
	words   []string // lower case
	letters string   // the query without spaces, for the fuzzy tier
}

// NewQuery prepares what a person typed.
func NewQuery(s string) Query {
	whole := strings.ToLower(strings.TrimSpace(s))
	words := strings.Fields(whole)
	return Query{whole: whole, words: words, letters: strings.Join(words, "")}
}

// Empty reports whether the query matches everything.
func (q Query) Empty() bool { return q.whole == "" }

// Match ranks a against q. search is the account's lower-cased search
// text (SearchText), passed in so list views can keep it between
// keystrokes; "" computes it.
func (q Query) Match(a *Account, search string) Match {
	if q.Empty() {
		return Match{Tier: MatchExact}
	}
	label := strings.ToLower(a.Label())
	issuer, name := strings.ToLower(a.Issuer), strings.ToLower(a.Name)
	switch {
	case label == q.whole || issuer == q.whole || name == q.whole || issuer+":"+name == q.whole:
		return Match{Tier: MatchExact}
	case strings.HasPrefix(label, q.whole) || (issuer != "" && strings.HasPrefix(issuer, q.whole)) || strings.HasPrefix(name, q.whole):
		return Match{Tier: MatchPrefix}
	}
	if search == "" {
		search = SearchText(a)
	}
	all := true
	for _, w := range q.words {
		if !hasWordStarting(search, w) {
			all = false
			break
		}
	}
	if all {
		return Match{Tier: MatchWords}
	}
	// The issuer is scored on its own before the whole label, so two
	// accounts of one issuer tie (and Find says it is ambiguous) rather
	// than the shorter name winning on length.
	// Original case: the scorer gives camel-case humps (GitHub's H) the
	// bonus of a word start.
	for _, text := range [...]string{a.Issuer, a.Name, a.Label()} {
		if text == "" {
			continue
		}
		if ms := fuzzy.Find(q.letters, []string{text}); len(ms) == 1 {
			return Match{Tier: MatchLetters, Score: ms[0].Score}
		}
	}
	return Match{Tier: NoMatch}
}

// SearchText is the account's searchable text (issuer, name, tags, note),
// lower-cased.
func SearchText(a *Account) string { return string(appendSearchText(nil, a)) }

// Ranked is an account with how it matched.
type Ranked struct {
	Account *Account
	Match   Match
}

// Rank keeps the accounts that match q, best first; equally good matches
// keep their order in accts (the display order).
func Rank(accts []*Account, q Query) []Ranked {
	out := make([]Ranked, 0, len(accts))
	for _, a := range accts {
		if m := q.Match(a, ""); m.Tier != NoMatch {
			out = append(out, Ranked{a, m})
		}
	}
	slices.SortStableFunc(out, func(x, y Ranked) int { return CompareMatches(x.Match, y.Match) })
	return out
}

// best is the accounts of ranked that share its first (best) match.
func best(ranked []Ranked) []*Account {
	var out []*Account
	for _, r := range ranked {
		if r.Match != ranked[0].Match {
			break
		}
		out = append(out, r.Account)
	}
	return out
}

// hasWordStarting reports whether w occurs in text at the start of a word:
// at the beginning or after a character that is not a letter or digit.
func hasWordStarting(text, w string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 {
			return true
		}
		r, _ := utf8.DecodeLastRuneInString(text[:at])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[at:])
		i = at + size
	}
}
