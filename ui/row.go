package ui

import (
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// accountRow is one account in the list: countdown, issuer and name, the
// code grouped for reading, and the row's actions. It is recycled by the
// list; bind points it at another account.
type accountRow struct {
	widget.BaseWidget
	m *mainScreen

	id      int
	acct    *vault.Account
	code    string // ungrouped, as last drawn
	next    string
	hovered bool

	bg     *canvas.Rectangle
	ring   *countdown
	mark   *rowMark // the issuer's brand icon, or its initial
	issuer *widget.Label
	name   *widget.Label
	fav    *widget.Icon
	// practice marks an account of the practice account, whose codes
	// open nothing real.
	practice *widget.Label
	codeTxt  *canvas.Text
	nextTxt  *canvas.Text
	hotp     *widget.Button
	menu     *widget.Button
	// titles and right are re-laid out when the star or the next-code
	// button appears or goes: a container lays out only on a refresh.
	titles, right *fyne.Container
}

func newAccountRow(m *mainScreen) *accountRow {
	r := &accountRow{m: m, id: -1}
	r.bg = canvas.NewRectangle(color.Transparent)
	r.bg.CornerRadius = theme.InputRadiusSize()
	r.ring = newCountdown(m.u.rings)
	r.mark = newRowMark()
	r.issuer = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.issuer.Truncation = fyne.TextTruncateEllipsis
	r.name = widget.NewLabel("")
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.name.SizeName = theme.SizeNameCaptionText
	r.fav = widget.NewIcon(theme.NewPrimaryThemedResource(starIcon))
	r.fav.Hide()
	r.practice = widget.NewLabelWithStyle("PRACTICE", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	r.practice.Importance = widget.WarningImportance
	r.practice.SizeName = theme.SizeNameCaptionText
	r.practice.Hide()
	// Codes are in the text font, not monospace: its digits all have the
	// same width (TestCodeDigitsShareOneWidth), so a new code does not
	// shift, and each text style a window uses costs Fyne a parsed set of
	// font faces, its own and the system's (measured: 2.6 MB of heap and
	// about 30 ms of start-up), that the list would be alone in needing.
	r.codeTxt = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	r.codeTxt.TextSize = theme.TextSize() * 1.75
	r.codeTxt.Alignment = fyne.TextAlignTrailing
	r.nextTxt = canvas.NewText("", theme.Color(theme.ColorNamePlaceHolder))
	r.nextTxt.TextSize = theme.CaptionTextSize()
	r.nextTxt.Alignment = fyne.TextAlignTrailing
	r.hotp = widget.NewButtonWithIcon("", theme.MediaSkipNextIcon(), func() {
		if r.acct != nil {
			r.m.u.activity()
			r.m.setCurrent(r.id)
			r.m.issueHOTP(r.acct)
		}
	})
	r.hotp.Importance = widget.LowImportance
	r.hotp.Hide()
	r.menu = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), func() { r.showMenu(nil) })
	r.menu.Importance = widget.LowImportance
	r.ExtendBaseWidget(r)
	return r
}

func (r *accountRow) CreateRenderer() fyne.WidgetRenderer {
	r.titles = container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()*2), container.NewBorder(nil, nil, r.fav, r.practice, r.issuer), r.name)
	codes := container.New(layout.NewCustomPaddedVBoxLayout(0), layout.NewSpacer(), r.codeTxt, r.nextTxt, layout.NewSpacer())
	r.right = container.NewHBox(codes, r.hotp, r.menu)
	row := container.NewBorder(nil, nil, container.NewHBox(container.NewCenter(r.ring), r.mark.content), r.right, r.titles)
	return widget.NewSimpleRenderer(container.NewStack(r.bg, container.NewPadded(row)))
}

// bind shows account i of the list. The list recycles rows, so every
// field drawn for the account the row showed before is redrawn here:
// nothing may be skipped because it looks unchanged.
func (r *accountRow) bind(i int, now time.Time) {
	r.m.rowBound(r, i)
	r.id = i
	e := r.m.list.Entry(i, now)
	r.acct = e.Account
	if r.acct == nil {
		r.clear()
		return
	}
	a := r.acct
	issuer, name := a.Issuer, a.Name
	if issuer == "" {
		issuer, name = a.Name, ""
	}
	if name == "" && len(a.Tags) > 0 {
		name = "#" + a.Tags[0]
	}
	// Labels from older vaults, or written by another program, may hold
	// control characters or bidi overrides that would disguise the name.
	issuer, name = vault.EscapeLabel(issuer), vault.EscapeLabel(name)
	// Setting a label re-shapes its text (the costly part of a refresh).
	if r.issuer.Text != issuer {
		r.issuer.SetText(issuer)
	}
	r.mark.show(r.m.u.brands, issuer)
	if r.name.Text != name {
		r.name.SetText(name)
	}
	favChanged := setShown(r.fav, a.Favorite)
	if (setShown(r.practice, app.IsPracticeAccount(a)) || favChanged) && r.titles != nil {
		r.titles.Refresh()
	}
	if setShown(r.hotp, a.Kind == vault.KindHOTP) && r.right != nil {
		r.right.Refresh()
	}
	if a.Kind == vault.KindHOTP {
		r.ring.counter()
	}
	r.drawCode(e, true)
	r.updateHighlight()
}

// setShown shows or hides o and reports whether that changed anything.
func setShown(o fyne.CanvasObject, show bool) bool {
	if o.Visible() == show {
		return false
	}
	if show {
		o.Show()
	} else {
		o.Hide()
	}
	return true
}

// clear blanks a row the list points at no account.
func (r *accountRow) clear() {
	r.code, r.next = "", ""
	r.issuer.SetText("")
	r.name.SetText("")
	r.mark.show(r.m.u.brands, "")
	r.fav.Hide()
	r.practice.Hide()
	r.hotp.Hide()
	r.codeTxt.Text, r.nextTxt.Text = "", ""
	r.codeTxt.Refresh()
	r.nextTxt.Refresh()
}

// tick advances the countdown, and the code when its period ended. It
// looks up the account at the row's position now: the list may have
// moved another account there since the row was bound.
func (r *accountRow) tick(now time.Time) {
	if r.acct == nil || r.id < 0 || r.acct.Kind == vault.KindHOTP {
		return
	}
	e := r.m.list.Entry(r.id, now)
	if e.Account == nil || e.Account.ID != r.acct.ID {
		return // the list moved on; the next bind fixes this row
	}
	r.drawCode(e, false)
}

// drawCode shows e's code, next code and countdown. Unless all is set it
// repaints only what changed since the row last drew this account.
func (r *accountRow) drawCode(e app.Entry, all bool) {
	code, next := e.Code, e.Next
	broken := e.Err != nil
	if broken {
		code, next = "", ""
	}
	if all || code != r.code {
		r.code = code
		switch {
		case broken:
			r.codeTxt.Text = "error"
			r.codeTxt.Color = theme.Color(theme.ColorNameError)
		case code == "" && r.acct.Kind == vault.KindHOTP:
			r.codeTxt.Text = hiddenHOTPCode
			r.codeTxt.Color = theme.Color(theme.ColorNamePlaceHolder)
		default:
			r.codeTxt.Text = vault.GroupCode(code)
			r.codeTxt.Color = theme.Color(theme.ColorNameForeground)
		}
		r.codeTxt.Refresh()
	}
	if all || next != r.next {
		r.next = next
		r.updateNext()
	}
	if r.acct.Kind != vault.KindHOTP {
		r.ring.set(e.Remaining, e.Period)
	}
}

func (r *accountRow) updateNext() {
	text := ""
	switch {
	case r.acct == nil:
	case r.acct.Kind == vault.KindHOTP:
		text = "counter " + strconv.FormatUint(r.acct.Counter, 10)
	case r.next != "" && (r.hovered || r.m.u.core.Settings().ShowNextCode):
		text = "next " + vault.GroupCode(r.next)
	}
	if r.nextTxt.Text != text {
		r.nextTxt.Text = text
		r.nextTxt.Refresh()
	}
}

func (r *accountRow) updateHighlight() {
	var c color.Color = color.Transparent
	switch {
	case r.hovered:
		c = theme.Color(theme.ColorNameHover)
	case r.id == r.m.current && r.m.cursorShown():
		c = theme.Color(theme.ColorNameSelection)
	}
	if r.bg.FillColor != c {
		r.bg.FillColor = c
		r.bg.Refresh()
	}
}

// MouseIn shows the next code while the pointer is over the row.
func (r *accountRow) MouseIn(*desktop.MouseEvent) {
	r.hovered = true
	r.m.u.activity()
	r.updateNext()
	r.updateHighlight()
}

func (r *accountRow) MouseMoved(*desktop.MouseEvent) { r.m.u.activity() }

func (r *accountRow) MouseOut() {
	r.hovered = false
	r.updateNext()
	r.updateHighlight()
}

// TappedSecondary opens the row's menu where the pointer is.
func (r *accountRow) TappedSecondary(e *fyne.PointEvent) { r.showMenu(e) }

func (r *accountRow) showMenu(at *fyne.PointEvent) {
	if r.acct == nil {
		return
	}
	r.m.u.activity()
	r.m.setCurrent(r.id)
	a, i := r.acct, r.id
	items := []*fyne.MenuItem{
		fyne.NewMenuItemWithIcon("Copy code", theme.ContentCopyIcon(), func() { r.m.copyRow(i) }),
	}
	if a.Kind != vault.KindHOTP {
		items = append(items, fyne.NewMenuItem("Copy next code", func() { r.m.copyNext(i) }))
	} else {
		items = append(items, fyne.NewMenuItemWithIcon("Issue the next code", theme.MediaSkipNextIcon(), func() { r.m.issueHOTP(a) }))
	}
	favLabel := "Pin to the top (favourite)"
	if a.Favorite {
		favLabel = "Unpin (remove from favourites)"
	}
	items = append(items,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItemWithIcon(favLabel, theme.NewThemedResource(starIcon), func() { r.m.toggleFavorite(a) }),
		fyne.NewMenuItemWithIcon("Edit…", theme.DocumentCreateIcon(), func() { r.m.u.showEditDialog(a) }),
		fyne.NewMenuItemWithIcon("Show as QR code…", theme.NewThemedResource(qrIcon), func() { r.m.u.showQRDialog(a) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItemWithIcon("Delete…", theme.DeleteIcon(), func() { r.m.u.confirmDelete(a) }),
	)
	menu := fyne.NewMenu("", items...)
	c := r.m.u.win.Canvas()
	var pos fyne.Position
	if at != nil {
		pos = at.AbsolutePosition
	} else {
		pos = fyne.CurrentApp().Driver().AbsolutePositionForObject(r.menu).Add(fyne.NewPos(0, r.menu.Size().Height))
	}
	widget.ShowPopUpMenuAtPosition(menu, c, pos)
}

// hiddenHOTPCode stands in for a counter account's code until one is
// issued: generating it would use up the counter.
const hiddenHOTPCode = "••• •••"
