// Package brand finds a recognisable icon for an account's issuer among a
// bundled set of brand marks (Simple Icons, CC0-1.0; the version is
// SimpleIconsVersion and the list brands.txt). Nothing is fetched: the
// SVGs are embedded, and an issuer no icon matches gets none, so the
// caller shows its initial instead.
package brand

//go:generate ./generate.sh

import (
	"embed"
	"image/color"
	"strconv"
	"strings"
	"unicode"
)

//go:embed svg/*.svg
var svgs embed.FS

// entry is one icon of the generated table.
type entry struct {
	slug, title, hex string
	aliases          []string
}

// Icon is one brand's mark: a single-colour 24×24 SVG and the brand's
// colour.
type Icon struct {
	Slug  string
	Title string
	Color color.NRGBA
}

// SVG is the icon's picture, drawn in black (the caller tints it).
func (i Icon) SVG() []byte {
	data, err := svgs.ReadFile("svg/" + i.Slug + ".svg")
	if err != nil {
		return nil // every slug of the table has its file (tested)
	}
	return data
}

// Matcher finds the icon for an issuer's name.
type Matcher struct {
	byName map[string]int // normalised name or alias → index in icons
}

// NewMatcher indexes the bundled icons by their normalised names.
func NewMatcher() *Matcher {
	m := &Matcher{byName: make(map[string]int, len(icons)*2)}
	for i, e := range icons {
		for _, n := range append([]string{e.slug, e.title}, e.aliases...) {
			m.byName[normalize(n)] = i
		}
	}
	return m
}

// minWordMatch is the shortest first word matched on its own ("GitHub
// Enterprise" is GitHub), so that a one- or two-letter word ("X Bank",
// "EA Credit Union") never brings another brand's mark.
const minWordMatch = 3

// Match finds the icon for issuer: its whole name, then its first word
// (also of a domain: "github.com"), compared without case, spaces or
// punctuation, against each icon's name and the other names it goes by.
func (m *Matcher) Match(issuer string) (Icon, bool) {
	if i, ok := m.byName[normalize(issuer)]; ok && normalize(issuer) != "" {
		return iconAt(i), true
	}
	words := strings.FieldsFunc(strings.ToLower(issuer), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > 1 && len([]rune(words[0])) >= minWordMatch {
		if i, ok := m.byName[normalize(words[0])]; ok {
			return iconAt(i), true
		}
	}
	return Icon{}, false
}

// Slugs lists the bundled icons, for tests that draw each of them.
func Slugs() []string {
	out := make([]string, len(icons))
	for i, e := range icons {
		out[i] = e.slug
	}
	return out
}

func iconAt(i int) Icon {
	e := icons[i]
	return Icon{Slug: e.slug, Title: e.title, Color: parseHex(e.hex)}
}

// normalize keeps the letters and digits of s, lower-cased, with "+" and
// "&" spelled out the way Simple Icons' slugs do.
func normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case r == '+':
			b.WriteString("plus")
		case r == '&':
			b.WriteString("and")
		}
	}
	return b.String()
}

func parseHex(h string) color.NRGBA {
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil || len(h) != 6 {
		return color.NRGBA{A: 0xff}
	}
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}
