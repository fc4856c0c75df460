// Package zxcvbn is github.com/trustelem/zxcvbn v1.0.1's password strength
// estimator with its dictionaries built on first use instead of at program
// start (see NOTICE). It carries upstream's matching package and uses
// upstream's scoring, match and adjacency packages unchanged, so the
// estimates are upstream's.
package zxcvbn

import (
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/scoring"
)

// Result is upstream's zxcvbn.Result without its timing.
type Result struct {
	Guesses  float64
	Sequence []*match.Match
	Score    int
}

// PasswordStrength is upstream's zxcvbn.PasswordStrength. The first call
// builds the dictionaries, so it is slower than the ones after it.
func PasswordStrength(password string, userInputs []string) Result {
	var result Result
	if !utf8.ValidString(password) {
		// Do not evaluate passwords containing invalid utf8
		// => those will be reported as weak passwords
		return result
	}
	matches := Omnimatch(password, userInputs)
	seq := scoring.MostGuessableMatchSequence(password, matches, false)
	result.Sequence = seq.Sequence
	result.Guesses = seq.Guesses
	result.Score = guessesToScore(seq.Guesses)
	return result
}

// guessesToScore is upstream's, from time_estimate.go.
func guessesToScore(guesses float64) int {
	const DELTA = 5
	if guesses < 1e3+DELTA {
		// risky password: "too guessable"
		return 0
	}
	if guesses < 1e6+DELTA {
		// modest protection from throttled online attacks: "very guessable"
		return 1
	}
	if guesses < 1e8+DELTA {
		// modest protection from unthrottled online attacks: "somewhat guessable"
		return 2
	}
	if guesses < 1e10+DELTA {
		// modest protection from offline attacks: "safely unguessable"
		// assuming a salted, slow hash function like bcrypt, scrypt, PBKDF2, argon, etc
		return 3
	}
	// strong protection from offline attacks under same scenario: "very unguessable"
	return 4
}
