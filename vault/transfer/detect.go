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
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Detect recognises an export's format from its content. It looks only at
// the structure (magic bytes, top-level JSON keys, URI schemes), so it is
// cheap and never needs a password.
func Detect(data []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")),
		bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}),
		bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return FormatQRImage, nil
	}
	text := bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))
	if len(text) == 0 {
		return "", ErrEmpty
	}
	if text[0] == '{' {
		return detectJSON(text)
	}
	if text[0] == '[' {
		return "", fmt.Errorf("%w (this is a JSON list, not an export Sparekey knows)", ErrUnknownFormat)
	}
	return detectText(text)
}

func detectJSON(text []byte) (Format, error) {
	var top map[string]jsonShape
	if err := json.Unmarshal(text, &top); err != nil {
		return "", fmt.Errorf("it looks like JSON but cannot be read: %w", jsonProblem(err, ""))
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := top[k]; !ok {
				return false
			}
		}
		return true
	}
	switch {
	case has("header", "db"):
		return FormatAegis, nil
	case has("schemaVersion") && (has("services") || has("groups") || has("appOrigin")),
		has("servicesEncrypted"), has("services", "groups", "appOrigin"):
		return FormatTwoFAS, nil
	case has("encrypted") && (has("items") || has("folders") || has("data") || has("encKeyValidation_DO_NOT_EDIT")):
		return FormatBitwarden, nil
	case has("encryptedData", "kdfParams"):
		// Ente's encrypted export (Argon2id + XChaCha20-Poly1305): recognised
		// so the user hears how to get the plain one.
		return FormatEnteEncrypted, nil
	case has("tokens") && (has("tokenOrder") || isArray(top["tokens"])):
		return FormatFreeOTPPlus, nil
	}
	return "", fmt.Errorf("%w (this JSON file has none of the fields those exports have)", ErrUnknownFormat)
}

func isArray(s jsonShape) bool { return s == '[' }

// jsonShape keeps only the first byte of a JSON value: detection needs the
// top-level keys, and copying each value (a whole Aegis database) would
// only cost time.
type jsonShape byte

func (s *jsonShape) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 {
		*s = jsonShape(b[0])
	}
	return nil
}

// detectText reads the first meaningful line: URI lists start with a URI.
// Ente is told apart by the codeDisplay parameter it adds to every line.
func detectText(text []byte) (Format, error) {
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	sawURI, allMigration, ente := false, true, false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lower := strings.ToLower(line)
		switch {
		case strings.HasPrefix(lower, "otpauth-migration:"):
			sawURI = true
		case strings.HasPrefix(lower, "otpauth:"):
			sawURI, allMigration = true, false
			if !ente && strings.Contains(line, "codeDisplay=") {
				if u, err := url.Parse(line); err == nil && u.Query().Has("codeDisplay") {
					ente = true
				}
			}
		default:
			if !sawURI {
				return "", fmt.Errorf("%w (the first line is not an otpauth:// link)", ErrUnknownFormat)
			}
			allMigration = false
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return "", fmt.Errorf("%w (a line is longer than %d KiB)", ErrUnknownFormat, maxLine>>10)
		}
		return "", err
	}
	switch {
	case !sawURI:
		return "", fmt.Errorf("%w (it holds only comments)", ErrUnknownFormat)
	case ente:
		return FormatEnte, nil
	case allMigration:
		return FormatGoogleMigration, nil
	}
	return FormatURIList, nil
}

// maxLine bounds one line of a URI list; a Google Authenticator export
// line of ten accounts is about 1 KiB.
const maxLine = 1 << 20

// jsonProblem explains a JSON decoding error without quoting the input (it
// may hold a secret). prefix is prepended to field paths.
func jsonProblem(err error, prefix string) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		if strings.Contains(syn.Error(), "unexpected end") {
			return fmt.Errorf("%w: the JSON ends early; the file was probably cut short while copying", ErrMalformed)
		}
		return fmt.Errorf("%w: not valid JSON (syntax error at byte %d)", ErrMalformed, syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: the JSON ends early; the file was probably cut short while copying", ErrMalformed)
	case errors.As(err, &typ):
		field := typ.Field
		if prefix != "" && field != "" {
			field = prefix + "." + field
		} else if field == "" {
			field = prefix
		}
		if field == "" {
			field = "(top level)"
		}
		return &FieldError{Field: field, Reason: fmt.Sprintf("should be %s, not %s", kindName(typ.Type.Kind().String()), firstWord(typ.Value))}
	}
	return fmt.Errorf("%w: %v", ErrMalformed, err)
}

// entryProblem is jsonProblem for one entry of a list: the entry is
// skipped, so the reason only needs the field.
func entryProblem(err error, prefix string) string {
	err = jsonProblem(err, prefix)
	var fe *FieldError
	if errors.As(err, &fe) {
		return fmt.Sprintf("field %q %s", fe.Field, fe.Reason)
	}
	return strings.TrimPrefix(err.Error(), ErrMalformed.Error()+": ")
}

func kindName(k string) string {
	switch k {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	case "string":
		return "text"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return "a " + k
}

// firstWord keeps "number" of "number 1e999": the literal could be data.
func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}
