package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestGuideRendersAfterAnswers(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	g := h.u.showGuide()
	t.Cleanup(g.win.Close)
	root := g.win.Content()
	if !containsText(root, "still to go") {
		t.Fatal("before any answer the guide does not say what is missing")
	}

	g.answer("situation", "out-of-sync")
	g.answer("who", "iam-user")
	g.answer("device", "sparekey")
	for _, want := range []string{
		"Bring an out-of-sync MFA device back in step", // title
		"The device works but its clock",               // summary
		"Warning: Send the two codes straight away",    // warnings
		"1. Check this computer's clock",               // numbered steps
		"2. Resync from Sparekey",
		"Sparekey waits for a safe moment",  // a step's detail
		"If resync keeps failing",           // if it does not work
		"sparekey drill run drifted-device", // the drill
	} {
		if !containsText(root, want) {
			t.Errorf("the guide does not show %q", want)
		}
	}

	// A step Sparekey can do opens the AWS window on the right tab.
	test.Tap(findButton(t, root, "Resync in Sparekey…"))
	w := awsWindows[h.u]
	if w == nil {
		t.Fatal("the resync button did not open the AWS window")
	}
	t.Cleanup(w.win.Close)
	if got := w.tabs.SelectedIndex(); got != int(tabEnroll) {
		t.Errorf("AWS window opened on tab %d, want the enroll & resync tab", got)
	}
}

func TestGuideChoices(t *testing.T) {
	tests := []struct {
		name    string
		answers [][2]string
		want    []string
	}{
		{"root without email", [][2]string{{"situation", "lost"}, {"who", "root"}, {"device", "phone"}, {"other_device", "no"}, {"email_phone", "no-email"}},
			[]string{"ask AWS Support", "I'm still having problems and would like to contact AWS Support"}},
		{"admin", [][2]string{{"situation", "stolen"}, {"who", "admin"}, {"device", "sparekey"}},
			[]string{"Administrator: reset a user's MFA device", "Have the user change their password"}},
		{"planning needs no device", [][2]string{{"situation", "planning"}, {"who", "iam-user"}},
			[]string{"Be ready before anything is lost", "5. Audit regularly"}},
		{"root's email and phone are asked, not assumed", [][2]string{{"situation", "lost"}, {"who", "root"}, {"device", "phone"}},
			[]string{"\"Can you read the account's email and answer its primary contact phone?\" is still to go"}},
		{"a kept seed is the fastest way back", [][2]string{{"situation", "app-wiped"}, {"who", "iam-user"}, {"device", "phone"}, {"kept_seed", "yes"}},
			[]string{"Restore the seed you kept", "It is the fastest recovery there is"}},
		{"fido never drifts", [][2]string{{"situation", "out-of-sync"}, {"who", "root"}, {"device", "fido"}},
			[]string{"No guide for this combination", "Security keys and passkeys never go out of sync"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "keyring", nil)
			g := h.u.showGuide()
			t.Cleanup(g.win.Close)
			for _, a := range tc.answers {
				g.answer(a[0], a[1])
			}
			for _, want := range tc.want {
				if !containsText(g.win.Content(), want) {
					t.Errorf("missing %q", want)
				}
			}
		})
	}
}
