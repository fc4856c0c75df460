package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The Devices tab's serials wrapped in the middle of a name; the cell is
// no longer selectable text (its breaks would corrupt a copy), so its
// button must copy the exact ARN.
func TestAWSDeviceSerialsWrapAtSeparators(t *testing.T) {
	u, _, _ := newAWSHarness(t)
	w := u.showAWS(tabDevices)
	t.Cleanup(w.win.Close)
	w.allUsers.SetChecked(true)
	test.Tap(findButton(t, w.win.Content(), "List devices"))
	waitText(t, w, w.devices, "alice")

	var serials []string
	walk(w.devices, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "arn:") {
			serials = append(serials, strings.ReplaceAll(l.Text, pathBreak, ""))
		}
	})
	if len(serials) == 0 {
		t.Fatal("no serial is shown")
	}
	for _, width := range []float32{520, 400} {
		w.win.Resize(fyne.NewSize(width, 640))
		settle(w.win)
		for _, serial := range serials {
			checkARNLines(t, fmt.Sprintf("Devices at %.0f px", width), w.devices, serial)
		}
		saveScreenshot(t, w.win, fmt.Sprintf("aws-devices-%.0f.png", width))
	}

	var copies []*widget.Button
	walk(w.devices, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == "" {
			copies = append(copies, b)
		}
	})
	if len(copies) != len(serials) {
		t.Fatalf("%d copy buttons for %d serials", len(copies), len(serials))
	}
	for i, b := range copies {
		test.Tap(b)
		if got := u.fa.Clipboard().Content(); got != serials[i] {
			t.Errorf("copy put %q on the clipboard, want %q", got, serials[i])
		}
	}
}

// checkARNLines fails if a drawn line under root ends inside one of arn's
// names, that is anywhere but after a ":" or "/".
func checkARNLines(t *testing.T, where string, root fyne.CanvasObject, arn string) {
	t.Helper()
	lines, shown := drawnLines(t, where, root, arn)
	for i := 0; i+1 < len(lines); i++ {
		a, b := lines[i], lines[i+1]
		if a == "" || b == "" || !strings.Contains(arn, a+b) {
			continue
		}
		if !strings.HasSuffix(a, ":") && !strings.HasSuffix(a, "/") {
			t.Errorf("%s: a line ends inside a name (%q | %q); lines:\n%s", where, a, b, shown)
		}
	}
}

// A lock clears what the AWS window showed from the vault: the vault
// account an enrollment made, the resync choices, which seeds are held.
func TestAWSWindowForgetsVaultDataOnLock(t *testing.T) {
	u, core, _ := newAWSHarness(t)
	w := u.showAWS(tabEnroll)
	t.Cleanup(w.win.Close)
	fyne.DoAndWait(func() { w.enroll("bob") })
	waitText(t, w, w.enrollResult, "Enrolled arn:aws:iam::")
	w.tabs.SelectIndex(int(tabDevices))
	w.allUsers.SetChecked(true)
	test.Tap(findButton(t, w.win.Content(), "List devices"))
	waitText(t, w, w.devices, "bob")
	w.reloadResyncChoices()
	if len(w.resyncPick.Options) == 0 {
		t.Fatal("no resync choice before the lock")
	}

	core.Lock()
	if strings.Contains(w.enrollResult.Text, "Vault account") {
		t.Errorf("after the lock the enrollment still shows %q", w.enrollResult.Text)
	}
	if len(w.resyncPick.Options) != 0 {
		t.Errorf("after the lock the resync choices are %v", w.resyncPick.Options)
	}
	if containsText(w.devices, "bob") {
		t.Error("after the lock the device table (with its held seeds) is still shown")
	}
}

// A lock takes two codes for a console form, and any typed codes or setup
// link, off the wizard's page.
func TestRecoveryWizardForgetsCodesOnLock(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	w := h.u.showRecoveryWizard()
	t.Cleanup(w.win.Close)
	test.Tap(findButton(t, w.page, "Start a new recovery"))
	tapAnswers(t, w, "out-of-sync", "root", "sparekey")
	test.Tap(findButton(t, w.page, "I did it"))
	test.Tap(findButton(t, w.page, "I did it"))
	test.Type(w.inputs.name, "GitHub")
	test.Tap(w.doIt)
	code := h.code(uriGitHub)
	if !containsText(w.page, "MFA code 1: "+code) {
		t.Fatalf("the codes are not shown; status %q", w.status.Text)
	}
	h.core.Lock()
	if containsText(w.page, "MFA code 1: ") || containsText(w.win.Content(), code) {
		t.Error("after the lock the wizard still shows the codes")
	}
	for name, e := range map[string]*widget.Entry{"code 1": w.inputs.code1, "code 2": w.inputs.code2, "setup link": w.inputs.setupURI} {
		if e != nil && e.Text != "" {
			t.Errorf("after the lock the %s field holds %q", name, e.Text)
		}
	}
}
