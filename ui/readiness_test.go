package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// readinessButtons are the tab's next-action buttons, in order.
func readinessButtons(root fyne.CanvasObject) []*widget.Button {
	var out []*widget.Button
	walk(root, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Importance == widget.HighImportance && b.Text != "Check readiness" {
			out = append(out, b)
		}
	})
	return out
}

// TestReadinessTabButtonsDoTheActions follows the practice administrator's
// next action by tapping its button (and "Yes" where it asks) until the
// score is full: every button must do its action for real.
func TestReadinessTabButtonsDoTheActions(t *testing.T) {
	u, _, _ := newAWSHarness(t)
	w := u.showAWS(tabWhoAmI)
	t.Cleanup(w.win.Close)
	tab := w.tabs.Items[len(w.tabs.Items)-1]
	if tab.Text != "Readiness" {
		t.Fatalf("the last AWS tab is %q", tab.Text)
	}
	w.tabs.Select(tab)
	content := tab.Content
	test.Tap(findButton(t, content, "Check readiness"))
	waitText(t, w, content, "practice-admin: ")

	pressed := map[string]bool{}
	for i := 0; !containsText(content, "practice-admin: 100 / 100"); i++ {
		if i > 8 {
			t.Fatal("the next actions never end")
		}
		var next *widget.Button
		for _, b := range readinessButtons(content) {
			if strings.Contains(b.Text, "practice-admin") || (!strings.Contains(b.Text, "console") && !strings.Contains(b.Text, "contacts")) {
				next = b
				break
			}
		}
		if next == nil {
			t.Fatal("no next-action button for practice-admin")
		}
		label := next.Text
		pressed[label] = true
		test.Tap(next)
		if top := w.win.Canvas().Overlays().Top(); top != nil {
			test.Tap(findButton(t, top, "Yes"))
		}
		waitText(t, w, content, "practice-admin: ")
		if w.status.Importance == widget.DangerImportance {
			t.Fatalf("%s: %s", label, w.status.Text)
		}
	}
	for _, want := range []string{"Enroll Sparekey for practice-admin", "Back up and verify now", "Record a second administrator…", "Run the lost-phone-with-admin drill"} {
		if !pressed[want] {
			t.Errorf("the walk never pressed %q (pressed %v)", want, pressed)
		}
	}

	// Root's device is assigned in the console: the button shows the steps.
	test.Tap(findButton(t, content, "Show the console steps"))
	top := w.win.Canvas().Overlays().Top()
	if top == nil || !containsText(top, "Assign MFA device") {
		t.Fatal("the console steps were not shown")
	}
	test.Tap(findButton(t, top, "Close"))
	if !containsText(content, "Root email and phone: the root email and primary contact phone were never confirmed") {
		t.Error("root's checklist lacks the contacts")
	}
}

func TestReadinessMenuOpensTheTab(t *testing.T) {
	u, _, _ := newAWSHarness(t)
	menuItem(t, u, "Readiness…").Action()
	w := awsWindows[u]
	if w == nil {
		t.Fatal("the AWS window did not open")
	}
	t.Cleanup(w.win.Close)
	if got := w.tabs.Selected().Text; got != "Readiness" {
		t.Errorf("the menu opened the %q tab", got)
	}
}
