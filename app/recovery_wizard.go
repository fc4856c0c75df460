package app

// The recovery wizard's model: which page the window shows, where Back and
// Next lead, and every change to the run saved as it happens. It holds no
// widgets, so the window stays a thin view of it and the tests drive it
// without one. Like the rest of package app it is used from one goroutine
// (the UI's); a Sparekey step runs its AWS work elsewhere between
// BeginStep and FinishStep.

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/app/recovery"
)

// WizardPageKind is what a wizard page is about.
type WizardPageKind string

const (
	// PageRuns lists the unfinished runs (resume, abandon) and starts a new one.
	PageRuns WizardPageKind = "runs"
	// PageQuestion asks one question of the decision tree.
	PageQuestion WizardPageKind = "question"
	// PageStep is one step of the run's path.
	PageStep WizardPageKind = "step"
	// PageSummary ends the run: what changed, what waits, what next.
	PageSummary WizardPageKind = "summary"
)

// WizardPage is the page on show.
type WizardPage struct {
	Kind WizardPageKind
	// Question is the key of the question asked (PageQuestion).
	Question string
	// Step is the index of the step shown in the path's steps (PageStep).
	Step int
}

// Errors the window tells apart.
var (
	// ErrNoRun means the page needs a run and none is open.
	ErrNoRun = errors.New("no recovery run is open")
	// ErrStepBusy means a Sparekey step is still running.
	ErrStepBusy = errors.New("a step is still running")
	// ErrNotComplete means Finish was asked with steps still open.
	ErrNotComplete = errors.New("some steps are neither done nor skipped")
)

// RecoveryWizard walks one person through a recovery, one page at a time.
type RecoveryWizard struct {
	app   *App
	store *recovery.Store
	page  WizardPage
	// answers are the questions answered so far; a resumed run brings its own.
	answers guide.Answers
	run     *recovery.Run
	path    guide.Guide // the leaf the run walks, reconciled with it
	busy    bool        // a Sparekey step is running
	// Damaged are the run files that could not be read when the runs were
	// last listed; each was moved aside, never lost.
	Damaged []error
}

// RecoveryWizard opens the wizard on its first page.
func (a *App) RecoveryWizard() *RecoveryWizard {
	return &RecoveryWizard{app: a, store: a.RecoveryStore(), page: WizardPage{Kind: PageRuns}, answers: guide.Answers{}}
}

// Page is the page on show.
func (w *RecoveryWizard) Page() WizardPage { return w.page }

// Run is the run being walked, or nil before one starts.
func (w *RecoveryWizard) Run() *recovery.Run { return w.run }

// Path is the leaf the run walks (zero before a run starts).
func (w *RecoveryWizard) Path() guide.Guide { return w.path }

// Answers are the answers given so far (a copy).
func (w *RecoveryWizard) Answers() guide.Answers {
	out := guide.Answers{}
	for k, v := range w.answers {
		out[k] = v
	}
	return out
}

// Busy reports whether a Sparekey step is running.
func (w *RecoveryWizard) Busy() bool { return w.busy }

// Unfinished lists the open runs for the first page, most recent first,
// and keeps the damaged files' errors in Damaged.
func (w *RecoveryWizard) Unfinished() []*recovery.Run {
	open, problems := w.store.Unfinished()
	w.Damaged = append(w.Damaged, problems...)
	return open
}

// Question returns the question on show.
func (w *RecoveryWizard) Question() (guide.Question, bool) {
	if w.page.Kind != PageQuestion {
		return guide.Question{}, false
	}
	return questionByKey(w.page.Question)
}

func questionByKey(key string) (guide.Question, bool) {
	for _, q := range guide.Questions() {
		if q.Key == key {
			return q, true
		}
	}
	return guide.Question{}, false
}

// asked lists the questions that apply to the answers so far, in order, up
// to the first unanswered one: the path of questions a person has walked.
func (w *RecoveryWizard) asked() []guide.Question {
	var out []guide.Question
	for _, q := range guide.Questions() {
		if !q.Applies(w.answers) {
			continue
		}
		out = append(out, q)
		if w.answers[q.Key] == "" {
			break
		}
	}
	return out
}

// applicable lists every question that matters after the answers so far,
// answered or not (a run started from the command line may have left a
// yes/no question unanswered: it counts as no).
func (w *RecoveryWizard) applicable() []guide.Question {
	var out []guide.Question
	for _, q := range guide.Questions() {
		if q.Applies(w.answers) {
			out = append(out, q)
		}
	}
	return out
}

// AnsweredQuestions are the questions answered on the way to the path,
// in the order asked, for the path so far.
func (w *RecoveryWizard) AnsweredQuestions() []guide.Question {
	var out []guide.Question
	for _, q := range w.applicable() {
		if w.answers[q.Key] != "" {
			out = append(out, q)
		}
	}
	return out
}

// StartNew leaves the first page for the first question.
func (w *RecoveryWizard) StartNew() {
	w.run, w.path, w.answers = nil, guide.Guide{}, guide.Answers{}
	w.page = WizardPage{Kind: PageQuestion, Question: guide.Questions()[0].Key}
}

// Answer answers the question on show and moves on: to the next question
// that applies, or, when the answers choose a path, to its first step. A
// changed answer forgets the answers after it, since they may no longer
// apply.
func (w *RecoveryWizard) Answer(value string) error {
	q, ok := w.Question()
	if !ok {
		return fmt.Errorf("%w: no question is on show", guide.ErrUnknownAnswer)
	}
	if !q.Has(value) {
		return fmt.Errorf("%w: %q for %q", guide.ErrUnknownAnswer, value, q.Text)
	}
	next := guide.Answers{}
	for _, other := range guide.Questions() {
		if other.Key == q.Key {
			break
		}
		if v := w.answers[other.Key]; v != "" && other.Applies(w.answers) {
			next[other.Key] = v
		}
	}
	next[q.Key] = value
	// A combination that cannot happen (a security key out of sync) is
	// refused here, on the question that made it, with where to go instead.
	if _, err := guide.Resolve(next); errors.Is(err, guide.ErrNotApplicable) || errors.Is(err, guide.ErrUnknownAnswer) {
		return err
	}
	w.answers = next
	for _, later := range w.asked() {
		if w.answers[later.Key] == "" {
			w.page = WizardPage{Kind: PageQuestion, Question: later.Key}
			return nil
		}
	}
	g, err := guide.Resolve(w.answers)
	if err != nil {
		return err
	}
	return w.walk(g)
}

// walk puts the run on leaf g and shows its first open step. A run that
// has not been touched yet is simply put on the new path (same ID); one
// with progress follows the new path, keeping the old one in its notes.
func (w *RecoveryWizard) walk(g guide.Guide) error {
	now, answers := w.app.now(), w.Answers()
	if w.run == nil || w.run.State != recovery.Open {
		b := w.app.RecoveryBinding(guide.Binding{}, w.answers["who"] == string(guide.Root))
		r, err := w.store.StartOn(g, answers, b)
		if err != nil {
			return err
		}
		w.run = r
		return w.showCurrent()
	}
	err := w.change(func(r *recovery.Run) error {
		switch {
		case r.Path == g.ID:
		case untouched(r):
			fresh := recovery.NewRun(r.ID, answers, g, r.Binding, r.Created)
			fresh.Updated, fresh.Revision = now, r.Revision
			*r = *fresh
		default:
			if err := r.Follow(g.ID, "the answers changed", now); err != nil {
				return err
			}
		}
		r.Answers = answers
		return nil
	})
	if err != nil {
		return err
	}
	return w.showCurrent()
}

func untouched(r *recovery.Run) bool {
	if len(r.Notes) > 0 || len(r.Earlier) > 0 {
		return false
	}
	for _, s := range r.Steps {
		if s.Status != recovery.Todo {
			return false
		}
	}
	return true
}

// showCurrent shows the run's current step, or the summary when every
// step is through.
func (w *RecoveryWizard) showCurrent() error {
	g, err := w.run.Guide()
	if err != nil {
		return err
	}
	w.path = g
	cur := w.run.Current()
	if cur == nil {
		w.page = WizardPage{Kind: PageSummary}
		return nil
	}
	w.page = WizardPage{Kind: PageStep, Step: w.stepIndex(cur.ID)}
	return nil
}

func (w *RecoveryWizard) stepIndex(id string) int {
	return slices.IndexFunc(w.path.Steps, func(s guide.Step) bool { return s.ID == id })
}

// Resume carries on with a kept run at its current step. A run whose file
// is damaged comes back as *recovery.DamagedRunError (the file set aside).
func (w *RecoveryWizard) Resume(id string) error {
	r, err := w.store.Load(id)
	if err != nil {
		return err
	}
	if r.State != recovery.Open {
		return fmt.Errorf("%w (%s)", recovery.ErrClosed, r.State)
	}
	if _, err := r.Guide(); err != nil {
		return err
	}
	w.run, w.answers = r, guide.Answers{}
	for k, v := range r.Answers {
		w.answers[k] = v
	}
	return w.showCurrent()
}

// Abandon closes a kept run as abandoned (its record stays). Abandoning
// the run being walked goes back to the first page.
func (w *RecoveryWizard) Abandon(id string) error {
	r, err := w.store.Load(id) // as saved: a terminal may have changed it
	if err != nil {
		return err
	}
	if err := w.store.Close(r, recovery.Abandoned, "abandoned in the recovery window"); err != nil {
		return err
	}
	if w.run != nil && w.run.ID == id {
		w.run, w.path, w.answers = nil, guide.Guide{}, guide.Answers{}
		w.page = WizardPage{Kind: PageRuns}
	}
	return nil
}

// CanBack reports whether Back leads anywhere.
func (w *RecoveryWizard) CanBack() bool { return w.page.Kind != PageRuns && !w.busy }

// Back shows the page before this one: the step before, the last question
// answered, or the first page.
func (w *RecoveryWizard) Back() {
	if !w.CanBack() {
		return
	}
	switch w.page.Kind {
	case PageSummary:
		if n := len(w.path.Steps); n > 0 {
			w.page = WizardPage{Kind: PageStep, Step: n - 1}
			return
		}
	case PageStep:
		if w.page.Step > 0 {
			w.page.Step--
			return
		}
		if qs := w.AnsweredQuestions(); len(qs) > 0 {
			w.page = WizardPage{Kind: PageQuestion, Question: qs[len(qs)-1].Key}
			return
		}
	case PageQuestion:
		qs := w.applicable()
		i := slices.IndexFunc(qs, func(q guide.Question) bool { return q.Key == w.page.Question })
		if i > 0 {
			w.page = WizardPage{Kind: PageQuestion, Question: qs[i-1].Key}
			return
		}
	}
	w.page = WizardPage{Kind: PageRuns}
}

// CanNext reports whether Next leads anywhere: a question already
// answered, a step of a run, not the summary.
func (w *RecoveryWizard) CanNext() bool {
	switch {
	case w.busy:
		return false
	case w.page.Kind == PageQuestion:
		return w.answers[w.page.Question] != ""
	case w.page.Kind == PageStep:
		return true
	}
	return false
}

// Next moves on without changing anything: past a question answered
// before (to where that answer leads), or to the following step (a step
// left to do stays to do; the summary says so).
func (w *RecoveryWizard) Next() error {
	if !w.CanNext() {
		return nil
	}
	if w.page.Kind == PageQuestion {
		return w.Answer(w.answers[w.page.Question])
	}
	if w.page.Step+1 < len(w.path.Steps) {
		w.page.Step++
		return nil
	}
	w.page = WizardPage{Kind: PageSummary}
	return nil
}

// GoToStep shows step i of the path (from the side list).
func (w *RecoveryWizard) GoToStep(i int) {
	if w.run != nil && !w.busy && i >= 0 && i < len(w.path.Steps) {
		w.page = WizardPage{Kind: PageStep, Step: i}
	}
}

// Step returns the step on show and its state.
func (w *RecoveryWizard) Step() (guide.Step, recovery.StepState, bool) {
	if w.page.Kind != PageStep || w.run == nil || w.page.Step >= len(w.path.Steps) {
		return guide.Step{}, recovery.StepState{}, false
	}
	st := w.path.Steps[w.page.Step]
	for _, s := range w.run.Steps {
		if s.ID == st.ID {
			return st, s, true
		}
	}
	return st, recovery.StepState{ID: st.ID, Status: recovery.Todo}, true
}

// StepStates are the run's steps' states, in the path's order.
func (w *RecoveryWizard) StepStates() []recovery.StepState {
	if w.run == nil {
		return nil
	}
	return slices.Clone(w.run.Steps)
}

// Mark records the status of the step on show (Waiting: reason says for
// whom) and saves the run. Done and Skipped move on to the next open
// step, or to the summary.
func (w *RecoveryWizard) Mark(st recovery.Status, reason string) error {
	step, _, ok := w.Step()
	if !ok {
		return ErrNoRun
	}
	if w.busy {
		return ErrStepBusy
	}
	now := w.app.now()
	if err := w.change(func(r *recovery.Run) error { return r.Mark(step.ID, st, reason, now) }); err != nil {
		return err
	}
	if st == recovery.Done || st == recovery.Skipped {
		w.advance()
	}
	return nil
}

// advance shows the next step after this one that is still to do (the
// person may have jumped ahead), else the first one before it, else the
// summary. Steps waiting on someone are passed over: the summary lists them.
func (w *RecoveryWizard) advance() {
	toDo := func(i int) bool {
		switch w.run.Steps[i].Status {
		case recovery.Todo, recovery.Doing, recovery.Failed:
			return true
		}
		return false
	}
	for i := w.page.Step + 1; i < len(w.run.Steps); i++ {
		if toDo(i) {
			w.page = WizardPage{Kind: PageStep, Step: i}
			return
		}
	}
	for i := 0; i <= w.page.Step && i < len(w.run.Steps); i++ {
		if toDo(i) {
			w.page = WizardPage{Kind: PageStep, Step: i}
			return
		}
	}
	w.page = WizardPage{Kind: PageSummary}
}

// Follow takes the step's "What if I can't…" branch i to the path it
// leads to, and shows that path's first step. A branch with no path to
// follow is only advice: it leaves the run as it is.
func (w *RecoveryWizard) Follow(i int) error {
	step, _, ok := w.Step()
	if !ok {
		return ErrNoRun
	}
	if i < 0 || i >= len(step.IfCant) {
		return fmt.Errorf("step %q has no branch %d", step.ID, i)
	}
	b := step.IfCant[i]
	if b.Goto == "" {
		return nil
	}
	now := w.app.now()
	if err := w.change(func(r *recovery.Run) error { return r.Follow(b.Goto, b.Problem, now) }); err != nil {
		return err
	}
	return w.showCurrent()
}

// AddNote keeps a note with the run (never a password or a code).
func (w *RecoveryWizard) AddNote(text string) error {
	if w.run == nil {
		return ErrNoRun
	}
	if text = strings.TrimSpace(text); text == "" {
		return nil
	}
	now := w.app.now()
	return w.change(func(r *recovery.Run) error { r.AddNote(text, now); return nil })
}

// Binding is what the run knows of the identity in trouble.
func (w *RecoveryWizard) Binding() guide.Binding {
	if w.run == nil {
		return guide.Binding{}
	}
	return w.run.Binding
}

// SetBinding keeps what the person typed about the identity (user, serial,
// account ID, vault name, backup file): never a secret. It is saved with
// the run's next change.
func (w *RecoveryWizard) SetBinding(b guide.Binding) {
	if w.run != nil {
		w.run.Binding = w.run.Binding.With(b)
	}
}

// Plan says what the Sparekey step on show will do, and to whom.
func (w *RecoveryWizard) Plan(t RecoveryTarget) string {
	step, _, ok := w.Step()
	if !ok {
		return ""
	}
	t.Binding = w.Binding().With(t.Binding)
	return RecoveryPlan(step, t)
}

// BeginStep marks the Sparekey step on show as being done, and saves that
// first: if the process stops during the work, the run shows the step as
// interrupted, to be checked rather than assumed. It returns the step and
// the target to hand to DoRecoveryStep off the UI goroutine.
func (w *RecoveryWizard) BeginStep(t RecoveryTarget) (guide.Step, RecoveryTarget, error) {
	step, _, ok := w.Step()
	switch {
	case !ok:
		return step, t, ErrNoRun
	case w.busy:
		return step, t, ErrStepBusy
	case step.Kind != guide.KindSparekey:
		return step, t, fmt.Errorf("%w: step %q is one the person does", ErrNeedsInput, step.ID)
	}
	w.run.Binding = w.run.Binding.With(t.Binding)
	now := w.app.now()
	if err := w.change(func(r *recovery.Run) error { return r.Mark(step.ID, recovery.Doing, "", now) }); err != nil {
		return step, t, err
	}
	t.Binding = w.run.Binding
	w.busy = true
	return step, t, nil
}

// FinishStep records how the step begun by BeginStep ended: done with
// what was done and how it was checked, or failed with the reason in
// plain words (never the SDK's text). The run is saved either way; the
// page stays on the step so its result can be read.
func (w *RecoveryWizard) FinishStep(step guide.Step, out RecoveryOutcome, err error) error {
	w.busy = false
	if w.run == nil {
		return ErrNoRun
	}
	now := w.app.now()
	if err != nil {
		reason := firstLine(ExplainAWS(err))
		return w.change(func(r *recovery.Run) error { return r.Mark(step.ID, recovery.Failed, reason, now) })
	}
	w.run.Binding = w.run.Binding.With(out.Binding)
	did := strings.TrimSpace(out.Did + " " + out.Verified)
	return w.change(func(r *recovery.Run) error { return r.Mark(step.ID, recovery.Done, did, now) })
}

// Continue moves on from a step whose result was read.
func (w *RecoveryWizard) Continue() {
	if w.run != nil && w.page.Kind == PageStep && !w.busy {
		w.advance()
	}
}

// WizardSummary is the last page: what the run changed, what still waits
// and what to do next.
type WizardSummary struct {
	Title string
	// Changed lists the steps done, each with what it did or how it was checked.
	Changed []string
	// Waiting lists the steps waiting on someone, and for whom.
	Waiting []string
	// Open lists the steps neither done, skipped nor waiting.
	Open    []string
	Skipped []string
	// Next are the things to do once the run is through.
	Next []string
	// Complete: every step is done or skipped, so the run can be finished.
	Complete bool
}

// Summary sums the run up.
func (w *RecoveryWizard) Summary() (WizardSummary, error) {
	if w.run == nil {
		return WizardSummary{}, ErrNoRun
	}
	s := WizardSummary{Title: w.path.Title, Complete: w.run.Complete()}
	for i, st := range w.run.Steps {
		title := st.ID
		if i < len(w.path.Steps) {
			title = w.path.Steps[i].Title
		}
		switch st.Status {
		case recovery.Done:
			if st.Reason != "" {
				title += ": " + st.Reason
			}
			s.Changed = append(s.Changed, title)
		case recovery.Waiting:
			s.Waiting = append(s.Waiting, title+" (waiting for "+or(st.WaitingFor, "someone")+")")
		case recovery.Skipped:
			if st.Reason != "" {
				title += " (" + st.Reason + ")"
			}
			s.Skipped = append(s.Skipped, title)
		default:
			s.Open = append(s.Open, title)
		}
	}
	if len(s.Waiting) > 0 {
		s.Next = append(s.Next, "Come back when the wait is over: this recovery stays on the first page of the wizard until it is finished.")
	}
	if len(s.Open) > 0 {
		s.Next = append(s.Next, "Go back to the steps still open; a failed one can be retried or done by hand.")
	}
	if _, ok := w.path.Step("second-device"); !ok && w.path.ID != "" {
		s.Next = append(s.Next, "Register a second MFA device for this identity (AWS allows up to eight), so the next loss is a chore, not a recovery.")
	}
	if _, ok := w.path.Step("backup"); !ok {
		s.Next = append(s.Next, "Make a fresh backup and check that it opens, so the new device's seed is kept too.")
	}
	if w.path.Drill != "" {
		s.Next = append(s.Next, "Rehearse this recovery on the practice account: the drill \""+w.path.Drill+"\".")
	}
	return s, nil
}

// Finish closes the run as finished once every step is done or skipped.
func (w *RecoveryWizard) Finish() error {
	if w.run == nil {
		return ErrNoRun
	}
	r, err := w.store.Load(w.run.ID) // as saved: a terminal may have changed it
	if err != nil {
		return err
	}
	if _, err := r.Guide(); err != nil {
		return err
	}
	w.run = r
	if !r.Complete() {
		return ErrNotComplete
	}
	return w.store.Close(r, recovery.Finished, "")
}

// change applies f to the run as saved, under the store's lock, and saves
// it: the window and a terminal may walk the same run, and neither may
// undo the other's step. What the person typed about the identity
// (SetBinding) goes along. If the run took another path elsewhere, the
// wizard follows it.
func (w *RecoveryWizard) change(f func(*recovery.Run) error) error {
	typed := w.run.Binding
	r, err := w.store.Update(w.run.ID, func(r *recovery.Run) error {
		if _, err := r.Guide(); err != nil {
			return err
		}
		r.Binding = r.Binding.With(typed)
		return f(r)
	})
	if err != nil {
		w.reload()
		return fmt.Errorf("saving the recovery's progress: %w", err)
	}
	w.run = r
	if r.Path != w.path.ID {
		return w.showCurrent()
	}
	return nil
}

// reload shows the run as saved after a change could not be made to it.
func (w *RecoveryWizard) reload() {
	r, err := w.store.Load(w.run.ID)
	if err != nil || r.State != recovery.Open {
		return
	}
	if _, err := r.Guide(); err != nil {
		return
	}
	r.Binding = r.Binding.With(w.run.Binding)
	w.run = r
	if r.Path != w.path.ID {
		_ = w.showCurrent()
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
