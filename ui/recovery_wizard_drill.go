package ui

// Drills from the recovery wizard: rehearse a path on a throwaway practice
// account (app/drill), off the UI goroutine, and keep the result for the
// readiness score as `sparekey drill run` does.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app/drill"
)

// drillState is the last drill run from the wizard, shown until the next.
type drillState struct {
	running bool
	name    string
	result  *drill.Result
	err     error
}

// drillPicker is the first page's rehearsal: any drill, by its title.
func (w *recoveryWizard) drillPicker() []fyne.CanvasObject {
	ds := drill.List()
	titles := make([]string, len(ds))
	byTitle := map[string]string{}
	for i, d := range ds {
		titles[i] = d.Title
		byTitle[d.Title] = d.Name
	}
	pick := widget.NewSelect(titles, nil)
	pick.PlaceHolder = "Choose a situation to rehearse"
	if w.drill.name != "" {
		for _, d := range ds {
			if d.Name == w.drill.name {
				pick.SetSelected(d.Title)
			}
		}
	}
	run := widget.NewButtonWithIcon("Run the drill", theme.MediaPlayIcon(), func() {
		if name := byTitle[pick.Selected]; name != "" {
			w.onRunDrill(name)
		}
	})
	if w.drill.running {
		run.Disable()
	}
	objs := []fyne.CanvasObject{
		widget.NewSeparator(),
		wizardSubheading("Rehearse on the practice account"),
		dim("A drill sets the situation up on a throwaway practice account, walks the same steps with the console's steps simulated, and checks the end state. Nothing reaches AWS and this vault is not touched."),
		container.NewBorder(nil, nil, nil, run, pick),
	}
	return append(objs, w.drillResult()...)
}

// drillButton rehearses the path on show (the summary page's offer).
func (w *recoveryWizard) drillButton(name string) []fyne.CanvasObject {
	b := widget.NewButtonWithIcon("Rehearse it now on the practice account", theme.MediaPlayIcon(), func() { w.onRunDrill(name) })
	if w.drill.running {
		b.Disable()
	}
	objs := []fyne.CanvasObject{container.NewHBox(b)}
	if w.drill.name == name {
		objs = append(objs, w.drillResult()...)
	}
	return objs
}

func (w *recoveryWizard) drillResult() []fyne.CanvasObject {
	d := w.drill
	switch {
	case d.running:
		return []fyne.CanvasObject{dim("Running the drill " + d.name + "…")}
	case d.err != nil:
		l := para("The drill could not run: " + wizardErrorText(d.err))
		l.Importance = widget.DangerImportance
		return []fyne.CanvasObject{l}
	case d.result == nil:
		return nil
	}
	r := d.result
	took := r.Took.Round(time.Millisecond)
	if r.Passed {
		l := para(fmt.Sprintf("Passed: the drill %s went through all %d steps and the end state checks out (%s). The result counts for the readiness score.", r.Drill, len(r.Steps), took))
		l.Importance = widget.SuccessImportance
		return []fyne.CanvasObject{l}
	}
	l := para(fmt.Sprintf("Failed: the drill %s (%s): %s", r.Drill, took, strings.Join(r.Reasons, "; ")))
	l.Importance = widget.DangerImportance
	return []fyne.CanvasObject{l}
}

// onRunDrill runs a drill off the UI goroutine and records its result.
func (w *recoveryWizard) onRunDrill(name string) {
	if w.drill.running {
		return
	}
	w.drill = drillState{running: true, name: name}
	w.busy(true, "Rehearsing on the practice account…")
	w.render()
	data := w.u.core.Paths().Data
	w.u.opts.Background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), awsCallTimeout)
		defer cancel()
		res, err := drill.Run(ctx, name, false)
		if err == nil {
			if rerr := drill.Record(data, res); rerr != nil {
				err = fmt.Errorf("the drill ran but its result was not kept: %w", rerr)
			}
		}
		fyne.Do(func() {
			w.busy(false, "")
			w.status.Hide()
			w.drill = drillState{name: name, result: res, err: err}
			w.render()
		})
	})
}
