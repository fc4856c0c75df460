package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sparekey/sparekey/app"
)

// TestPracticeEnrollmentsAreMarked is issue #13 item 6: practice
// enrollments landed in the vault looking like real ones, twice with the
// same label. They are labelled, tagged and badged as practice, their
// labels differ, and the AWS window offers to remove them.
func TestPracticeEnrollmentsAreMarked(t *testing.T) {
	u, core, _ := newAWSHarness(t)
	w := u.showAWS(tabEnroll)
	t.Cleanup(w.win.Close)
	for i := 0; i < 2; i++ {
		fyne.DoAndWait(func() { w.enroll("bob") })
		waitText(t, w, w.enrollResult, "Enrolled arn:aws:iam::")
		fyne.DoAndWait(func() { w.enrollResult.SetText("") })
	}
	v, err := core.Vault()
	if err != nil {
		t.Fatal(err)
	}
	accts := v.Accounts()
	if len(accts) != 2 {
		t.Fatalf("%d accounts, want 2", len(accts))
	}
	if accts[0].Label() == accts[1].Label() {
		t.Errorf("two enrollments share the label %q", accts[0].Label())
	}
	for _, a := range accts {
		if a.Issuer != app.PracticeIssuer || !slices.Contains(a.Tags, app.PracticeTag) {
			t.Errorf("%s is not marked as practice: issuer %q, tags %v", a.Label(), a.Issuer, a.Tags)
		}
	}
	var badges int
	fyne.DoAndWait(func() {
		for _, r := range rowsOnScreen(u.main) {
			if r.practice.Visible() {
				badges++
			}
		}
	})
	if badges != 2 {
		t.Errorf("%d rows show the practice badge, want 2", badges)
	}
	saveScreenshot(t, u.Window(), "practice-rows.png")

	var remove bool
	fyne.DoAndWait(func() { remove = w.removePractice.Visible() && strings.Contains(w.removePractice.Text, "2 practice") })
	if !remove {
		t.Fatalf("the window does not offer to remove the practice entries (%q)", w.removePractice.Text)
	}
	fyne.DoAndWait(func() {
		w.confirmRemovePractice()
		test.Tap(findButton(t, w.win.Canvas().Overlays().Top(), "Yes"))
	})
	if n := len(v.Accounts()); n != 0 {
		t.Fatalf("%d accounts left after removing the practice entries", n)
	}
}
