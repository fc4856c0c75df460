package vault

import (
	"errors"
	"strings"
	"testing"
)

func TestPassphraseRule(t *testing.T) {
	tests := []struct {
		pass     string
		ok       bool
		tooShort bool
	}{
		{"x", false, true},
		{"hunter2", false, true},
		{"password", false, false},
		{"password123", false, false},
		{"sparekey2026", false, false},
		{"qwertyuiop", false, false},
		{"correct horse", true, false},
		{"correct horse battery staple", true, false},
		{"vK3#pq9!Lm", true, false},
		{strings.Repeat("long and unusual words ", 40), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.pass[:min(len(tt.pass), 20)], func(t *testing.T) {
			err := PassphraseProblem([]byte(tt.pass))
			if (err == nil) != tt.ok {
				t.Fatalf("PassphraseProblem = %v, want ok %v (score %d)", err, tt.ok, EstimatePassphrase([]byte(tt.pass)).Score)
			}
			var weak *WeakPassphraseError
			if err != nil && (!errors.Is(err, ErrWeakPassphrase) || !errors.As(err, &weak) || weak.TooShort != tt.tooShort) {
				t.Fatalf("error %#v", err)
			}
			if err != nil && strings.Contains(err.Error(), tt.pass) {
				t.Fatalf("the error holds the passphrase: %v", err)
			}
		})
	}
}

func TestCrackTime(t *testing.T) {
	for _, tt := range []struct {
		s    float64
		want string
	}{{0.2, "less than a second"}, {1, "about a second"}, {90, "about 2 minutes"}, {3 * 86400, "about 3 days"}, {1e12, "centuries"}} {
		if got := crackTime(tt.s); got != tt.want {
			t.Errorf("crackTime(%v) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func FuzzEstimatePassphrase(f *testing.F) {
	for _, s := range []string{"", "x", "correct horse", "p@ssw0rd", "\xff\xfe", "ééééééééé"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st := EstimatePassphrase([]byte(s))
		if st.Score < 0 || st.Score > 4 || st.CrackTime == "" {
			t.Fatalf("%+v", st)
		}
	})
}
