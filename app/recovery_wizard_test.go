package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/app/recovery"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/vault"
)

func newWizardApp(t *testing.T) *App {
	t.Helper()
	a := New(Options{Paths: PathsUnder(t.TempDir()), Keyring: &vault.MemoryKeyring{}, WorkFactor: 10})
	t.Cleanup(a.StopPractice)
	return a
}

// answerAll answers the questions in turn as a person clicking through.
func answerAll(t *testing.T, w *RecoveryWizard, values ...string) {
	t.Helper()
	for _, v := range values {
		q, ok := w.Question()
		if !ok {
			t.Fatalf("answer %q: no question on show (page %+v)", v, w.Page())
		}
		if err := w.Answer(v); err != nil {
			t.Fatalf("%s = %q: %v", q.Key, v, err)
		}
	}
}

func TestWizardQuestionsLeadToTheirPath(t *testing.T) {
	tests := []struct {
		name      string
		answers   []string
		questions []string // keys asked, in order
		path      string
	}{
		{"drifted held device", []string{"out-of-sync", "iam-user", "sparekey"}, []string{"situation", "who", "device"}, "out-of-sync/iam-user/sparekey"},
		{"planning skips the device", []string{"planning", "root"}, []string{"situation", "who"}, "planning/root"},
		{"iam user, lost phone, administrator", []string{"lost", "iam-user", "phone", "no", "no", "reachable"},
			[]string{"situation", "who", "device", "other_device", "kept_seed", "admin"}, "lost/iam-user/phone"},
		{"root without email", []string{"lost", "root", "phone", "no", "no", "no", "no-email"},
			[]string{"situation", "who", "device", "other_device", "kept_seed", "org_root", "email_phone"}, "lost/root/phone/support"},
		{"kept seed", []string{"app-wiped", "iam-user", "phone", "no", "yes"},
			[]string{"situation", "who", "device", "other_device", "kept_seed"}, "app-wiped/iam-user/phone/kept-seed"},
		{"synced passkey asks no more", []string{"lost", "root", "passkey"}, []string{"situation", "who", "device"}, "lost/root/passkey"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWizardApp(t).RecoveryWizard()
			w.StartNew()
			var asked []string
			for _, v := range tc.answers {
				q, ok := w.Question()
				if !ok {
					t.Fatalf("no question for answer %q", v)
				}
				asked = append(asked, q.Key)
				if err := w.Answer(v); err != nil {
					t.Fatal(err)
				}
			}
			if strings.Join(asked, ",") != strings.Join(tc.questions, ",") {
				t.Errorf("asked %v, want %v", asked, tc.questions)
			}
			if w.Page().Kind != PageStep || w.Page().Step != 0 {
				t.Fatalf("after the answers the page is %+v, want the first step", w.Page())
			}
			if got := w.Run().Path; got != tc.path {
				t.Errorf("path %s, want %s", got, tc.path)
			}
		})
	}
}

func TestWizardRefusesWhatCannotBe(t *testing.T) {
	w := newWizardApp(t).RecoveryWizard()
	w.StartNew()
	if err := w.Answer("melted"); !errors.Is(err, guide.ErrUnknownAnswer) {
		t.Errorf("an unknown answer: %v", err)
	}
	answerAll(t, w, "out-of-sync", "root")
	err := w.Answer("fido")
	if !errors.Is(err, guide.ErrNotApplicable) {
		t.Fatalf("a security key out of sync: %v", err)
	}
	if q, _ := w.Question(); q.Key != "device" || w.Run() != nil {
		t.Errorf("after a refused answer: question %q, run %v", q.Key, w.Run())
	}
}

func TestWizardBackAndNext(t *testing.T) {
	a := newWizardApp(t)
	w := a.RecoveryWizard()
	w.StartNew()
	answerAll(t, w, "lost", "iam-user", "phone", "no", "no", "reachable")
	first := w.Run().ID

	// Next walks the steps without changing them; Back retraces them and
	// then the questions, to the first page.
	var titles []string
	for w.Page().Kind == PageStep {
		st, state, _ := w.Step()
		titles = append(titles, st.ID)
		if state.Status != recovery.Todo {
			t.Errorf("Next changed %s to %s", st.ID, state.Status)
		}
		if err := w.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if w.Page().Kind != PageSummary || len(titles) != len(w.Path().Steps) {
		t.Fatalf("Next visited %v and ended on %+v", titles, w.Page())
	}
	var back []string
	for w.CanBack() {
		w.Back()
		p := w.Page()
		back = append(back, string(p.Kind)+":"+p.Question)
	}
	want := len(titles) + 6 + 1 // steps, six questions, the first page
	if len(back) != want || back[len(back)-1] != "runs:" || back[len(back)-2] != "question:situation" {
		t.Errorf("Back went %v", back)
	}

	// Changing an answer before any progress puts the same run on the new path.
	w.StartNew()
	w.run = nil
	if err := w.Resume(first); err != nil {
		t.Fatal(err)
	}
	w.Back() // from step 1 to the last question
	if q, _ := w.Question(); q.Key != "admin" {
		t.Fatalf("Back from the first step shows %+v", w.Page())
	}
	if !w.CanNext() {
		t.Fatal("an answered question offers no Next")
	}
	if err := w.Answer("spare-keys"); err != nil {
		t.Fatal(err)
	}
	if w.Run().ID != first || w.Run().Path != "lost/iam-user/phone/spare-keys" || len(w.Run().Earlier) != 0 {
		t.Errorf("untouched run after a new answer: %s on %s (earlier %v)", w.Run().ID, w.Run().Path, w.Run().Earlier)
	}

	// With progress, a changed answer follows the new path and says so.
	if err := w.Mark(recovery.Done, ""); err != nil {
		t.Fatal(err)
	}
	w.Back()
	w.Back()
	if err := w.Answer("none"); err != nil {
		t.Fatal(err)
	}
	r := w.Run()
	if r.Path != "lost/iam-user/phone/no-admin" || len(r.Earlier) != 1 || len(r.Notes) != 1 {
		t.Errorf("run after changing an answer with progress: %s, earlier %v, notes %v", r.Path, r.Earlier, r.Notes)
	}
}

func TestWizardWhatIfICantFollowsTheBranch(t *testing.T) {
	w := newWizardApp(t).RecoveryWizard()
	w.StartNew()
	answerAll(t, w, "lost", "root", "phone", "no", "no", "no", "both")
	for {
		st, _, _ := w.Step()
		if st.ID == "alternative-factors" {
			break
		}
		if err := w.Mark(recovery.Done, ""); err != nil {
			t.Fatal(err)
		}
	}
	st, _, _ := w.Step()
	if len(st.IfCant) == 0 || !strings.Contains(st.IfCant[0].Problem, "Authentication failed") {
		t.Fatalf("the alternative factors step has no \"Authentication failed\" branch: %+v", st.IfCant)
	}
	if err := w.Follow(0); err != nil {
		t.Fatal(err)
	}
	r := w.Run()
	if r.Path != "lost/root/phone/support" || r.Earlier[0] != "lost/root/phone" || w.Page() != (WizardPage{Kind: PageStep, Step: 0}) {
		t.Fatalf("after the branch: path %s, earlier %v, page %+v", r.Path, r.Earlier, w.Page())
	}
	if st, _, _ := w.Step(); st.Kind != guide.KindMessage {
		t.Errorf("the support path starts with %s, want the message", st.Kind)
	}
	// The run on disk says the same.
	kept, err := w.store.Load(r.ID)
	if err != nil || kept.Path != r.Path || !strings.Contains(kept.Notes[0].Text, "Authentication failed") {
		t.Errorf("saved run: %+v %v", kept, err)
	}
}

func TestWizardWaitingSummaryAndFinish(t *testing.T) {
	w := newWizardApp(t).RecoveryWizard()
	w.StartNew()
	answerAll(t, w, "lost", "iam-user", "hardware", "no", "reachable")
	st, _, _ := w.Step()
	if st.Wait == "" {
		t.Fatalf("step %s waits for nobody", st.ID)
	}
	if err := w.Mark(recovery.Waiting, st.Wait); err != nil {
		t.Fatal(err)
	}
	if p := w.Page(); p.Step != 0 {
		t.Errorf("waiting moved the page to %+v", p)
	}
	// Skip the rest, but the vendor's token waits too: waiting steps keep
	// the run open without standing in the way of the summary.
	w.Next()
	for w.Page().Kind == PageStep {
		st, _, _ := w.Step()
		if st.Wait == "" {
			if err := w.Mark(recovery.Skipped, "not needed"); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := w.Mark(recovery.Waiting, st.Wait); err != nil {
			t.Fatal(err)
		}
		w.Next()
	}
	s, err := w.Summary()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Waiting) != 2 || !strings.Contains(s.Waiting[0], "the administrator") || s.Complete {
		t.Errorf("summary: %+v", s)
	}
	if !strings.Contains(strings.Join(s.Next, " "), "second MFA device") {
		t.Errorf("the summary does not say to register a second device: %v", s.Next)
	}
	if err := w.Finish(); !errors.Is(err, ErrNotComplete) {
		t.Errorf("finish with a step waiting: %v", err)
	}
	open := w.Unfinished()
	if len(open) != 1 || open[0].ID != w.Run().ID {
		t.Fatalf("unfinished runs: %v", open)
	}

	// Days later: resume on the waiting step, mark it done, finish.
	w2 := w.app.RecoveryWizard()
	if err := w2.Resume(open[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, state, _ := w2.Step(); state.Status != recovery.Waiting {
		t.Fatalf("resumed on %+v", state)
	}
	if err := w2.Mark(recovery.Done, "the administrator confirmed"); err != nil {
		t.Fatal(err)
	}
	if w2.Page().Kind != PageSummary {
		t.Fatalf("after the last step to do: %+v", w2.Page())
	}
	if s, _ := w2.Summary(); len(s.Waiting) != 1 || len(s.Changed) != 1 {
		t.Errorf("summary after the administrator: %+v", s)
	}
	w2.GoToStep(3) // the replacement token arrived
	if err := w2.Mark(recovery.Done, ""); err != nil {
		t.Fatal(err)
	}
	if err := w2.Finish(); err != nil {
		t.Fatal(err)
	}
	if open := w2.Unfinished(); len(open) != 0 {
		t.Errorf("a finished run is still listed: %v", open)
	}
}

// A Sparekey step against the practice account: it fails without the
// serial, is recorded as failed, then is retried and verified.
func TestWizardSparekeyStepFailsThenVerifies(t *testing.T) {
	a := newWizardApp(t)
	ctx := context.Background()
	if err := a.CreateVault(ctx, nil); err != nil {
		t.Fatal(err)
	}
	admin := AWSConnection{Practice: true}
	res, err := a.AWSEnroll(ctx, admin, awsmfa.EnrollRequest{UserName: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	w := a.RecoveryWizard()
	w.StartNew()
	answerAll(t, w, "lost", "admin", "phone", "no")
	if err := w.Mark(recovery.Done, ""); err != nil { // confirm-identity
		t.Fatal(err)
	}
	st, _, _ := w.Step()
	if st.Action != guide.ActionDeactivate {
		t.Fatalf("step %s, want deactivate", st.ID)
	}

	do := func(conn AWSConnection, b guide.Binding) error {
		step, tgt, err := w.BeginStep(RecoveryTarget{Conn: conn, Binding: b})
		if err != nil {
			t.Fatal(err)
		}
		if _, s, _ := w.Step(); s.Status != recovery.Doing || !w.Busy() || w.CanBack() {
			t.Errorf("while running: %s, busy %v", s.Status, w.Busy())
		}
		out, err := a.DoRecoveryStep(ctx, step, tgt)
		if ferr := w.FinishStep(step, out, err); ferr != nil {
			t.Fatal(ferr)
		}
		return err
	}
	// The vault's binding already names bob's device: the wizard offers it.
	if b := w.Binding(); b.Serial != res.Device.SerialNumber || b.UserName != "bob" {
		t.Errorf("the run does not start from the vault's binding: %+v", b)
	}
	// alice is no administrator: AWS refuses, and the run says so in plain words.
	if err := do(AWSConnection{Practice: true, PracticeUser: "alice"}, guide.Binding{}); err == nil {
		t.Fatal("alice deactivated bob's device")
	}
	if _, s, _ := w.Step(); s.Status != recovery.Failed || s.Reason == "" || strings.Contains(s.Reason, "StatusCode") {
		t.Errorf("failed step recorded as %+v", s)
	}
	plan := w.Plan(RecoveryTarget{Conn: admin, Binding: guide.Binding{Serial: res.Device.SerialNumber}})
	if !strings.Contains(plan, res.Device.SerialNumber) || !strings.Contains(plan, "bob") {
		t.Errorf("the plan does not say what and to whom: %s", plan)
	}
	if err := do(admin, guide.Binding{Serial: res.Device.SerialNumber}); err != nil {
		t.Fatal(err)
	}
	_, s, _ := w.Step()
	if s.Status != recovery.Done || !strings.Contains(s.Reason, "gone from bob's devices") {
		t.Errorf("done step recorded as %+v", s)
	}
	w.Continue()
	if st, _, _ := w.Step(); st.ID != "orphans" {
		t.Errorf("Continue showed %s", st.ID)
	}
	if got := w.Binding(); got.Serial != res.Device.SerialNumber || got.UserName != "bob" {
		t.Errorf("binding kept: %+v", got)
	}
}

// A step interrupted by a crash is shown as interrupted on resume, and a
// damaged run file is reported, set aside, never reset.
func TestWizardResumeInterruptedAndDamaged(t *testing.T) {
	a := newWizardApp(t)
	w := a.RecoveryWizard()
	w.StartNew()
	answerAll(t, w, "out-of-sync", "iam-user", "phone")
	w.Mark(recovery.Done, "") // read-codes
	if _, _, err := w.BeginStep(RecoveryTarget{Conn: AWSConnection{Practice: true}}); err != nil {
		t.Fatal(err)
	}
	id := w.Run().ID // the process stops here

	dir := a.RecoveryStore().Dir
	if err := os.WriteFile(filepath.Join(dir, "20260101-000000-abcdef.json"), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	w2 := a.RecoveryWizard()
	open := w2.Unfinished()
	if len(open) != 1 || open[0].ID != id {
		t.Fatalf("unfinished: %v", open)
	}
	var de *recovery.DamagedRunError
	if len(w2.Damaged) != 1 || !errors.As(w2.Damaged[0], &de) || de.KeptAs == "" {
		t.Errorf("the damaged file is not reported as set aside: %v", w2.Damaged)
	}
	if err := w2.Resume(id); err != nil {
		t.Fatal(err)
	}
	st, s, _ := w2.Step()
	if st.ID != "resync" || s.Status != recovery.Doing {
		t.Errorf("resumed on %s (%s), want the interrupted resync", st.ID, s.Status)
	}
	if err := w2.Abandon(id); err != nil {
		t.Fatal(err)
	}
	if w2.Page().Kind != PageRuns || len(w2.Unfinished()) != 0 {
		t.Errorf("after abandoning: page %+v", w2.Page())
	}
}

// The window and a terminal walk the same run: a change made in one is
// not undone by the other's next step.
func TestWizardKeepsChangesMadeElsewhere(t *testing.T) {
	a := newWizardApp(t)
	w := a.RecoveryWizard()
	w.StartNew()
	answerAll(t, w, "lost", "iam-user", "phone", "no", "no", "reachable")
	if err := w.Mark(recovery.Done, ""); err != nil { // the message is sent
		t.Fatal(err)
	}
	// Meanwhile, in a terminal: a note and the next step done.
	if _, err := a.RecoveryStore().Update(w.Run().ID, func(r *recovery.Run) error {
		r.AddNote("called the administrator", a.Now())
		return r.Mark("sign-in", recovery.Done, "", a.Now())
	}); err != nil {
		t.Fatal(err)
	}
	// The window, still showing sign-in, skips it: the terminal's note stays.
	if st, _, _ := w.Step(); st.ID != "sign-in" {
		t.Fatalf("on %s", st.ID)
	}
	if err := w.Mark(recovery.Skipped, "done in the terminal"); err != nil {
		t.Fatal(err)
	}
	kept, err := a.RecoveryStore().Load(w.Run().ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept.Notes) != 1 || kept.Steps[0].Status != recovery.Done || kept.Steps[1].Status != recovery.Skipped {
		t.Errorf("after both changed the run: notes %v, steps %+v", kept.Notes, kept.Steps[:2])
	}
}
