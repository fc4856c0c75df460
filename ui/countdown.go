package ui

import (
	"image"
	"image/color"
	"image/draw"
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
// text already uses. The pictures come from a ringImages shared by every
// row, so a tick draws no new ring: a 30-second period needs 31 of them.
type countdown struct {
	widget.BaseWidget
	images   *ringImages
	secsLeft int  // the number shown; -1 before the first set
	step     int  // the ring's filled share in ringSteps; -1 for a counter
	urgent   bool // the last seconds: drawn in the error colour

	ring *canvas.Raster
	secs *canvas.Text
}

func newCountdown(images *ringImages) *countdown {
	c := &countdown{images: images, secsLeft: -1, step: -1}
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

// ringSteps is how finely the ring's filled share is drawn: 3° a step,
// about a pixel at the ring's rim; every whole second of a 30 or 60 second
// period falls on a step.
const ringSteps = 120

func (c *countdown) MinSize() fyne.Size { return fyne.NewSize(ringSize, ringSize) }

func (c *countdown) CreateRenderer() fyne.WidgetRenderer {
	return &countdownRenderer{c: c}
}

// counter shows the ring of a counter-based account: no time runs out.
func (c *countdown) counter() {
	c.show(-1, 0, false, "#")
}

// set shows the time left. It repaints only what changed: the number once
// a second, the ring when its step or colour changes.
func (c *countdown) set(remaining time.Duration, period int) {
	if period <= 0 {
		period = vault.DefaultPeriod
	}
	secs := int((remaining + time.Second - 1) / time.Second)
	// The ring follows the number shown, so both move once a second.
	left := min(max(float64(secs)/float64(period), 0), 1)
	c.show(secs, int(math.Round(left*ringSteps)), secs <= 5, strconv.Itoa(secs))
}

func (c *countdown) show(secs, step int, urgent bool, text string) {
	if step != c.step || urgent != c.urgent {
		c.step, c.urgent = step, urgent
		c.ring.Refresh()
	}
	if secs != c.secsLeft || c.secs.Text != text {
		c.secsLeft = secs
		c.secs.Text = text
		c.secs.Refresh()
	}
}

// draw hands the painter the ring at the pixel size it asks for.
func (c *countdown) draw(w, h int) image.Image {
	fill := theme.ColorNamePrimary
	if c.urgent {
		fill = theme.ColorNameError
	}
	return c.images.get(ringKey{
		w: w, h: h, step: max(c.step, 0),
		track: theme.Color(theme.ColorNameSeparator), fill: theme.Color(fill),
	})
}

// ringKey is one drawn ring: its size, filled share and colours.
type ringKey struct {
	w, h        int
	step        int
	track, fill color.Color
}

// ringImages keeps the ring pictures already drawn. Premultiplied RGBA is
// what the painter uploads as is (an NRGBA picture is converted first).
type ringImages struct {
	images map[ringKey]*image.RGBA
	drawn  int // pictures drawn, for tests: a tick after a full period draws none
}

// maxRingImages bounds the cache: a theme or scale change leaves the old
// pictures behind, and many periods in one list need more.
const maxRingImages = 512

func newRingImages() *ringImages { return &ringImages{images: map[ringKey]*image.RGBA{}} }

func (ri *ringImages) get(k ringKey) *image.RGBA {
	if img, ok := ri.images[k]; ok {
		return img
	}
	if len(ri.images) >= maxRingImages {
		clear(ri.images)
	}
	n := image.NewNRGBA(image.Rect(0, 0, k.w, k.h))
	drawRing(n, float64(k.step)/ringSteps, k.track, k.fill)
	img := image.NewRGBA(n.Rect)
	draw.Draw(img, img.Rect, n, image.Point{}, draw.Src)
	ri.images[k] = img
	ri.drawn++
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
