package vault

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

var (
	// ErrInvalidURI wraps every reason an otpauth URI is refused.
	ErrInvalidURI = errors.New("invalid otpauth URI")
	// ErrMigrationURI marks a Google Authenticator export, which holds many
	// accounts and belongs to the importer, not to a single add.
	ErrMigrationURI error = &remediedSentinel{"this is a Google Authenticator export (otpauth-migration://), which holds many accounts: import it instead", RemedyImport}
)

const maxURILength = 64 << 10

// ParseURI reads an otpauth:// URI (Google's Key URI format, plus the
// "steam" type Aegis and others write) strictly: unknown types, bad base32,
// unsupported algorithms, digits or periods out of range and conflicting
// duplicate parameters are all refused with a message naming the field.
// Unknown parameters (image, codeDisplay, …) are ignored.
func ParseURI(raw string) (*Account, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, uriErr("uri", "is empty")
	}
	if len(raw) > maxURILength {
		return nil, uriErr("uri", "is longer than %d bytes", maxURILength)
	}
	lower := strings.ToLower(raw)
	if strings.HasPrefix(lower, "otpauth-migration:") {
		return nil, ErrMigrationURI
	}
	if !strings.HasPrefix(lower, "otpauth://") {
		// Never echo the input: a pasted bare secret would end up in the message.
		return nil, WithRemedy(uriErr("scheme", "must start with otpauth:// (this looks like something else; a bare secret is entered as a key instead)"), RemedyEnterSecret)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, uriErr("uri", "cannot be parsed: %s", describeURLError(err))
	}
	kind, err := ParseKind(u.Host)
	if err != nil {
		return nil, uriErr("type", "%s is not a supported type (use totp, hotp or steam)", quoteHarmless(u.Host))
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, uriErr("query", "is malformed: %s", describeURLError(err))
	}
	param := func(name string) (string, bool, error) {
		vals, ok := q[name]
		if !ok {
			return "", false, nil
		}
		for _, v := range vals[1:] {
			if v != vals[0] {
				return "", true, uriErr(name, "is given twice with different values")
			}
		}
		return vals[0], true, nil
	}

	acct := Account{Kind: kind}
	label, err := url.PathUnescape(strings.TrimPrefix(u.EscapedPath(), "/"))
	if err != nil {
		return nil, uriErr("label", "has a bad %%-escape")
	}
	if i := strings.Index(label, ":"); i >= 0 {
		acct.Issuer, acct.Name = strings.TrimSpace(label[:i]), strings.TrimSpace(label[i+1:])
	} else {
		acct.Name = strings.TrimSpace(label)
	}
	if issuer, ok, err := param("issuer"); err != nil {
		return nil, err
	} else if ok && strings.TrimSpace(issuer) != "" {
		acct.Issuer = strings.TrimSpace(issuer)
		// An issuer that itself holds a colon ("A:B") splits the label at
		// the wrong place; the issuer parameter says where the prefix ends.
		if rest, found := strings.CutPrefix(label, acct.Issuer+":"); found {
			acct.Name = strings.TrimSpace(rest)
		}
	}

	secret, ok, err := param("secret")
	if err != nil {
		return nil, err
	}
	if !ok || strings.TrimSpace(secret) == "" {
		return nil, uriErr("secret", "is missing: the URI has no secret= parameter")
	}
	acct.Secret = secret

	if v, ok, err := param("algorithm"); err != nil {
		return nil, err
	} else if ok {
		if acct.Algorithm, err = ParseAlgorithm(v); err != nil {
			return nil, uriErr("algorithm", "%s is not supported (use SHA1, SHA256 or SHA512)", quoteHarmless(v))
		}
	}
	if acct.Digits, err = intParam(param, "digits", MinDigits, MaxDigits); err != nil {
		return nil, err
	}
	if kind == KindSteam && acct.Digits != 0 && acct.Digits != SteamDigits {
		return nil, uriErr("digits", "must be %d for Steam codes (got %d)", SteamDigits, acct.Digits)
	}
	if kind != KindHOTP {
		if acct.Period, err = intParam(param, "period", 1, MaxPeriod); err != nil {
			return nil, err
		}
	} else {
		v, ok, err := param("counter")
		if err != nil {
			return nil, err
		}
		// The Key URI format calls the counter required, but exporters omit
		// it for a fresh token; 0 is the only sensible reading then.
		if ok {
			if acct.Counter, err = strconv.ParseUint(strings.TrimSpace(v), 10, 64); err != nil {
				return nil, uriErr("counter", "%s is not a whole number ≥ 0", quoteHarmless(v))
			}
		}
	}
	a, err := NewAccount(acct)
	if err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return nil, &FieldError{Field: fe.Field, Reason: fe.Reason, Err: errors.Join(ErrInvalidURI, fe.Err)}
		}
		return nil, err
	}
	return a, nil
}

func intParam(param func(string) (string, bool, error), name string, lo, hi int) (int, error) {
	v, ok, err := param(name)
	if err != nil || !ok {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, uriErr(name, "%s is not a whole number", quoteHarmless(v))
	}
	if n < lo || n > hi {
		return 0, uriErr(name, "must be %d to %d, not %d", lo, hi, n)
	}
	return n, nil
}

// URI writes the account as an otpauth URI that other authenticators read.
func (a *Account) URI() string {
	label := escapeLabel(a.Name)
	if a.Issuer != "" || strings.Contains(a.Name, ":") {
		// With no issuer, a leading ":" keeps a colon in the name from
		// being read as the issuer separator.
		label = escapeLabel(a.Issuer) + ":" + label
	}
	q := url.Values{}
	q.Set("secret", a.Secret)
	if a.Issuer != "" {
		q.Set("issuer", a.Issuer)
	}
	q.Set("algorithm", string(a.Algorithm))
	q.Set("digits", strconv.Itoa(a.Digits))
	if a.Kind == KindHOTP {
		q.Set("counter", strconv.FormatUint(a.Counter, 10))
	} else {
		q.Set("period", strconv.Itoa(a.period()))
	}
	// url.Values.Encode writes spaces as '+', which every reader accepts in a
	// query; '%20' is kept for the label where '+' would be literal.
	return "otpauth://" + string(a.Kind) + "/" + label + "?" + q.Encode()
}

func escapeLabel(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
}

func uriErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...), Err: ErrInvalidURI}
}

// describeURLError drops the echo of the input that net/url puts in its
// errors: the input may hold a secret.
func describeURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var esc url.EscapeError
	if errors.As(err, &esc) {
		return "bad %-escape"
	}
	var inv url.InvalidHostError
	if errors.As(err, &inv) {
		return "invalid character in the type"
	}
	msg := err.Error()
	if i := strings.Index(msg, "\""); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	return msg
}

// quoteHarmless quotes a value for an error message only when it is too
// short to be a usable secret. In a malformed link the secret can land
// anywhere (otpauth://secret=… makes it the "type"), so a longer value is
// described, never shown.
func quoteHarmless(s string) string {
	if len(s) <= 8 {
		return QuoteShort(s)
	}
	return fmt.Sprintf("the given value (%d characters)", len(s))
}
