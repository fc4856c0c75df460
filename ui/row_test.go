package ui

import (
	"encoding/base32"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"github.com/sparekey/sparekey/vault"
)

// mixedAccounts returns n otpauth URIs of TOTP, HOTP and Steam accounts,
// each with its own secret, so no two rows share a code. The kinds follow
// an irregular pattern: with a regular one, a row scrolled off the top
// could come back at the bottom always for an account of its old kind.
var kindPattern = []int{0, 1, 2, 1, 0, 0, 2, 1, 1, 2, 0}

func mixedAccounts(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		secret := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte(fmt.Sprintf("row-test-secret-%02d", i)))
		switch kindPattern[i%len(kindPattern)] {
		case 0:
			out = append(out, fmt.Sprintf("otpauth://totp/Site%02d:totp?secret=%s&issuer=Site%02d", i, secret, i))
		case 1:
			out = append(out, fmt.Sprintf("otpauth://hotp/Site%02d:hotp?secret=%s&issuer=Site%02d&counter=%d", i, secret, i, 5+i))
		default:
			out = append(out, fmt.Sprintf("otpauth://steam/Site%02d:steam?secret=%s&issuer=Site%02d", i, secret, i))
		}
	}
	return out
}

// checkRows fails when any row the list draws shows text that is not its
// own account's: the issuer, the code (or the hidden HOTP code) and the
// counter.
func (h *harness) checkRows(when string) {
	h.t.Helper()
	m := h.u.main
	now := h.clk.Now()
	seen := 0
	for _, r := range rowsOnScreen(m) {
		if r.id < 0 || r.id >= m.list.Len() || r.acct == nil {
			h.t.Errorf("%s: a row on screen points at no account (id %d of %d)", when, r.id, m.list.Len())
			continue
		}
		a := m.list.Account(r.id)
		if a.ID != r.acct.ID {
			h.t.Errorf("%s: row %d holds %s but the list has %s there", when, r.id, r.acct.Issuer, a.Issuer)
			continue
		}
		seen++
		if m.rows[r.id] != r {
			h.t.Errorf("%s: the row of %s is not among the rows the tick refreshes", when, r.acct.Issuer)
		}
		if r.issuer.Text != a.Issuer {
			h.t.Errorf("%s: row of %s is titled %q", when, a.Issuer, r.issuer.Text)
		}
		var want, wantNext string
		if a.Kind == vault.KindHOTP {
			want = hiddenHOTPCode
			if issued := m.list.Entry(r.id, now).Code; issued != "" {
				want = vault.GroupCode(issued)
			}
			wantNext = fmt.Sprintf("counter %d", a.Counter)
		} else {
			c, err := a.CodeAt(now)
			if err != nil {
				h.t.Fatal(err)
			}
			want = vault.GroupCode(c)
		}
		if r.codeTxt.Text != want {
			h.t.Errorf("%s: row of %s (%s) shows %q, want %q", when, a.Issuer, a.Kind, r.codeTxt.Text, want)
		}
		if a.Kind == vault.KindHOTP && (!r.hotp.Visible() || r.hotp.Size() != r.menu.Size()) {
			h.t.Errorf("%s: row of %s has its next-code button drawn at %v, beside a menu button of %v", when, a.Issuer, r.hotp.Size(), r.menu.Size())
		}
		if a.Kind != vault.KindHOTP && r.hotp.Visible() {
			h.t.Errorf("%s: row of %s (%s) shows a next-code button", when, a.Issuer, a.Kind)
		}
		if r.nextTxt.Text != wantNext {
			h.t.Errorf("%s: row of %s (%s) has %q under its code, want %q", when, a.Issuer, a.Kind, r.nextTxt.Text, wantNext)
		}
	}
	if seen == 0 {
		h.t.Fatalf("%s: no row is drawn", when)
	}
}

// A recycled row must show only its new account: a HOTP row once kept the
// code of the TOTP account the row showed before, and a person would type
// it.
func TestRecycledRowsShowTheirOwnAccount(t *testing.T) {
	h := newHarness(t, "keyring", nil, mixedAccounts(30)...)
	m := h.u.main
	h.checkRows("first frame")
	// Steps of one and two rows hand pooled rows to accounts of every
	// kind (the kinds alternate down the list).
	for _, step := range []int{1, 2, 5} {
		for i := 0; i < m.list.Len(); i += step {
			m.listW.ScrollTo(i)
			h.checkRows(fmt.Sprintf("scrolled down to %d", i))
		}
		for i := m.list.Len() - 1; i >= 0; i -= step + 1 {
			m.listW.ScrollTo(i)
			h.checkRows(fmt.Sprintf("scrolled up to %d", i))
		}
	}

	// Issue a HOTP code: only that row shows it.
	m.listW.ScrollToTop()
	m.issueHOTP(m.list.Account(1))
	h.checkRows("after issuing a counter code")
	m.listW.ScrollToBottom()
	h.checkRows("scrolled to the bottom after issuing")
	m.listW.ScrollToTop()
	h.checkRows("back at the top after issuing")

	// Filtering moves accounts under rows that showed others.
	for _, q := range []string{"hotp", "site1", "steam", "", "totp", "site2"} {
		m.search.SetText(q)
		h.checkRows(fmt.Sprintf("search %q", q))
		m.listW.ScrollToBottom()
		h.checkRows(fmt.Sprintf("search %q at the bottom", q))
		m.listW.ScrollToTop()
		h.checkRows(fmt.Sprintf("search %q at the top", q))
	}

	// The once-a-second tick changes only the codes of the rows' own accounts.
	h.clk.Advance(30e9)
	h.u.Tick()
	h.checkRows("after a tick into the next period")
	m.listW.ScrollTo(m.list.Len() / 2)
	h.clk.Advance(30e9)
	h.u.Tick()
	h.checkRows("after scrolling and another period")
	saveScreenshot(t, h.u.Window(), "recycled-rows.png")
}

// saveScreenshot writes what the window shows into $SPAREKEY_SCREENSHOTS,
// when set, for a person to look at.
func saveScreenshot(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	dir := os.Getenv("SPAREKEY_SCREENSHOTS")
	if dir == "" {
		return
	}
	// A real window lays out again whenever a minimum size changed (the
	// GL driver checks every frame); the test canvas does so on a resize.
	size := w.Canvas().Size()
	w.Resize(size.AddWidthHeight(1, 1))
	w.Resize(size)
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// rowsOnScreen returns the rows the list has laid out now, not the ones it
// keeps in its pool or has dropped.
func rowsOnScreen(m *mainScreen) []*accountRow {
	var out []*accountRow
	walk(m.listW, func(o fyne.CanvasObject) {
		if r, ok := o.(*accountRow); ok {
			out = append(out, r)
		}
	})
	return out
}

// TestCodeDigitsShareOneWidth keeps codes in a font whose digits are all
// as wide, so a new code never shifts the row, without a text style the
// window would need only for them (each style is a set of parsed fonts).
func TestCodeDigitsShareOneWidth(t *testing.T) {
	h := newHarness(t, "keyring", nil, mixedAccounts(3)...)
	if len(h.u.main.rows) == 0 {
		t.Fatal("the list drew no rows")
	}
	for _, txt := range []*canvas.Text{h.u.main.rows[0].codeTxt, h.u.main.rows[0].nextTxt} {
		if txt.TextStyle != (fyne.TextStyle{}) {
			t.Errorf("code text style = %+v; the window's text style needs no fonts of its own", txt.TextStyle)
		}
		want := fyne.MeasureText("0", txt.TextSize, txt.TextStyle).Width
		for d := '1'; d <= '9'; d++ {
			if got := fyne.MeasureText(string(d), txt.TextSize, txt.TextStyle).Width; got != want {
				t.Errorf("digit %c is %v wide at size %v, digit 0 is %v: codes would shift", d, got, txt.TextSize, want)
			}
		}
	}
}
