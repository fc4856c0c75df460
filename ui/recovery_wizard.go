package ui

// The recovery wizard window: one question or step per page, Back and
// Next, the path so far down the left, and a summary at the end. Where to
// go and what to save is app.RecoveryWizard's business; this file only
// draws its pages and forwards what the person does. Sparekey steps run
// off the UI goroutine and come back through fyne.Do.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/app/recovery"
	"github.com/sparekey/sparekey/vault"
)

// recoveryWizard is the window. Its widgets for the step on show are
// rebuilt with each page; the fields below keep the ones handlers read.
type recoveryWizard struct {
	u     *UI
	win   fyne.Window
	model *app.RecoveryWizard

	side     *fyne.Container // the path so far
	page     *fyne.Container // the page on show
	scroll   *container.Scroll
	back     *widget.Button
	next     *widget.Button
	progress *widget.ProgressBarInfinite
	status   *widget.Label // what just happened, or why it did not

	// notice is said once at the top of the next page (the advice of a
	// "What if I can't…" branch just taken).
	notice string
	// outcome is the last Sparekey step's result, shown on its page.
	outcome     *app.RecoveryOutcome
	outcomeStep string

	// The step page's inputs for a Sparekey step.
	connKind     *widget.Select
	practiceUser *widget.Select
	inputs       stepInputs
	plan         *widget.Label
	doIt         *widget.Button

	drill drillState // the last rehearsal run from here
}

// stepInputs are what a Sparekey step may need from the person. Codes and
// the setup link are used for the call only; the run keeps none of them.
type stepInputs struct {
	user, serial, accountID, name, file *widget.Entry
	code1, code2, setupURI              *widget.Entry
}

const (
	connPracticeAccount = "Practice account (nothing reaches AWS)"
	wizardTitle         = "Sparekey · Recovery"
)

// showRecoveryWizard opens the wizard on its first page, or brings it forward.
func (u *UI) showRecoveryWizard() *recoveryWizard {
	if w := u.recovery; w != nil {
		w.win.RequestFocus()
		return w
	}
	w := newRecoveryWizard(u)
	u.recovery = w
	w.win.SetOnClosed(func() { u.recovery = nil })
	w.win.Show()
	return w
}

func newRecoveryWizard(u *UI) *recoveryWizard {
	w := &recoveryWizard{u: u, win: u.fa.NewWindow(wizardTitle), model: u.core.RecoveryWizard()}
	w.win.SetIcon(u.icon())
	w.side = container.NewVBox()
	w.page = container.NewVBox()
	w.scroll = container.NewVScroll(w.page)
	w.back = widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), w.onBack)
	w.next = widget.NewButtonWithIcon("Next", theme.NavigateNextIcon(), w.onNext)
	w.next.IconPlacement = widget.ButtonIconTrailingText
	w.progress = widget.NewProgressBarInfinite()
	w.progress.Stop()
	w.progress.Hide()
	w.status = para("")
	w.status.Hide()
	foot := container.NewVBox(w.progress, w.status, container.NewHBox(w.back, layout.NewSpacer(), w.next))
	sideScroll := container.NewVScroll(container.NewPadded(w.side))
	split := container.NewHSplit(sideScroll, container.NewPadded(w.scroll))
	split.Offset = 0.3
	w.win.SetContent(container.NewBorder(nil, container.NewPadded(foot), nil, nil, split))
	w.win.Resize(fyne.NewSize(1000, 700))
	w.render()
	return w
}

// ---- handlers ----

func (w *recoveryWizard) onBack() {
	w.clearStatus()
	w.model.Back()
	w.render()
}

func (w *recoveryWizard) onNext() {
	w.clearStatus()
	w.report(w.model.Next())
	w.render()
}

func (w *recoveryWizard) onStartNew() {
	w.clearStatus()
	w.model.StartNew()
	w.render()
}

func (w *recoveryWizard) onResume(id string) {
	w.clearStatus()
	w.report(w.model.Resume(id))
	w.render()
}

// onAbandon asks first: an abandoned run leaves the list for good (its
// record stays beside the vault).
func (w *recoveryWizard) onAbandon(id string) {
	dialog.ShowConfirm("Abandon this recovery?", "It leaves the list of unfinished recoveries for good; its record stays beside the vault.", func(ok bool) {
		if ok {
			w.abandon(id)
		}
	}, w.win)
}

func (w *recoveryWizard) abandon(id string) {
	w.clearStatus()
	if err := w.model.Abandon(id); err != nil {
		w.report(err)
	} else {
		w.say("The recovery was abandoned; its record stays beside the vault.")
	}
	w.render()
}

func (w *recoveryWizard) onAnswer(value string) {
	w.clearStatus()
	err := w.model.Answer(value)
	w.report(err)
	w.render()
}

func (w *recoveryWizard) onMark(st recovery.Status, reason string) {
	w.clearStatus()
	w.bindInputs()
	w.report(w.model.Mark(st, reason))
	w.render()
}

func (w *recoveryWizard) onNote(text string) {
	w.clearStatus()
	if err := w.model.AddNote(text); err != nil {
		w.report(err)
		return
	}
	w.say("Noted.")
	w.render()
}

func (w *recoveryWizard) onFollow(i int) {
	w.clearStatus()
	st, _, ok := w.model.Step()
	if !ok || i >= len(st.IfCant) {
		return
	}
	b := st.IfCant[i]
	w.bindInputs()
	if err := w.model.Follow(i); err != nil {
		w.report(err)
		w.render()
		return
	}
	w.notice = b.Then
	if b.Goto != "" {
		w.notice = b.Problem + ": " + b.Then + " This is the path for it."
	}
	w.render()
}

// onDoIt runs the Sparekey step on show, off the UI goroutine, and records
// how it went.
func (w *recoveryWizard) onDoIt() {
	// A step that keeps or reads a seed waits for the vault; saying so
	// beats recording a failure that is no failure of the step.
	if st, _, ok := w.model.Step(); ok && needsVault(st.Action) {
		if state, _ := w.u.core.State(); state != app.StateUnlocked {
			w.report(errVaultFirst)
			return
		}
	}
	t := w.target()
	step, t, err := w.model.BeginStep(t)
	if err != nil {
		w.report(err)
		return
	}
	w.u.activity()
	w.outcome = nil
	w.busy(true, "Working: "+app.RecoveryPlan(step, t))
	w.render()
	w.u.opts.Background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), awsCallTimeout)
		defer cancel()
		out, err := w.u.core.DoRecoveryStep(ctx, step, t)
		fyne.Do(func() { w.stepDone(step, out, err) })
	})
}

// stepDone shows a Sparekey step's result (UI goroutine).
func (w *recoveryWizard) stepDone(step guide.Step, out app.RecoveryOutcome, err error) {
	w.u.activity()
	w.busy(false, "")
	if ferr := w.model.FinishStep(step, out, err); ferr != nil {
		w.report(ferr)
	} else if err != nil {
		w.report(err)
	} else {
		w.outcome, w.outcomeStep = &out, step.ID
		w.status.Hide() // the page shows the result
		if len(out.Codes) > 0 {
			// Codes are useless once stale; they do not stay on screen.
			shown := w.outcome
			w.u.opts.AfterFunc(codesShownFor, func() {
				if w.outcome == shown {
					w.outcome.Codes = nil
					w.render()
				}
			})
		}
	}
	w.render()
}

// codesShownFor is how long two codes for a console form stay on screen:
// past it both have expired.
const codesShownFor = 90 * time.Second

func (w *recoveryWizard) onContinue() {
	w.clearStatus()
	w.outcome = nil
	w.model.Continue()
	w.render()
}

func (w *recoveryWizard) onCopyMessage(text string) {
	w.u.fa.Clipboard().SetContent(text)
	w.say("The message is on the clipboard.")
}

func (w *recoveryWizard) onSaveMessage(text string) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			w.report(err)
			return
		}
		path := wc.URI().Path()
		wc.Close()
		if err := saveMessage(path, text); err != nil {
			w.report(err)
			return
		}
		w.say("Saved the message to " + path + ".")
	}, w.win)
	d.SetFileName("sparekey-recovery-message.txt")
	d.Show()
}

// saveMessage writes a message 0600 and atomically; messages hold no
// secret, but account IDs and user names are nobody else's business. The
// file chooser has already asked before replacing a file (and made it
// empty), so unlike recovery.SaveMessage this one replaces it.
func saveMessage(path, text string) error {
	return vault.WriteFileAtomic(path, []byte(strings.TrimRight(text, "\n")+"\n"))
}

func (w *recoveryWizard) onFinish() {
	w.clearStatus()
	if err := w.model.Finish(); err != nil {
		w.report(err)
		w.render()
		return
	}
	w.say("The recovery is finished. Its record stays beside the vault.")
	w.model = w.u.core.RecoveryWizard()
	w.render()
}

func (w *recoveryWizard) onJump(i int) {
	w.clearStatus()
	w.bindInputs()
	w.model.GoToStep(i)
	w.render()
}

// ---- what the handlers share ----

func (w *recoveryWizard) busy(on bool, what string) {
	if on {
		w.progress.Show()
		w.progress.Start()
		w.say(what)
	} else {
		w.progress.Stop()
		w.progress.Hide()
	}
}

// clearStatus drops the last page's message when the person moves on;
// a running step's keeps showing.
func (w *recoveryWizard) clearStatus() {
	if !w.model.Busy() {
		w.status.Hide()
	}
}

func (w *recoveryWizard) say(text string) {
	w.status.Importance = widget.MediumImportance
	w.status.SetText(text)
	w.status.Show()
}

// sayProblem shows what went wrong and what to do, as report does.
func (w *recoveryWizard) sayProblem(text string) {
	w.status.Importance = widget.DangerImportance
	w.status.SetText(text)
	w.status.Show()
}

// report shows err in plain words (nothing when nil).
func (w *recoveryWizard) report(err error) {
	if err == nil {
		return
	}
	w.status.Importance = widget.DangerImportance
	w.status.SetText(wizardErrorText(err))
	w.status.Show()
}

func wizardErrorText(err error) string {
	var missing *guide.MissingAnswerError
	switch {
	case errors.Is(err, guide.ErrNotApplicable):
		return capitalize(strings.TrimPrefix(err.Error(), guide.ErrNotApplicable.Error()+": ")) + "."
	case errors.As(err, &missing):
		return "Answer \"" + missing.Question.Text + "\" first."
	case errors.Is(err, app.ErrNotComplete):
		return "Some steps are still to do or waiting: mark each one done or skipped before finishing. The recovery stays open meanwhile."
	}
	return capitalize(app.Explain(err))
}

// target is the Sparekey step's connection and what the inputs say.
func (w *recoveryWizard) target() app.RecoveryTarget {
	t := app.RecoveryTarget{Conn: w.connection(), Binding: w.inputBinding()}
	if in := w.inputs; in.code1 != nil {
		t.Code1, t.Code2 = strings.TrimSpace(in.code1.Text), strings.TrimSpace(in.code2.Text)
	}
	if w.inputs.setupURI != nil {
		t.SetupURI = strings.TrimSpace(w.inputs.setupURI.Text)
	}
	return t
}

func (w *recoveryWizard) connection() app.AWSConnection {
	if w.connKind == nil || w.connKind.Selected == connPracticeAccount || w.connKind.Selected == "" {
		user := "practice-admin"
		if w.practiceUser != nil && w.practiceUser.Selected != "" {
			user = w.practiceUser.Selected
		}
		return app.AWSConnection{Practice: true, PracticeUser: user}
	}
	return app.AWSConnection{Profile: strings.TrimPrefix(w.connKind.Selected, "AWS profile ")}
}

func (w *recoveryWizard) inputBinding() guide.Binding {
	var b guide.Binding
	text := func(e *widget.Entry) string {
		if e == nil {
			return ""
		}
		return strings.TrimSpace(e.Text)
	}
	b.UserName, b.Serial, b.AccountID = text(w.inputs.user), text(w.inputs.serial), text(w.inputs.accountID)
	b.AccountName, b.BackupFile = text(w.inputs.name), text(w.inputs.file)
	return b
}

// bindInputs keeps what the person typed about the identity with the run
// before the page changes.
func (w *recoveryWizard) bindInputs() { w.model.SetBinding(w.inputBinding()) }

// ---- pages ----

func (w *recoveryWizard) render() {
	w.renderSide()
	w.inputs, w.connKind, w.practiceUser, w.plan, w.doIt = stepInputs{}, nil, nil, nil, nil
	var objs []fyne.CanvasObject
	if w.notice != "" {
		n := para(w.notice)
		n.Importance = widget.WarningImportance
		objs = append(objs, n)
		w.notice = ""
	}
	switch p := w.model.Page(); p.Kind {
	case app.PageRuns:
		objs = append(objs, w.runsPage()...)
	case app.PageQuestion:
		objs = append(objs, w.questionPage()...)
	case app.PageStep:
		objs = append(objs, w.stepPage()...)
	case app.PageSummary:
		objs = append(objs, w.summaryPage()...)
	}
	setObjects(w.page, objs...)
	w.scroll.ScrollToTop()
	w.back.Disable()
	if w.model.CanBack() {
		w.back.Enable()
	}
	w.next.Disable()
	if w.model.CanNext() {
		w.next.Enable()
	}
}

// renderSide shows the path so far: the answers, the path's title and its
// steps with their status; a step's button shows it.
func (w *recoveryWizard) renderSide() {
	objs := []fyne.CanvasObject{wizardSubheading("Your situation")}
	answers := w.model.Answers()
	qs := w.model.AnsweredQuestions()
	if len(qs) == 0 {
		objs = append(objs, dim("No questions answered yet."))
	}
	for _, q := range qs {
		objs = append(objs, para(answerLabel(q, answers[q.Key])))
	}
	if r := w.model.Run(); r != nil {
		path := w.model.Path()
		objs = append(objs, widget.NewSeparator(), wizardSubheading("The path"), para(path.Title))
		page := w.model.Page()
		for i, s := range w.model.StepStates() {
			title := s.ID
			if i < len(path.Steps) {
				title = path.Steps[i].Title
			}
			// Buttons do not wrap: a long title is shortened here and
			// shown whole on the step's page.
			b := widget.NewButton(fmt.Sprintf("%d. %s — %s", i+1, shorten(title, 38), statusWord(s.Status)), func() { w.onJump(i) })
			b.Alignment = widget.ButtonAlignLeading
			b.Importance = widget.LowImportance
			if page.Kind == app.PageStep && page.Step == i {
				b.Importance = widget.HighImportance
			}
			if w.model.Busy() {
				b.Disable()
			}
			objs = append(objs, b)
		}
		for _, id := range r.Earlier {
			left := id
			if g, ok := guide.Lookup(id); ok {
				left = g.Title
			}
			objs = append(objs, dim("Left on the way: "+left+"."))
		}
	}
	setObjects(w.side, objs...)
}

func (w *recoveryWizard) runsPage() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{
		heading("Recover access to an AWS account"),
		para("Sparekey asks what happened, one question at a time, then takes you through the steps for your case. Steps it can do, it does and checks; steps in the AWS console are spelled out with their labels; messages to an administrator or to AWS Support are written for you."),
		dim("Progress is kept beside the vault after every change (no passwords or codes), so you can stop and come back days later. Steps you do yourself work without the vault and without a connection."),
	}
	open := w.model.Unfinished()
	for _, err := range w.model.Damaged {
		l := para(capitalize(err.Error()) + ".")
		l.Importance = widget.WarningImportance
		objs = append(objs, l)
	}
	w.model.Damaged = nil
	if len(open) > 0 {
		objs = append(objs, wizardSubheading("Unfinished recoveries"))
		for _, r := range open {
			objs = append(objs, w.runRow(r))
		}
	}
	start := widget.NewButtonWithIcon("Start a new recovery", theme.ContentAddIcon(), w.onStartNew)
	start.Importance = widget.HighImportance
	if len(open) > 0 {
		start.Importance = widget.MediumImportance
	}
	objs = append(objs, container.NewHBox(start))
	return append(objs, w.drillPicker()...)
}

// runRow is one unfinished run: what it is, how far, Resume and Abandon.
func (w *recoveryWizard) runRow(r *recovery.Run) fyne.CanvasObject {
	title := r.Path
	if g, ok := guide.Lookup(r.Path); ok {
		title = g.Title
	}
	c := r.Counts()
	line := fmt.Sprintf("Started %s · %d of %d steps through", r.Created.Local().Format("2 Jan 2006 15:04"), c[recovery.Done]+c[recovery.Skipped], len(r.Steps))
	if wt := r.Waiting(); len(wt) > 0 {
		line += " · waiting for " + wt[0].WaitingFor
	}
	if _, ok := r.Interrupted(); ok {
		line += " · a step was interrupted"
	}
	if r.Drill != "" {
		line += " · a drill"
	}
	id := r.ID
	resume := widget.NewButtonWithIcon("Resume", theme.MediaPlayIcon(), func() { w.onResume(id) })
	resume.Importance = widget.HighImportance
	abandon := widget.NewButtonWithIcon("Abandon", theme.CancelIcon(), func() { w.onAbandon(id) })
	name := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Wrapping = fyne.TextWrapWord
	return container.NewBorder(nil, nil, nil, container.NewCenter(container.NewHBox(resume, abandon)), container.NewVBox(name, dim(line)))
}

func (w *recoveryWizard) questionPage() []fyne.CanvasObject {
	q, ok := w.model.Question()
	if !ok {
		return nil
	}
	chosen := w.model.Answers()[q.Key]
	objs := []fyne.CanvasObject{dim(fmt.Sprintf("Question %d", len(w.model.AnsweredQuestions())+1)), heading(q.Text)}
	if chosen != "" {
		objs[0] = dim("Choosing again forgets the answers after this one.")
	}
	for _, a := range q.Answers {
		value := a.Value
		b := widget.NewButton(a.Label, func() { w.onAnswer(value) })
		b.Alignment = widget.ButtonAlignLeading
		if value == chosen {
			b.Importance = widget.HighImportance
		}
		objs = append(objs, b)
	}
	return objs
}

func (w *recoveryWizard) stepPage() []fyne.CanvasObject {
	st, state, ok := w.model.Step()
	if !ok {
		return nil
	}
	path := w.model.Path()
	b := w.model.Binding()
	objs := []fyne.CanvasObject{
		dim(fmt.Sprintf("Step %d of %d · %s", w.model.Page().Step+1, len(path.Steps), path.Title)),
		heading(st.Title),
		w.statusLine(state),
	}
	if w.model.Page().Step == 0 {
		for _, warn := range path.Warnings {
			l := para(warn)
			l.Importance = widget.WarningImportance
			objs = append(objs, l)
		}
	}
	if state.Status == recovery.Doing && !w.model.Busy() {
		l := para("Sparekey stopped in the middle of this step last time. Check whether it happened (in the AWS window or the console) before doing it again.")
		l.Importance = widget.WarningImportance
		objs = append(objs, l)
	}
	if st.Detail != "" {
		objs = append(objs, para(b.Fill(st.Detail)))
	}
	if st.Where != "" {
		objs = append(objs, wizardSubheading("Where"), para(st.Where))
	}
	if len(st.Labels) > 0 {
		objs = append(objs, wizardSubheading("What you will see, in order"))
		for i, l := range st.Labels {
			objs = append(objs, para(fmt.Sprintf("%d. \"%s\"", i+1, l)))
		}
	}
	switch st.Kind {
	case guide.KindSparekey:
		objs = append(objs, w.sparekeyPart(st, state)...)
	case guide.KindMessage:
		objs = append(objs, w.messagePart(st, b)...)
	default:
		done := widget.NewButtonWithIcon("I did it", theme.ConfirmIcon(), func() { w.onMark(recovery.Done, "") })
		done.Importance = widget.HighImportance
		objs = append(objs, container.NewHBox(done))
	}
	objs = append(objs, w.laterButtons(st)...)
	objs = append(objs, w.notePart()...)
	if len(st.IfCant) > 0 {
		objs = append(objs, widget.NewSeparator(), wizardSubheading("What if I can't…"))
		for i, br := range st.IfCant {
			i, br := i, br
			if br.Goto == "" {
				// Advice only: the answer is there to read, no path to take.
				objs = append(objs, widget.NewLabelWithStyle(br.Problem, fyne.TextAlignLeading, fyne.TextStyle{Italic: true}), guideIndent(para(br.Then)))
				continue
			}
			follow := widget.NewButtonWithIcon(br.Problem, theme.NavigateNextIcon(), func() { w.onFollow(i) })
			follow.Alignment = widget.ButtonAlignLeading
			objs = append(objs, follow, guideIndent(dim(br.Then)))
		}
	}
	return objs
}

// notePart keeps a note with the run: who was called, a case number.
func (w *recoveryWizard) notePart() []fyne.CanvasObject {
	note := widget.NewEntry()
	note.SetPlaceHolder("A note for later: a case number, who you spoke to (no passwords or codes)")
	keep := widget.NewButton("Keep the note", func() { w.onNote(note.Text) })
	note.OnSubmitted = func(text string) { w.onNote(text) }
	objs := []fyne.CanvasObject{container.NewBorder(nil, nil, nil, keep, note)}
	if r := w.model.Run(); r != nil && len(r.Notes) > 0 {
		last := r.Notes[len(r.Notes)-1]
		objs = append(objs, dim(fmt.Sprintf("Last note (%s): %s", last.At.Local().Format("2 Jan 15:04"), vault.EscapeText(last.Text))))
	}
	return objs
}

// statusLine says where the step stands, with its reason.
func (w *recoveryWizard) statusLine(s recovery.StepState) *widget.Label {
	text := "Status: " + statusWord(s.Status)
	switch {
	case s.Status == recovery.Waiting:
		text += " for " + s.WaitingFor
	case s.Reason != "":
		text += " — " + vault.EscapeText(s.Reason)
	}
	if !s.At.IsZero() {
		text += " (" + s.At.Local().Format("2 Jan 15:04") + ")"
	}
	l := para(text)
	switch s.Status {
	case recovery.Done:
		l.Importance = widget.SuccessImportance
	case recovery.Failed:
		l.Importance = widget.DangerImportance
	case recovery.Waiting, recovery.Doing:
		l.Importance = widget.WarningImportance
	}
	return l
}

// laterButtons are what any step offers besides doing it: skip it, or
// wait for someone when the step may take days.
func (w *recoveryWizard) laterButtons(st guide.Step) []fyne.CanvasObject {
	row := container.NewHBox()
	if st.Wait != "" {
		wait := st.Wait
		row.Add(widget.NewButtonWithIcon("Waiting for "+wait, theme.HistoryIcon(), func() { w.onMark(recovery.Waiting, wait) }))
	}
	skip := widget.NewButton("Skip this step", func() { w.onMark(recovery.Skipped, "skipped in the recovery window") })
	skip.Importance = widget.LowImportance
	row.Add(skip)
	if w.model.Busy() {
		for _, o := range row.Objects {
			o.(*widget.Button).Disable()
		}
	}
	return []fyne.CanvasObject{row}
}

// sparekeyPart is a Sparekey step's inputs, its plan, Do it, and the
// result once it ran (or Retry and the manual way after a failure).
func (w *recoveryWizard) sparekeyPart(st guide.Step, state recovery.StepState) []fyne.CanvasObject {
	b := w.model.Binding()
	objs := []fyne.CanvasObject{widget.NewSeparator(), wizardSubheading("Sparekey does it")}
	if needsAWS(st.Action) {
		w.connKind = widget.NewSelect(connectionChoices(), func(string) { w.connectionChanged() })
		if app.HaveAWSCredentials() && len(w.connKind.Options) > 1 {
			w.connKind.SetSelected(w.connKind.Options[1])
		} else {
			w.connKind.SetSelected(connPracticeAccount)
		}
		w.practiceUser = widget.NewSelect([]string{"practice-admin", "root", "alice", "bob"}, func(string) { w.refreshPlan() })
		w.practiceUser.SetSelected("practice-admin")
	}
	form := widget.NewForm()
	if w.connKind != nil {
		form.Append("Connect to", w.connKind)
		form.Append("Practice identity", w.practiceUser)
	}
	entry := func(dst **widget.Entry, label, value, hint string) {
		e := widget.NewEntry()
		e.SetText(value)
		e.SetPlaceHolder(hint)
		e.OnChanged = func(string) { w.refreshPlan() }
		*dst = e
		form.Append(label, e)
	}
	switch st.Action {
	case guide.ActionResyncTyped:
		entry(&w.inputs.user, "User", b.UserName, "empty: yourself")
		entry(&w.inputs.serial, "Device serial", b.Serial, "arn:aws:iam::…:mfa/…")
		entry(&w.inputs.code1, "MFA code 1", "", "the code the device shows now")
		entry(&w.inputs.code2, "MFA code 2", "", "the next one, once it changes")
	case guide.ActionDeactivate, guide.ActionReplace:
		entry(&w.inputs.user, "User", b.UserName, "empty: yourself")
		entry(&w.inputs.serial, "Device serial", b.Serial, "arn:aws:iam::…:mfa/…")
	case guide.ActionEnroll:
		entry(&w.inputs.user, "For user", b.UserName, "empty: yourself")
	case guide.ActionRestore:
		entry(&w.inputs.file, "Backup file", b.BackupFile, "/path/to/backup.age")
	case guide.ActionBackup:
		entry(&w.inputs.file, "Write to", b.BackupFile, "empty: a new file beside the vault")
	case guide.ActionResync, guide.ActionShowTwoCodes, guide.ActionSession:
		entry(&w.inputs.name, "Account in Sparekey", b.AccountName, "its name in the list")
	case guide.ActionOrgRootMFA:
		entry(&w.inputs.accountID, "Member account ID", b.AccountID, "12 digits")
	case guide.ActionAddSeed:
		e := widget.NewPasswordEntry()
		e.SetPlaceHolder("otpauth://totp/… (shown under \"Show secret key\")")
		w.inputs.setupURI = e
		form.Append("Setup key link", e)
		form.Append("", widget.NewButtonWithIcon("Scan the screen", theme.NewThemedResource(scanIcon), w.onScanSetupQR))
	}
	if len(form.Items) > 0 {
		objs = append(objs, form)
	}
	w.connectionChanged()
	w.plan = para("")
	objs = append(objs, w.plan)
	label := "Do it"
	if state.Status == recovery.Failed || state.Status == recovery.Doing {
		label = "Retry"
	}
	w.doIt = widget.NewButtonWithIcon(label, theme.MediaPlayIcon(), w.onDoIt)
	w.doIt.Importance = widget.HighImportance
	if w.model.Busy() {
		w.doIt.Disable()
	}
	row := container.NewHBox(w.doIt)
	if state.Status == recovery.Failed && st.Where != "" {
		row.Add(widget.NewButton("I did it by hand", func() { w.onMark(recovery.Done, "done by hand") }))
	}
	objs = append(objs, row)
	w.refreshPlan()

	if w.outcome != nil && w.outcomeStep == st.ID {
		objs = append(objs, w.outcomePart(*w.outcome)...)
	} else if state.Status == recovery.Failed {
		l := para("It did not work: " + vault.EscapeText(state.Reason) + " Retry once the cause is fixed, or do it by hand as described above.")
		l.Importance = widget.DangerImportance
		objs = append(objs, l)
	}
	return objs
}

// outcomePart shows what a step did, how it was checked, and the two codes
// for a console form (shown here once; never saved).
func (w *recoveryWizard) outcomePart(out app.RecoveryOutcome) []fyne.CanvasObject {
	did := para("Done: " + out.Did)
	did.Importance = widget.SuccessImportance
	objs := []fyne.CanvasObject{did}
	if len(out.Codes) == 2 {
		codes := widget.NewLabelWithStyle(fmt.Sprintf("MFA code 1: %s    MFA code 2: %s", out.Codes[0], out.Codes[1]), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true, Bold: true})
		objs = append(objs, codes, dim("Type both and submit at once: they go stale within a minute."))
	}
	if out.Verified != "" {
		v := para("Checked: " + out.Verified)
		v.Importance = widget.SuccessImportance
		objs = append(objs, v)
	}
	cont := widget.NewButtonWithIcon("Continue", theme.NavigateNextIcon(), w.onContinue)
	cont.Importance = widget.HighImportance
	return append(objs, container.NewHBox(cont))
}

// connectionChanged offers the practice identities only for the practice
// account.
func (w *recoveryWizard) connectionChanged() {
	if w.practiceUser != nil {
		if w.connection().Practice {
			w.practiceUser.Enable()
		} else {
			w.practiceUser.Disable()
		}
	}
	w.refreshPlan()
}

// refreshPlan says what Do it will do with what the inputs say now.
func (w *recoveryWizard) refreshPlan() {
	if w.plan == nil {
		return
	}
	w.plan.SetText("Sparekey will: " + w.model.Plan(w.target()))
}

// messagePart is a ready-to-send text with Copy and Save as file.
func (w *recoveryWizard) messagePart(st guide.Step, b guide.Binding) []fyne.CanvasObject {
	if st.Message == nil {
		return nil
	}
	m := st.Message
	compose := func(b guide.Binding) string {
		return recovery.MessageText(guide.Message{To: b.Fill(m.To), Subject: b.Fill(m.Subject), Body: b.Fill(m.Body)})
	}
	template := compose(guide.Binding{})
	body := widget.NewLabelWithStyle(compose(b), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	body.Wrapping = fyne.TextWrapWord
	copyBtn := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() { w.onCopyMessage(body.Text) })
	save := widget.NewButtonWithIcon("Save as file…", theme.DocumentSaveIcon(), func() { w.onSaveMessage(body.Text) })
	sent := widget.NewButtonWithIcon("I sent it", theme.MailSendIcon(), func() { w.onMark(recovery.Done, "") })
	sent.Importance = widget.HighImportance
	objs := []fyne.CanvasObject{widget.NewSeparator(), wizardSubheading("The message, ready to send")}

	// The details the message needs, filled from the vault where it knows
	// them; what is typed here goes into the message and stays with the run.
	form := widget.NewForm()
	field := func(dst **widget.Entry, placeholder, label, value, hint string) {
		if !strings.Contains(template, placeholder) {
			return
		}
		e := widget.NewEntry()
		e.SetText(value)
		e.SetPlaceHolder(hint)
		e.OnChanged = func(string) { body.SetText(compose(typed(b, w.inputs))) }
		*dst = e
		form.Append(label, e)
	}
	field(&w.inputs.accountID, "ACCOUNT_ID", "Account ID", b.AccountID, "12 digits")
	field(&w.inputs.user, "USER", "User name", b.UserName, "the IAM user")
	field(&w.inputs.serial, "SERIAL", "Device serial", b.Serial, "arn:aws:iam::…:mfa/…")
	if len(form.Items) > 0 {
		objs = append(objs, dim("Sparekey fills in what the vault knows; type the rest and the message follows."), form)
	}
	return append(objs, widget.NewCard("", "", body), container.NewHBox(copyBtn, save, sent))
}

func (w *recoveryWizard) summaryPage() []fyne.CanvasObject {
	s, err := w.model.Summary()
	if err != nil {
		return []fyne.CanvasObject{para(wizardErrorText(err))}
	}
	objs := []fyne.CanvasObject{heading("Summary"), para(s.Title)}
	list := func(title string, items []string, empty string) {
		objs = append(objs, wizardSubheading(title))
		if len(items) == 0 {
			objs = append(objs, dim(empty))
		}
		for _, it := range items {
			objs = append(objs, para("• "+vault.EscapeText(it)))
		}
	}
	list("What changed", s.Changed, "Nothing has been done yet.")
	list("Still waiting", s.Waiting, "Nothing is waiting on anyone.")
	if len(s.Open) > 0 {
		list("Still to do", s.Open, "")
	}
	if len(s.Skipped) > 0 {
		list("Skipped", s.Skipped, "")
	}
	list("What to do next", s.Next, "")
	if name := w.model.Path().Drill; name != "" {
		objs = append(objs, w.drillButton(name)...)
	}
	if s.Complete {
		finish := widget.NewButtonWithIcon("Finish this recovery", theme.ConfirmIcon(), w.onFinish)
		finish.Importance = widget.HighImportance
		objs = append(objs, container.NewHBox(finish))
	} else {
		objs = append(objs, dim("This recovery stays on the wizard's first page until every step is done or skipped; close the window at any time."))
	}
	return objs
}

// ---- small pieces ----

// errVaultFirst says why a step that needs the vault did not start.
var errVaultFirst = errors.New("this step keeps or reads a seed in the vault: create or unlock the vault in Sparekey's main window first, then Do it again")

// needsVault reports whether an action keeps or reads a seed.
func needsVault(a guide.Action) bool {
	switch a {
	case guide.ActionDeactivate, guide.ActionOrphans, guide.ActionAudit, guide.ActionResyncTyped, guide.ActionOrgRootMFA:
		return false
	}
	return true
}

func needsAWS(a guide.Action) bool {
	switch a {
	case guide.ActionBackup, guide.ActionAddSeed, guide.ActionShowTwoCodes:
		return false
	}
	return true
}

// connectionChoices are the practice account and the AWS profiles configured.
func connectionChoices() []string {
	out := []string{connPracticeAccount}
	for _, p := range awsProfiles() {
		out = append(out, "AWS profile "+p)
	}
	return out
}

// shorten cuts text to at most n runes, at a word when it can.
func shorten(text string, n int) string {
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,") + "…"
}

// typed lays the message's fields over what the run knows; a field
// emptied brings its placeholder back.
func typed(b guide.Binding, in stepInputs) guide.Binding {
	set := func(dst *string, e *widget.Entry) {
		if e != nil {
			*dst = strings.TrimSpace(e.Text)
		}
	}
	set(&b.AccountID, in.accountID)
	set(&b.UserName, in.user)
	set(&b.Serial, in.serial)
	return b
}

func statusWord(s recovery.Status) string {
	switch s {
	case recovery.Todo:
		return "to do"
	case recovery.Doing:
		return "doing"
	}
	return string(s)
}

func answerLabel(q guide.Question, value string) string {
	for _, a := range q.Answers {
		if a.Value == value {
			return a.Label
		}
	}
	return value
}

func wizardSubheading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func dim(text string) *widget.Label {
	l := para(text)
	l.Importance = widget.LowImportance
	return l
}

// onScanSetupQR reads the setup QR code the console shows ("Show QR code")
// from the screen into the setup key field, with the wizard hidden for the
// moment of the capture so it does not cover the code.
func (w *recoveryWizard) onScanSetupQR() {
	w.win.Hide()
	w.say("Reading the screen…")
	w.u.opts.Background(func() {
		time.Sleep(captureSettle) // let the screen repaint what was under the window
		img, err := app.CaptureScreen(context.Background())
		var found []app.QRFinding
		if err == nil {
			found, err = app.ScanImage(img)
		}
		fyne.Do(func() {
			w.win.Show()
			w.win.RequestFocus()
			w.scannedSetupQR(found, err)
		})
	})
}

// scannedSetupQR puts the one account a scan found into the setup key
// field, or says why it cannot.
func (w *recoveryWizard) scannedSetupQR(found []app.QRFinding, err error) {
	if err != nil {
		w.sayProblem(app.ExplainQR(err))
		return
	}
	var accts []*vault.Account
	for _, f := range found {
		if !f.Migration {
			accts = append(accts, f.Accounts...)
		}
	}
	switch {
	case len(accts) == 0:
		w.sayProblem("No setup QR code was found on the screen: show it in the console (\"Show QR code\") and scan again, or paste the setup key link.")
	case len(accts) > 1:
		w.sayProblem("More than one setup QR code is on the screen: leave only the console's in view and scan again.")
	default:
		w.inputs.setupURI.SetText(accts[0].URI())
		w.say("Read the setup key of " + vault.EscapeText(accts[0].Label()) + " from the screen.")
	}
}
