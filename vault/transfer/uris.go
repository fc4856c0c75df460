package transfer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/sparekey/sparekey/vault"
)

// readURIList reads one link a line: otpauth:// (plain lists, Ente's export
// with its codeDisplay parameter) and otpauth-migration:// (Google
// Authenticator). Blank lines and # comments are ignored; a bad line is a
// Problem, not a failure.
func readURIList(c *collector, data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pos := fmt.Sprintf("line %d", n)
		if strings.HasPrefix(strings.ToLower(line), "otpauth-migration:") {
			readMigrationURI(c, pos, line)
			continue
		}
		readOTPAuthURI(c, pos, line)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%w: line %d is longer than %d KiB", ErrMalformed, n+1, maxLine>>10)
		}
		return err
	}
	return nil
}

// readOTPAuthURI imports one otpauth:// link, applying Ente's codeDisplay
// metadata (tags, note, pinned, trashed) when present.
func readOTPAuthURI(c *collector, pos, line string) {
	if !strings.HasPrefix(strings.ToLower(line), "otpauth://") {
		c.skip(pos, "is not an otpauth:// link")
		return
	}
	a, err := vault.ParseURI(line)
	if err != nil {
		c.skip(entryLabel(pos, uriLabel(line), ""), reason(err))
		return
	}
	if d, ok := enteDisplay(line); ok {
		if d.Trashed {
			c.skip(entryLabel(pos, a.Issuer, a.Name), "is in Ente's trash, so it was left out")
			return
		}
		a.Tags = vault.NormalizeTags(d.Tags)
		a.Note = strings.TrimSpace(d.Note)
		a.Favorite = d.Pinned
	}
	c.keep(pos, a, linkLabel(line))
}

// uriLabel digs the label out of a link that failed to parse, so the
// problem can name the entry. Labels are not secret.
func uriLabel(line string) string {
	u, err := url.Parse(line)
	if err != nil {
		return ""
	}
	label, err := url.PathUnescape(strings.TrimPrefix(u.EscapedPath(), "/"))
	if err != nil {
		return ""
	}
	return label
}

// linkLabel is the label and issuer of a link as written, before the
// parser cleaned them, for telling whether it removed anything.
func linkLabel(line string) string {
	issuer := ""
	if u, err := url.Parse(line); err == nil {
		if q, err := url.ParseQuery(u.RawQuery); err == nil {
			issuer = q.Get("issuer")
		}
	}
	return uriLabel(line) + " " + issuer
}

// enteCodeDisplay is the JSON Ente Auth puts in the codeDisplay parameter.
type enteCodeDisplay struct {
	Pinned  bool     `json:"pinned"`
	Trashed bool     `json:"trashed"`
	Tags    []string `json:"tags"`
	Note    string   `json:"note"`
}

func enteDisplay(line string) (enteCodeDisplay, bool) {
	var d enteCodeDisplay
	if !strings.Contains(line, "codeDisplay=") {
		return d, false
	}
	u, err := url.Parse(line)
	if err != nil {
		return d, false
	}
	raw := u.Query().Get("codeDisplay")
	if raw == "" {
		return d, false
	}
	// Metadata that cannot be read is dropped, never the account.
	dec := json.NewDecoder(strings.NewReader(raw))
	if err := dec.Decode(&d); err != nil && !errors.Is(err, io.EOF) {
		var typ *json.UnmarshalTypeError
		if !errors.As(err, &typ) {
			return enteCodeDisplay{}, false
		}
	}
	return d, true
}

// ExportURIs writes one otpauth:// link a line, the format nearly every
// authenticator reads. The output holds every secret in plain text.
func ExportURIs(w io.Writer, accts []*vault.Account) error {
	bw := bufio.NewWriter(w)
	for _, a := range accts {
		bw.WriteString(a.URI())
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
