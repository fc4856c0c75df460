package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/practice"
)

// TestOrganizationTabOnPracticeAccount: with no AWS configuration the
// window connects to the built-in practice account, and its Organization
// tab audits that account's members and removes the member root's device
// with nothing started by hand.
func TestOrganizationTabOnPracticeAccount(t *testing.T) {
	u, core, _ := newAWSHarness(t)
	srv, _, err := core.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	w := u.showAWS(tabWhoAmI)
	t.Cleanup(w.win.Close)
	if w.kind.Selected != connPractice {
		t.Fatalf("connection = %q", w.kind.Selected)
	}
	tab := newOrgTab(w)
	content := tab.content()
	test.Tap(tab.auditButton)
	waitText(t, w, content, "audited 4, failed 0")
	if len(tab.order) != app.PracticeMembers+1 {
		t.Fatalf("%d rows", len(tab.order))
	}

	member := srv.MemberAccountIDs()[0]
	serial := srv.DeviceSerialIn(member, practice.RootDeviceName)
	for r := range tab.order {
		if tab.cell(r, orgColAccount) == member {
			tab.table.Select(widget.TableCellID{Row: r, Col: 0})
		}
	}
	test.Tap(findButton(t, tab.detail, "Remove root MFA…"))
	overlay := w.win.Canvas().Overlays().Top()
	if overlay == nil || !containsText(overlay, serial) {
		t.Fatal("the confirmation does not list the member root's device")
	}
	w.win.Canvas().Overlays().Remove(overlay)

	plan, err := core.AWSRootMFAPreview(t.Context(), w.connection(), member)
	if err != nil {
		t.Fatal(err)
	}
	tab.deactivateRootMFA(plan, false)
	waitText(t, w, tab.detail, "Checked: the root user has no MFA device left.")
}
