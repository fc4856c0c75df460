package vault

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kind is the family of one-time password an account produces.
type Kind string

const (
	KindTOTP  Kind = "totp"
	KindHOTP  Kind = "hotp"
	KindSteam Kind = "steam"
)

// Algorithm is the HMAC hash behind an account's codes.
type Algorithm string

const (
	SHA1   Algorithm = "SHA1"
	SHA256 Algorithm = "SHA256"
	SHA512 Algorithm = "SHA512"
)

// Limits that every account obeys; the parser and Validate enforce them so
// that nothing out of range ever reaches the code generator or the disk.
const (
	MinDigits     = 5
	MaxDigits     = 10
	SteamDigits   = 5
	DefaultDigits = 6
	DefaultPeriod = 30
	MaxPeriod     = 24 * 60 * 60
	// MinSecretBytes is deliberately low: real exports (and RFC 4226's own
	// vectors) carry 10-byte secrets, and refusing them would strand users.
	MinSecretBytes = 1
	MaxSecretBytes = 1024
	maxLabelLength = 512
)

// AWSBinding ties an account to the AWS MFA device it generates codes for.
// It is what lets Sparekey resync, replace and audit that device later.
type AWSBinding struct {
	Partition string `json:"partition,omitempty"` // aws, aws-cn, aws-us-gov
	AccountID string `json:"account_id,omitempty"`
	// UserName is the IAM user owning the device; empty when Root is set.
	UserName string `json:"user_name,omitempty"`
	Root     bool   `json:"root,omitempty"`
	// SerialNumber is the device's ARN (virtual, FIDO) or vendor serial (hardware).
	SerialNumber string `json:"serial_number,omitempty"`
	// Profile is the AWS configuration profile (or "practice") the device was
	// managed through, so later chores reach the same account.
	Profile string `json:"profile,omitempty"`
}

// Account is one entry in the vault: everything needed to produce codes and
// to enroll the same seed again somewhere else.
type Account struct {
	ID        string      `json:"id"`
	Issuer    string      `json:"issuer,omitempty"`
	Name      string      `json:"name"`
	Secret    string      `json:"secret"` // canonical base32: upper case, no padding
	Kind      Kind        `json:"kind"`
	Algorithm Algorithm   `json:"algorithm"`
	Digits    int         `json:"digits"`
	Period    int         `json:"period,omitempty"`  // seconds; TOTP and Steam
	Counter   uint64      `json:"counter,omitempty"` // HOTP: the counter of the next code to issue
	Tags      []string    `json:"tags,omitempty"`
	Note      string      `json:"note,omitempty"`
	Favorite  bool        `json:"favorite,omitempty"`
	Created   time.Time   `json:"created"`
	Updated   time.Time   `json:"updated"`
	AWS       *AWSBinding `json:"aws,omitempty"`
}

// Sentinel errors callers tell apart with errors.Is.
var (
	ErrInvalidAccount = errors.New("invalid account")
	ErrInvalidSecret  = errors.New("invalid secret")
)

// FieldError says which field of an account or URI is wrong and why, in
// words a person can act on. It never includes the secret itself.
type FieldError struct {
	Field  string
	Reason string
	Err    error // ErrInvalidAccount, ErrInvalidSecret or ErrInvalidURI
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(sentinel error, field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...), Err: sentinel}
}

var secretEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NormalizeSecret turns a secret as people and apps write it (lower case,
// grouped with spaces or dashes, padded) into canonical base32, and checks
// that it decodes to a usable key.
func NormalizeSecret(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '-', '=':
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
	if s == "" {
		return "", fieldErr(ErrInvalidSecret, "secret", "is empty")
	}
	// Name the characters no key has before counting: the count is only
	// the right advice once every character could be part of a key.
	if bad := notBase32(s); bad != "" {
		return "", fieldErr(ErrInvalidSecret, "secret", "has characters no key contains (%s); %s", bad, base32Hint(bad))
	}
	// encoding/base32 silently drops a dangling group of 1, 3 or 6
	// characters (no byte count encodes to those lengths), which would turn
	// a mistyped secret into a shorter, wrong key: refuse it instead.
	switch len(s) % 8 {
	case 1, 3, 6:
		return "", fieldErr(ErrInvalidSecret, "secret", "is not valid base32: %d characters cannot encode a key (a character is probably missing or extra)", len(s))
	}
	raw, err := secretEncoding.DecodeString(s)
	if err != nil {
		var corrupt base32.CorruptInputError
		if errors.As(err, &corrupt) {
			return "", fieldErr(ErrInvalidSecret, "secret", "is not valid base32 (only A–Z and 2–7 are allowed; problem at character %d)", int64(corrupt)+1)
		}
		return "", fieldErr(ErrInvalidSecret, "secret", "is not valid base32")
	}
	if len(raw) < MinSecretBytes {
		return "", fieldErr(ErrInvalidSecret, "secret", "is too short to be a key")
	}
	if len(raw) > MaxSecretBytes {
		return "", fieldErr(ErrInvalidSecret, "secret", "is longer than %d bytes", MaxSecretBytes)
	}
	// Re-encode so that trailing bits and padding variants compare equal.
	return secretEncoding.EncodeToString(raw), nil
}

// SecretFromBytes encodes a raw key (as Google's migration format carries it)
// in the canonical base32 form accounts store.
func SecretFromBytes(raw []byte) string { return secretEncoding.EncodeToString(raw) }

// SecretBytes decodes the account's secret.
func (a *Account) SecretBytes() ([]byte, error) {
	raw, err := secretEncoding.DecodeString(a.Secret)
	if err != nil {
		return nil, fieldErr(ErrInvalidSecret, "secret", "is not valid base32")
	}
	return raw, nil
}

// ParseAlgorithm accepts the spellings seen in the wild (sha1, SHA-256, …).
func ParseAlgorithm(s string) (Algorithm, error) {
	switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "")) {
	case "", "SHA1":
		return SHA1, nil
	case "SHA256":
		return SHA256, nil
	case "SHA512":
		return SHA512, nil
	}
	return "", fieldErr(ErrInvalidAccount, "algorithm", "%s is not supported (use SHA1, SHA256 or SHA512)", QuoteShort(s))
}

// ParseKind accepts totp, hotp and steam in any case.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(strings.TrimSpace(s))); k {
	case KindTOTP, KindHOTP, KindSteam:
		return k, nil
	}
	return "", fieldErr(ErrInvalidAccount, "type", "%s is not a supported type (use totp, hotp or steam)", QuoteShort(s))
}

// NewAccount fills defaults, normalises the secret and validates the result.
// The returned account has a fresh ID and timestamps.
func NewAccount(a Account) (*Account, error) {
	if a.Kind == "" {
		a.Kind = KindTOTP
	}
	if a.Algorithm == "" {
		a.Algorithm = SHA1
	}
	if a.Kind == KindSteam {
		if a.Digits == 0 {
			a.Digits = SteamDigits
		}
		if a.Period == 0 {
			a.Period = DefaultPeriod
		}
	}
	if a.Digits == 0 {
		a.Digits = DefaultDigits
	}
	if a.Kind == KindTOTP && a.Period == 0 {
		a.Period = DefaultPeriod
	}
	secret, err := NormalizeSecret(a.Secret)
	if err != nil {
		return nil, err
	}
	a.Secret = secret
	// Control characters are removed here, the one door every new account
	// passes (URIs, QR codes, imports, flags), so none reaches a terminal.
	a.Issuer = CleanLabel(a.Issuer)
	a.Name = CleanLabel(a.Name)
	a.Note = CleanNote(a.Note)
	a.Tags = NormalizeTags(a.Tags)
	if err := a.Validate(); err != nil {
		return nil, err
	}
	now := time.Now().UTC().Truncate(time.Second)
	if a.ID == "" {
		a.ID = NewID()
	}
	if a.Created.IsZero() {
		a.Created = now
	}
	if a.Updated.IsZero() {
		a.Updated = now
	}
	return &a, nil
}

// Validate checks every field against the limits the code generator relies on.
func (a *Account) Validate() error {
	switch a.Kind {
	case KindTOTP, KindHOTP, KindSteam:
	default:
		return fieldErr(ErrInvalidAccount, "type", "%s is not a supported type (use totp, hotp or steam)", QuoteShort(string(a.Kind)))
	}
	switch a.Algorithm {
	case SHA1, SHA256, SHA512:
	default:
		return fieldErr(ErrInvalidAccount, "algorithm", "%s is not supported (use SHA1, SHA256 or SHA512)", QuoteShort(string(a.Algorithm)))
	}
	if a.Kind == KindSteam && a.Digits != SteamDigits {
		return fieldErr(ErrInvalidAccount, "digits", "must be %d: Steam codes always have %d characters", SteamDigits, SteamDigits)
	}
	if a.Digits < MinDigits || a.Digits > MaxDigits {
		return fieldErr(ErrInvalidAccount, "digits", "must be %d to %d, not %d", MinDigits, MaxDigits, a.Digits)
	}
	if a.Kind != KindHOTP && (a.Period < 1 || a.Period > MaxPeriod) {
		return fieldErr(ErrInvalidAccount, "period", "must be 1 to %d seconds, not %d", MaxPeriod, a.Period)
	}
	if _, err := a.SecretBytes(); err != nil {
		return err
	}
	if a.Issuer == "" && a.Name == "" {
		return fieldErr(ErrInvalidAccount, "name", "is missing: an account needs an issuer or a name")
	}
	if len(a.Issuer) > maxLabelLength || len(a.Name) > maxLabelLength {
		return fieldErr(ErrInvalidAccount, "name", "is longer than %d characters", maxLabelLength)
	}
	return nil
}

// Label is how the account is shown and matched: "Issuer (name)" or whichever exists.
func (a *Account) Label() string {
	switch {
	case a.Issuer == "":
		return a.Name
	case a.Name == "":
		return a.Issuer
	}
	return a.Issuer + " (" + a.Name + ")"
}

// SameSeed reports whether two accounts produce the same codes: the
// de-duplication key used by imports and restores.
func (a *Account) SameSeed(b *Account) bool {
	return a.Secret == b.Secret && a.Kind == b.Kind && a.Algorithm == b.Algorithm &&
		a.Digits == b.Digits && (a.Kind == KindHOTP || a.Period == b.Period)
}

// Clone returns a deep copy, so callers can edit without touching the vault.
func (a *Account) Clone() *Account {
	c := *a
	c.Tags = slices.Clone(a.Tags)
	if a.AWS != nil {
		aws := *a.AWS
		c.AWS = &aws
	}
	return &c
}

// NormalizeTags cleans tags (CleanLabel) and drops empty and repeated
// ones, keeping their order. Accounts made by NewAccount already have normalized tags; importers
// that set tags afterwards call it themselves.
func NormalizeTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		t = CleanLabel(t)
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// NewID returns a random 128-bit identifier in hex.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("vault: no randomness available: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// GroupSecret splits a base32 secret into groups of four for reading aloud
// or copying by hand.
func GroupSecret(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}
