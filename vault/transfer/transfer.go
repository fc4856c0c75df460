// Package transfer moves accounts between Sparekey and other authenticators.
//
// # Importing
//
// Import reads one file (or one pasted text) and recognises its format from
// the content, never from the name: people rename exports, and a ".txt"
// from one app is a ".json" from another. The formats read are listed in
// Formats. Every import returns a Result that holds the valid accounts
// (built with vault.NewAccount, so they obey every rule a hand-typed account
// does) and a Problem for each entry that could not be taken, with the
// reason — never the secret. One bad entry never sinks the others.
//
// What stops a whole file is reported as an error that names the file and
// what to do: ErrPasswordRequired and ErrWrongPassword for encrypted Aegis
// and 2FAS files (the password callback in Options is asked only when the
// file is encrypted), ErrUnknownFormat, ErrTooLarge (checked before the file
// is read whole), ErrEncryptedExport for exports only the other app can
// open, and ErrMalformed for JSON whose structure is broken.
//
// Google Authenticator spreads a large export over several QR codes that
// share a batch id. Each Result records the batch parts it read; Combine
// joins the results of several files and recomputes which parts are still
// missing, so "3 of 4 codes scanned" is reported instead of silently
// importing three quarters of someone's accounts.
//
// Imports never touch a vault: callers preview the accounts against the
// vault with vault.PlanMerge and apply the user's choices with
// (*vault.Vault).ApplyMerge.
//
// # Exporting
//
// ExportURIs and ExportAegis write every account in plain text (other apps
// read these), and GoogleMigration splits accounts into Google Authenticator
// transfer QR codes, listing those Google Authenticator cannot represent.
// All of them hold secrets unencrypted: callers must make the user
// acknowledge that, and write files with vault.WriteFileAtomic (0600).
//
// The Google Authenticator payload is protobuf. Its schema is tiny and
// fixed, so it is read and written with google.golang.org/protobuf's
// protowire package (the wire primitives) rather than generated code, which
// would need protoc in the build.
package transfer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/sparekey/sparekey/vault"
)

// Format names a file format transfer reads or writes.
type Format string

const (
	FormatURIList         Format = "otpauth URI list"
	FormatAegis           Format = "Aegis vault"
	FormatTwoFAS          Format = "2FAS backup"
	FormatGoogleMigration Format = "Google Authenticator export"
	FormatEnte            Format = "Ente Auth export"
	FormatEnteEncrypted   Format = "Ente Auth encrypted export"
	FormatBitwarden       Format = "Bitwarden JSON export"
	FormatFreeOTPPlus     Format = "FreeOTP+ backup"
	FormatQRImage         Format = "QR code image"
)

// Formats lists what Import reads, for messages and help texts.
var Formats = []string{
	"otpauth:// URI lists (one a line)",
	"Aegis vaults (.json, plain or password-encrypted)",
	"2FAS backups (.2fas, plain or password-encrypted)",
	"Google Authenticator exports (otpauth-migration:// links or their QR code pictures)",
	"Ente Auth plain exports",
	"Bitwarden unencrypted JSON exports",
	"FreeOTP+ JSON backups",
	"QR code pictures (PNG, JPEG, GIF) holding any of these links",
}

// MaxFileSize is the largest file Import reads. Real exports are kilobytes;
// anything near this is the wrong file, and reading it whole would only
// waste memory.
const MaxFileSize = 64 << 20

// Errors callers tell apart with errors.Is. Each comes wrapped in an *Error
// naming the file.
var (
	ErrUnknownFormat    = errors.New("this is not a format Sparekey can import; it reads " + strings.Join(Formats, "; "))
	ErrPasswordRequired = errors.New("this export is encrypted; give its password")
	ErrWrongPassword    = errors.New("wrong password for this export")
	ErrTooLarge         = fmt.Errorf("the file is larger than %d MiB, far more than any authenticator export; is it the right file?", MaxFileSize>>20)
	// ErrEncryptedExport marks an export encrypted in a way only the app
	// that wrote it can open (Bitwarden's "encrypted JSON").
	ErrEncryptedExport = errors.New("this export is encrypted with a key only the app that wrote it can use")
	// ErrMalformed marks a file of a known format whose structure is broken:
	// truncated, not JSON, or a field of the wrong type.
	ErrMalformed = errors.New("the file is damaged or incomplete")
	ErrEmpty     = errors.New("the file is empty")
)

// Error is how every failed import is reported: which file, which format
// (when it was recognised) and what went wrong.
type Error struct {
	File   string
	Format Format // empty when the format was not recognised
	Err    error
}

func (e *Error) Error() string {
	if e.Format != "" {
		return fmt.Sprintf("%s (%s): %v", e.File, e.Format, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// FieldError says which field of a JSON export is missing or has the wrong
// type. It wraps ErrMalformed.
type FieldError struct {
	Field  string // e.g. "db.entries[3].info.digits"
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%v: field %q %s", ErrMalformed, e.Field, e.Reason)
}
func (e *FieldError) Unwrap() error { return ErrMalformed }

// Options tune an import.
type Options struct {
	// Password is called, at most once, only for an encrypted export. Nil
	// means none is available: encrypted files fail with ErrPasswordRequired.
	Password func() ([]byte, error)
}

// Problem is an entry that was not imported, and why. It names the entry by
// its position and label, never by its secret.
type Problem struct {
	Source string // the file
	Entry  string // "line 4", "entry 3 (GitHub / alice)", "QR code 2"
	Reason string
}

func (p Problem) String() string {
	if p.Source == "" {
		return p.Entry + ": " + p.Reason
	}
	return p.Source + ": " + p.Entry + ": " + p.Reason
}

// BatchPart is one code of a multi-code Google Authenticator export.
type BatchPart struct {
	BatchID int32
	Index   int // 0-based
	Size    int
	Source  string
}

// MissingParts says which codes of a Google Authenticator export were not
// among the files read.
type MissingParts struct {
	BatchID int32
	Size    int
	Missing []int // 0-based indexes
}

func (m MissingParts) String() string {
	nums := make([]string, len(m.Missing))
	for i, n := range m.Missing {
		nums[i] = fmt.Sprint(n + 1)
	}
	word := "code"
	if len(m.Missing) > 1 {
		word = "codes"
	}
	return fmt.Sprintf("Google Authenticator export %d: %s %s of %d not read; scan or add the missing %s too",
		m.BatchID, word, strings.Join(nums, ", "), m.Size, word)
}

// Result is what one import (or several, joined by Combine) produced.
type Result struct {
	Source    string // the file name, or the names joined by Combine
	Format    Format
	Encrypted bool
	Accounts  []*vault.Account
	Skipped   []Problem
	// Cleaned lists imported entries whose issuer, name, tags or note held
	// control characters or bidi overrides, which were removed (see
	// vault.CleanLabel). The account is in Accounts; this is the note a
	// preview shows so the change is not silent.
	Cleaned []Problem
	// Batches lists the Google Authenticator batch parts read.
	Batches []BatchPart
	// MissingBatchParts lists, per batch, the parts not read. Combine
	// recomputes it over all files.
	MissingBatchParts []MissingParts
}

// Combine joins the results of several imports (a Google Authenticator
// export scanned as several pictures, an Aegis vault plus a URI list) and
// recomputes the missing batch parts over all of them.
func Combine(results ...*Result) *Result {
	out := &Result{}
	var names []string
	for _, r := range results {
		if r == nil {
			continue
		}
		names = append(names, r.Source)
		if out.Format == "" {
			out.Format = r.Format
		} else if out.Format != r.Format {
			out.Format = "several formats"
		}
		out.Encrypted = out.Encrypted || r.Encrypted
		out.Accounts = append(out.Accounts, r.Accounts...)
		out.Skipped = append(out.Skipped, r.Skipped...)
		out.Cleaned = append(out.Cleaned, r.Cleaned...)
		out.Batches = append(out.Batches, r.Batches...)
	}
	out.Source = strings.Join(names, ", ")
	out.MissingBatchParts = missingParts(out.Batches)
	return out
}

func missingParts(parts []BatchPart) []MissingParts {
	type batch struct {
		size int
		seen map[int]bool
	}
	batches := map[int32]*batch{}
	var order []int32
	for _, p := range parts {
		b := batches[p.BatchID]
		if b == nil {
			b = &batch{seen: map[int]bool{}}
			batches[p.BatchID] = b
			order = append(order, p.BatchID)
		}
		b.size = max(b.size, p.Size)
		b.seen[p.Index] = true
	}
	var out []MissingParts
	for _, id := range order {
		b := batches[id]
		m := MissingParts{BatchID: id, Size: b.size}
		for i := 0; i < b.size; i++ {
			if !b.seen[i] {
				m.Missing = append(m.Missing, i)
			}
		}
		if len(m.Missing) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// ImportFile reads and imports one file. The size is checked before the
// file is read.
func ImportFile(path string, opts Options) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Err: fmt.Errorf("cannot read it: %w", err)}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			return nil, &Error{File: path, Err: errors.New("is a folder; give the export file inside it")}
		}
		if st.Size() > MaxFileSize {
			return nil, &Error{File: path, Err: ErrTooLarge}
		}
	}
	return Import(path, f, opts)
}

// Import reads an export from r (at most MaxFileSize bytes) and imports
// it. name is used in messages.
func Import(name string, r io.Reader, opts Options) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, &Error{File: name, Err: fmt.Errorf("cannot read it: %w", err)}
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: name, Err: ErrTooLarge}
	}
	return ImportBytes(name, data, opts)
}

// ImportBytes imports an export already in memory (a paste, a dropped file).
func ImportBytes(name string, data []byte, opts Options) (*Result, error) {
	if len(data) > MaxFileSize {
		return nil, &Error{File: name, Err: ErrTooLarge}
	}
	format, err := Detect(data)
	if err != nil {
		return nil, &Error{File: name, Err: err}
	}
	res := &Result{Source: name, Format: format}
	c := &collector{res: res}
	switch format {
	case FormatURIList, FormatEnte, FormatGoogleMigration:
		err = readURIList(c, data)
	case FormatAegis:
		err = readAegis(c, data, opts)
	case FormatTwoFAS:
		err = readTwoFAS(c, data, opts)
	case FormatBitwarden:
		err = readBitwarden(c, data)
	case FormatFreeOTPPlus:
		err = readFreeOTPPlus(c, data)
	case FormatQRImage:
		err = readQRImage(c, data)
	case FormatEnteEncrypted:
		err = fmt.Errorf("%w: in Ente Auth choose Settings > Data > Export codes > Plain text, import that file, then delete it", ErrEncryptedExport)
	default:
		err = ErrUnknownFormat
	}
	if err != nil {
		return nil, &Error{File: name, Format: format, Err: err}
	}
	res.MissingBatchParts = missingParts(res.Batches)
	return res, nil
}

// collector gathers accounts and problems for one file.
type collector struct {
	res *Result
}

// add validates in (filling defaults) and keeps it, or records why not.
// NewAccount removes control characters from the text fields; add notes
// when it did.
func (c *collector) add(entry string, in vault.Account) *vault.Account {
	dirty := hasUnsafeFields(&in)
	a, err := vault.NewAccount(in)
	if err != nil {
		c.skip(entryLabel(entry, in.Issuer, in.Name), reason(err))
		return nil
	}
	c.res.Accounts = append(c.res.Accounts, a)
	if dirty {
		c.noteCleaned(entry, a)
	}
	return a
}

// keep takes an account built elsewhere (a parsed link whose fields the
// importer then filled in), cleaning its text. raw is the text it came
// from, checked for what the link parser already removed.
func (c *collector) keep(entry string, a *vault.Account, raw ...string) {
	dirty := a.CleanText()
	for _, r := range raw {
		dirty = dirty || vault.HasUnsafeText(r)
	}
	c.res.Accounts = append(c.res.Accounts, a)
	if dirty {
		c.noteCleaned(entry, a)
	}
}

func (c *collector) noteCleaned(entry string, a *vault.Account) {
	c.res.Cleaned = append(c.res.Cleaned, Problem{Source: c.res.Source, Entry: entryLabel(entry, a.Issuer, a.Name),
		Reason: "control characters or text-direction marks were removed from its name or note"})
}

func (c *collector) skip(entry, why string) {
	c.res.Skipped = append(c.res.Skipped, Problem{Source: c.res.Source, Entry: entry, Reason: why})
}

// hasUnsafeFields reports whether NewAccount will remove anything from
// in's text, by cleaning a copy the same way.
func hasUnsafeFields(in *vault.Account) bool {
	c := *in
	c.Tags = slices.Clone(in.Tags)
	return c.CleanText()
}

// entryLabel names an entry for a Problem: its position plus whatever
// label it has (labels are not secret; secrets never reach here). The
// label is cleaned: an entry refused for its content may still hold
// control characters, and Problems are printed.
func entryLabel(pos, issuer, name string) string {
	issuer, name = vault.CleanLabel(issuer), vault.CleanLabel(name)
	var label string
	switch {
	case issuer != "" && name != "":
		label = issuer + " / " + name
	case issuer != "":
		label = issuer
	default:
		label = name
	}
	if label == "" {
		return pos
	}
	if r := []rune(label); len(r) > 60 {
		label = string(r[:60]) + "…"
	}
	return pos + " (" + label + ")"
}

// reason turns an error from the vault layer into the part a Problem needs.
func reason(err error) string {
	var fe *vault.FieldError
	if errors.As(err, &fe) {
		return fe.Field + " " + fe.Reason
	}
	return err.Error()
}
