package vault

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text from outside (an otpauth link, a QR code, another app's export, a
// flag) ends up in a terminal and in the window. A control character there
// is an instruction, not a letter: ESC starts a terminal escape sequence
// that can recolour, retitle or rewrite the screen, CR lets a name
// overwrite its own line, and a bidi override makes "moc.elgoog" read as
// "google.com". Such runes carry no meaning in an account name, so they are
// removed on the way in (CleanLabel, CleanNote) and escaped on the way out
// for whatever an older vault already holds (EscapeLabel, EscapeText).
//
// Removing rather than refusing is deliberate: one odd name in a 200-entry
// export from another app must not fail the whole import, and the account
// is still recognisable without its control characters.

// unsafeRune reports whether r must never reach a terminal or a label raw:
// C0 and C1 controls, DEL, the Unicode bidi controls, and the line and
// paragraph separators (which break a one-line label as \n does).
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	switch r {
	case 0x200e, 0x200f, 0x061c, 0x2028, 0x2029:
		return true
	}
	return false
}

// lineBreak reports whether r separates words; a label keeps a space in its
// place instead of gluing two words together.
func lineBreak(r rune) bool {
	switch r {
	case '\t', '\n', '\r', '\v', '\f', 0x2028, 0x2029:
		return true
	}
	return false
}

// HasUnsafeText reports whether s holds a rune CleanLabel would remove, or
// bytes that are not UTF-8.
func HasUnsafeText(s string) bool {
	for i, r := range s {
		if unsafeRune(r) || (r == utf8.RuneError && !validAt(s, i)) {
			return true
		}
	}
	return false
}

// validAt reports whether the U+FFFD at byte i of s is really there, as
// opposed to the decoder's stand-in for an invalid byte.
func validAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size == 3
}

// CleanLabel makes s safe to show on one line: tabs and line breaks become
// spaces, every other unsafe rune is removed, invalid UTF-8 becomes U+FFFD,
// and the ends are trimmed. It is for issuers, names and tags.
func CleanLabel(s string) string {
	if !HasUnsafeText(s) {
		return strings.TrimSpace(s)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		switch {
		case lineBreak(r):
			return ' '
		case unsafeRune(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// CleanNote is CleanLabel for a note, which may span lines: \n and \t are
// kept, a Windows \r\n becomes \n, and a lone \r becomes \n rather than
// letting a line overwrite the one before.
func CleanNote(s string) string {
	if !HasUnsafeText(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n', r == '\t':
			return r
		case r == '\r', r == 0x2028, r == 0x2029:
			return '\n'
		case unsafeRune(r):
			return -1
		}
		return r
	}, s)
}

// CleanText runs CleanLabel over the issuer, name and tags and CleanNote
// over the note, in place, and reports whether anything was removed or
// replaced (so an import preview can say so).
func (a *Account) CleanText() (changed bool) {
	clean := func(s *string, f func(string) string) {
		if c := f(*s); c != *s {
			if HasUnsafeText(*s) {
				changed = true
			}
			*s = c
		}
	}
	clean(&a.Issuer, CleanLabel)
	clean(&a.Name, CleanLabel)
	clean(&a.Note, CleanNote)
	for i := range a.Tags {
		clean(&a.Tags[i], CleanLabel)
	}
	return changed
}

// EscapeLabel returns s with every unsafe rune (and every invalid byte)
// written as a visible Go-style escape: ESC becomes \x1b, U+202E becomes
// \u202e. Everything printable, accents and emoji included, is left alone.
// It is for labels in terminal output and error messages; what is stored
// is never changed by it.
func EscapeLabel(s string) string { return escape(s, false) }

// EscapeText is EscapeLabel for text that may span lines: \n and \t are
// printed as they are.
func EscapeText(s string) string { return escape(s, true) }

func escape(s string, keepLines bool) string {
	if !HasUnsafeText(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case unsafeRune(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// maxQuoteRunes bounds what QuoteShort shows of a value: enough to
// recognise a typo, too little to fill a screen.
const maxQuoteRunes = 32

// QuoteShort quotes a value a person typed (a flag, a search term) for an
// error message: at most 32 runes, unsafe runes escaped, in double quotes.
// A value that looks like a secret (a long run of base32, or anything
// holding "secret=") is described by its length instead, because people
// paste secrets into the wrong place and error messages end up in logs.
func QuoteShort(s string) string {
	if looksLikeSecret(s) {
		return fmt.Sprintf("the given value (%d characters)", utf8.RuneCountInString(s))
	}
	if utf8.RuneCountInString(s) > maxQuoteRunes {
		cut := 0
		for n := 0; n < maxQuoteRunes; n++ {
			_, size := utf8.DecodeRuneInString(s[cut:])
			cut += size
		}
		return `"` + strings.ReplaceAll(EscapeLabel(s[:cut]), `"`, `\"`) + `…"`
	}
	return `"` + strings.ReplaceAll(EscapeLabel(s), `"`, `\"`) + `"`
}

// minSecretRun is the shortest run of base32 letters QuoteShort treats as a
// possible secret: 16 characters (80 bits) is the shortest secret services
// hand out.
const minSecretRun = 16

// looksLikeSecret is deliberately eager: describing a harmless long word by
// its length costs a little clarity, quoting a secret costs the account.
func looksLikeSecret(s string) bool {
	if strings.Contains(strings.ToLower(s), "secret=") {
		return true
	}
	run, upper, lower, digit := 0, false, false, false
	for _, r := range s + "\x00" {
		switch {
		case r >= 'A' && r <= 'Z':
			run, upper = run+1, true
			continue
		case r >= 'a' && r <= 'z':
			run, lower = run+1, true
			continue
		case r >= '2' && r <= '7':
			run, digit = run+1, true
			continue
		case r == ' ' || r == '-':
			// Secrets are often grouped ("JBSW Y3DP …"): a separator
			// continues the run without counting.
			continue
		}
		// A run all in one case, or mixing in base32 digits, is
		// secret-shaped; "verylongusername" in lower case alone is not.
		if run >= minSecretRun && ((upper && !lower) || digit) {
			return true
		}
		run, upper, lower, digit = 0, false, false, false
	}
	return false
}
