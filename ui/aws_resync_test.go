package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sparekey/sparekey/sync/awsmfa"
)

// A resync right after enrolling waits for fresh codes; the window says
// what it waits for, with the seconds left and a filling bar, instead of
// a bare "Resyncing…".
func TestAWSWindowResyncSaysWhatItWaitsFor(t *testing.T) {
	u, core, skew := newAWSHarness(t)
	w := u.showAWS(tabEnroll)
	t.Cleanup(w.win.Close)

	w.begin("Resyncing", false)
	w.showResyncWait(awsmfa.ResyncWait{Left: 75 * time.Second, Reason: awsmfa.WaitFreshCodes})
	w.showResyncWait(awsmfa.ResyncWait{Left: 41*time.Second + 200*time.Millisecond, Reason: awsmfa.WaitFreshCodes})
	if s := w.status.Text; !strings.Contains(s, "waiting 42 s for two unused codes") || !strings.Contains(s, "only once") {
		t.Errorf("status while waiting: %q", s)
	}
	if !w.progress.Visible() || w.progress.Value < 0.4 || w.progress.Value > 0.5 {
		t.Errorf("progress bar shown %v at %v, want about 34 of 75 s", w.progress.Visible(), w.progress.Value)
	}
	saveScreenshot(t, w.win, "aws-resync-waiting.png")
	w.end("Resyncing", nil, "", "done.")

	// The practice administrator enrolls itself: the enrollment's sign-in
	// check spends the next period's code too. The resync right after it
	// succeeds at the first attempt; the clock runs fast meanwhile.
	fyne.DoAndWait(func() { w.enroll("") })
	waitText(t, w, w.enrollResult, "Enrolled arn:aws:iam::")
	if !strings.Contains(w.enrollResult.Text, "sign-in") {
		t.Fatalf("enrollment not confirmed by a sign-in: %s", w.enrollResult.Text)
	}
	v, err := core.Vault()
	if err != nil {
		t.Fatal(err)
	}
	serial := ""
	for _, a := range v.Accounts() {
		if a.AWS != nil {
			serial = a.AWS.SerialNumber
		}
	}
	i := slices.IndexFunc(w.resyncPick.Options, func(s string) bool { return strings.HasSuffix(s, serial) })
	if i < 0 {
		t.Fatalf("resync choices %v lack %s", w.resyncPick.Options, serial)
	}
	w.resyncPick.SetSelectedIndex(i)
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
				skew.Add(int64(time.Second))
			}
		}
	}()
	test.Tap(findButton(t, w.win.Content(), "Resync"))
	close(stop)
	waitText(t, w, w.resyncResult, "Resynced "+serial)
}
