package brand

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

func TestMatch(t *testing.T) {
	m := NewMatcher()
	for _, tc := range []struct {
		issuer string
		want   string // slug; "" for none
	}{
		{"GitHub", "github"},
		{"github", "github"},
		{"  GITHUB ", "github"},
		{"GitHub Enterprise", "github"},
		{"github.com", "github"},
		{"GitLab", "gitlab"},
		{"Google", "google"},
		{"Google Workspace", "google"},
		{"Twitter", "x"},
		{"X", "x"},
		{"Proton Mail", "proton"},
		{"ProtonMail", "proton"},
		{"Battle.net", "battledotnet"},
		{"Blizzard", "battledotnet"},
		{"1Password", "1password"},
		{"Epic Games", "epicgames"},
		{"Digital Ocean", "digitalocean"},
		{"DigitalOcean", "digitalocean"},
		{"Steam", "steam"},
		{"Docker Hub", "docker"},
		{"npm", "npm"},
		{"PayPal", "paypal"},
		{"Cloudflare 12", "cloudflare"},
		// No mark, or too short a first word to trust alone: the initial.
		{"AWS", ""},
		{"AWS (practice-admin@123456789012)", ""},
		{"Amazon", ""},
		{"Microsoft", ""},
		{"X Bank", ""},
		{"EA Credit Union", ""},
		{"Issuer 12", ""},
		{"My Bank", ""},
		{"", ""},
		{"!!!", ""},
	} {
		ic, ok := m.Match(tc.issuer)
		if got := ic.Slug; got != tc.want || ok != (tc.want != "") {
			t.Errorf("Match(%q) = %q, %v; want %q", tc.issuer, got, ok, tc.want)
		}
	}
}

// TestEveryIconHasItsPicture: the table and svg/ come from one generator
// run; an entry without its SVG would show an empty square.
func TestEveryIconHasItsPicture(t *testing.T) {
	if len(icons) < 60 {
		t.Fatalf("only %d icons bundled", len(icons))
	}
	for i := range icons {
		ic := iconAt(i)
		svg := ic.SVG()
		if !bytes.HasPrefix(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("<path")) {
			t.Errorf("%s: no usable SVG (%d bytes)", ic.Slug, len(svg))
		}
		if bytes.Contains(svg, []byte("<title>")) {
			t.Errorf("%s: the SVG keeps its title", ic.Slug)
		}
		if ic.Color.A != 0xff {
			t.Errorf("%s: colour %q did not parse", ic.Slug, icons[i].hex)
		}
	}
}

func FuzzMatch(f *testing.F) {
	for _, s := range []string{"GitHub", "github.com", "Proton Mail", "AWS (x@1)", "", "é", "+&", "X Bank"} {
		f.Add(s)
	}
	m := NewMatcher()
	f.Fuzz(func(t *testing.T, issuer string) {
		ic, ok := m.Match(issuer)
		if ok && (ic.Slug == "" || len(ic.SVG()) == 0) {
			t.Fatalf("Match(%q) found %+v without a picture", issuer, ic)
		}
		if !ok && ic != (Icon{}) {
			t.Fatalf("Match(%q) found nothing but returned %+v", issuer, ic)
		}
		if !utf8.ValidString(issuer) {
			return
		}
		// Case never changes the answer.
		if ic2, ok2 := m.Match(upper(issuer)); ok2 != ok || ic2.Slug != ic.Slug {
			if normalize(upper(issuer)) == normalize(issuer) {
				t.Fatalf("Match(%q) = %q but Match(upper) = %q", issuer, ic.Slug, ic2.Slug)
			}
		}
	})
}

func upper(s string) string {
	b := []rune(s)
	for i, r := range b {
		if r >= 'a' && r <= 'z' {
			b[i] = r - 'a' + 'A'
		}
	}
	return string(b)
}
