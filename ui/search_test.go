package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestSearchRanksLikeTheCommandLine is issue #13 item 8 in the window:
// search was substring-only ("ghb" found nothing) and kept the display
// order; now exact and prefix matches lead, as `sparekey code` picks.
func TestSearchRanksLikeTheCommandLine(t *testing.T) {
	h := newHarness(t, "keyring", nil,
		"otpauth://totp/Legit%20Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Legit%20Bank",
		uriGitHub,
		"otpauth://totp/Neighbourhood%20Bank:carol?secret=KRSXG5DTMVRXEZLU&issuer=Neighbourhood%20Bank",
	)
	m := h.u.main
	tests := []struct{ query, want string }{
		{"git", "GitHub,Legit Bank"},              // prefix first
		{"ghb", "GitHub,Neighbourhood Bank"},      // letters in order, best first
		{"bank", "Legit Bank,Neighbourhood Bank"}, // words, display order
	}
	for _, tt := range tests {
		m.search.SetText("")
		test.Type(m.search, tt.query)
		if got := strings.Join(h.shown(), ","); got != tt.want {
			t.Errorf("search %q shows %s, want %s", tt.query, got, tt.want)
		}
	}
}
