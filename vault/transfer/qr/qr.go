// Package qr finds and reads every QR code in a picture, and draws QR codes
// as PNG images.
//
// Reading is built on gozxing (a port of ZXing). One pass is rarely enough
// for what people actually feed an authenticator: screenshots of a whole
// screen, several codes side by side (Google Authenticator shows one code
// per batch of about ten accounts), codes drawn with small modules. So
// DecodeImage runs a sequence of attempts and keeps every distinct text any
// of them finds:
//
//  1. the multi-code reader over a hybrid (local threshold) binarizer, which
//     copes with screenshots whose background is not white;
//  2. the same over a global-histogram binarizer, which copes with clean,
//     high-contrast codes whose modules are too large for the hybrid's blocks;
//  3. the single-code reader (with TRY_HARDER) over both binarizers;
//  4. each found code is then painted over and the image searched again, so
//     a code the multi detector skipped (it pairs finder patterns greedily)
//     is still found;
//  5. when nothing was found, the image scaled up (small modules) and down
//     (huge photos) is tried, then its negative (dark-mode screens).
//
// Texts come back in reading order, so the same picture always gives the
// same list. Nothing here knows about accounts: texts come back as they are.
package qr

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // registered decoders: DecodeFile accepts PNG, JPEG and GIF
	_ "image/jpeg"
	_ "image/png"
	"io"
	"math"
	"os"
	"slices"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
	goqrcode "github.com/skip2/go-qrcode"
)

// ErrNoQRCode is returned when an image holds no readable QR code.
var ErrNoQRCode = errors.New("no QR code found in the image")

// ErrNotImage is returned when a file is not a PNG, JPEG or GIF picture.
var ErrNotImage = errors.New("not a PNG, JPEG or GIF image")

// Limits keep a hostile file from exhausting memory: an image header can
// claim any size, and decoding allocates what it claims.
const (
	MaxFileSize = 64 << 20
	MaxPixels   = 40_000_000
)

// DecodeFile reads a PNG, JPEG or GIF file and returns the text of every QR
// code in it. Errors name the file; ErrNoQRCode and ErrNotImage can be told
// apart with errors.Is.
func DecodeFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: the image is larger than %d MiB; crop it to the QR code", path, MaxFileSize>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: the image is larger than %d MiB; crop it to the QR code", path, MaxFileSize>>20)
	}
	texts, err := DecodeBytes(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return texts, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// DecodeBytes decodes an encoded PNG, JPEG or GIF image and returns the text
// of every QR code in it.
func DecodeBytes(data []byte) ([]string, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", ErrNotImage, imageErrorReason(err))
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxPixels || cfg.Width > 1<<15 || cfg.Height > 1<<15 {
		return nil, fmt.Errorf("the image is %dx%d pixels, more than the %d megapixels read here; crop it to the QR code", cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("the image is damaged: %s", imageErrorReason(err))
	}
	return DecodeImage(img)
}

func imageErrorReason(err error) string {
	if errors.Is(err, image.ErrFormat) {
		return "unknown picture format"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the file ends early"
	}
	return err.Error()
}

// DecodeImage returns the text of every QR code in img, each once, in
// reading order (rows top to bottom, each left to right). It returns
// ErrNoQRCode when there is none.
func DecodeImage(img image.Image) (texts []string, err error) {
	// gozxing is a port with index arithmetic that can panic on images it
	// was never tested with; a picture must never crash the app.
	defer func() {
		if r := recover(); r != nil {
			texts, err = nil, fmt.Errorf("%w (the QR reader failed on this picture)", ErrNoQRCode)
		}
	}()
	gray := toGray(img)
	attempts := []func() *image.Gray{func() *image.Gray { return gray }}
	for _, scale := range rescales(gray.Bounds()) {
		attempts = append(attempts, func() *image.Gray { return resize(gray, scale) })
	}
	// Dark-mode screens show codes light on dark.
	attempts = append(attempts, func() *image.Gray { return invert(gray) })
	var found []string
	for _, attempt := range attempts {
		if found = search(attempt()); len(found) > 0 {
			break
		}
	}
	if len(found) == 0 {
		return nil, ErrNoQRCode
	}
	return found, nil
}

// search runs every reader, then masks what was found and looks again,
// until a round finds nothing new. Texts come back in reading order.
func search(gray *image.Gray) []string {
	var found []*gozxing.Result
	seen := map[string]bool{}
	work := gray
	for round := 0; round < 8; round++ {
		var fresh []*gozxing.Result
		for _, r := range readAll(work) {
			if !seen[r.GetText()] {
				seen[r.GetText()] = true
				fresh = append(fresh, r)
			}
		}
		if len(fresh) == 0 {
			break
		}
		found = append(found, fresh...)
		if work == gray {
			work = cloneGray(gray)
		}
		for _, r := range fresh {
			mask(work, r.GetResultPoints())
		}
	}
	sortReadingOrder(found)
	texts := make([]string, len(found))
	for i, r := range found {
		texts[i] = r.GetText()
	}
	return texts
}

// sortReadingOrder puts codes in rows, top to bottom, and each row left to
// right, so a picture of several codes reads the same every time.
func sortReadingOrder(rs []*gozxing.Result) {
	type placed struct {
		r        *gozxing.Result
		x, y, sz float64
	}
	ps := make([]placed, len(rs))
	for i, r := range rs {
		p := placed{r: r}
		pts := r.GetResultPoints()
		for _, pt := range pts {
			p.x += pt.GetX() / float64(len(pts))
			p.y += pt.GetY() / float64(len(pts))
		}
		if len(pts) >= 2 {
			p.sz = math.Hypot(pts[0].GetX()-pts[1].GetX(), pts[0].GetY()-pts[1].GetY())
		}
		ps[i] = p
	}
	slices.SortStableFunc(ps, func(a, b placed) int { return cmp.Compare(a.y, b.y) })
	// A code joins the row of the row's first code when the two overlap
	// vertically; otherwise it starts the next row.
	for start := 0; start < len(ps); {
		end := start + 1
		for end < len(ps) && ps[end].y-ps[start].y < max((ps[start].sz+ps[end].sz)/2, 1) {
			end++
		}
		slices.SortStableFunc(ps[start:end], func(a, b placed) int { return cmp.Compare(a.x, b.x) })
		start = end
	}
	for i := range ps {
		rs[i] = ps[i].r
	}
}

func readAll(gray *image.Gray) []*gozxing.Result {
	src := gozxing.NewLuminanceSourceFromImage(gray)
	binarizers := []func(gozxing.LuminanceSource) gozxing.Binarizer{
		gozxing.NewHybridBinarizer,
		gozxing.NewGlobalHistgramBinarizer,
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	var out []*gozxing.Result
	add := func(r *gozxing.Result) {
		for _, o := range out {
			if o.GetText() == r.GetText() {
				return
			}
		}
		out = append(out, r)
	}
	for _, newBinarizer := range binarizers {
		bmp, err := gozxing.NewBinaryBitmap(newBinarizer(src))
		if err != nil {
			continue
		}
		if rs, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints); err == nil {
			for _, r := range rs {
				add(r)
			}
		}
		if r, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			add(r)
		}
	}
	return out
}

// mask paints white over a found code (its three finder patterns, with a
// margin) so the next round's detector sees only the others.
func mask(img *image.Gray, pts []gozxing.ResultPoint) {
	if len(pts) < 3 {
		return
	}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, p := range pts[:3] {
		minX, maxX = math.Min(minX, p.GetX()), math.Max(maxX, p.GetX())
		minY, maxY = math.Min(minY, p.GetY()), math.Max(maxY, p.GetY())
	}
	// Finder pattern centres sit 3.5 modules inside the code; a margin of a
	// tenth of the side (at least a few pixels) covers the rest of it.
	side := math.Max(maxX-minX, maxY-minY)
	margin := math.Max(side*0.15, 8)
	r := image.Rect(int(minX-margin), int(minY-margin), int(maxX+margin)+1, int(maxY+margin)+1)
	draw.Draw(img, r.Intersect(img.Bounds()), image.NewUniform(color.Gray{Y: 0xff}), image.Point{}, draw.Src)
}

// rescales returns the factors worth a second try for an image this size.
func rescales(b image.Rectangle) []float64 {
	longest := max(b.Dx(), b.Dy())
	var s []float64
	if longest <= 1600 {
		s = append(s, 2)
	}
	if longest >= 1200 {
		s = append(s, 0.5)
	}
	return s
}

func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	// Transparent pixels are read as white: QR codes on transparent PNGs
	// are drawn dark on nothing.
	draw.Draw(g, g.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(g, g.Bounds(), img, b.Min, draw.Over)
	return g
}

func cloneGray(g *image.Gray) *image.Gray {
	c := image.NewGray(g.Rect)
	copy(c.Pix, g.Pix)
	return c
}

func invert(g *image.Gray) *image.Gray {
	c := image.NewGray(g.Rect)
	for i, v := range g.Pix {
		c.Pix[i] = 0xff - v
	}
	return c
}

// resize scales by nearest neighbour, which keeps module edges sharp.
func resize(g *image.Gray, f float64) *image.Gray {
	w, h := int(float64(g.Rect.Dx())*f), int(float64(g.Rect.Dy())*f)
	if w < 21 || h < 21 {
		return g
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		sy := int(float64(y) / f)
		for x := 0; x < w; x++ {
			out.Pix[y*out.Stride+x] = g.Pix[sy*g.Stride+int(float64(x)/f)]
		}
	}
	return out
}

// EncodePNG draws text as a QR code PNG with medium error correction and a
// quiet zone, moduleSize pixels per module (0 picks 6).
func EncodePNG(text string, moduleSize int) ([]byte, error) {
	if moduleSize <= 0 {
		moduleSize = 6
	}
	q, err := goqrcode.New(text, goqrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("cannot draw a QR code: %w", err)
	}
	return q.PNG(-moduleSize)
}
