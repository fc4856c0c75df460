package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsmfa"
)

// Right after an enrollment the window says Sparekey holds the new seed,
// as the command line does: in Devices and in the audit.
func TestAWSWindowShowsTheSeedItJustEnrolled(t *testing.T) {
	u, core, _ := newAWSHarness(t)
	w := u.showAWS(tabEnroll)
	t.Cleanup(w.win.Close)
	fyne.DoAndWait(func() { w.enroll("bob") })
	waitText(t, w, w.enrollResult, "Enrolled arn:aws:iam::")

	w.tabs.SelectIndex(int(tabDevices))
	w.allUsers.SetChecked(true)
	test.Tap(findButton(t, w.win.Content(), "List devices"))
	waitText(t, w, w.devices, "bob")
	if held := deviceHeldCell(w.devices, "bob"); held != "yes" {
		t.Errorf("Devices says bob's seed held: %q, want yes", held)
	}
	saveScreenshot(t, w.win, "aws-devices-held.png")

	w.tabs.SelectIndex(int(tabAudit))
	test.Tap(findButton(t, w.win.Content(), "Audit the account"))
	waitText(t, w, w.auditScore, "Score: ")
	if !containsText(w.auditBody, "Seeds held by Sparekey: 1;") {
		t.Errorf("the audit does not count the seed just enrolled: %q", labelTexts(w.auditBody))
	}

	// With the vault locked (auto-lock runs while a person works in this
	// window), nobody can tell which seeds Sparekey holds: the window must
	// say so, not "no" and 0.
	core.Lock()
	w.tabs.SelectIndex(int(tabDevices))
	test.Tap(findButton(t, w.win.Content(), "List devices"))
	waitText(t, w, w.devices, "bob")
	if held := deviceHeldCell(w.devices, "bob"); held != "unknown" || !containsText(w.devices, "Unlock it") {
		t.Errorf("with the vault locked Devices says bob's seed held: %q, want that it cannot tell until unlocked", held)
	}
	saveScreenshot(t, w.win, "aws-devices-locked.png")
	w.tabs.SelectIndex(int(tabAudit))
	test.Tap(findButton(t, w.win.Content(), "Audit the account"))
	waitText(t, w, w.auditScore, "Score: ")
	if containsText(w.auditBody, "Seeds held by Sparekey: 0") || !containsText(w.auditBody, "unlock") {
		t.Errorf("with the vault locked the audit counts held seeds as: %q", labelTexts(w.auditBody))
	}
}

func labelTexts(root fyne.CanvasObject) []string {
	var texts []string
	walk(root, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	})
	return texts
}

// deviceHeldCell is the last cell of the first table row whose cells
// include user.
func deviceHeldCell(table fyne.CanvasObject, user string) string {
	out := ""
	walk(table, func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok || out != "" {
			return
		}
		if _, ok := c.Layout.(*columnsLayout); !ok {
			return
		}
		var cells []string
		for _, cell := range c.Objects {
			if l, ok := cell.(*widget.Label); ok {
				cells = append(cells, l.Text)
			}
		}
		for _, s := range cells {
			if s == user {
				out = cells[len(cells)-1]
			}
		}
	})
	return out
}

// A seed that reaches the vault from elsewhere (another process, which the
// app reports as a change) becomes a resync choice in the open window.
func TestAWSWindowFollowsVaultChanges(t *testing.T) {
	u, core, _ := newAWSHarness(t)
	w := u.showAWS(tabEnroll)
	t.Cleanup(w.win.Close)
	if len(w.resyncPick.Options) != 0 {
		t.Fatalf("choices before any enrollment: %v", w.resyncPick.Options)
	}
	if _, err := core.AWSEnroll(context.Background(), app.AWSConnection{Practice: true}, awsmfa.EnrollRequest{UserName: "bob"}); err != nil {
		t.Fatal(err)
	}
	if len(w.resyncPick.Options) != 1 {
		t.Errorf("choices after an enrollment outside the window: %v", w.resyncPick.Options)
	}
}
