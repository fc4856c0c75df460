package zxcvbn

import (
	"strings"
	"testing"

	upstream "github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
)

// samePasswordStrength fails t unless ours and upstream's estimates of p
// agree: the same score, the same guesses and the same matched patterns.
func samePasswordStrength(t *testing.T, p string, userInputs []string) {
	t.Helper()
	got := PasswordStrength(p, userInputs)
	want := upstream.PasswordStrength(p, userInputs)
	if got.Score != want.Score || got.Guesses != want.Guesses {
		t.Fatalf("PasswordStrength(%q, %q) = score %d, %g guesses; upstream says score %d, %g guesses",
			p, userInputs, got.Score, got.Guesses, want.Score, want.Guesses)
	}
	if patterns(got.Sequence) != patterns(want.Sequence) {
		t.Fatalf("PasswordStrength(%q) matched %s; upstream matched %s", p, patterns(got.Sequence), patterns(want.Sequence))
	}
}

func patterns(seq []*match.Match) string {
	var b strings.Builder
	for _, m := range seq {
		b.WriteString(m.Pattern + ":" + m.Token + " ")
	}
	return b.String()
}

func TestSameScoresAsUpstream(t *testing.T) {
	tests := []struct {
		name       string
		password   string
		userInputs []string
	}{
		{"empty", "", nil},
		{"common password", "password", nil},
		{"top password", "123456", nil},
		{"capitalised word", "Password", nil},
		{"all caps", "PASSWORD", nil},
		{"l33t", "p@ssw0rd", nil},
		{"l33t mixed", "P4$$w0rd!", nil},
		{"l33t word", "tr0ub4dor&3", nil},
		{"reversed", "drowssap", nil},
		{"name", "jennifer", nil},
		{"surname and year", "smith1987", nil},
		{"tv word", "starwars", nil},
		{"wikipedia words", "correct horse battery staple", nil},
		{"date with separators", "11/20/91", nil},
		{"date without separators", "19911120", nil},
		{"date in text", "r0sebudmaelstrom11/20/91aaaa", nil},
		{"recent year", "sparkle2013", nil},
		{"keyboard walk", "qwertyuiop", nil},
		{"shifted keyboard walk", "QWErty!@#", nil},
		{"dvorak walk", "aoeuidhtns", nil},
		{"keypad walk", "147852369", nil},
		{"repeat", "aaaaaaaaaa", nil},
		{"repeated word", "abcabcabcabc", nil},
		{"repeated words", "horsehorsehorse", nil},
		{"sequence", "abcdefgh", nil},
		{"digit sequence", "13579", nil},
		{"descending sequence", "zyxwvu", nil},
		{"user input", "alice-sparekey", []string{"alice", "sparekey"}},
		{"user input l33t", "4lic3!", []string{"alice"}},
		{"user input capitals", "SpareKeyVault", []string{"sparekey", "vault"}},
		{"random", "vK3#pq9!Lm", nil},
		{"long random", "Zq8!rT2@wY6#uI0$oP4%aS", nil},
		{"unicode", "ééééééééé", nil},
		{"mixed scripts", "пароль密码パスワード", nil},
		{"invalid utf-8", "\xff\xfepass", nil},
		{"long", strings.Repeat("long and unusual words ", 4), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { samePasswordStrength(t, tt.password, tt.userInputs) })
	}
}

func FuzzSameScoresAsUpstream(f *testing.F) {
	for _, s := range []string{"", "password", "p@ssw0rd", "qwerty123", "11/20/91", "abcabc", "correct horse", "\xff"} {
		f.Add(s, "alice")
	}
	f.Fuzz(func(t *testing.T, p, userInput string) {
		if len(p) > 100 {
			// zxcvbn is quadratic in the length; longer adds time, not cases.
			p = p[:100]
		}
		samePasswordStrength(t, p, []string{userInput})
	})
}
