package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
)

// statusBar is the strip at the bottom of the window for short
// confirmations ("Copied") and offers that expire ("Deleted. Undo").
// Fyne has no toast; a fixed strip also never covers a code.
type statusBar struct {
	widget.BaseWidget
	after app.AfterFunc

	label  *widget.Label
	action *widget.Button
	box    *fyne.Container
	stop   func() bool
	gen    int
}

func newStatusBar(after app.AfterFunc) *statusBar {
	s := &statusBar{after: after}
	s.label = widget.NewLabel("")
	s.label.Wrapping = fyne.TextWrapWord
	s.action = widget.NewButton("", nil)
	s.action.Importance = widget.HighImportance
	s.action.Hide()
	s.box = container.NewBorder(nil, nil, nil, s.action, s.label)
	s.box.Hide()
	s.ExtendBaseWidget(s)
	return s
}

func (s *statusBar) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewVBox(widget.NewSeparator(), s.box))
}

// MinSize is zero while hidden so the list keeps the whole window.
func (s *statusBar) MinSize() fyne.Size {
	if !s.box.Visible() {
		return fyne.NewSize(0, 0)
	}
	return s.BaseWidget.MinSize()
}

// show displays msg for d.
func (s *statusBar) show(msg string, d time.Duration) {
	s.offer(msg, "", nil, d)
}

// offer displays msg with a button for d; the button works once.
func (s *statusBar) offer(msg, actionLabel string, action func(), d time.Duration) {
	s.cancel()
	s.label.SetText(msg)
	if action != nil {
		s.action.SetText(actionLabel)
		s.action.OnTapped = func() {
			s.clear()
			action()
		}
		s.action.Show()
	} else {
		s.action.OnTapped = nil
		s.action.Hide()
	}
	s.box.Show()
	s.Refresh()
	gen := s.gen
	s.stop = s.after(d, func() {
		if s.gen == gen {
			s.clear()
		}
	})
}

func (s *statusBar) cancel() {
	s.gen++
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// clear hides whatever is shown.
func (s *statusBar) clear() {
	s.cancel()
	s.label.SetText("")
	s.action.OnTapped = nil
	s.action.Hide()
	s.box.Hide()
	s.Refresh()
}

// text is what is shown (tests).
func (s *statusBar) text() string {
	if !s.box.Visible() {
		return ""
	}
	return s.label.Text
}
