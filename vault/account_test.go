package vault

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeSecret(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXP", true},
		{"jbswy3dpehpk3pxp", "JBSWY3DPEHPK3PXP", true},
		{"jbsw y3dp ehpk 3pxp", "JBSWY3DPEHPK3PXP", true},
		{"JBSW-Y3DP-EHPK-3PXP", "JBSWY3DPEHPK3PXP", true},
		{" JBSWY3DP\tEHPK3PXP\r\n", "JBSWY3DPEHPK3PXP", true},
		{"JBSWY3DPEHPK3PX=", "JBSWY3DPEHPK3PQ", true}, // padding dropped, unused trailing bits cleared
		{"JBSWY3DPEHPK3PQ", "JBSWY3DPEHPK3PQ", true},
		{"GE======", "GE", true}, // one byte
		{"", "", false},
		{"  - = ", "", false},
		{"A", "", false},                       // no whole byte
		{"JBSWY3DPE", "", false},               // 9 characters: not a base32 length
		{"JBSWY3DPEHP", "", false},             // 11
		{"JBSWY3DPEHPK3P", "", false},          // 14
		{"JBSWY3DPEHPK3PX1", "", false},        // 1 is not base32
		{"JBSWY3DPEHPK3PX8", "", false},        // nor 8
		{"JBSWY3DPÉHPK3PXP", "", false},        // nor accents
		{"JBSW_Y3DPEHPK3PX", "", false},        // nor underscores
		{strings.Repeat("A", 1640), "", false}, // 1025 bytes
	} {
		got, err := NormalizeSecret(tc.in)
		if tc.ok != (err == nil) || got != tc.want {
			t.Errorf("NormalizeSecret(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidSecret) {
				t.Errorf("NormalizeSecret(%q): %v is not ErrInvalidSecret", tc.in, err)
			}
			if s := strings.TrimSpace(tc.in); len(s) >= 4 && strings.Contains(err.Error(), s) {
				t.Errorf("error leaks the secret: %v", err)
			}
		}
	}
	// The longest key allowed is accepted.
	if _, err := NormalizeSecret(SecretFromBytes(make([]byte, MaxSecretBytes))); err != nil {
		t.Errorf("a %d-byte key was refused: %v", MaxSecretBytes, err)
	}
}

func TestNewAccountDefaults(t *testing.T) {
	for _, tc := range []struct {
		in             Account
		kind           Kind
		alg            Algorithm
		digits, period int
	}{
		{Account{Name: "a", Secret: uriSecret}, KindTOTP, SHA1, 6, 30},
		{Account{Name: "a", Secret: uriSecret, Kind: KindHOTP}, KindHOTP, SHA1, 6, 0},
		{Account{Name: "a", Secret: uriSecret, Kind: KindSteam}, KindSteam, SHA1, 5, 30},
		{Account{Name: "a", Secret: uriSecret, Algorithm: SHA512, Digits: 8, Period: 60}, KindTOTP, SHA512, 8, 60},
	} {
		a, err := NewAccount(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind != tc.kind || a.Algorithm != tc.alg || a.Digits != tc.digits || a.Period != tc.period {
			t.Errorf("NewAccount(%+v) = %+v", tc.in, *a)
		}
		if len(a.ID) != 32 || a.Created.IsZero() || !a.Created.Equal(a.Updated) || a.Created.Location().String() != "UTC" {
			t.Errorf("NewAccount: id %q created %v updated %v", a.ID, a.Created, a.Updated)
		}
	}
	a := mustAccount(t, Account{Issuer: "  Spaced  ", Name: " n ", Secret: "jbsw y3dp ehpk 3pxp", Tags: []string{" work ", "", "work", "home"}})
	if a.Issuer != "Spaced" || a.Name != "n" || a.Secret != uriSecret || strings.Join(a.Tags, ",") != "work,home" {
		t.Errorf("not normalised: %+v", *a)
	}
	if a2 := mustAccount(t, Account{ID: "keep", Name: "n", Secret: uriSecret}); a2.ID != "keep" {
		t.Errorf("NewAccount replaced a given ID: %q", a2.ID)
	}
}

func TestValidate(t *testing.T) {
	good := func() Account {
		return Account{Name: "a", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Account)
		field string
		is    error
	}{
		{"kind", func(a *Account) { a.Kind = "motp" }, "type", ErrInvalidAccount},
		{"algorithm", func(a *Account) { a.Algorithm = "MD5" }, "algorithm", ErrInvalidAccount},
		{"digits low", func(a *Account) { a.Digits = 4 }, "digits", ErrInvalidAccount},
		{"digits high", func(a *Account) { a.Digits = 11 }, "digits", ErrInvalidAccount},
		{"steam digits", func(a *Account) { a.Kind = KindSteam; a.Digits = 6 }, "digits", ErrInvalidAccount},
		{"period zero", func(a *Account) { a.Period = 0 }, "period", ErrInvalidAccount},
		{"period high", func(a *Account) { a.Period = MaxPeriod + 1 }, "period", ErrInvalidAccount},
		{"secret", func(a *Account) { a.Secret = "jbswy3dpehpk3pxp" }, "secret", ErrInvalidSecret},
		{"no label", func(a *Account) { a.Name = "" }, "name", ErrInvalidAccount},
		{"long issuer", func(a *Account) { a.Issuer = strings.Repeat("i", 513) }, "name", ErrInvalidAccount},
	} {
		a := good()
		tc.edit(&a)
		err := a.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, tc.is) {
			t.Errorf("%s: Validate() = %v, want a %s error on %q", tc.name, err, tc.is, tc.field)
		}
		if err != nil && strings.Contains(err.Error(), "jbswy3dpehpk3pxp") {
			t.Errorf("%s: error leaks the secret: %v", tc.name, err)
		}
	}
	hotp := good()
	hotp.Kind, hotp.Period = KindHOTP, 0
	if err := hotp.Validate(); err != nil {
		t.Errorf("HOTP without a period: %v", err)
	}
}

func TestParseAlgorithmAndKind(t *testing.T) {
	for in, want := range map[string]Algorithm{"": SHA1, "sha1": SHA1, "SHA-1": SHA1, " sha256 ": SHA256, "Sha-512": SHA512} {
		if got, err := ParseAlgorithm(in); err != nil || got != want {
			t.Errorf("ParseAlgorithm(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"MD5", "SHA384", "sha3-256"} {
		if _, err := ParseAlgorithm(in); !errors.Is(err, ErrInvalidAccount) {
			t.Errorf("ParseAlgorithm(%q) = %v", in, err)
		}
	}
	for in, want := range map[string]Kind{"totp": KindTOTP, "HOTP": KindHOTP, " Steam ": KindSteam} {
		if got, err := ParseKind(in); err != nil || got != want {
			t.Errorf("ParseKind(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "motp", "yubico"} {
		if _, err := ParseKind(in); !errors.Is(err, ErrInvalidAccount) {
			t.Errorf("ParseKind(%q) = %v", in, err)
		}
	}
}

func TestLabelSameSeedClone(t *testing.T) {
	for _, tc := range []struct{ issuer, name, want string }{
		{"GitHub", "alice", "GitHub (alice)"}, {"", "alice", "alice"}, {"GitHub", "", "GitHub"},
	} {
		if got := (&Account{Issuer: tc.issuer, Name: tc.name}).Label(); got != tc.want {
			t.Errorf("Label(%q, %q) = %q", tc.issuer, tc.name, got)
		}
	}

	a := mustAccount(t, Account{Issuer: "I", Name: "n", Secret: uriSecret, Tags: []string{"x"}, AWS: &AWSBinding{AccountID: "123456789012"}})
	b := a.Clone()
	b.Name, b.Tags[0], b.AWS.AccountID = "other", "changed", "999"
	if a.Tags[0] != "x" || a.AWS.AccountID != "123456789012" {
		t.Error("Clone shares tags or the AWS binding with the original")
	}
	if !a.SameSeed(b) {
		t.Error("different labels must not make different seeds")
	}
	for name, edit := range map[string]func(*Account){
		"secret":    func(c *Account) { c.Secret = "GEZDGNBV" },
		"kind":      func(c *Account) { c.Kind = KindHOTP },
		"algorithm": func(c *Account) { c.Algorithm = SHA256 },
		"digits":    func(c *Account) { c.Digits = 8 },
		"period":    func(c *Account) { c.Period = 60 },
	} {
		c := a.Clone()
		edit(c)
		if a.SameSeed(c) {
			t.Errorf("a different %s still counts as the same seed", name)
		}
	}
	h1 := mustAccount(t, Account{Name: "h", Secret: uriSecret, Kind: KindHOTP, Counter: 1})
	h2 := h1.Clone()
	h2.Counter, h2.Period = 99, 30
	if !h1.SameSeed(h2) {
		t.Error("HOTP counters and periods must not split a seed")
	}
}

func TestGroupSecretAndNewID(t *testing.T) {
	for in, want := range map[string]string{"": "", "ABC": "ABC", "ABCD": "ABCD", "JBSWY3DPEHPK3PXP": "JBSW Y3DP EHPK 3PXP", "JBSWY3DPEHPK3PQ": "JBSW Y3DP EHPK 3PQ"} {
		if got := GroupSecret(in); got != want {
			t.Errorf("GroupSecret(%q) = %q", in, got)
		}
	}
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if len(id) != 32 || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}
