package qr_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault/transfer/qr"
)

// qrencode draws text with the real qrencode tool.
func qrencode(t *testing.T, text string, moduleSize int) image.Image {
	t.Helper()
	tool := testenv.Tool(t, "qrencode")
	out := filepath.Join(t.TempDir(), "code.png")
	if b, err := exec.Command(tool, "-s", fmt.Sprint(moduleSize), "-o", out, text).CombinedOutput(); err != nil {
		t.Fatalf("qrencode: %v\n%s", err, b)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// compose lays images out on a background, left to right with a gap and
// a vertical stagger, the way several codes end up in one screenshot.
func compose(bg color.Color, pad int, imgs ...image.Image) image.Image {
	w, h := pad, 0
	for i, img := range imgs {
		w += img.Bounds().Dx() + pad
		h = max(h, img.Bounds().Dy()+i*pad/2)
	}
	canvas := image.NewRGBA(image.Rect(0, 0, w, h+2*pad))
	draw.Draw(canvas, canvas.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	x := pad
	for i, img := range imgs {
		r := img.Bounds()
		draw.Draw(canvas, image.Rect(x, pad+i*pad/2, x+r.Dx(), pad+i*pad/2+r.Dy()), img, r.Min, draw.Src)
		x += r.Dx() + pad
	}
	return canvas
}

func negative(img image.Image) image.Image {
	b := img.Bounds()
	out := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(x, y, color.Gray{Y: 0xff - color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y})
		}
	}
	return out
}

// grid puts the first two images side by side, with a slight tilt of the
// row (as in a photo), and the third below them.
func grid(a, b, c image.Image) image.Image {
	const pad = 40
	side := max(a.Bounds().Dx(), b.Bounds().Dx(), c.Bounds().Dx())
	canvas := image.NewRGBA(image.Rect(0, 0, 2*side+3*pad, 2*side+3*pad))
	draw.Draw(canvas, canvas.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	at := func(img image.Image, x, y int) {
		r := img.Bounds()
		draw.Draw(canvas, image.Rect(x, y, x+r.Dx(), y+r.Dy()), img, r.Min, draw.Src)
	}
	at(a, pad, pad+10)
	at(b, side+2*pad, pad)
	at(c, pad, side+2*pad)
	return canvas
}

func TestDecodeImageFindsEveryCode(t *testing.T) {
	texts := []string{
		"otpauth://totp/One:alice?secret=JBSWY3DPEHPK3PXP&issuer=One",
		"otpauth://totp/Two:bob?secret=KRSXG5DTMVRXEZLU&issuer=Two&algorithm=SHA256",
		"otpauth-migration://offline?data=CiUKEOSScPDSHzZchAj4tHXFJnwSBU1hc29uGgREZW5vIAEoATACEAEYASAAKLLyGQ%3D%3D",
	}
	var codes []image.Image
	for i, s := range texts {
		codes = append(codes, qrencode(t, s, 3+i))
	}
	cases := []struct {
		name string
		img  image.Image
		want []string
	}{
		{"one", codes[0], texts[:1]},
		{"two side by side", compose(color.White, 20, codes[0], codes[1]), texts[:2]},
		{"three side by side", compose(color.White, 20, codes...), texts},
		{"three on a grey screen", compose(color.Gray{Y: 0xc8}, 150, codes...), texts},
		{"two touching quiet zones", compose(color.White, 0, codes[1], codes[2]), texts[1:]},
		{"two rows", grid(codes[2], codes[0], codes[1]), []string{texts[2], texts[0], texts[1]}},
		{"dark mode", negative(compose(color.White, 30, codes[1])), texts[1:2]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := qr.DecodeImage(tc.img)
			if err != nil {
				t.Fatal(err)
			}
			// Codes side by side come back left to right.
			want := tc.want
			if !slices.Equal(got, want) {
				t.Errorf("decoded %d codes %q\nwant %d %q", len(got), got, len(want), want)
			}
		})
	}
}

func TestDecodeFileFixtures(t *testing.T) {
	for _, tc := range []struct {
		file, prefix string
	}{
		{"screenshot_with_qr.png", "otpauth://totp/Amazon%20Web%20Services:"},
		{"aws_virtual_device.png", "otpauth://totp/Amazon%20Web%20Services:"},
		{"google_migration_1of2.png", "otpauth-migration://offline?data="},
		{"google_migration_2of2.png", "otpauth-migration://offline?data="},
	} {
		got, err := qr.DecodeFile(testenv.Fixture(t, tc.file))
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if len(got) != 1 || !strings.HasPrefix(got[0], tc.prefix) {
			t.Errorf("%s: decoded %d codes", tc.file, len(got))
		}
	}
	// The Google fixtures' pictures hold exactly their .txt twins.
	for _, base := range []string{"google_migration_1of2", "google_migration_2of2"} {
		txt, err := os.ReadFile(testenv.Fixture(t, base+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := qr.DecodeFile(testenv.Fixture(t, base+".png"))
		if err != nil || len(got) != 1 || got[0] != strings.TrimSpace(string(txt)) {
			t.Errorf("%s.png does not decode to %s.txt (%v)", base, base, err)
		}
	}
}

func TestDecodeFileFormatsAndFailures(t *testing.T) {
	dir := t.TempDir()
	code := qrencode(t, "otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP", 6)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, code, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var blank bytes.Buffer
	png.Encode(&blank, image.NewGray(image.Rect(0, 0, 300, 200)))

	if got, err := qr.DecodeFile(write("code.jpg", jpg.Bytes())); err != nil || len(got) != 1 {
		t.Errorf("JPEG: %q, %v", got, err)
	}
	_, err := qr.DecodeFile(write("blank.png", blank.Bytes()))
	if !errors.Is(err, qr.ErrNoQRCode) || !strings.Contains(err.Error(), "blank.png") {
		t.Errorf("blank picture: %v", err)
	}
	_, err = qr.DecodeFile(write("notes.txt", []byte("hello")))
	if !errors.Is(err, qr.ErrNotImage) || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("text file: %v", err)
	}
	_, err = qr.DecodeFile(filepath.Join(dir, "absent.png"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "absent.png") {
		t.Errorf("missing file: %v", err)
	}
	// A header claiming a gigantic picture is refused before decoding.
	huge := image.NewGray(image.Rect(0, 0, 1, 1))
	var buf bytes.Buffer
	png.Encode(&buf, huge)
	b := buf.Bytes()
	copy(b[16:24], []byte{0, 0, 0x7f, 0xff, 0, 0, 0x7f, 0xff}) // IHDR width and height
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(b[12:29]))
	if _, err := qr.DecodeBytes(b); err == nil || !strings.Contains(err.Error(), "megapixels") {
		t.Errorf("oversized picture: %v", err)
	}
}

func TestEncodePNGRoundTrip(t *testing.T) {
	zbarimg := testenv.Tool(t, "zbarimg")
	text := "otpauth://hotp/Round:trip?secret=JBSWY3DPEHPK3PXP&counter=5"
	data, err := qr.EncodePNG(text, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := qr.DecodeBytes(data)
	if err != nil || len(got) != 1 || got[0] != text {
		t.Errorf("own decoder: %q %v", got, err)
	}
	p := filepath.Join(t.TempDir(), "code.png")
	os.WriteFile(p, data, 0o600)
	out, err := exec.Command(zbarimg, "--raw", "-q", p).Output()
	if err != nil || strings.TrimSpace(string(out)) != text {
		t.Errorf("zbarimg: %q %v", out, err)
	}
}

func ExampleDecodeFile() {
	texts, err := qr.DecodeFile("screenshot.png")
	if errors.Is(err, qr.ErrNoQRCode) {
		fmt.Println("no QR code in that picture")
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range texts {
		fmt.Println(t) // otpauth://… links, one per code found
	}
}

// BenchmarkDecodeScreenshot reads the QR code off a 1280x800 screenshot,
// what "scan the screen" does.
func BenchmarkDecodeScreenshot(b *testing.B) {
	data, err := os.ReadFile(testenv.Fixture(b, "screenshot_with_qr.png"))
	if err != nil {
		b.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if texts, err := qr.DecodeImage(img); err != nil || len(texts) != 1 {
			b.Fatal(texts, err)
		}
	}
}

// BenchmarkDecodeNoCode is the worst case: a screenshot without any code,
// where every reader and both rescales are tried.
func BenchmarkDecodeNoCode(b *testing.B) {
	img := image.NewGray(image.Rect(0, 0, 1280, 800))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7 % 251)
	}
	for b.Loop() {
		if _, err := qr.DecodeImage(img); !errors.Is(err, qr.ErrNoQRCode) {
			b.Fatal(err)
		}
	}
}
