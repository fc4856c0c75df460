package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// taskBar is the foot of a chore window (AWS, Backups): a busy or measured
// progress bar, a status line, and the buttons that stay disabled while one
// chore runs, so a person cannot start a second one on top of it. Windows
// embed it; all its methods run on the UI goroutine.
type taskBar struct {
	busy     *widget.ProgressBarInfinite
	progress *widget.ProgressBar
	status   *widget.Label
	buttons  []*widget.Button
	running  bool
	// remedy holds a button that fixes the last failure, when the window
	// has one (ui/remedy.go); a new chore clears it.
	remedy *fyne.Container
}

func newTaskBar() *taskBar {
	t := &taskBar{busy: widget.NewProgressBarInfinite(), progress: widget.NewProgressBar(), status: para(""), remedy: container.NewHBox()}
	t.busy.Hide()
	t.progress.Hide()
	return t
}

// footer is what the window shows under its tabs.
func (t *taskBar) footer() fyne.CanvasObject {
	return container.NewVBox(t.busy, t.progress, t.status, t.remedy)
}

// offerRemedy shows b (may be nil: nothing) under the failure it fixes.
func (t *taskBar) offerRemedy(b *widget.Button) {
	t.remedy.RemoveAll()
	if b != nil {
		b.Importance = widget.HighImportance
		t.remedy.Add(b)
	}
}

// button makes a button that is disabled while a chore runs.
func (t *taskBar) button(label string, icon fyne.Resource, tapped func()) *widget.Button {
	b := widget.NewButtonWithIcon(label, icon, tapped)
	t.buttons = append(t.buttons, b)
	return b
}

// begin marks a chore as running: buttons off, a bar on, the status says what.
func (t *taskBar) begin(what string, measured bool) {
	t.running = true
	t.offerRemedy(nil)
	for _, b := range t.buttons {
		b.Disable()
	}
	t.progress.SetValue(0)
	if measured {
		t.progress.Show()
	} else {
		t.showBusy()
	}
	t.status.Importance = widget.MediumImportance
	t.status.SetText(what + "…")
}

// end undoes begin and reports the outcome; it returns whether the chore
// succeeded. explanation is the sentence for err (ignored when err is nil).
func (t *taskBar) end(what string, err error, explanation, done string) bool {
	t.running = false
	t.busy.Stop()
	t.busy.Hide()
	t.progress.Hide()
	for _, b := range t.buttons {
		b.Enable()
	}
	if err != nil {
		t.fail(what, explanation)
		return false
	}
	t.status.Importance = widget.MediumImportance
	t.status.SetText(what + ": " + done)
	return true
}

func (t *taskBar) fail(what, explanation string) {
	t.status.Importance = widget.DangerImportance
	t.status.SetText(what + " failed: " + explanation)
	t.status.Refresh()
}

func (t *taskBar) showBusy() {
	t.progress.Hide()
	t.busy.Show()
	t.busy.Start()
}

// setFraction switches to the measured bar; total ≤ 0 means "unknown".
func (t *taskBar) setFraction(done, total int64) {
	if total <= 0 {
		t.showBusy()
		return
	}
	t.busy.Stop()
	t.busy.Hide()
	t.progress.Show()
	t.progress.SetValue(float64(done) / float64(total))
}
