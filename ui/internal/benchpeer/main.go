// Command benchpeer is the same-content peer of packaging/bench-ui.sh: a
// plain Fyne window, from this module and its build tags, that draws what
// Sparekey's window draws with 200 accounts (menu bar, search box, tag
// filter, Add button, and a list whose rows hold a countdown ring with its
// seconds, an initial on a tinted square, a bold issuer over a caption, a
// large code and a menu button), and ticks each visible row's countdown
// once a second. It has none of Sparekey's own work: no vault, no codes
// computed, no tray, no watchers.
//
// Fyne repaints the whole window for any change, so the cost of the
// second-by-second frame grows with what the window shows. The bare floor
// window (one label) tells what Fyne costs at least; this peer tells what
// Fyne costs for Sparekey's content, and Sparekey's figure read beside it
// is what Sparekey adds.
//
// Like the floor it marks its first frame with benchprobe.
package main

import (
	"fmt"
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/ui/internal/benchprobe"
)

// peerRow has the objects a Sparekey row has: a ring picture with the
// seconds over it, an initial on a tinted square, issuer (bold) and name
// (caption), the code (large) and a menu button.
type peerRow struct {
	rings         *ringPictures
	ring          *canvas.Raster
	secs          *canvas.Text
	issuer, name  *widget.Label
	code          *canvas.Text
	initial       *canvas.Text
	content       fyne.CanvasObject
	step, secLeft int
}

// ringPictures are drawn once and shared, one a second of the period, as
// Sparekey shares its rings.
type ringPictures struct{ drawn [31]*image.RGBA }

func (rp *ringPictures) get(step int) *image.RGBA {
	if rp.drawn[step] == nil {
		img := image.NewRGBA(image.Rect(0, 0, ringSize, ringSize))
		fill := color.RGBA{R: 0, G: 90, B: 200, A: 255}
		for y := 0; y < ringSize; y++ {
			for x := 0; x < ringSize && x < step; x++ {
				img.SetRGBA(x, y, fill)
			}
		}
		rp.drawn[step] = img
	}
	return rp.drawn[step]
}

const (
	ringSize = 34
	period   = 30
	accounts = 200
)

func newPeerRow(rings *ringPictures) *peerRow {
	r := &peerRow{rings: rings}
	r.ring = canvas.NewRaster(func(int, int) image.Image { return r.rings.get(r.step) })
	r.secs = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	r.secs.TextSize = theme.CaptionTextSize()
	r.secs.Alignment = fyne.TextAlignCenter
	ringSpace := canvas.NewRectangle(color.Transparent)
	ringSpace.SetMinSize(fyne.NewSquareSize(ringSize))
	ring := container.NewStack(ringSpace, r.ring, container.NewCenter(r.secs))

	r.initial = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	r.initial.TextStyle = fyne.TextStyle{Bold: true}
	r.initial.Alignment = fyne.TextAlignCenter
	tint := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	tint.CornerRadius = theme.InputRadiusSize()
	markSpace := canvas.NewRectangle(color.Transparent)
	markSpace.SetMinSize(fyne.NewSquareSize(28))
	mark := container.NewCenter(container.NewStack(markSpace, tint, container.NewCenter(r.initial)))

	r.issuer = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.issuer.Truncation = fyne.TextTruncateEllipsis
	r.name = widget.NewLabel("")
	r.name.SizeName = theme.SizeNameCaptionText
	r.name.Truncation = fyne.TextTruncateEllipsis
	titles := container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()*2), r.issuer, r.name)

	r.code = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	r.code.TextSize = theme.TextSize() * 1.75
	r.code.Alignment = fyne.TextAlignTrailing
	menu := widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), func() {})
	menu.Importance = widget.LowImportance
	right := container.NewHBox(container.NewCenter(r.code), menu)

	row := container.NewBorder(nil, nil, container.NewHBox(container.NewCenter(ring), mark), right, titles)
	r.content = container.NewPadded(row)
	return r
}

func (r *peerRow) bind(i int, now time.Time) {
	r.issuer.SetText(fmt.Sprintf("Issuer%d", i))
	r.name.SetText(fmt.Sprintf("user%d@example.com", i))
	r.initial.Text = "I"
	r.initial.Refresh()
	window := now.Unix() / period
	r.code.Text = fmt.Sprintf("%03d %03d", (int64(i)*7919+window)%1000, (int64(i)*104729+window)%1000)
	r.code.Refresh()
	r.secLeft = -1
	r.tick(now)
}

// tick repaints the countdown when its second changed, as Sparekey's does.
func (r *peerRow) tick(now time.Time) {
	left := period - int(now.Unix()%period)
	if left == r.secLeft {
		return
	}
	r.secLeft, r.step = left, left
	r.ring.Refresh()
	r.secs.Text = fmt.Sprint(left)
	r.secs.Refresh()
}

// peer is the window's list and the rows bound on screen.
type peer struct {
	rings  ringPictures
	rows   map[fyne.CanvasObject]*peerRow
	onShow map[widget.ListItemID]*peerRow
}

func (p *peer) length() int { return accounts }

func (p *peer) create() fyne.CanvasObject {
	r := newPeerRow(&p.rings)
	p.rows[r.content] = r
	return r.content
}

func (p *peer) update(id widget.ListItemID, o fyne.CanvasObject) {
	r := p.rows[o]
	for at, shown := range p.onShow {
		if shown == r {
			delete(p.onShow, at)
		}
	}
	p.onShow[id] = r
	r.bind(id, time.Now())
}

func (p *peer) tick() {
	now := time.Now()
	for _, r := range p.onShow {
		r.tick(now)
	}
}

func main() {
	a := fyneapp.NewWithID("io.github.sparekey.BenchPeer")
	w := a.NewWindow("Peer")
	p := &peer{rows: map[fyne.CanvasObject]*peerRow{}, onShow: map[widget.ListItemID]*peerRow{}}
	list := widget.NewList(p.length, p.create, p.update)

	search := widget.NewEntry()
	search.SetPlaceHolder("Search  (Ctrl+F)")
	tags := widget.NewSelect([]string{"All accounts"}, nil)
	tags.SetSelected("All accounts")
	add := widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), func() {})
	add.Importance = widget.HighImportance
	header := container.NewBorder(nil, nil, nil, container.NewHBox(tags, add), search)
	w.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu("Peer"), fyne.NewMenu("View"), fyne.NewMenu("AWS"), fyne.NewMenu("Help")))

	w.SetContent(container.NewStack(container.NewBorder(header, nil, nil, nil, list), benchprobe.FirstFrame()))
	w.Resize(fyne.NewSize(520, 680))

	go func() {
		for {
			now := time.Now()
			time.Sleep(now.Truncate(time.Second).Add(time.Second).Sub(now))
			fyne.Do(p.tick)
		}
	}()
	w.ShowAndRun()
}
