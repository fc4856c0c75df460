// Package benchprobe marks the first frame of the windows that
// packaging/bench-ui.sh times. Fyne has no "painted" event, so the mark is
// an invisible pixel: the first time the painter asks for its pixels, the
// frame holding it is being drawn, and "sparekey-trace codes-drawn NS" goes
// to stderr, the line Sparekey itself prints under SPAREKEY_TRACE=1.
package benchprobe

import (
	"fmt"
	"image"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// FirstFrame returns the invisible pixel, to be stacked over the window's
// content (after it, so it is painted after the content).
func FirstFrame() fyne.CanvasObject {
	drawn := false
	probe := canvas.NewRaster(func(int, int) image.Image {
		if !drawn {
			drawn = true
			fmt.Fprintf(os.Stderr, "sparekey-trace codes-drawn %d\n", time.Now().UnixNano())
		}
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
	probe.Resize(fyne.NewSize(1, 1))
	return container.NewWithoutLayout(probe)
}
