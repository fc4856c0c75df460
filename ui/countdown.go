package ui

import (
	"image"
	"image/color"
	"math"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/vault"
)

// countdown is a ring that empties as the code's period runs out, with the
// seconds left in its middle.
//
// The ring is a small picture, not a canvas.Arc. Under software OpenGL every
// kind of shape has its shader compiled when it is first drawn; the arc's
// cost about 40 ms of the first frame, and pictures share the shader the
// text already uses.
type countdown struct {
	widget.BaseWidget
	remaining time.Duration
	period    int
	left      float64 // share of the ring still filled, 0 to 1
	urgent    bool    // the last seconds: drawn in the error colour

	ring *canvas.Raster
	secs *canvas.Text
}

func newCountdown() *countdown {
	c := &countdown{}
	c.ring = canvas.NewRaster(c.draw)
	c.secs = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	c.secs.TextSize = theme.CaptionTextSize()
	c.secs.Alignment = fyne.TextAlignCenter
	c.ExtendBaseWidget(c)
	return c
}

const ringSize = 34

// ringCutout is the inner radius as a share of the outer one.
const ringCutout = 0.78

func (c *countdown) MinSize() fyne.Size { return fyne.NewSize(ringSize, ringSize) }

func (c *countdown) CreateRenderer() fyne.WidgetRenderer {
	return &countdownRenderer{c: c}
}

// counter shows the ring of a counter-based account: no time runs out.
func (c *countdown) counter() {
	c.remaining, c.period = 0, -1
	c.left, c.urgent = 0, false
	c.ring.Refresh()
	c.secs.Text = "#"
	c.secs.Refresh()
}

// set shows the time left; it repaints only when the second shown changes.
func (c *countdown) set(remaining time.Duration, period int) {
	if period <= 0 {
		period = vault.DefaultPeriod
	}
	secs := int((remaining + time.Second - 1) / time.Second)
	if secs == int((c.remaining+time.Second-1)/time.Second) && period == c.period && c.secs.Text != "" {
		return
	}
	c.remaining, c.period = remaining, period
	c.secs.Text = strconv.Itoa(secs)
	c.left = min(max(float64(remaining)/float64(time.Duration(period)*time.Second), 0), 1)
	c.urgent = secs <= 5
	c.ring.Refresh()
	c.secs.Refresh()
}

// draw paints the ring at the pixel size the canvas asks for.
func (c *countdown) draw(w, h int) image.Image {
	fill := theme.Color(theme.ColorNamePrimary)
	if c.urgent {
		fill = theme.Color(theme.ColorNameError)
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	drawRing(img, c.left, theme.Color(theme.ColorNameSeparator), fill)
	return img
}

// drawRing paints an anti-aliased ring filling img's shorter side: the track
// all round, and over it the share left of the sweep that starts at twelve
// o'clock and runs clockwise.
func drawRing(img *image.NRGBA, left float64, track, fill color.Color) {
	b := img.Bounds()
	outer := float64(min(b.Dx(), b.Dy())) / 2
	inner := outer * ringCutout
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	end := left * 2 * math.Pi
	tr := color.NRGBAModel.Convert(track).(color.NRGBA)
	fl := color.NRGBAModel.Convert(fill).(color.NRGBA)
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			r := math.Hypot(dx, dy)
			// How much of the pixel the ring covers, across its width.
			cover := clamp01(outer-r+0.5) * clamp01(r-inner+0.5)
			if cover == 0 {
				continue
			}
			px := blendNRGBA(tr, fl, sweepCover(math.Atan2(dx, -dy), end, r))
			px.A = uint8(float64(px.A)*cover + 0.5)
			img.SetNRGBA(b.Min.X+x, b.Min.Y+y, px)
		}
	}
}

// sweepCover is how much of a pixel at angle theta (from twelve o'clock,
// clockwise, in -π..π) and radius r lies in the sweep from 0 to end: by its
// distance along the circle, in pixels, to the nearer end of the sweep.
func sweepCover(theta, end, r float64) float64 {
	switch {
	case end <= 0:
		return 0
	case end >= 2*math.Pi:
		return 1
	}
	if theta < 0 {
		theta += 2 * math.Pi
	}
	var dist float64
	if theta <= end {
		dist = min(theta, end-theta) * r
	} else {
		dist = -min(theta-end, 2*math.Pi-theta) * r
	}
	return clamp01(dist + 0.5)
}

func clamp01(v float64) float64 { return min(max(v, 0), 1) }

// blendNRGBA goes from a (at t=0) to b (at t=1).
func blendNRGBA(a, b color.NRGBA, t float64) color.NRGBA {
	mix := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t + 0.5) }
	return color.NRGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: mix(a.A, b.A)}
}

type countdownRenderer struct{ c *countdown }

func (r *countdownRenderer) Layout(size fyne.Size) {
	d := fyne.Min(size.Width, size.Height)
	r.c.ring.Move(fyne.NewPos((size.Width-d)/2, (size.Height-d)/2))
	r.c.ring.Resize(fyne.NewSize(d, d))
	// The full width with centred text: the number's width changes every
	// second and must not need a new layout.
	th := r.c.secs.MinSize().Height
	r.c.secs.Move(fyne.NewPos(0, (size.Height-th)/2))
	r.c.secs.Resize(fyne.NewSize(size.Width, th))
}

func (r *countdownRenderer) MinSize() fyne.Size { return r.c.MinSize() }

// Refresh follows a theme change: the ring is drawn again in its colours.
func (r *countdownRenderer) Refresh() {
	r.c.secs.Color = theme.Color(theme.ColorNameForeground)
	r.c.ring.Refresh()
	r.c.secs.Refresh()
}

func (r *countdownRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.c.ring, r.c.secs}
}

func (r *countdownRenderer) Destroy() {}
