package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// readableTheme is Fyne's default theme with every colour that carries
// text raised to WCAG AA (4.5:1 against the backgrounds it is drawn on),
// and the outlines of unchecked boxes and radio buttons to the 3:1 AA asks
// of controls. Fyne's own greys were about 1.3:1 for hints (Fyne draws a
// LowImportance label in the Disabled colour), its orange 2.2:1 and its
// green 1.5:1 on white. Buttons filled with these colours keep readable
// labels: light variants draw white on them, which the darker shades
// below also carry at 4.5:1. theme_test.go measures all of it.
type readableTheme struct {
	fyne.Theme
	// pinned, when set, is the variant the user chose in Settings over
	// the desktop's preference.
	pinned *fyne.ThemeVariant
}

func newReadableTheme(pinned *fyne.ThemeVariant) fyne.Theme {
	return readableTheme{Theme: theme.DefaultTheme(), pinned: pinned}
}

// readableColors replace the default theme's colours by variant.
var readableColors = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantLight: {
		theme.ColorNameDisabled:    color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff},
		theme.ColorNamePlaceHolder: color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff},
		theme.ColorNameInputBorder: color.NRGBA{R: 0x8a, G: 0x8a, B: 0x8a, A: 0xff},
		theme.ColorNameWarning:     color.NRGBA{R: 0xa8, G: 0x4a, B: 0x00, A: 0xff},
		theme.ColorNameError:       color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff},
		theme.ColorNameSuccess:     color.NRGBA{R: 0x1b, G: 0x6e, B: 0x20, A: 0xff},
		theme.ColorNamePrimary:     color.NRGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff},
		theme.ColorNameHyperlink:   color.NRGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff},
	},
	theme.VariantDark: {
		theme.ColorNameDisabled:    color.NRGBA{R: 0x9a, G: 0x9a, B: 0x9a, A: 0xff},
		theme.ColorNamePlaceHolder: color.NRGBA{R: 0xa8, G: 0xa8, B: 0xa8, A: 0xff},
		theme.ColorNameInputBorder: color.NRGBA{R: 0x7c, G: 0x7c, B: 0x80, A: 0xff},
		theme.ColorNameError:       color.NRGBA{R: 0xff, G: 0x6e, B: 0x63, A: 0xff},
		theme.ColorNamePrimary:     color.NRGBA{R: 0x5c, G: 0xa8, B: 0xf5, A: 0xff},
		theme.ColorNameHyperlink:   color.NRGBA{R: 0x5c, G: 0xa8, B: 0xf5, A: 0xff},
		// No blue is both readable on the dark background and dark enough
		// under white: buttons take dark labels, as Material's dark theme does.
		theme.ColorNameForegroundOnPrimary: color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff},
	},
}

func (t readableTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.pinned != nil {
		v = *t.pinned
	}
	if c, ok := readableColors[v][n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}

// contrast is the WCAG 2 contrast ratio of two opaque colours (1 to 21).
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is WCAG 2's relative luminance.
func luminance(c color.Color) float64 {
	r, g, b, _ := color.NRGBAModel.Convert(c).RGBA()
	lin := func(v uint32) float64 {
		s := float64(v>>8) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
