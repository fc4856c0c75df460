package ui

import (
	"encoding/base32"
	"fmt"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/sparekey/sparekey/ui/internal/brand"
)

func brandURI(issuer string, i int) string {
	secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(fmt.Sprintf("brand-secret-%04d", i)))
	return fmt.Sprintf("otpauth://totp/%s:user%d?secret=%s&issuer=%s", issuer, i, secret, issuer)
}

// TestRowsShowBrandMarks: a known issuer's row shows its mark, an unknown
// one its initial, and rows bound again keep neither from the account
// they showed before.
func TestRowsShowBrandMarks(t *testing.T) {
	issuers := []string{"GitHub", "MyBank", "Proton", "Zeta%20Credit"}
	var uris []string
	for i, is := range issuers {
		uris = append(uris, brandURI(is, i))
	}
	h := newHarness(t, "keyring", nil, uris...)
	h.u.showState()
	h.u.main.listW.Refresh()
	want := map[string]string{"GitHub": "logo", "MyBank": "M", "Proton": "logo", "Zeta Credit": "Z"}
	check := func(when string) {
		t.Helper()
		seen := 0
		for _, r := range rowsOnScreen(h.u.main) {
			if r.acct == nil {
				continue
			}
			seen++
			w := want[r.acct.Issuer]
			got := r.mark.initial.Text
			if r.mark.logo.Visible() {
				got = "logo"
				if r.mark.initial.Visible() || r.mark.logo.Resource == nil {
					t.Errorf("%s: %s shows a logo and its initial", when, r.acct.Issuer)
				}
			}
			if got != w {
				t.Errorf("%s: %s shows %q, want %q", when, r.acct.Issuer, got, w)
			}
		}
		if seen != len(issuers) {
			t.Fatalf("%s: %d rows on screen, want %d", when, seen, len(issuers))
		}
	}
	check("first bind")
	h.u.main.search.SetText("a") // MyBank, Zeta Credit: rows rebound
	h.u.main.search.SetText("")
	check("after a search")
}

// TestBrandMarksAreBuiltLazilyAndShared: with many accounts only the
// issuers on screen get a tinted SVG, and one per issuer and colour.
func TestBrandMarksAreBuiltLazilyAndShared(t *testing.T) {
	names := []string{"GitHub", "GitLab", "Google", "Dropbox", "Discord", "Steam", "PayPal", "Stripe", "Docker", "Reddit"}
	var uris []string
	for i := 0; i < 300; i++ {
		uris = append(uris, brandURI(fmt.Sprintf("%s%%20%d", names[i%len(names)], i), i))
	}
	h := newHarness(t, "keyring", nil, uris...)
	h.u.showState()
	h.u.main.listW.Refresh()
	b := h.u.brands
	shown := len(rowsOnScreen(h.u.main))
	if len(b.found) > shown+2 || len(b.found) == 0 {
		t.Errorf("%d issuers matched for %d rows on screen", len(b.found), shown)
	}
	if len(b.tinted) > len(names) {
		t.Errorf("%d tinted marks for %d brands", len(b.tinted), len(names))
	}
	first := b.resource("GitHub 0")
	if again := b.resource("GitHub 10"); again != first {
		t.Error("the same brand and colour built a second resource")
	}
}

// TestMarkColorKeepsContrast: a brand colour too close to the background
// (GitHub's near-black on the dark theme) is drawn in the text colour.
func TestMarkColorKeepsContrast(t *testing.T) {
	test.NewTempApp(t)
	githubBlack := color.NRGBA{R: 0x18, G: 0x17, B: 0x17, A: 0xff}
	protonPurple := color.NRGBA{R: 0x6d, G: 0x4a, B: 0xff, A: 0xff}
	white := color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	dark := color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff}
	for _, tc := range []struct {
		name      string
		brand, bg color.NRGBA
		fg        color.Color
		want      color.NRGBA
	}{
		{"github on light", githubBlack, white, theme.Color(theme.ColorNameForeground), githubBlack},
		{"github on dark", githubBlack, dark, white, white},
		{"proton on light", protonPurple, white, dark, protonPurple},
	} {
		got := markColor(tc.brand, tc.bg, tc.fg)
		if got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		if contrast(got, tc.bg) < minMarkContrast {
			t.Errorf("%s: contrast %.2f", tc.name, contrast(got, tc.bg))
		}
	}
}

func TestIssuerInitial(t *testing.T) {
	for in, want := range map[string]string{"github": "G", "  (x) corp": "X", "ächt": "Ä", "42 Bank": "4", "": "", "!!": "?"} {
		if got := issuerInitial(in); got != want {
			t.Errorf("issuerInitial(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEveryBrandMarkRenders draws each bundled mark with Fyne's own SVG
// renderer: a path it cannot parse would leave a row with a blank square.
func TestEveryBrandMarkRenders(t *testing.T) {
	test.NewTempApp(t)
	b := newBrandIcons()
	m := brand.NewMatcher()
	for _, slug := range brand.Slugs() {
		ic, ok := m.Match(slug)
		if !ok {
			t.Errorf("%s: not found by its own slug", slug)
			continue
		}
		img := canvas.NewImageFromResource(b.resource(ic.Title))
		img.Resize(fyne.NewSquareSize(brandIconSize))
		w := test.NewWindow(img)
		w.Resize(fyne.NewSquareSize(brandIconSize))
		painted := 0
		pic := w.Canvas().Capture()
		bg := pic.At(0, 0)
		for y := pic.Bounds().Min.Y; y < pic.Bounds().Max.Y; y++ {
			for x := pic.Bounds().Min.X; x < pic.Bounds().Max.X; x++ {
				if pic.At(x, y) != bg {
					painted++
				}
			}
		}
		w.Close()
		if painted < 10 {
			t.Errorf("%s: the mark draws %d pixels", slug, painted)
		}
	}
}

// BenchmarkBrandIconsFirstScreen is the icons' work for a first screen of
// rows from cold: the matcher built, 13 issuers matched and their marks
// tinted and rasterised at the row's size.
func BenchmarkBrandIconsFirstScreen(b *testing.B) {
	test.NewTempApp(b)
	issuers := []string{"GitHub 1", "Google", "AWS", "GitLab", "Dropbox 4", "Microsoft", "Slack", "Okta", "Atlassian", "Cloudflare", "Steam", "My Bank", "Proton Mail"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		icons := newBrandIcons()
		for _, is := range issuers {
			if r := icons.resource(is); r != nil {
				img := canvas.NewImageFromResource(r)
				img.Resize(fyne.NewSquareSize(brandIconSize))
				w := test.NewWindow(img)
				w.Canvas().Capture()
				w.Close()
			}
		}
	}
}
