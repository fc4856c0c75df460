package ui

// The recovery guide window: the questions of app/guide on the left, the
// guide they lead to on the right, redrawn as the answers change. Steps
// Sparekey can carry out get a button that opens the AWS window on the
// right tab (or backs up now).

import (
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app/guide"
)

// guideWindows holds the open guide window of each UI (UI goroutine only).
var guideWindows = map[*UI]*guideWindow{}

type guideWindow struct {
	u       *UI
	win     fyne.Window
	answers map[string]string             // question key → answer value
	radios  map[string]*widget.RadioGroup // question key → its choices
	labels  map[string]*widget.Label      // question key → its text
	values  map[string]map[string]string  // question key → label → value
	body    *fyne.Container               // the guide shown
	scroll  *container.Scroll
}

// showGuide opens the recovery guide (or brings it forward).
func (u *UI) showGuide() *guideWindow {
	if g := guideWindows[u]; g != nil {
		g.win.RequestFocus()
		return g
	}
	g := newGuideWindow(u)
	guideWindows[u] = g
	g.win.SetOnClosed(func() { delete(guideWindows, u) })
	g.win.Show()
	return g
}

func newGuideWindow(u *UI) *guideWindow {
	g := &guideWindow{
		u: u, win: u.fa.NewWindow("Sparekey · Recovery guide"),
		answers: map[string]string{}, radios: map[string]*widget.RadioGroup{}, labels: map[string]*widget.Label{}, values: map[string]map[string]string{},
	}
	g.win.SetIcon(u.icon())
	questions := container.NewVBox(heading("Your situation"))
	for _, q := range guide.Questions() {
		q := q
		labels := make([]string, len(q.Answers))
		g.values[q.Key] = map[string]string{}
		for i, a := range q.Answers {
			labels[i] = a.Label
			g.values[q.Key][a.Label] = a.Value
		}
		r := widget.NewRadioGroup(labels, func(label string) {
			g.answers[q.Key] = g.values[q.Key][label]
			g.render()
		})
		g.radios[q.Key] = r
		text := widget.NewLabelWithStyle(q.Text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		text.Wrapping = fyne.TextWrapWord
		g.labels[q.Key] = text
		questions.Add(text)
		questions.Add(r)
	}
	g.body = container.NewVBox()
	g.scroll = container.NewVScroll(g.body)
	split := container.NewHSplit(container.NewVScroll(questions), g.scroll)
	split.Offset = 0.4
	g.win.SetContent(split)
	g.win.Resize(fyne.NewSize(1200, 760))
	g.render()
	return g
}

// answer picks a choice by its value, as a person clicking it would.
func (g *guideWindow) answer(key, value string) {
	for label, v := range g.values[key] {
		if v == value {
			g.radios[key].SetSelected(label)
			return
		}
	}
}

// render shows the guide for the answers so far, or what is still missing.
// Questions that do not matter after the answers so far are hidden; an
// unanswered yes/no question counts as "no", and every other question must
// be answered (guide.Resolve assumes nothing else).
func (g *guideWindow) render() {
	answers := guide.Answers{}
	for k, v := range g.answers {
		answers[k] = v
	}
	for _, q := range guide.Questions() {
		if q.Applies(answers) {
			g.radios[q.Key].Show()
			g.labels[q.Key].Show()
			continue
		}
		g.radios[q.Key].Hide()
		g.labels[q.Key].Hide()
		delete(answers, q.Key)
	}
	gd, err := guide.Resolve(answers)
	var missing *guide.MissingAnswerError
	switch {
	case errors.As(err, &missing):
		setObjects(g.body, heading("Recovery guide"),
			para("Answer the questions on the left to get the steps for your case; \""+missing.Question.Text+"\" is still to go. A yes/no question left unanswered counts as \"no\"."),
			g.wizardButton())
		return
	case errors.Is(err, guide.ErrNotApplicable):
		text := capitalize(strings.TrimPrefix(err.Error(), guide.ErrNotApplicable.Error()+": ")) + "."
		setObjects(g.body, heading("No guide for this combination"), para(text))
		return
	case err != nil:
		setObjects(g.body, heading("No guide for this combination"), para(capitalize(err.Error())+"."))
		return
	}
	setObjects(g.body, append(g.guideObjects(gd), g.wizardButton())...)
	g.scroll.ScrollToTop()
}

// wizardButton offers the same path one step at a time, with progress kept.
func (g *guideWindow) wizardButton() fyne.CanvasObject {
	b := widget.NewButtonWithIcon("Walk it step by step…", theme.NavigateNextIcon(), func() { g.u.showRecoveryWizard() })
	return container.NewHBox(b)
}

func (g *guideWindow) guideObjects(gd guide.Guide) []fyne.CanvasObject {
	title := widget.NewLabelWithStyle(gd.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{title, para(gd.Summary)}
	for _, w := range gd.Warnings {
		l := para("Warning: " + w)
		l.Importance = widget.WarningImportance
		objs = append(objs, l)
	}
	objs = append(objs, guideSubheading("Steps"))
	for i, st := range gd.Steps {
		step := widget.NewLabelWithStyle(fmt.Sprintf("%d. %s", i+1, st.Title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		step.Wrapping = fyne.TextWrapWord
		objs = append(objs, step)
		if st.Where != "" {
			objs = append(objs, guideIndent(para("Where: "+st.Where)))
		}
		if st.Detail != "" {
			objs = append(objs, guideIndent(para(st.Detail)))
		}
		if b := g.actionButton(st.Action); b != nil {
			objs = append(objs, guideIndent(container.NewHBox(b)))
		}
	}
	if len(gd.IfStuck) > 0 {
		objs = append(objs, guideSubheading("If it does not work"))
		for _, s := range gd.IfStuck {
			objs = append(objs, para("• "+s))
		}
	}
	if gd.Drill != "" {
		objs = append(objs, guideSubheading("Rehearse it"), para("On the practice account: sparekey drill run "+gd.Drill))
	}
	return objs
}

// actionButton is the button of a step Sparekey can do here, or nil.
func (g *guideWindow) actionButton(a guide.Action) *widget.Button {
	open := func(label string, tab awsTab) *widget.Button {
		return widget.NewButtonWithIcon(label, theme.NavigateNextIcon(), func() { g.u.showAWS(tab) })
	}
	switch a {
	case guide.ActionResync:
		return open("Resync in Sparekey…", tabEnroll)
	case guide.ActionEnroll:
		return open("Enroll Sparekey…", tabEnroll)
	case guide.ActionAudit:
		return open("Audit the account…", tabAudit)
	case guide.ActionOrphans:
		return open("Find orphaned devices…", tabOrphans)
	case guide.ActionBackup:
		return widget.NewButtonWithIcon("Back up now", theme.DocumentSaveIcon(), g.u.backupNow)
	}
	return nil
}

func guideSubheading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func guideIndent(o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, widget.NewLabel("   "), nil, o)
}
