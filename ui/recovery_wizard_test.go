package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/drill"
	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/app/recovery"
	"github.com/sparekey/sparekey/sync/awsmfa"
)

// tapAnswers answers the wizard's questions in turn by tapping the
// buttons that carry the answers' labels.
func tapAnswers(t *testing.T, w *recoveryWizard, values ...string) {
	t.Helper()
	for _, v := range values {
		q, ok := w.model.Question()
		if !ok {
			t.Fatalf("answer %q: no question on show (%+v)", v, w.model.Page())
		}
		test.Tap(findButton(t, w.page, answerLabel(q, v)))
	}
}

// sideHas reports whether the path list on the left shows text.
func sideHas(w *recoveryWizard, text string) bool {
	found := false
	walk(w.side, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Button:
			found = found || strings.Contains(x.Text, text)
		case *widget.Label:
			found = found || strings.Contains(x.Text, text)
		}
	})
	return found
}

// The wizard works before any vault exists: questions one per page, Back
// and Next, the path so far on the left, the person's steps marked done.
func TestRecoveryWizardPagesBackAndNext(t *testing.T) {
	h := newHarness(t, "none", nil)
	test.Tap(findButton(t, h.u.Window().Content(), "Locked out?"))
	w := h.u.recovery
	if w == nil {
		t.Fatal("\"Locked out?\" on the first-run screen did not open the wizard")
	}
	t.Cleanup(w.win.Close)
	if menuItem(t, h.u, "Recovery wizard…").Disabled {
		t.Error("the menu's Recovery wizard… is disabled without a vault")
	}
	if !w.back.Disabled() || !w.next.Disabled() {
		t.Error("the first page offers Back or Next")
	}

	test.Tap(findButton(t, w.page, "Start a new recovery"))
	if !containsText(w.page, "What happened?") {
		t.Fatal("the first question is not on show")
	}
	tapAnswers(t, w, "lost", "iam-user")
	if !containsText(w.page, "What kind of MFA device is it?") || !sideHas(w, "The device is lost") {
		t.Fatal("the third question or the path so far is missing")
	}
	test.Tap(w.back)
	if !containsText(w.page, "Who needs to sign in?") || w.next.Disabled() {
		t.Fatal("Back did not return to the answered question with Next on")
	}
	test.Tap(w.next)
	if !containsText(w.page, "What kind of MFA device is it?") {
		t.Fatal("Next did not return to the unanswered question")
	}
	tapAnswers(t, w, "phone", "no", "no", "reachable")

	// The first step: a message to the administrator, ready to copy.
	if !containsText(w.page, "Step 1 of") || !containsText(w.page, "Please deactivate my MFA device") || !containsText(w.page, "Status: to do") {
		t.Fatal("the first step (the message to the administrator) is not on show")
	}
	if w.inputs.accountID == nil || w.inputs.user == nil || w.inputs.serial == nil {
		t.Fatal("the message asks for none of the details it lacks")
	}
	test.Type(w.inputs.accountID, "123456789012")
	test.Type(w.inputs.user, "alice")
	test.Tap(findButton(t, w.page, "Copy"))
	if got := h.clipboard(); !strings.Contains(got, "Subject: Please deactivate my MFA device (user alice, account 123456789012)") || !strings.Contains(got, "Device serial: SERIAL") {
		t.Errorf("clipboard: %q", got)
	}
	file := filepath.Join(t.TempDir(), "to-admin.txt")
	if err := saveMessage(file, h.clipboard()); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("saved message: %v %v", fi.Mode(), err)
	}
	test.Tap(findButton(t, w.page, "Waiting for the administrator"))
	if !containsText(w.page, "Status: waiting for the administrator") || !sideHas(w, "— waiting") {
		t.Fatal("waiting is not shown on the page and in the path")
	}
	test.Tap(w.next)
	test.Tap(findButton(t, w.page, "I did it"))
	if !sideHas(w, "2. Sign in once the device is deactivated — done") {
		t.Error("the side list does not show the step done")
	}

	// Enrolling keeps a seed: without a vault it does not start, and says so.
	test.Tap(findButton(t, w.page, "I did it")) // the old entry is deleted
	if st, _, _ := w.model.Step(); st.Action != guide.ActionEnroll {
		t.Fatalf("on step %s, want enroll", st.ID)
	}
	test.Tap(w.doIt)
	if _, s, _ := w.model.Step(); s.Status != recovery.Todo || !strings.Contains(w.status.Text, "create or unlock the vault") {
		t.Errorf("Do it without a vault: step %s, status %q", s.Status, w.status.Text)
	}

	// The run is saved beside the (not yet created) vault, with the
	// details typed into the message.
	open, _ := h.core.RecoveryStore().Unfinished()
	if len(open) != 1 || open[0].Steps[0].Status != recovery.Waiting || open[0].Steps[1].Status != recovery.Done {
		t.Fatalf("saved runs: %+v", open)
	}
	if b := open[0].Binding; b.AccountID != "123456789012" || b.UserName != "alice" || b.Serial != "" {
		t.Errorf("saved binding: %+v", b)
	}
}

// Every "What if I can't…" branch with a path is a button that follows it.
func TestRecoveryWizardWhatIfICant(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	w := h.u.showRecoveryWizard()
	t.Cleanup(w.win.Close)
	test.Tap(findButton(t, w.page, "Start a new recovery"))
	tapAnswers(t, w, "lost", "root", "phone", "no", "no", "no", "both")
	for i := 0; i < 2; i++ { // sign-in, troubleshooting page
		test.Tap(findButton(t, w.page, "I did it"))
	}
	if !containsText(w.page, "Choose alternative factors") || !containsText(w.page, "\"Sign in using alternative factors\"") {
		t.Fatal("the alternative factors step, with its labels in order, is not on show")
	}
	test.Tap(findButton(t, w.page, "It says \"Authentication failed\""))
	if got := w.model.Run().Path; got != "lost/root/phone/support" {
		t.Fatalf("the branch led to %s", got)
	}
	for _, want := range []string{"Authentication failed", "The text for AWS Support", "Root user MFA device lost"} {
		if !containsText(w.page, want) {
			t.Errorf("after the branch the page lacks %q", want)
		}
	}
	if !sideHas(w, "Left on the way: Root user: sign in with alternative factors") {
		t.Error("the path list does not say which path was left")
	}
}

// A Sparekey step on the practice account: the plan says what and to
// whom, Do it runs it and shows how it was checked.
func TestRecoveryWizardSparekeyStepVerified(t *testing.T) {
	u, core, _ := newAWSHarness(t)
	res, err := core.AWSEnroll(context.Background(), app.AWSConnection{Practice: true}, awsmfa.EnrollRequest{UserName: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	serial := res.Device.SerialNumber
	w := u.showRecoveryWizard()
	t.Cleanup(w.win.Close)
	test.Tap(findButton(t, w.page, "Start a new recovery"))
	tapAnswers(t, w, "lost", "admin", "phone", "no")
	test.Tap(findButton(t, w.page, "I did it")) // confirmed who asks
	if st, _, _ := w.model.Step(); st.Action != guide.ActionDeactivate {
		t.Fatalf("on step %s, want deactivate", st.ID)
	}
	if w.inputs.serial.Text != serial || w.inputs.user.Text != "bob" {
		t.Errorf("inputs not filled from the vault: user %q serial %q", w.inputs.user.Text, w.inputs.serial.Text)
	}
	if !strings.Contains(w.plan.Text, serial) || !strings.Contains(w.plan.Text, "bob") {
		t.Errorf("the plan does not say what and to whom: %s", w.plan.Text)
	}
	w.connKind.SetSelected(connPracticeAccount)

	// As alice (no administrator) AWS refuses: the step fails, says why
	// in plain words, and offers Retry.
	w.practiceUser.SetSelected("alice")
	test.Tap(w.doIt)
	if _, s, _ := w.model.Step(); s.Status != recovery.Failed {
		t.Fatalf("as alice the step is %s", s.Status)
	}
	if !containsText(w.page, "It did not work:") || w.doIt.Text != "Retry" {
		t.Error("the failure or Retry is not shown")
	}
	w.practiceUser.SetSelected("practice-admin")
	test.Tap(w.doIt)
	if !containsText(w.page, "Checked: "+serial+" is gone from bob's devices") {
		t.Fatalf("no verification shown; status: %s", w.status.Text)
	}
	if !sideHas(w, "Deactivate the device — done") {
		t.Error("the side list does not show the step done")
	}
	test.Tap(findButton(t, w.page, "Continue"))
	if st, _, _ := w.model.Step(); st.ID != "orphans" {
		t.Errorf("Continue led to %s", st.ID)
	}
	saveScreenshot(t, w.win, "recovery-wizard-step.png")
}

// An unfinished run is on the first page: Resume carries on where it
// stopped, Abandon closes it.
func TestRecoveryWizardResume(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	store := h.core.RecoveryStore()
	waiting, err := store.Start(guide.Answers{"situation": "lost", "who": "root", "device": "phone", "email_phone": "no-email"}, guide.Binding{AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	waiting.Mark("support-message", recovery.Done, "", h.clk.Now())
	waiting.Mark("support-form", recovery.Waiting, "AWS Support's answer", h.clk.Now())
	if err := store.Save(waiting); err != nil {
		t.Fatal(err)
	}
	h.clk.Advance(time.Minute)
	other, err := store.Start(guide.Answers{"situation": "planning", "who": "iam-user"}, guide.Binding{})
	if err != nil {
		t.Fatal(err)
	}

	damaged := filepath.Join(store.Dir, "20260101-000000-abcdef.json")
	if err := os.WriteFile(damaged, []byte(`{"version": 99}`), 0o600); err != nil {
		t.Fatal(err)
	}

	w := h.u.showRecoveryWizard()
	t.Cleanup(w.win.Close)
	if !containsText(w.page, "Unfinished recoveries") || !containsText(w.page, "waiting for AWS Support's answer") {
		t.Fatal("the first page does not list the unfinished runs")
	}
	if !containsText(w.page, "was written by a newer Sparekey") || !containsText(w.page, "nothing in it was lost") {
		t.Error("a run file from a newer Sparekey is not reported on the first page")
	}
	// The runs are listed most recent first: the planning run, then the root's.
	test.Tap(findButton(t, w.page, "Abandon"))
	if r, _ := store.Load(other.ID); r.State != recovery.Open {
		t.Fatal("Abandon did not ask first")
	}
	test.Tap(findButton(t, w.win.Canvas().Overlays().Top(), "Yes"))
	if r, _ := store.Load(other.ID); r.State != recovery.Abandoned {
		t.Fatalf("abandoned run is %s", r.State)
	}
	test.Tap(findButton(t, w.page, "Resume"))
	if !containsText(w.page, "Ask AWS Support to remove the MFA device") || !containsText(w.page, "Status: waiting for AWS Support's answer") {
		t.Fatal("Resume did not carry on at the waiting step")
	}
	if !sideHas(w, "1. The text for AWS Support — done") || !sideHas(w, "the email is out of reach") {
		t.Error("the path so far is not shown for a resumed run")
	}
	var note *widget.Entry
	for _, e := range findEntries(w.page) {
		if strings.HasPrefix(e.PlaceHolder, "A note for later") {
			note = e
		}
	}
	if note == nil {
		t.Fatal("no note field on the step")
	}
	test.Type(note, "Support case 1234")
	test.Tap(findButton(t, w.page, "Keep the note"))
	if r, _ := store.Load(waiting.ID); len(r.Notes) != 1 || r.Notes[0].Text != "Support case 1234" {
		t.Errorf("the note was not kept: %+v", r.Notes)
	}
	test.Tap(findButton(t, w.page, "I did it"))
	for w.model.Page().Kind == app.PageStep {
		test.Tap(findButton(t, w.page, "Skip this step"))
	}
	if !containsText(w.page, "What to do next") || !containsText(w.page, "second MFA device") {
		t.Fatal("no summary at the end")
	}
	test.Tap(findButton(t, w.page, "Finish this recovery"))
	if r, _ := store.Load(waiting.ID); r.State != recovery.Finished {
		t.Errorf("finished run is %s", r.State)
	}
	if containsText(w.page, "Unfinished recoveries") {
		t.Error("a finished run is still listed")
	}
}

// BenchmarkOpenRecoveryWizard opens the wizard on its first page (with one
// unfinished run to list) and closes it; BenchmarkOpenBareWindow is an
// empty window opened and closed the same way, for the ratio.
func BenchmarkOpenRecoveryWizard(b *testing.B) {
	u, _ := benchUI(b, 10)
	if _, err := u.core.RecoveryStore().Start(guide.Answers{"situation": "out-of-sync", "who": "iam-user", "device": "phone"}, guide.Binding{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := u.showRecoveryWizard()
		w.win.Close()
	}
}

func BenchmarkOpenBareWindow(b *testing.B) {
	u, _ := benchUI(b, 10)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := u.fa.NewWindow("bare")
		w.SetContent(widget.NewLabel("bare"))
		w.Resize(fyne.NewSize(1000, 700))
		w.Show()
		w.Close()
	}
}

// A drill from the first page runs on a throwaway practice account and
// its result is kept for the readiness score.
func TestRecoveryWizardDrill(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	w := h.u.showRecoveryWizard()
	t.Cleanup(w.win.Close)
	var pick *widget.Select
	walk(w.page, func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok && s.PlaceHolder == "Choose a situation to rehearse" {
			pick = s
		}
	})
	if pick == nil {
		t.Fatal("the first page offers no drill")
	}
	d, err := drill.Find("drifted-device")
	if err != nil {
		t.Fatal(err)
	}
	pick.SetSelected(d.Title)
	test.Tap(findButton(t, w.page, "Run the drill"))
	if !containsText(w.page, "Passed: the drill drifted-device") {
		t.Fatalf("no pass shown; status %q", w.status.Text)
	}
	if _, err := os.Stat(filepath.Join(h.core.Paths().Data, app.DrillResultsFile)); err != nil {
		t.Errorf("the result was not kept: %v", err)
	}
}

// trayApp is the test app with a system tray that keeps its menu.
type trayApp struct {
	fyne.App
	menu *fyne.Menu
}

func (a *trayApp) SetSystemTrayMenu(m *fyne.Menu)  { a.menu = m }
func (a *trayApp) SetSystemTrayIcon(fyne.Resource) {}
func (a *trayApp) SetSystemTrayWindow(fyne.Window) {}

// The tray's menu reaches the wizard, locked or not.
func TestRecoveryWizardFromTheTray(t *testing.T) {
	fa := &trayApp{App: test.NewTempApp(t)}
	core := app.New(app.Options{Paths: app.PathsUnder(t.TempDir()), Keyring: nil, Now: newFakeClock().Now})
	u := New(fa, core, Options{NoTicker: true, Background: func(f func()) { f() }, TrayHost: func() bool { return true }})
	t.Cleanup(u.Window().Close)
	u.onScreen = true
	u.refreshTray()
	if fa.menu == nil {
		t.Fatal("no tray menu")
	}
	for _, it := range fa.menu.Items {
		if it.Label == "Locked out? Recovery…" {
			it.Action()
			if u.recovery == nil {
				t.Fatal("the tray item did not open the wizard")
			}
			u.recovery.win.Close()
			return
		}
	}
	t.Fatal("the tray menu has no way to the recovery wizard")
}

// For the root's console form Sparekey shows two consecutive codes; they
// are shown once and never reach the run's file.
func TestRecoveryWizardShowsTwoCodesNotSaved(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	w := h.u.showRecoveryWizard()
	t.Cleanup(w.win.Close)
	test.Tap(findButton(t, w.page, "Start a new recovery"))
	tapAnswers(t, w, "out-of-sync", "root", "sparekey")
	test.Tap(findButton(t, w.page, "I did it")) // the clock
	test.Tap(findButton(t, w.page, "I did it")) // the form is open
	if st, _, _ := w.model.Step(); st.Action != guide.ActionShowTwoCodes {
		t.Fatalf("on step %s", st.ID)
	}
	test.Type(w.inputs.name, "GitHub")
	test.Tap(w.doIt)
	code := h.code(uriGitHub)
	if !containsText(w.page, "MFA code 1: "+code) {
		t.Fatalf("the codes are not shown; status %q", w.status.Text)
	}
	data, err := os.ReadFile(filepath.Join(h.core.RecoveryStore().Dir, w.model.Run().ID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), code) || strings.Contains(string(data), "JBSWY3DP") {
		t.Errorf("the run file holds a code or the seed:\n%s", data)
	}
	if !strings.Contains(string(data), `"account_name": "GitHub`) {
		t.Errorf("the run does not remember which account: %s", data)
	}
	h.clk.Advance(codesShownFor)
	if containsText(w.page, "MFA code 1: ") {
		t.Error("the codes stay on screen after they expired")
	}
	if !containsText(w.page, "Done: Showed two consecutive codes") {
		t.Error("with the codes gone, the result went too")
	}
}

// A member account's root, in an Organization that manages root access
// centrally: the wizard asks which member account (the vault cannot know),
// does not need the vault, and removes the member root's device from the
// management account, checked gone.
func TestRecoveryWizardMemberRoot(t *testing.T) {
	u, core, _ := newAWSHarness(t)
	srv, _, err := core.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	member := srv.MemberAccountIDs()[0]
	core.Lock() // the step must not need the vault
	w := u.showRecoveryWizard()
	t.Cleanup(w.win.Close)
	test.Tap(findButton(t, w.page, "Start a new recovery"))
	answers := map[string]string{"situation": "lost", "who": "root", "device": "phone", "other_device": "no", "kept_seed": "no", "org_root": "yes"}
	for {
		q, ok := w.model.Question()
		if !ok {
			break
		}
		v, known := answers[q.Key]
		if !known {
			t.Fatalf("unexpected question %q", q.Key)
		}
		test.Tap(findButton(t, w.page, answerLabel(q, v)))
	}
	if got := w.model.Run().Path; !strings.HasSuffix(got, "/org-central") {
		t.Fatalf("path %s, want the member root's", got)
	}
	if st, _, _ := w.model.Step(); st.Action != guide.ActionOrgRootMFA {
		t.Fatalf("first step %s (%s), want the member root's removal", st.ID, st.Action)
	}
	if w.inputs.accountID == nil {
		t.Fatal("no field for the member account ID")
	}
	w.connKind.SetSelected(connPracticeAccount)
	w.practiceUser.SetSelected("practice-admin")
	w.inputs.accountID.SetText(member)
	if !strings.Contains(w.plan.Text, member) {
		t.Errorf("the plan does not name the member account: %s", w.plan.Text)
	}
	test.Tap(w.doIt)
	if _, s, _ := w.model.Step(); s.Status != recovery.Done {
		t.Fatalf("the step is %s: %s (status line: %s)", s.Status, s.Reason, w.status.Text)
	}
	if !containsText(w.page, "Checked:") {
		t.Error("no verification shown")
	}
	plan, err := core.AWSRootMFAPreview(context.Background(), app.AWSConnection{Practice: true}, member)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Devices) != 0 {
		t.Errorf("the member root still has %v", plan.Devices)
	}
}

// The root's "keep the seed" step can read the console's setup QR code
// from the screen: one code fills the setup key field; none, several or
// an unreadable screen say what to do instead and leave the field alone.
func TestRecoveryWizardScannedSetupQR(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	w := h.u.showRecoveryWizard()
	t.Cleanup(w.win.Close)
	w.inputs.setupURI = widget.NewPasswordEntry()
	const uri = "otpauth://totp/Amazon%20Web%20Services:root-account-mfa-device@123456789012?secret=JBSWY3DPEHPK3PXP&issuer=Amazon%20Web%20Services"
	other := "otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub"
	tests := []struct {
		name     string
		found    []app.QRFinding
		err      error
		wantURI  bool
		wantText string
	}{
		{"nothing on screen", nil, nil, false, "No setup QR code was found"},
		{"two codes", app.ClassifyQRTexts([]string{uri, other}), nil, false, "More than one setup QR code"},
		{"capture failed", nil, errors.New("no screen"), false, ""},
		{"the console's code", app.ClassifyQRTexts([]string{uri}), nil, true, "Read the setup key of"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w.inputs.setupURI.SetText("")
			w.scannedSetupQR(tc.found, tc.err)
			got := w.inputs.setupURI.Text
			if tc.wantURI != (got != "") {
				t.Fatalf("setup key field = %q", got)
			}
			if tc.wantURI && !strings.Contains(got, "JBSWY3DPEHPK3PXP") {
				t.Errorf("field holds another key: %q", got)
			}
			if !w.status.Visible() || !strings.Contains(w.status.Text, tc.wantText) {
				t.Errorf("status %q, want %q", w.status.Text, tc.wantText)
			}
			if strings.Contains(w.status.Text, "JBSWY3DPEHPK3PXP") {
				t.Error("the status line shows the secret")
			}
		})
	}
}
