package vault

import (
	"testing"
	"time"
)

// rfcAccount builds an account straight from raw key bytes, as the RFCs
// state their seeds in ASCII.
func rfcAccount(t testing.TB, kind Kind, alg Algorithm, digits int, key string) *Account {
	t.Helper()
	a, err := NewAccount(Account{Issuer: "RFC", Name: string(alg), Kind: kind, Algorithm: alg, Digits: digits, Secret: SecretFromBytes([]byte(key))})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// RFC 4226, Appendix D.
func TestHOTPRFC4226(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	a := rfcAccount(t, KindHOTP, SHA1, 6, "12345678901234567890")
	for counter, w := range want {
		got, err := a.CodeForCounter(uint64(counter))
		if err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Errorf("counter %d: got %s, want %s", counter, got, w)
		}
		a.Counter = uint64(counter)
		if got, _ := a.CodeAt(time.Now()); got != w {
			t.Errorf("CodeAt with counter %d: got %s, want %s", counter, got, w)
		}
		if counter+1 < len(want) {
			if next, _ := a.NextCodeAt(time.Now()); next != want[counter+1] {
				t.Errorf("NextCodeAt with counter %d: got %s, want %s", counter, next, want[counter+1])
			}
		}
	}
}

// RFC 6238, Appendix B: each algorithm has its own seed length.
func TestTOTPRFC6238(t *testing.T) {
	seeds := map[Algorithm]string{
		SHA1:   "12345678901234567890",
		SHA256: "12345678901234567890123456789012",
		SHA512: "1234567890123456789012345678901234567890123456789012345678901234",
	}
	vectors := []struct {
		unix                 int64
		sha1, sha256, sha512 string
	}{
		{59, "94287082", "46119246", "90693936"},
		{1111111109, "07081804", "68084774", "25091201"},
		{1111111111, "14050471", "67062674", "99943326"},
		{1234567890, "89005924", "91819424", "93441116"},
		{2000000000, "69279037", "90698825", "38618901"},
		{20000000000, "65353130", "77737706", "47863826"},
	}
	for _, v := range vectors {
		for alg, want := range map[Algorithm]string{SHA1: v.sha1, SHA256: v.sha256, SHA512: v.sha512} {
			a := rfcAccount(t, KindTOTP, alg, 8, seeds[alg])
			got, err := a.CodeAt(time.Unix(v.unix, 0))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s at %d: got %s, want %s", alg, v.unix, got, want)
			}
		}
	}
}

// Steam vectors computed by hand (HMAC-SHA1, dynamic truncation, then five
// base-26 digits over Steam's alphabet, least significant first) with an
// independent script, not with the library under test.
func TestSteamCodes(t *testing.T) {
	a := rfcAccount(t, KindSteam, SHA1, 0, "12345678901234567890")
	if a.Digits != SteamDigits || a.Period != 30 {
		t.Fatalf("steam defaults: digits %d period %d", a.Digits, a.Period)
	}
	for unix, want := range map[int64]string{59: "PV9M4", 1111111109: "PY4YB", 1234567890: "VHHQY", 2000000000: "9N776"} {
		got, err := a.CodeAt(time.Unix(unix, 0))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("at %d: got %s, want %s", unix, got, want)
		}
	}
}

func TestStepAndRemaining(t *testing.T) {
	a := &Account{Kind: KindTOTP, Period: 30}
	for _, tc := range []struct {
		unix      int64
		step      uint64
		remaining time.Duration
	}{
		{0, 0, 30 * time.Second},
		{29, 0, time.Second},
		{30, 1, 30 * time.Second},
		{59, 1, time.Second},
		{1111111109, 37037036, 1 * time.Second},
	} {
		tm := time.Unix(tc.unix, 0)
		if got := a.Step(tm); got != tc.step {
			t.Errorf("Step(%d) = %d, want %d", tc.unix, got, tc.step)
		}
		if got := a.Remaining(tm); got != tc.remaining {
			t.Errorf("Remaining(%d) = %v, want %v", tc.unix, got, tc.remaining)
		}
	}
	// Sub-second precision: half a second into a step leaves 29.5 s.
	if got := a.Remaining(time.Unix(30, 5e8)); got != 29500*time.Millisecond {
		t.Errorf("Remaining(30.5) = %v", got)
	}
	// A zero period (HOTP accounts, hand-built accounts) falls back to 30 s.
	if got := (&Account{}).Step(time.Unix(60, 0)); got != 2 {
		t.Errorf("Step with no period = %d", got)
	}
}

func TestCodeForCounterBadSecret(t *testing.T) {
	a := &Account{Issuer: "X", Secret: "!!!notbase32", Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}
	_, err := a.CodeForCounter(1)
	if err == nil {
		t.Fatal("a bad secret produced a code")
	}
	if contains(err.Error(), "notbase32") {
		t.Errorf("error leaks the secret: %v", err)
	}
}

func TestGroupCode(t *testing.T) {
	for in, want := range map[string]string{
		"12345":      "12345",
		"123456":     "123 456",
		"1234567":    "1234 567",
		"12345678":   "1234 5678",
		"123456789":  "123 456 789",
		"1234567890": "12345 67890",
		"PV9M4":      "PV9M4",
	} {
		if got := GroupCode(in); got != want {
			t.Errorf("GroupCode(%q) = %q, want %q", in, got, want)
		}
	}
}
