package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestE2EAWSWindowOnPractice drives the AWS window against the practice
// account, through every layer down to the practice server's IAM and STS
// over HTTP on 127.0.0.1, and takes the screenshots `make screenshots`
// shows of the AWS side: who am I, the devices with the seeds Sparekey
// holds, and the audit. Three enrollments (yourself, alice and bob) make
// the tables worth looking at. It checks each screen shows what the
// practice account holds, and that nothing is cut off at the window's
// default size.
func TestE2EAWSWindowOnPractice(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the practice account")
	}
	u, _, _ := newAWSHarness(t)
	w := u.showAWS(tabEnroll)
	t.Cleanup(w.win.Close)
	for _, user := range []string{"", "alice", "bob"} {
		fyne.DoAndWait(func() {
			w.enrollResult.SetText("")
			w.enroll(user)
		})
		waitText(t, w, w.enrollResult, "Enrolled arn:aws:iam::")
	}
	shot := func(name string) {
		t.Helper()
		fyne.DoAndWait(func() {
			settle(w.win)
			var cut []string
			walk(w.win.Content(), func(o fyne.CanvasObject) {
				if b, ok := o.(interface{ MinSize() fyne.Size }); ok && o.Visible() && o.Size().Width > 0 && o.Size().Width+0.5 < b.MinSize().Width {
					cut = append(cut, fmt.Sprintf("%T", o))
				}
			})
			if len(cut) > 0 {
				t.Errorf("%s: narrower than they need: %v", name, cut)
			}
			saveScreenshot(t, w.win, name+".png")
		})
	}
	shot("09-aws-enroll")

	w.tabs.SelectIndex(int(tabWhoAmI))
	test.Tap(findButton(t, w.win.Content(), "Who am I"))
	waitText(t, w, w.win.Content(), "practice-admin")
	shot("10-aws-whoami")

	w.tabs.SelectIndex(int(tabDevices))
	w.allUsers.SetChecked(true)
	test.Tap(findButton(t, w.win.Content(), "List devices"))
	waitText(t, w, w.devices, "bob")
	for _, user := range []string{"bob", "practice-admin"} { // alice also has the practice account's own device
		if held := deviceHeldCell(w.devices, user); held != "yes" {
			t.Errorf("Devices says %s's seed held: %q, want yes", user, held)
		}
	}
	shot("11-aws-devices")

	w.tabs.SelectIndex(int(tabAudit))
	test.Tap(findButton(t, w.win.Content(), "Audit the account"))
	waitText(t, w, w.auditScore, "Score: ")
	if !containsText(w.auditBody, "Seeds held by Sparekey: 3;") {
		t.Errorf("the audit does not count the three seeds: %q", labelTexts(w.auditBody))
	}
	shot("12-aws-audit")

	fyne.DoAndWait(func() { u.Window().Resize(fyne.NewSize(520, 680)) })
	fyne.DoAndWait(func() { saveScreenshot(t, u.Window(), "13-practice-accounts.png") })
}
