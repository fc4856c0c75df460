package backup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sparekey/sparekey/vault"
)

// FormatName is the value of the "format" field of every backup document.
const FormatName = "sparekey-backup"

// FormatVersion is the version of the backup document this build writes.
// Readers accept every version up to this one and refuse newer ones with a
// *NewerVersionError, so an old Sparekey never half-reads a new backup.
const FormatVersion = 1

// Document is the plaintext inside every backup file (see FORMAT.md).
//
//	{
//	  "format": "sparekey-backup",
//	  "version": 1,
//	  "created": "2026-11-22T06:37:27Z",
//	  "generator": "sparekey",
//	  "count": 2,
//	  "accounts": [
//	    {
//	      "uri": "otpauth://totp/Example:alice?algorithm=SHA1&digits=6&issuer=Example&period=30&secret=JBSWY3DPEHPK3PXP",
//	      "id": "3f5c…", "issuer": "Example", "name": "alice",
//	      "secret": "JBSWY3DPEHPK3PXP", "kind": "totp", "algorithm": "SHA1",
//	      "digits": 6, "period": 30,
//	      "tags": ["work"], "note": "…", "favorite": true,
//	      "created": "…", "updated": "…",
//	      "aws": {"partition": "aws", "account_id": "123456789012", "user_name": "alice",
//	              "serial_number": "arn:aws:iam::123456789012:mfa/alice", "profile": "default"}
//	    }
//	  ]
//	}
//
// Every account carries its otpauth URI, so "age -d backup.age | jq -r
// '.accounts[].uri'" recovers every seed without Sparekey, and the structured
// fields, which are authoritative when both are present, so nothing the URI
// format cannot express (tags, notes, AWS bindings, HOTP counters) is lost.
type Document struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	Created   time.Time `json:"created"`
	Generator string    `json:"generator,omitempty"`
	// Count is the number of accounts, so a reader can tell a document that
	// lost entries (hand-edited, mangled) from a complete one.
	Count    int     `json:"count"`
	Accounts []Entry `json:"accounts"`
}

// Entry is one account in a backup document.
type Entry struct {
	URI       string      `json:"uri"`
	ID        string      `json:"id,omitempty"`
	Issuer    string      `json:"issuer,omitempty"`
	Name      string      `json:"name,omitempty"`
	Secret    string      `json:"secret"`
	Kind      string      `json:"kind"`
	Algorithm string      `json:"algorithm"`
	Digits    int         `json:"digits"`
	Period    int         `json:"period,omitempty"`
	Counter   uint64      `json:"counter,omitempty"`
	Tags      []string    `json:"tags,omitempty"`
	Note      string      `json:"note,omitempty"`
	Favorite  bool        `json:"favorite,omitempty"`
	Created   time.Time   `json:"created,omitzero"`
	Updated   time.Time   `json:"updated,omitzero"`
	AWS       *AWSBinding `json:"aws,omitempty"`
}

// AWSBinding mirrors vault.AWSBinding. It is spelled out here so the backup
// format is fixed by this package, not by the vault's internal structs.
type AWSBinding struct {
	Partition    string `json:"partition,omitempty"`
	AccountID    string `json:"account_id,omitempty"`
	UserName     string `json:"user_name,omitempty"`
	Root         bool   `json:"root,omitempty"`
	SerialNumber string `json:"serial_number,omitempty"`
	Profile      string `json:"profile,omitempty"`
}

// InvalidEntry is an account a backup holds but that cannot be restored.
// Reason names the field and the problem, never the secret.
type InvalidEntry struct {
	Index  int    // 1-based position in the document
	Label  string // issuer and name, as far as they could be read
	Reason string
}

func (e InvalidEntry) String() string {
	label := e.Label
	if label == "" {
		label = "(no name)"
	}
	return fmt.Sprintf("account %d, %s: %s", e.Index, label, e.Reason)
}

// EntryFromAccount converts an account to its backup form.
func EntryFromAccount(a *vault.Account) Entry {
	e := Entry{
		URI:       a.URI(),
		ID:        a.ID,
		Issuer:    a.Issuer,
		Name:      a.Name,
		Secret:    a.Secret,
		Kind:      string(a.Kind),
		Algorithm: string(a.Algorithm),
		Digits:    a.Digits,
		Period:    a.Period,
		Counter:   a.Counter,
		Tags:      append([]string(nil), a.Tags...),
		Note:      a.Note,
		Favorite:  a.Favorite,
		Created:   a.Created,
		Updated:   a.Updated,
	}
	if a.AWS != nil {
		b := AWSBinding(*a.AWS)
		e.AWS = &b
	}
	return e
}

// Account converts an entry back to a validated account. The structured
// fields win; when the secret is missing from them (a hand-made document),
// the code settings come from the URI instead.
func (e Entry) Account() (*vault.Account, error) {
	a := vault.Account{
		ID:        e.ID,
		Issuer:    e.Issuer,
		Name:      e.Name,
		Secret:    e.Secret,
		Kind:      vault.Kind(strings.ToLower(e.Kind)),
		Algorithm: vault.Algorithm(strings.ToUpper(e.Algorithm)),
		Digits:    e.Digits,
		Period:    e.Period,
		Counter:   e.Counter,
		Tags:      append([]string(nil), e.Tags...),
		Note:      e.Note,
		Favorite:  e.Favorite,
		Created:   e.Created,
		Updated:   e.Updated,
	}
	if strings.TrimSpace(e.Secret) == "" {
		if strings.TrimSpace(e.URI) == "" {
			return nil, errors.New("secret: missing (neither \"secret\" nor \"uri\" is set)")
		}
		fromURI, err := vault.ParseURI(e.URI)
		if err != nil {
			return nil, fmt.Errorf("uri: %w", err)
		}
		a.Secret, a.Kind, a.Algorithm = fromURI.Secret, fromURI.Kind, fromURI.Algorithm
		a.Digits, a.Period, a.Counter = fromURI.Digits, fromURI.Period, fromURI.Counter
		if a.Issuer == "" && a.Name == "" {
			a.Issuer, a.Name = fromURI.Issuer, fromURI.Name
		}
	} else {
		if e.Kind == "" {
			return nil, errors.New("kind: missing")
		}
		if e.Digits == 0 {
			return nil, errors.New("digits: missing")
		}
	}
	if e.AWS != nil {
		b := vault.AWSBinding(*e.AWS)
		a.AWS = &b
	}
	// NewAccount normalises the secret and validates every field; it keeps
	// the ID and timestamps given, so a restore round-trips them.
	return vault.NewAccount(a)
}

// Encode builds the plaintext backup document for accounts.
func Encode(accounts []*vault.Account, created time.Time) ([]byte, error) {
	doc := Document{
		Format:    FormatName,
		Version:   FormatVersion,
		Created:   created.UTC().Truncate(time.Second),
		Generator: "sparekey",
		Count:     len(accounts),
		Accounts:  make([]Entry, len(accounts)),
	}
	for i, a := range accounts {
		doc.Accounts[i] = EntryFromAccount(a)
	}
	return json.MarshalIndent(doc, "", "  ")
}

// Contents is a decoded backup: the accounts that can be restored and
// those that cannot, with reasons.
type Contents struct {
	Version  int
	Created  time.Time
	Accounts []*vault.Account
	Invalid  []InvalidEntry
	// Declared is the "count" field; it differs from len(Accounts) +
	// len(Invalid) only in a document that was edited by hand.
	Declared int
}

// Decode parses and validates a plaintext backup document. Problems with the
// document as a whole (not JSON, not a Sparekey backup, a newer version,
// missing or mistyped top-level fields) are errors wrapping ErrNotBackup,
// ErrMalformed or *NewerVersionError; problems with single accounts land in
// Contents.Invalid so the valid ones can still be restored.
func Decode(plain []byte) (*Contents, error) {
	// One pass over the whole document; the fields are decoded from their
	// raw text afterwards so each problem can be named precisely.
	var top struct {
		Format   *string         `json:"format"`
		Version  json.RawMessage `json:"version"`
		Created  json.RawMessage `json:"created"`
		Count    json.RawMessage `json:"count"`
		Accounts json.RawMessage `json:"accounts"`
	}
	if err := json.Unmarshal(plain, &top); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field == "format" {
			return nil, fmt.Errorf("%w: the decrypted contents are not a Sparekey backup (\"format\" is not %q)", ErrNotBackup, FormatName)
		}
		return nil, fmt.Errorf("%w: the decrypted contents are not a JSON object", ErrNotBackup)
	}
	if top.Format == nil || *top.Format != FormatName {
		return nil, fmt.Errorf("%w: the decrypted contents are not a Sparekey backup (no \"format\": %q field)", ErrNotBackup, FormatName)
	}
	var version int
	if isAbsent(top.Version) {
		return nil, fmt.Errorf("%w: the \"version\" field is missing", ErrMalformed)
	}
	if err := json.Unmarshal(top.Version, &version); err != nil {
		return nil, fmt.Errorf("%w: the \"version\" field must be a whole number", ErrMalformed)
	}
	if version > FormatVersion {
		return nil, &NewerVersionError{Found: version, Supported: FormatVersion}
	}
	if version < 1 {
		return nil, fmt.Errorf("%w: unknown format version %d", ErrMalformed, version)
	}
	c := &Contents{Version: version}
	if !isAbsent(top.Created) {
		if err := json.Unmarshal(top.Created, &c.Created); err != nil {
			return nil, fmt.Errorf("%w: the \"created\" field must be a date in RFC 3339 format", ErrMalformed)
		}
	}
	if isAbsent(top.Accounts) {
		return nil, fmt.Errorf("%w: the \"accounts\" list is missing", ErrMalformed)
	}
	// Fast path: every entry well-typed. Otherwise go entry by entry, so
	// one bad entry is reported by itself and the others still restore.
	var entries []*Entry
	if err := json.Unmarshal(top.Accounts, &entries); err == nil {
		for i, e := range entries {
			if e == nil {
				c.Invalid = append(c.Invalid, InvalidEntry{Index: i + 1, Reason: "the entry is empty (null)"})
				continue
			}
			a, err := e.Account()
			if err != nil {
				c.Invalid = append(c.Invalid, InvalidEntry{Index: i + 1, Label: labelOf(e.Issuer, e.Name), Reason: err.Error()})
				continue
			}
			c.Accounts = append(c.Accounts, a)
		}
	} else {
		var raws []json.RawMessage
		if err := json.Unmarshal(top.Accounts, &raws); err != nil {
			return nil, fmt.Errorf("%w: the \"accounts\" field must be a list of accounts", ErrMalformed)
		}
		entries = make([]*Entry, len(raws)) // for the count below
		for i, raw := range raws {
			a, label, err := decodeEntry(raw)
			if err != nil {
				c.Invalid = append(c.Invalid, InvalidEntry{Index: i + 1, Label: label, Reason: err.Error()})
				continue
			}
			c.Accounts = append(c.Accounts, a)
		}
	}
	c.Declared = len(entries)
	if !isAbsent(top.Count) {
		if err := json.Unmarshal(top.Count, &c.Declared); err != nil {
			return nil, fmt.Errorf("%w: the \"count\" field must be a whole number", ErrMalformed)
		}
	}
	return c, nil
}

func isAbsent(raw json.RawMessage) bool {
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}

func decodeEntry(raw json.RawMessage) (*vault.Account, string, error) {
	// Read the label on its own first, so an entry with a mistyped field
	// is still listed under its name.
	var names struct {
		Issuer any `json:"issuer"`
		Name   any `json:"name"`
	}
	_ = json.Unmarshal(raw, &names)
	is, _ := names.Issuer.(string)
	n, _ := names.Name.(string)
	label := labelOf(is, n)
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, label, errors.New("the entry is empty (null)")
	}
	var e Entry
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, label, errors.New(describeJSONError(err))
	}
	a, err := e.Account()
	if err != nil {
		return nil, label, err
	}
	return a, a.Label(), nil
}

func labelOf(issuer, name string) string {
	a := vault.Account{Issuer: issuer, Name: name}
	l := a.Label()
	if len(l) > 80 {
		l = l[:80] + "…"
	}
	return l
}

// describeJSONError says what is wrong without quoting values, which may be
// secrets.
func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			return fmt.Sprintf("expected %s, found a JSON %s", typeErr.Type, typeErr.Value)
		}
		return fmt.Sprintf("%s: expected %s, found a JSON %s", field, jsonTypeName(typeErr.Type.String()), typeErr.Value)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Sprintf("invalid JSON at byte %d", syntaxErr.Offset)
	}
	var timeErr *time.ParseError
	if errors.As(err, &timeErr) {
		return "a date is not in RFC 3339 format"
	}
	return "the document is malformed"
}

func jsonTypeName(goType string) string {
	switch {
	case goType == "string":
		return "a string"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	}
	return "an object"
}
