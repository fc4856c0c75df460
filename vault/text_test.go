package vault

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"filippo.io/age"
)

// hostile holds every kind of rune the sanitisers exist for.
const hostile = "\x1b[31mEvil\x07\r\x00\u202egnp.exe\u2066\u200e\u061c\x7f\u009b"

func TestCleanLabel(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"GitHub", "GitHub"},
		{"  GitHub  ", "GitHub"},
		{"Zoë 🦊 名前", "Zoë 🦊 名前"},
		{"\x1b[31mred\x1b[0m", "[31mred[0m"},
		{"bell\x07", "bell"},
		{"over\rwrite", "over write"},
		{"two\nlines", "two lines"},
		{"tab\tbed", "tab bed"},
		{"nul\x00byte", "nulbyte"},
		{"\u202eexe.txt", "exe.txt"},
		{"a\u2066b\u2069c\u200ed\u200fe\u061cf", "abcdef"},
		{"del\x7f", "del"},
		{"c1\u009b2J", "c12J"},
		{"line\u2028sep", "line sep"},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"\x1b\x07\r\n", ""},
	} {
		if got := CleanLabel(tc.in); got != tc.want {
			t.Errorf("CleanLabel(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanNote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"line one\nline two\twith a tab", "line one\nline two\twith a tab"},
		{"windows\r\nnote", "windows\nnote"},
		{"lone\rcarriage return", "lone\ncarriage return"},
		{"\x1b]0;title\x07note", "]0;titlenote"},
		{"\u202enote", "note"},
	} {
		if got := CleanNote(tc.in); got != tc.want {
			t.Errorf("CleanNote(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEscapeLabel(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"GitHub (alice)", "GitHub (alice)"},
		{"Zoë 🦊", "Zoë 🦊"},
		{`C:\path`, `C:\path`},
		{"\x1b[2J", `\x1b[2J`},
		{"a\x07b\rc\x00d", `a\x07b\x0dc\x00d`},
		{"\u202eevil", `\u202eevil`},
		{"\u009b", `\x9b`},
		{"bad\xff", `bad\xff`},
		{"two\nlines", `two\x0alines`},
	} {
		if got := EscapeLabel(tc.in); got != tc.want {
			t.Errorf("EscapeLabel(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := EscapeText("one\n\ttwo\x1b"); got != "one\n\ttwo\\x1b" {
		t.Errorf("EscapeText keeps lines and tabs only: %q", got)
	}
}

func TestQuoteShort(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"sha3", `"sha3"`},
		{"", `""`},
		{`say "hi"`, `"say \"hi\""`},
		{"\x1b[31mtotp", `"\x1b[31mtotp"`},
		{strings.Repeat("ab.", 20), `"` + strings.Repeat("ab.", 10) + `ab…"`},
		{"JBSWY3DPEHPK3PXP", "the given value (16 characters)"},
		{"jbsw y3dp ehpk 3pxp", "the given value (19 characters)"},
		{"otpauth://totp/x?secret=GE", "the given value (26 characters)"},
		{"alice@example.com", `"alice@example.com"`},
		{"verylongusername", `"verylongusername"`},
	} {
		if got := QuoteShort(tc.in); got != tc.want {
			t.Errorf("QuoteShort(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestNewAccountCleansText(t *testing.T) {
	a, err := NewAccount(Account{Issuer: "\x1b]0;pwned\x07Bank", Name: "bob\u202e", Note: "keep\nthis\x1b",
		Tags: []string{"\x00work", "work"}, Secret: "JBSWY3DPEHPK3PXP"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Issuer != "]0;pwnedBank" || a.Name != "bob" || a.Note != "keep\nthis" || len(a.Tags) != 1 || a.Tags[0] != "work" {
		t.Errorf("NewAccount kept unsafe text: %+v", *a)
	}
	if _, err := NewAccount(Account{Name: "\x1b\x07", Secret: "JBSWY3DPEHPK3PXP"}); err == nil {
		t.Error("a name of control characters only became an account without a name")
	}
}

func TestParseErrorsQuoteShortAndSafe(t *testing.T) {
	long := strings.Repeat("x", 500)
	for _, tc := range []struct {
		what  string
		err   error
		never string
	}{
		{"type", errOf(ParseKind("\x1b[31mtotp")), "\x1b"},
		{"type", errOf(ParseKind(long)), long[:40]},
		{"algorithm", errOf(ParseAlgorithm("\u202eSHA1")), "\u202e"},
		{"algorithm", errOf(ParseAlgorithm("JBSWY3DPEHPK3PXPJBSW")), "JBSWY3DPEHPK"},
		{"uri type", errOf(ParseURI("otpauth://t\x1bp/x?secret=GE")), "\x1b"},
		{"uri algorithm", errOf(ParseURI("otpauth://totp/x?secret=GE&algorithm=%1B%07")), "\x1b"},
	} {
		if tc.err == nil {
			t.Errorf("%s: accepted", tc.what)
			continue
		}
		msg := tc.err.Error()
		if strings.Contains(msg, tc.never) || HasUnsafeText(msg) {
			t.Errorf("%s: error quotes raw input: %q", tc.what, msg)
		}
	}
}

func errOf[T any](_ T, err error) error { return err }

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"GitHub", hostile, "two\nlines\r\n", "\xff\xfe", "JBSWY3DPEHPK3PXP", strings.Repeat("é", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		label := CleanLabel(s)
		if HasUnsafeText(label) || label != CleanLabel(label) {
			t.Fatalf("CleanLabel(%q) = %q: unsafe or not idempotent", s, label)
		}
		note := CleanNote(s)
		if HasUnsafeText(strings.NewReplacer("\n", "", "\t", "").Replace(note)) || note != CleanNote(note) {
			t.Fatalf("CleanNote(%q) = %q: unsafe or not idempotent", s, note)
		}
		if esc := EscapeLabel(s); HasUnsafeText(esc) {
			t.Fatalf("EscapeLabel(%q) = %q", s, esc)
		}
		q := QuoteShort(s)
		if HasUnsafeText(q) {
			t.Fatalf("QuoteShort(%q) = %q", s, q)
		}
		// 32 runes, each escaped to at most 6 characters, plus quotes.
		if n := utf8.RuneCountInString(q); n > maxQuoteRunes*6+3 && !strings.HasPrefix(q, "the given value") {
			t.Fatalf("QuoteShort(%q) is %d runes long", s, n)
		}
	})
}

// A plain file given as the vault, or a search term with escapes, must
// not come back word for word in an error.
func TestErrorsNeverEchoContent(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	plain := "JBSWY3DPEHPK3PXP is my GitHub secret\n"
	for _, data := range []string{plain, "age-encryption.org/v1\n-> " + plain} {
		_, err := decodeVault([]byte(data), id)
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("decodeVault(%q) = %v, want ErrCorrupt", data, err)
		}
		if strings.Contains(err.Error(), "JBSWY3DP") || strings.Contains(err.Error(), "GitHub") {
			t.Errorf("error repeats the file: %v", err)
		}
	}
	v := NewMemory()
	_, err = v.Find("\x1b[2J\u202eno such thing")
	if !errors.Is(err, ErrNoSuchAccount) || HasUnsafeText(err.Error()) {
		t.Errorf("Find error = %q", err)
	}
}

// The common case, a clean name, costs one scan and no allocation.
func BenchmarkCleanLabel(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"clean", "GitHub (alice@example.com)"},
		{"hostile", hostile + " (alice@example.com)"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				CleanLabel(bc.in)
			}
		})
	}
}
