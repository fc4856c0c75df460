package ui

import (
	"image"
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

func TestDrawRing(t *testing.T) {
	track := color.NRGBA{R: 10, G: 10, B: 10, A: 255}
	fill := color.NRGBA{R: 200, G: 100, B: 0, A: 255}
	const size = 68 // a 34 px ring at scale 2
	mid := size / 2
	band := mid - 4 // halfway across the ring's width (outer 34, inner 26.5)
	points := map[string]image.Point{
		"twelve":   {mid, mid - band},
		"half-two": {mid + 21, mid - 21}, // 45° clockwise from twelve
		"three":    {mid + band, mid},
		"six":      {mid, mid + band},
		"nine":     {mid - band, mid},
	}
	for _, tc := range []struct {
		left   float64
		filled []string
		empty  []string
	}{
		{1, []string{"twelve", "three", "six", "nine"}, nil},
		{0.5, []string{"half-two", "three"}, []string{"nine"}},
		{0.25, []string{"half-two"}, []string{"six", "nine"}},
		{0, nil, []string{"twelve", "three", "six", "nine"}},
	} {
		img := image.NewNRGBA(image.Rect(0, 0, size, size))
		drawRing(img, tc.left, track, fill)
		for _, name := range tc.filled {
			if got := img.NRGBAAt(points[name].X, points[name].Y); got != fill {
				t.Errorf("left %.2f: %s is %v, want the fill %v", tc.left, name, got, fill)
			}
		}
		for _, name := range tc.empty {
			if got := img.NRGBAAt(points[name].X, points[name].Y); got != track {
				t.Errorf("left %.2f: %s is %v, want the track %v", tc.left, name, got, track)
			}
		}
		// The middle (where the seconds are) and the corners stay clear.
		for _, p := range []image.Point{{mid, mid}, {0, 0}, {size - 1, size - 1}} {
			if a := img.NRGBAAt(p.X, p.Y).A; a != 0 {
				t.Errorf("left %.2f: %v is painted (alpha %d)", tc.left, p, a)
			}
		}
	}
}

func TestSweepCoverIsSmoothAtTheEnds(t *testing.T) {
	const r = 30.0
	end := 1.0 // radians
	for _, tc := range []struct {
		theta, want float64
	}{
		{end / 2, 1},
		{end, 0.5},           // on the edge: half the pixel
		{end + 0.5/r, 0},     // half a pixel past it
		{-0.25 / r, 0.25},    // a quarter pixel before twelve o'clock
		{end - 0.25/r, 0.75}, // a quarter pixel inside the end
	} {
		if got := sweepCover(tc.theta, end, r); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("sweepCover(%.4f) = %.4f, want %.4f", tc.theta, got, tc.want)
		}
	}
}

// TestRingImagesAreReused: a countdown running through whole periods asks
// for one picture per second of the first period and none after, and a
// second with the same ring gets the very picture (so nothing is drawn,
// converted or allocated for it again).
func TestRingImagesAreReused(t *testing.T) {
	test.NewTempApp(t)
	for _, period := range []int{30, 60} {
		images := newRingImages()
		c := newCountdown(images)
		seen := map[int]*image.RGBA{}
		for lap := 0; lap < 3; lap++ {
			if lap == 1 {
				if images.drawn > period+1 {
					t.Errorf("period %d: %d pictures drawn in the first period, want at most %d", period, images.drawn, period+1)
				}
			}
			before := images.drawn
			for s := period; s >= 1; s-- {
				// Ticks land just after the second boundary.
				c.set(time.Duration(s)*time.Second-3*time.Millisecond, period)
				img := c.draw(68, 68).(*image.RGBA)
				if lap > 0 && seen[s] != img {
					t.Fatalf("period %d, %d s left: a new picture in lap %d", period, s, lap)
				}
				seen[s] = img
			}
			if lap > 0 && images.drawn != before {
				t.Errorf("period %d: lap %d drew %d pictures, want none", period, lap, images.drawn-before)
			}
		}
	}
}

// TestCountdownRepaintsOnlyWhatChanged: within one second nothing is
// refreshed; the ring's step decides when the ring is.
func TestCountdownRepaintsOnlyWhatChanged(t *testing.T) {
	test.NewTempApp(t)
	c := newCountdown(newRingImages())
	c.set(20*time.Second, 30)
	step, text := c.step, c.secs.Text
	c.set(20*time.Second-400*time.Millisecond, 30)
	if c.step != step || c.secs.Text != text {
		t.Fatalf("within a second: step %d→%d, text %q→%q", step, c.step, text, c.secs.Text)
	}
	c.set(19*time.Second, 30)
	if c.step == step || c.secs.Text != "19" {
		t.Fatalf("a second later: step %d (was %d), text %q", c.step, step, c.secs.Text)
	}
	if c.urgent {
		t.Fatal("urgent with 19 s left")
	}
	c.set(5*time.Second, 30)
	if !c.urgent {
		t.Fatal("not urgent with 5 s left")
	}
}
