package ui

import (
	"strings"
	"testing"
)

func TestBreakablePaths(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Vault: /home/alice/.local/share/sparekey/vault.age", "Vault: /" + pathBreak + "home/" + pathBreak + "alice/" + pathBreak + ".local/" + pathBreak + "share/" + pathBreak + "sparekey/" + pathBreak + "vault.age"},
		{`C:\Users\alice\vault.age: damaged`, `C:\` + pathBreak + `Users\` + pathBreak + `alice\` + pathBreak + `vault.age: damaged`},
		{"either/or stays whole", "either/or stays whole"}, // one slash is a word, not a path
		{"no paths here", "no paths here"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := breakablePaths(tt.in); got != tt.want {
			t.Errorf("breakablePaths(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzBreakablePaths: the breaks are all that is added, so the text a
// person reads is the text given.
func FuzzBreakablePaths(f *testing.F) {
	for _, s := range []string{"/a/b/c", `C:\x\y`, "a b/c/d e", "//", "\u200a/\u200a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, pathBreak) {
			return
		}
		if got := strings.ReplaceAll(breakablePaths(s), pathBreak, ""); got != s {
			t.Errorf("breakablePaths changed %q into %q", s, got)
		}
	})
}
