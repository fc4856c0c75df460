package ui

import (
	"fmt"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// TestThemeContrast is issue #13 item 10, measured: every colour that
// carries text meets WCAG AA (4.5:1) on every background it is drawn on,
// in both variants, and control outlines meet 3:1.
func TestThemeContrast(t *testing.T) {
	th := newReadableTheme(nil)
	text := []fyne.ThemeColorName{
		theme.ColorNameForeground, theme.ColorNameDisabled, theme.ColorNamePlaceHolder,
		theme.ColorNameWarning, theme.ColorNameError, theme.ColorNameSuccess,
		theme.ColorNamePrimary, theme.ColorNameHyperlink,
	}
	backgrounds := []fyne.ThemeColorName{
		theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameOverlayBackground,
		theme.ColorNameMenuBackground,
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		for _, fg := range text {
			for _, bg := range backgrounds {
				f, b := th.Color(fg, v), th.Color(bg, v)
				if c := contrast(f, b); c < 4.5 {
					t.Errorf("variant %d: %s %s on %s %s is %.2f:1, below 4.5:1", v, fg, hex(f), bg, hex(b), c)
				}
			}
		}
		// Labels on filled buttons and badges.
		for fill, on := range map[fyne.ThemeColorName]fyne.ThemeColorName{
			theme.ColorNamePrimary: theme.ColorNameForegroundOnPrimary,
			theme.ColorNameWarning: theme.ColorNameForegroundOnWarning,
			theme.ColorNameError:   theme.ColorNameForegroundOnError,
			theme.ColorNameSuccess: theme.ColorNameForegroundOnSuccess,
		} {
			f, b := th.Color(on, v), th.Color(fill, v)
			if c := contrast(f, b); c < 4.5 {
				t.Errorf("variant %d: %s %s on %s %s is %.2f:1, below 4.5:1", v, on, hex(f), fill, hex(b), c)
			}
		}
		// An unchecked radio button or check box is its outline.
		for _, bg := range backgrounds {
			f, b := th.Color(theme.ColorNameInputBorder, v), th.Color(bg, v)
			if c := contrast(f, b); c < 3 {
				t.Errorf("variant %d: input border %s on %s %s is %.2f:1, below 3:1", v, hex(f), bg, hex(b), c)
			}
		}
	}
}

// TestThemeContrastBefore documents the failure the theme fixes: Fyne's
// hint grey on white.
func TestThemeContrastBefore(t *testing.T) {
	d := theme.DefaultTheme()
	if c := contrast(d.Color(theme.ColorNameDisabled, theme.VariantLight), d.Color(theme.ColorNameBackground, theme.VariantLight)); c > 1.5 {
		t.Fatalf("Fyne's own hint grey is %.2f:1 now; this theme may no longer be needed", c)
	}
}

func TestContrastFormula(t *testing.T) {
	black, white := color.Black, color.White
	if c := contrast(black, white); c < 20.99 || c > 21.01 {
		t.Fatalf("black on white = %.3f, want 21", c)
	}
	if c := contrast(color.NRGBA{0x76, 0x76, 0x76, 0xff}, white); c < 4.5 || c > 4.6 {
		t.Fatalf("#767676 on white = %.3f, want 4.54", c)
	}
}

func hex(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return fmt.Sprintf("#%02X%02X%02X", n.R, n.G, n.B)
}

// TestThemeScreenshots draws hint text, warnings and radio buttons in
// both variants for a person to look at ($SPAREKEY_SCREENSHOTS).
func TestThemeScreenshots(t *testing.T) {
	for name, v := range map[string]fyne.ThemeVariant{"light": theme.VariantLight, "dark": theme.VariantDark} {
		h := newHarness(t, "none", nil)
		h.fa.Settings().SetTheme(newReadableTheme(&v))
		test.Tap(findButton(t, h.u.body, "Use a passphrase instead"))
		saveScreenshot(t, h.u.Window(), "theme-"+name+"-first-run.png")
	}
}
