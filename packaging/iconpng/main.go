// Command iconpng renders packaging/icon.svg to the PNG sizes the desktops
// and the Windows .exe use: packaging/icons/NxN.png and packaging/icon.png
// (512 px, FyneApp.toml's), and ui/icon.png (128 px, the window icon built
// into the binary). It uses the SVG renderer Fyne already compiles in, so the PNGs come out the same on any machine, with
// no fonts or ImageMagick delegates involved (the SVG has no text).
//
//	go run ./packaging/iconpng
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"log"
	"os"
	"path/filepath"

	"github.com/fyne-io/oksvg"
	"github.com/srwiley/rasterx"
	"golang.org/x/image/draw"
)

var sizes = []int{16, 22, 24, 32, 48, 64, 128, 256, 512}

func main() {
	dir := flag.String("dir", "packaging", "the packaging folder (icon.svg in, icons/ out)")
	window := flag.String("window", "ui/icon.png", "where the window icon goes (\"\": nowhere)")
	flag.Parse()
	if err := render(*dir, *window); err != nil {
		log.Fatalf("iconpng: %v", err)
	}
}

func render(dir, window string) error {
	src := filepath.Join(dir, "icon.svg")
	// The renderer does not scale stroke widths with its target, so the
	// icon is drawn once at its design size and resampled.
	full, err := rasterize(src, 512)
	if err != nil {
		return err
	}
	for _, n := range sizes {
		img := full
		if n != 512 {
			small := image.NewRGBA(image.Rect(0, 0, n, n))
			draw.CatmullRom.Scale(small, small.Bounds(), full, full.Bounds(), draw.Src, nil)
			img = small
		}
		data, err := encodePNG(img)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "icons", fmt.Sprintf("%dx%d.png", n, n)), data, 0o644); err != nil {
			return err
		}
		extra := map[int]string{512: filepath.Join(dir, "icon.png"), 128: window}
		if path := extra[n]; path != "" {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

func rasterize(src string, size int) (*image.RGBA, error) {
	f, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Strict: an element the renderer does not know (text, say) is an
	// error here rather than a silently missing part of the icon.
	icon, err := oksvg.ReadIconStream(f, oksvg.StrictErrorMode)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", src, err)
	}
	icon.SetTarget(0, 0, float64(size), float64(size))
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	scanner := rasterx.NewScannerGV(size, size, img, img.Bounds())
	icon.Draw(rasterx.NewDasher(size, size, scanner), 1)
	return img, nil
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
