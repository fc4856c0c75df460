package vault

import (
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// TOTP is HOTP over a time step (RFC 6238), so every kind goes through
// hotp.GenerateCodeCustom; Steam differs only in its output alphabet.
func (a *Account) opts() hotp.ValidateOpts {
	o := hotp.ValidateOpts{Digits: otp.Digits(a.Digits)}
	switch a.Algorithm {
	case SHA256:
		o.Algorithm = otp.AlgorithmSHA256
	case SHA512:
		o.Algorithm = otp.AlgorithmSHA512
	default:
		o.Algorithm = otp.AlgorithmSHA1
	}
	if a.Kind == KindSteam {
		o.Encoder = otp.EncoderSteam
	}
	return o
}

// CodeForCounter returns the code for an explicit counter (HOTP) or time step.
func (a *Account) CodeForCounter(counter uint64) (string, error) {
	code, err := hotp.GenerateCodeCustom(a.Secret, counter, a.opts())
	if err != nil {
		return "", fmt.Errorf("%s: cannot generate a code: %w", a.Label(), ErrInvalidSecret)
	}
	return code, nil
}

// Step is the time step (TOTP counter) that t falls in.
func (a *Account) Step(t time.Time) uint64 {
	return uint64(t.Unix()) / uint64(a.period())
}

// Remaining is how long the code valid at t stays valid.
func (a *Account) Remaining(t time.Time) time.Duration {
	p := int64(a.period())
	end := (t.Unix()/p + 1) * p
	return time.Unix(end, 0).Sub(t)
}

func (a *Account) period() int {
	if a.Period <= 0 {
		return DefaultPeriod
	}
	return a.Period
}

// CodeAt returns the code shown at t. For HOTP it is the code of the current
// counter; it does not advance the counter (Vault.IssueHOTP does).
func (a *Account) CodeAt(t time.Time) (string, error) {
	if a.Kind == KindHOTP {
		return a.CodeForCounter(a.Counter)
	}
	return a.CodeForCounter(a.Step(t))
}

// NextCodeAt returns the code of the following period (TOTP, Steam) or counter (HOTP).
func (a *Account) NextCodeAt(t time.Time) (string, error) {
	if a.Kind == KindHOTP {
		return a.CodeForCounter(a.Counter + 1)
	}
	return a.CodeForCounter(a.Step(t) + 1)
}

// GroupCode splits a code for reading: 123 456, 1234 5678, 12345.
func GroupCode(code string) string {
	switch n := len(code); {
	case n <= 5:
		return code
	case n%3 == 0 && n <= 9:
		out := code[:3]
		for i := 3; i < n; i += 3 {
			out += " " + code[i:i+3]
		}
		return out
	default:
		h := (n + 1) / 2
		return code[:h] + " " + code[h:]
	}
}
