package vault

import (
	"errors"
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/sparekey/sparekey/vault/internal/zxcvbn"
)

// One rule for every new passphrase Sparekey asks for, the vault's and a
// backup's alike: a backup holds every seed of the vault, so it deserves
// the same protection.
const (
	// MinPassphraseLength is the shortest passphrase accepted, in characters.
	MinPassphraseLength = 8
	// minPassphraseScore is zxcvbn's score (0–4) a passphrase needs: 2 is
	// "somewhat guessable", about 10^8 guesses, which against the scrypt
	// work factor of an age file is years for one computer.
	minPassphraseScore = 2
	// guessesPerSecond is what an attacker with a file gets through a
	// slow, salted KDF like age's scrypt (zxcvbn's "offline slow hashing").
	guessesPerSecond = 1e4
	// maxEstimatedLength bounds the estimate's cost: zxcvbn is quadratic
	// in the length, and beyond this a passphrase is long enough anyway.
	maxEstimatedLength = 100
)

// ErrWeakPassphrase is what PassphraseProblem returns (as a
// *WeakPassphraseError) for a passphrase below the rule.
var ErrWeakPassphrase = errors.New("the passphrase is too easy to guess")

// WeakPassphraseError says why a new passphrase was refused.
type WeakPassphraseError struct {
	TooShort bool // fewer than MinPassphraseLength characters
	Strength PassphraseStrength
}

func (e *WeakPassphraseError) Error() string {
	if e.TooShort {
		return fmt.Sprintf("the passphrase is shorter than %d characters", MinPassphraseLength)
	}
	return "the passphrase is too easy to guess (" + e.Strength.CrackTime + " to guess it)"
}

func (e *WeakPassphraseError) Is(target error) bool { return target == ErrWeakPassphrase }

// PassphraseStrength is an estimate of how hard a passphrase is to guess.
type PassphraseStrength struct {
	Score     int     // 0 (trivial) to 4 (very strong), zxcvbn's scale
	Guesses   float64 // the estimated number of guesses
	CrackTime string  // how long an attacker with the file needs, in words
	Enough    bool    // whether it meets the rule
}

// EstimatePassphrase rates p with zxcvbn (github.com/trustelem/zxcvbn, a
// port of Dropbox's estimator, through vault/internal/zxcvbn, which builds
// its dictionaries on the first call rather than at every program start).
// context holds words the attacker would try first (the user name,
// "sparekey"). Only the first 100 characters are rated; more never makes a
// passphrase weaker.
func EstimatePassphrase(p []byte, context ...string) PassphraseStrength {
	s := string(p)
	if utf8.RuneCountInString(s) > maxEstimatedLength {
		s = string([]rune(s)[:maxEstimatedLength])
	}
	r := zxcvbn.PasswordStrength(s, append(context, "sparekey", "vault", "backup", "password", "passphrase"))
	st := PassphraseStrength{Score: r.Score, Guesses: r.Guesses, CrackTime: crackTime(r.Guesses / guessesPerSecond)}
	st.Enough = utf8.RuneCount(p) >= MinPassphraseLength && r.Score >= minPassphraseScore
	return st
}

// PassphraseProblem is nil for a passphrase that meets the rule, else a
// *WeakPassphraseError saying why not.
func PassphraseProblem(p []byte, context ...string) error {
	if utf8.RuneCount(p) < MinPassphraseLength {
		return &WeakPassphraseError{TooShort: true}
	}
	if st := EstimatePassphrase(p, context...); !st.Enough {
		return &WeakPassphraseError{Strength: st}
	}
	return nil
}

// crackTime says a number of seconds the way a person would.
func crackTime(seconds float64) string {
	const (
		minute = 60
		hour   = 60 * minute
		day    = 24 * hour
		year   = 365 * day
	)
	switch {
	case seconds < 1:
		return "less than a second"
	case seconds < minute:
		return plural(seconds, "second")
	case seconds < hour:
		return plural(seconds/minute, "minute")
	case seconds < day:
		return plural(seconds/hour, "hour")
	case seconds < year:
		return plural(seconds/day, "day")
	case seconds < 100*year:
		return plural(seconds/year, "year")
	}
	return "centuries"
}

func plural(n float64, unit string) string {
	k := int(math.Round(n))
	if k == 1 {
		return "about a " + unit
	}
	return fmt.Sprintf("about %d %ss", k, unit)
}
