package ui

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/sparekey/sparekey/ui/internal/brand"
)

// brandIconSize is the side of a row's brand mark, in Fyne units.
const brandIconSize = 22

// minMarkContrast is the contrast a brand's own colour needs against the
// window's background to be used (WCAG's 3:1 for graphics); a darker or
// paler one is drawn in the text colour instead (GitHub's near-black on
// the dark theme, say).
const minMarkContrast = 3.0

// brandIcons gives rows their issuer's mark. Nothing is built before a row
// shows an issuer: the matcher on first use, each tinted SVG the first
// time its issuer is on screen, then kept by issuer and colour.
type brandIcons struct {
	matcher *brand.Matcher
	found   map[string]brandFound // issuer as shown → what it matched
	tinted  map[tintKey]fyne.Resource
}

type brandFound struct {
	icon brand.Icon
	ok   bool
}

type tintKey struct {
	slug string
	fill color.NRGBA
}

func newBrandIcons() *brandIcons {
	return &brandIcons{found: map[string]brandFound{}, tinted: map[tintKey]fyne.Resource{}}
}

// resource is issuer's mark tinted for the current theme, or nil when no
// mark matches (the row shows the initial).
func (b *brandIcons) resource(issuer string) fyne.Resource {
	f, seen := b.found[issuer]
	if !seen {
		if b.matcher == nil {
			b.matcher = brand.NewMatcher()
		}
		f.icon, f.ok = b.matcher.Match(issuer)
		b.found[issuer] = f
	}
	if !f.ok {
		return nil
	}
	fill := markColor(f.icon.Color, theme.Color(theme.ColorNameBackground), theme.Color(theme.ColorNameForeground))
	k := tintKey{f.icon.Slug, fill}
	if r, ok := b.tinted[k]; ok {
		return r
	}
	svg := tintSVG(f.icon.SVG(), fill)
	// The name is the cache key Fyne rasterises SVGs under: one per tint.
	r := fyne.NewStaticResource(fmt.Sprintf("brand-%s-%02x%02x%02x.svg", k.slug, fill.R, fill.G, fill.B), svg)
	b.tinted[k] = r
	return r
}

// markColor is the brand's colour when it stands out from bg enough, else
// the text colour fg.
func markColor(brandColor color.NRGBA, bg, fg color.Color) color.NRGBA {
	if contrast(brandColor, bg) >= minMarkContrast {
		return brandColor
	}
	return color.NRGBAModel.Convert(fg).(color.NRGBA)
}

// tintSVG paints a single-colour Simple Icons SVG (black by default) in c.
func tintSVG(svg []byte, c color.NRGBA) []byte {
	fill := fmt.Sprintf(`<svg fill="#%02x%02x%02x" `, c.R, c.G, c.B)
	return bytes.Replace(svg, []byte("<svg "), []byte(fill), 1)
}

// issuerInitial is what stands in for a mark: the issuer's first letter or
// digit, upper-cased.
func issuerInitial(issuer string) string {
	for _, r := range issuer {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return strings.ToUpper(string(r))
		}
	}
	if r, _ := utf8.DecodeRuneInString(issuer); r != utf8.RuneError {
		return "?"
	}
	return ""
}

// rowMark is a row's brand mark, or its issuer's initial on a tinted
// square when no mark matches.
type rowMark struct {
	bg      *canvas.Rectangle
	initial *canvas.Text
	logo    *canvas.Image
	content *fyne.Container
	res     fyne.Resource // what logo shows; nil for the initial
}

func newRowMark() *rowMark {
	m := &rowMark{}
	m.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	m.bg.CornerRadius = theme.InputRadiusSize()
	m.initial = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	m.initial.TextStyle = fyne.TextStyle{Bold: true}
	m.initial.Alignment = fyne.TextAlignCenter
	m.logo = canvas.NewImageFromResource(nil)
	m.logo.FillMode = canvas.ImageFillContain
	m.logo.Hide()
	size := fyne.NewSquareSize(brandIconSize)
	m.logo.SetMinSize(size)
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(size)
	m.content = container.NewCenter(container.NewStack(spacer, m.bg, container.NewCenter(m.initial), m.logo))
	return m
}

// show draws issuer's mark (from icons) or initial; it refreshes only what
// changed, since rows are rebound on every scroll.
func (m *rowMark) show(icons *brandIcons, issuer string) {
	res := icons.resource(issuer)
	if res != nil {
		if m.res != res {
			m.res = res
			m.logo.Resource = res
			m.logo.Refresh()
		}
		setShown(m.logo, true)
		setShown(m.bg, false)
		setShown(m.initial, false)
		return
	}
	m.res = nil
	setShown(m.logo, false)
	setShown(m.bg, true)
	setShown(m.initial, true)
	fg := theme.Color(theme.ColorNameForeground)
	if in := issuerInitial(issuer); m.initial.Text != in || m.initial.Color != fg {
		m.initial.Text, m.initial.Color = in, fg
		m.initial.Refresh()
	}
	if bg := theme.Color(theme.ColorNameInputBackground); m.bg.FillColor != bg {
		m.bg.FillColor = bg
		m.bg.Refresh()
	}
}
