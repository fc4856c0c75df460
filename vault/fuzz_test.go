package vault

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"filippo.io/age"
)

func FuzzParseURI(f *testing.F) {
	for _, s := range []string{
		"otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
		"otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&algorithm=SHA512&digits=8&period=60",
		"otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&counter=18446744073709551615",
		"otpauth://steam/Steam:gamer?secret=GEZDGNBV&issuer=Steam",
		"otpauth://totp/A%3AB:c?secret=jbsw%20y3dp&issuer=A%3AB",
		"otpauth://totp/:x:y?secret=GE",
		"otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&secret=GEZDGNBV",
		"otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8",
		"otpauth://totp/%E5%90%8D?secret=JBSWY3DPEHPK3PX%3D",
		"https://example.com",
		"otpauth://totp/%1B%5B31mEvil%07:bob%0D%00%E2%80%AE?secret=JBSWY3DPEHPK3PXP&issuer=%1B%5B31mEvil%07",
		"otpauth://totp/%E2%81%A6x%C2%9B:y?secret=GE&algorithm=%1B",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseURI(s)
		if err != nil {
			if a != nil {
				t.Fatal("an account came with an error")
			}
			if HasUnsafeText(err.Error()) {
				t.Fatalf("error carries an unsafe rune: %q", err)
			}
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("accepted an invalid account: %v", err)
		}
		// Whatever the link held, the label that reaches a screen is clean.
		if HasUnsafeText(a.Issuer) || HasUnsafeText(a.Name) {
			t.Fatalf("label kept an unsafe rune: %q / %q", a.Issuer, a.Name)
		}
		u := a.URI()
		b, err := ParseURI(u)
		if err != nil {
			t.Fatalf("URI() of an accepted account does not parse: %s: %v", u, err)
		}
		if !b.SameSeed(a) || b.Issuer != a.Issuer || b.Name != a.Name || b.Counter != a.Counter || b.Period != a.Period {
			t.Fatalf("round trip through %s changed\n%+v\ninto\n%+v", u, *a, *b)
		}
		if c, _ := ParseURI(b.URI()); c == nil || c.URI() != u {
			t.Fatalf("URI() is not stable: %s", u)
		}
	})
}

func FuzzNormalizeSecret(f *testing.F) {
	for _, s := range []string{"JBSWY3DPEHPK3PXP", "jbsw y3dp-ehpk 3pxp", "JBSWY3DPEHPK3PX=", "GE======", "A", "JBSWY3DPE", "1", "", "é", strings.Repeat("AB", 900)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := NormalizeSecret(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidSecret) {
				t.Fatalf("error %v is not ErrInvalidSecret", err)
			}
			if len(s) >= 12 && !strings.ContainsAny(s, " \t\r\n-=") && strings.Contains(err.Error(), s) {
				t.Fatalf("error leaks the input: %v", err)
			}
			return
		}
		if strings.Trim(out, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
			t.Fatalf("%q is not canonical base32", out)
		}
		raw, err := secretEncoding.DecodeString(out)
		if err != nil || len(raw) < MinSecretBytes || len(raw) > MaxSecretBytes {
			t.Fatalf("%q decodes to %d bytes, %v", out, len(raw), err)
		}
		if SecretFromBytes(raw) != out {
			t.Fatalf("%q is not the canonical encoding of its bytes", out)
		}
		if again, err := NormalizeSecret(out); err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q, %v", out, again, err)
		}
	})
}

// fuzzIdentity is a fixed key so that seeds can be real vault files; it
// protects nothing.
const fuzzIdentity = "AGE-SECRET-KEY-1PEDWKER7Z73NSW0QG6E07PK3U6ZM6FAA3VDXG5EEEDZ7FP2KWR3SWS94Z4"

func encryptTo(t testing.TB, r age.Recipient, plain []byte) []byte {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzDecodeVault feeds the same bytes to the document decoder and to the
// age-level decoder: neither may panic, and whatever is accepted must be a
// valid vault.
func FuzzDecodeVault(f *testing.F) {
	id, err := age.ParseX25519Identity(fuzzIdentity)
	if err != nil {
		f.Fatal(err)
	}
	docs := []string{
		`{"schema":1,"app":"sparekey","accounts":[]}`,
		`{"schema":1,"app":"sparekey","accounts":[{"id":"1","issuer":"I","name":"a","secret":"JBSWY3DPEHPK3PXP","kind":"totp","algorithm":"SHA1","digits":6,"period":30,"tags":["x"]}]}`,
		`{"schema":1,"app":"sparekey","accounts":[{"id":"2","name":"h","secret":"GEZDGNBV","kind":"hotp","algorithm":"SHA256","digits":8,"counter":5,"aws":{"account_id":"111122223333","root":true}}]}`,
		`{"schema":99,"app":"sparekey","accounts":[]}`,
		`{"schema":1,"app":"sparekey","accounts":[null]}`,
		`{"schema":0}`,
		`[]`,
	}
	for _, d := range docs {
		f.Add([]byte(d))
		f.Add(encryptTo(f, id.Recipient(), []byte(d)))
	}
	accts := sampleAccounts(f, 4)
	plain, _ := encodeDocument(&contents{accounts: accts})
	f.Add(encryptTo(f, id.Recipient(), plain))
	f.Add([]byte("age-encryption.org/v1\n-> X25519 \n--- \n"))

	check := func(t *testing.T, what string, c *contents, err error) {
		if err != nil {
			var newer *NewerSchemaError
			if !errors.Is(err, ErrCorrupt) && !errors.As(err, &newer) {
				t.Fatalf("%s: error %v is neither ErrCorrupt nor NewerSchemaError", what, err)
			}
			if c != nil {
				t.Fatalf("%s: accounts came with an error", what)
			}
			return
		}
		accts := c.accounts
		for _, a := range accts {
			if a == nil {
				t.Fatalf("%s: accepted a nil account", what)
			}
			if err := a.Validate(); err != nil {
				t.Fatalf("%s: accepted an invalid account: %v", what, err)
			}
		}
		// What was accepted survives a save and a read.
		again, err := encodeDocument(c)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeDocument(again)
		if err != nil || len(back.accounts) != len(accts) {
			t.Fatalf("%s: re-encoded vault does not decode: %v", what, err)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// decodeDocument wipes nothing, but decodeVault wipes its plaintext:
		// give each its own copy.
		c, err := decodeDocument(bytes.Clone(data))
		check(t, "document", c, err)
		c, err = decodeVault(bytes.Clone(data), id)
		check(t, "age file", c, err)
		// An accepted age file must also be exactly what decrypts.
		if err == nil {
			r, derr := age.Decrypt(bytes.NewReader(data), id)
			if derr != nil {
				t.Fatalf("decodeVault accepted what age refuses: %v", derr)
			}
			io.Copy(io.Discard, r)
		}
	})
}
