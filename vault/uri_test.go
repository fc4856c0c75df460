package vault

import (
	"errors"
	"strings"
	"testing"
)

const uriSecret = "JBSWY3DPEHPK3PXP"

func TestParseURIValid(t *testing.T) {
	for _, tc := range []struct {
		name string
		uri  string
		want Account
	}{
		{"minimal", "otpauth://totp/alice?secret=" + uriSecret,
			Account{Name: "alice", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"full", "otpauth://totp/Example:alice@example.com?secret=" + uriSecret + "&issuer=Example&algorithm=SHA256&digits=8&period=60",
			Account{Issuer: "Example", Name: "alice@example.com", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA256, Digits: 8, Period: 60}},
		{"issuer param only", "otpauth://totp/alice?secret=" + uriSecret + "&issuer=ACME",
			Account{Issuer: "ACME", Name: "alice", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"issuer param wins over label", "otpauth://totp/Old%20Name:alice?secret=" + uriSecret + "&issuer=New",
			Account{Issuer: "New", Name: "alice", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"empty issuer param keeps label", "otpauth://totp/Label:alice?secret=" + uriSecret + "&issuer=",
			Account{Issuer: "Label", Name: "alice", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"escaped colon and spaces", "otpauth://totp/My%20Bank%3A%20bob?secret=" + uriSecret,
			Account{Issuer: "My Bank", Name: "bob", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"issuer with a colon", "otpauth://totp/A%3AB:carol?secret=" + uriSecret + "&issuer=A%3AB",
			Account{Issuer: "A:B", Name: "carol", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"issuer only, no name", "otpauth://totp/?secret=" + uriSecret + "&issuer=Solo",
			Account{Issuer: "Solo", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"lower-case secret", "otpauth://totp/a?secret=" + strings.ToLower(uriSecret),
			Account{Name: "a", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"spaced secret", "otpauth://totp/a?secret=jbsw%20y3dp+ehpk-3pxp",
			Account{Name: "a", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"padded secret", "otpauth://totp/a?secret=JBSWY3DPEHPK3PX%3D",
			Account{Name: "a", Secret: "JBSWY3DPEHPK3PQ", Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"upper-case type and scheme", "OTPAUTH://TOTP/a?secret=" + uriSecret,
			Account{Name: "a", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"algorithm spellings", "otpauth://totp/a?secret=" + uriSecret + "&algorithm=sha-512",
			Account{Name: "a", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA512, Digits: 6, Period: 30}},
		{"identical duplicate params", "otpauth://totp/a?secret=" + uriSecret + "&digits=7&digits=7",
			Account{Name: "a", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 7, Period: 30}},
		{"unknown params ignored", "otpauth://totp/a?secret=" + uriSecret + "&image=https%3A%2F%2Fx%2Fy.png&foo=bar",
			Account{Name: "a", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"hotp with counter", "otpauth://hotp/Bank:dave?secret=" + uriSecret + "&counter=42&digits=8",
			Account{Issuer: "Bank", Name: "dave", Secret: uriSecret, Kind: KindHOTP, Algorithm: SHA1, Digits: 8, Counter: 42}},
		{"hotp without counter", "otpauth://hotp/dave?secret=" + uriSecret,
			Account{Name: "dave", Secret: uriSecret, Kind: KindHOTP, Algorithm: SHA1, Digits: 6}},
		{"hotp ignores period", "otpauth://hotp/dave?secret=" + uriSecret + "&period=0",
			Account{Name: "dave", Secret: uriSecret, Kind: KindHOTP, Algorithm: SHA1, Digits: 6}},
		{"steam defaults", "otpauth://steam/Steam:gamer?secret=" + uriSecret,
			Account{Issuer: "Steam", Name: "gamer", Secret: uriSecret, Kind: KindSteam, Algorithm: SHA1, Digits: 5, Period: 30}},
		{"steam with explicit 5 digits", "otpauth://steam/gamer?secret=" + uriSecret + "&digits=5&issuer=Steam",
			Account{Issuer: "Steam", Name: "gamer", Secret: uriSecret, Kind: KindSteam, Algorithm: SHA1, Digits: 5, Period: 30}},
		{"surrounding whitespace", "  otpauth://totp/a?secret=" + uriSecret + "\n",
			Account{Name: "a", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}},
		{"digits at the limits", "otpauth://totp/a?secret=" + uriSecret + "&digits=10&period=86400",
			Account{Name: "a", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 10, Period: 86400}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseURI(tc.uri)
			if err != nil {
				t.Fatalf("ParseURI: %v", err)
			}
			w := tc.want
			if got.Issuer != w.Issuer || got.Name != w.Name || got.Secret != w.Secret || got.Kind != w.Kind ||
				got.Algorithm != w.Algorithm || got.Digits != w.Digits || got.Period != w.Period || got.Counter != w.Counter {
				t.Errorf("got  %+v\nwant %+v", *got, w)
			}
			if got.ID == "" || got.Created.IsZero() {
				t.Errorf("parsed account lacks an ID or timestamps: %+v", got)
			}
		})
	}
}

func TestParseURIInvalid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		uri    string
		field  string // FieldError.Field; "" when another error type is expected
		is     []error
		secret string // must not appear in the message
	}{
		{"empty", "   ", "uri", []error{ErrInvalidURI}, ""},
		{"bare secret", "JBSWY3DPEHPK3PXPJBSW", "scheme", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXPJBSW"},
		{"web link", "https://example.com/?secret=JBSWY3DPEHPK3PXQ", "scheme", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXQ"},
		{"opaque otpauth", "otpauth:totp/a?secret=JBSWY3DPEHPK3PXR", "scheme", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXR"},
		{"migration", "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8", "", []error{ErrMigrationURI}, "CjEKCkhlbGxvId6tvu8"},
		{"migration upper case", "OTPAUTH-MIGRATION://offline?data=CjEKCkhlbGxvId6tvu8", "", []error{ErrMigrationURI}, ""},
		{"unknown type", "otpauth://motp/a?secret=JBSWY3DPEHPK3PXS", "type", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXS"},
		{"no type", "otpauth:///a?secret=JBSWY3DPEHPK3PXS", "type", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXS"},
		{"bad escape in label", "otpauth://totp/a%zz?secret=JBSWY3DPEHPK3PXT", "uri", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXT"},
		{"bad escape in query", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXU%zz", "query", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXU"},
		{"control character", "otpauth://totp/a\x01?secret=JBSWY3DPEHPK3PXV", "uri", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXV"},
		{"bad port", "otpauth://totp:x/a?secret=JBSWY3DPEHPK3PXW", "uri", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXW"},
		{"no secret", "otpauth://totp/a?issuer=X", "secret", []error{ErrInvalidURI}, ""},
		{"empty secret", "otpauth://totp/a?secret=&issuer=X", "secret", []error{ErrInvalidURI}, ""},
		{"blank secret", "otpauth://totp/a?secret=%20%20", "secret", []error{ErrInvalidURI}, ""},
		{"bad base32 digit", "otpauth://totp/a?secret=JBSWY3DPEHPK3PX1", "secret", []error{ErrInvalidURI, ErrInvalidSecret}, "JBSWY3DPEHPK3PX1"},
		{"bad base32 length", "otpauth://totp/a?secret=JBSWY3DPE", "secret", []error{ErrInvalidURI, ErrInvalidSecret}, "JBSWY3DPE"},
		{"base32 with letters outside the alphabet", "otpauth://totp/a?secret=JBSWY3DPEHPK3P0O", "secret", []error{ErrInvalidURI, ErrInvalidSecret}, "JBSWY3DPEHPK3P0O"},
		{"conflicting secrets", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&secret=GEZDGNBVGY3TQOJQ", "secret", []error{ErrInvalidURI}, "GEZDGNBVGY3TQOJQ"},
		{"conflicting issuers", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&issuer=A&issuer=B", "issuer", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"conflicting digits", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=6&digits=8", "digits", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"conflicting counters", "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=1&counter=2", "counter", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"unsupported algorithm", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=MD5", "algorithm", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"digits too few", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=4", "digits", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"digits too many", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=11", "digits", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"digits not a number", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=six", "digits", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"steam with 6 digits", "otpauth://steam/a?secret=JBSWY3DPEHPK3PXP&digits=6", "digits", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"period zero", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0", "period", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"period negative", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=-30", "period", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"period too long", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=86401", "period", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"negative counter", "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=-1", "counter", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"counter overflow", "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551616", "counter", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"no issuer and no name", "otpauth://totp/?secret=JBSWY3DPEHPK3PXP", "name", []error{ErrInvalidURI, ErrInvalidAccount}, "JBSWY3DPEHPK3PXP"},
		{"name too long", "otpauth://totp/" + strings.Repeat("n", 600) + "?secret=JBSWY3DPEHPK3PXP", "name", []error{ErrInvalidURI, ErrInvalidAccount}, "JBSWY3DPEHPK3PXP"},
		{"semicolon separator", "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP;digits=6", "query", []error{ErrInvalidURI}, "JBSWY3DPEHPK3PXP"},
		{"too long", "otpauth://totp/a?secret=" + strings.Repeat("A", 70000), "uri", []error{ErrInvalidURI}, strings.Repeat("A", 32)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseURI(tc.uri)
			if err == nil {
				t.Fatalf("accepted: %+v", a)
			}
			for _, target := range tc.is {
				if !errors.Is(err, target) {
					t.Errorf("error %q is not %v", err, target)
				}
			}
			var fe *FieldError
			if tc.field != "" {
				if !errors.As(err, &fe) {
					t.Fatalf("error %q (%T) is not a *FieldError", err, err)
				}
				if fe.Field != tc.field {
					t.Errorf("field = %q, want %q (error %q)", fe.Field, tc.field, err)
				}
			}
			if tc.secret != "" && strings.Contains(strings.ToUpper(err.Error()), strings.ToUpper(tc.secret)) {
				t.Errorf("error message leaks the secret: %q", err)
			}
			if msg := err.Error(); msg == "" || msg != strings.TrimSpace(msg) {
				t.Errorf("unhelpful message %q", msg)
			}
		})
	}
}

// TestURIRoundTrip checks that what URI writes, ParseURI reads back the same,
// including labels with the characters the format reserves.
func TestURIRoundTrip(t *testing.T) {
	labels := []struct{ issuer, name string }{
		{"GitHub", "alice"},
		{"", "alice@example.com"},
		{"Solo", ""},
		{"My Bank", "bob smith"},
		{"A:B", "carol"},
		{"", "x:y"},
		{"Issuer", "name:with:colons"},
		{"Ünïcødé ✓", "名前"},
		{"per%cent", "slash/and?query&amp=#frag"},
		{"plus+sign", "a+b"},
	}
	var accts []*Account
	for i, l := range labels {
		accts = append(accts, mustAccount(t, Account{Issuer: l.issuer, Name: l.name, Secret: SecretFromBytes([]byte("seed-" + itoa(i)))}))
	}
	accts = append(accts, sampleAccounts(t, 12)...)
	for _, a := range accts {
		u := a.URI()
		b, err := ParseURI(u)
		if err != nil {
			t.Errorf("%s: ParseURI(%s): %v", a.Label(), u, err)
			continue
		}
		if b.Issuer != a.Issuer || b.Name != a.Name || !b.SameSeed(a) || b.Counter != a.Counter || b.Period != a.Period {
			t.Errorf("round trip through %s\n got  %+v\n want %+v", u, *b, *a)
		}
	}
}
