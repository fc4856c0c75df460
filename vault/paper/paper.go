// Package paper prints accounts as a paper backup: a PDF (A4 or Letter)
// with, for every account, a QR code of its otpauth URI, its issuer and
// name, its code settings and its base32 secret in groups of four, plus the
// date and a short recovery instruction.
//
// Paper outlives every file format and every password: any authenticator
// app can scan the QR codes back in, and a person can type the secret by
// hand. That also means the sheet is as sensitive as the seeds themselves,
// so the PDF is built in memory and written once, 0600, atomically.
//
// The PDF uses the standard Helvetica and Courier fonts (no embedded font
// files); names are converted to Windows-1252 for printing, and characters
// outside it print as "?". The QR codes always carry the exact UTF-8 URI.
package paper

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
)

// Page is a paper size.
type Page string

const (
	A4     Page = "a4"
	Letter Page = "letter"
)

// ParsePage accepts "a4" and "letter" in any case.
func ParsePage(s string) (Page, error) {
	switch p := Page(strings.ToLower(strings.TrimSpace(s))); p {
	case A4, Letter:
		return p, nil
	case "":
		return A4, nil
	}
	return "", fmt.Errorf("paper size %q is not supported (use a4 or letter)", s)
}

// Options control the printout.
type Options struct {
	Page Page // default A4
	// Title heads every page; default "Sparekey paper backup".
	Title string
	// Date is printed on every page; default now.
	Date time.Time
	// Progress is called after each account is laid out (on the calling
	// goroutine): Done accounts of Total.
	Progress backup.ProgressFunc
}

// ErrNothingToPrint is returned for an empty selection.
var ErrNothingToPrint = errors.New("no accounts to print")

// Instructions is the recovery text printed on the first page.
const Instructions = "To recover an account, scan its QR code with any authenticator app " +
	"(in Sparekey: Add account, then Scan QR code), or type its secret key by hand; " +
	"spaces do not matter. Use the type, algorithm, digits and period printed beside it. " +
	"Anyone holding this sheet can generate your codes: keep it as safe as cash, " +
	"and destroy old copies when you make a new one."

const (
	margin    = 15.0
	qrSize    = 48.0
	blockH    = 56.0
	headerH   = 34.0 // first page, with the instructions
	subHeadH  = 16.0 // later pages
	footerGap = 12.0
)

// Render writes the PDF for accounts to w.
func Render(w io.Writer, accounts []*vault.Account, opts Options) error {
	if len(accounts) == 0 {
		return ErrNothingToPrint
	}
	if opts.Page == "" {
		opts.Page = A4
	}
	if opts.Title == "" {
		opts.Title = "Sparekey paper backup"
	}
	if opts.Date.IsZero() {
		opts.Date = time.Now()
	}
	size := "A4"
	if opts.Page == Letter {
		size = "Letter"
	}
	pdf := fpdf.New("P", "mm", size, "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, margin)
	pdf.SetCreationDate(opts.Date)
	pdf.SetTitle(opts.Title, true)
	pdf.SetCreator("Sparekey", true)
	pdf.AliasNbPages("{nb}")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pageW, pageH := pdf.GetPageSize()
	textW := pageW - 2*margin
	date := opts.Date.Format("2 January 2006")

	pdf.SetFooterFunc(func() {
		pdf.SetY(pageH - margin + 2)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(textW, 4, tr(fmt.Sprintf("%s, %s  -  page %d of {nb}  -  secret: keep this sheet safe", opts.Title, date, pdf.PageNo())), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})

	newPage := func() float64 {
		pdf.AddPage()
		pdf.SetXY(margin, margin)
		pdf.SetFont("Helvetica", "B", 16)
		pdf.CellFormat(textW*0.65, 8, tr(opts.Title), "", 0, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 10)
		pdf.CellFormat(textW*0.35, 8, tr(date), "", 1, "R", false, 0, "")
		if pdf.PageNo() == 1 {
			pdf.SetFont("Helvetica", "", 9)
			pdf.SetX(margin)
			pdf.MultiCell(textW, 4.2, tr(Instructions), "", "L", false)
			return margin + headerH
		}
		return margin + subHeadH
	}

	y := newPage()
	for i, a := range accounts {
		if y+blockH > pageH-margin-footerGap+4 {
			y = newPage()
		}
		if err := drawAccount(pdf, tr, a, i, y, textW); err != nil {
			return err
		}
		y += blockH
		opts.Progress.Report(backup.StageLayout, int64(i+1), int64(len(accounts)))
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("building the PDF: %w", err)
	}
	return pdf.Output(w)
}

func drawAccount(pdf *fpdf.Fpdf, tr func(string) string, a *vault.Account, i int, y, textW float64) error {
	pdf.SetDrawColor(180, 180, 180)
	pdf.Line(margin, y-2, margin+textW, y-2)
	uri := a.URI()
	textX := margin + qrSize + 6
	q, err := qrcode.New(uri, qrcode.Medium)
	if err == nil {
		png, perr := q.PNG(600)
		if perr != nil {
			return fmt.Errorf("drawing the QR code of %s: %w", a.Label(), perr)
		}
		name := fmt.Sprintf("qr%d", i)
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		pdf.ImageOptions(name, margin, y, qrSize, qrSize, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	} else {
		pdf.SetXY(margin, y+qrSize/2-4)
		pdf.SetFont("Helvetica", "I", 8)
		pdf.MultiCell(qrSize, 4, "Too long for a QR code: type the secret.", "", "C", false)
	}
	w := textW - qrSize - 6
	pdf.SetXY(textX, y+1)
	pdf.SetFont("Helvetica", "B", 13)
	title := a.Issuer
	if title == "" {
		title = a.Name
	}
	pdf.CellFormat(w, 6, tr(fit(title, 60)), "", 2, "L", false, 0, "")
	if a.Issuer != "" && a.Name != "" {
		pdf.SetFont("Helvetica", "", 10)
		pdf.CellFormat(w, 5, tr(fit(a.Name, 80)), "", 2, "L", false, 0, "")
	}
	pdf.SetFont("Helvetica", "", 9)
	pdf.CellFormat(w, 5, settingsLine(a), "", 2, "L", false, 0, "")
	if a.AWS != nil && a.AWS.SerialNumber != "" {
		pdf.CellFormat(w, 5, tr(fit("AWS MFA device: "+a.AWS.SerialNumber, 95)), "", 2, "L", false, 0, "")
	}
	pdf.SetFont("Helvetica", "", 8)
	pdf.CellFormat(w, 5, "Secret key (base32):", "", 2, "L", false, 0, "")
	pdf.SetFont("Courier", "B", 11)
	pdf.SetX(textX)
	groups := GroupSecret(a.Secret)
	if len(groups) > 400 {
		groups = groups[:400] + " ..."
	}
	pdf.MultiCell(w, 5, groups, "", "L", false)
	return nil
}

func settingsLine(a *vault.Account) string {
	parts := []string{strings.ToUpper(string(a.Kind)), string(a.Algorithm), fmt.Sprintf("%d digits", a.Digits)}
	switch a.Kind {
	case vault.KindHOTP:
		parts = append(parts, fmt.Sprintf("next counter %d", a.Counter))
	default:
		parts = append(parts, fmt.Sprintf("period %d s", a.Period))
	}
	return strings.Join(parts, "  -  ")
}

// GroupSecret writes a base32 secret in groups of four for reading aloud
// and typing: "JBSW Y3DP EHPK 3PXP".
func GroupSecret(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func fit(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "..."
}

// WriteFile renders the PDF in memory and writes it to path atomically
// with mode 0600.
func WriteFile(path string, accounts []*vault.Account, opts Options) error {
	var buf bytes.Buffer
	if err := Render(&buf, accounts, opts); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return backup.WriteAtomic(path, buf.Bytes())
}
