package ui

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/practice"
)

// TestOrganizationTab audits a practice Organization from the window: the
// table fills, sorts by a tapped header, and a selected row shows that
// account's findings, including why an account could not be audited.
func TestOrganizationTab(t *testing.T) {
	u, _, _ := newAWSHarness(t)
	srv, err := practice.New(practice.Options{MemberAccounts: 3})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	denied := srv.MemberAccountIDs()[2]
	if err := srv.DeleteRole(denied, awsmfa.DefaultOrgRole); err != nil {
		t.Fatal(err)
	}
	// The window's "AWS profile" connection with the default profile: the
	// environment holds the keys and the endpoint.
	c := srv.AdminCredentials()
	t.Setenv("AWS_ACCESS_KEY_ID", c.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", c.SecretAccessKey)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", endpoint)

	w := u.showAWS(tabWhoAmI)
	t.Cleanup(w.win.Close)
	if w.kind.Selected != connProfile {
		t.Fatalf("connection = %q", w.kind.Selected)
	}
	tab := newOrgTab(w)
	content := tab.content()
	test.Tap(tab.auditButton)
	waitText(t, w, content, "audited 3, failed 1")
	if len(tab.order) != 4 {
		t.Fatalf("%d rows", len(tab.order))
	}

	// Sorted by score, ascending, at first: the failed account (no score) leads.
	if got := tab.cell(0, orgColAccount); got != denied {
		t.Errorf("first row = %s, want the failed %s", got, denied)
	}
	tab.sortBy(orgColAccount)
	var ids []string
	for r := range tab.order {
		ids = append(ids, tab.cell(r, orgColAccount))
	}
	if !sortedStrings(ids) {
		t.Errorf("by account: %v", ids)
	}
	tab.sortBy(orgColAccount)
	if tab.cell(0, orgColAccount) != ids[len(ids)-1] || !strings.HasSuffix(tab.headerText(orgColAccount), "▼") {
		t.Errorf("a second tap does not reverse: %s, %q", tab.cell(0, orgColAccount), tab.headerText(orgColAccount))
	}

	// Drill down into the failed account.
	for r := range tab.order {
		if tab.cell(r, orgColAccount) == denied {
			tab.table.Select(widget.TableCellID{Row: r, Col: 0})
		}
	}
	if !containsText(tab.detail, "Could not be audited (role-denied)") || !containsText(tab.detail, awsmfa.DefaultOrgRole) {
		t.Error("the drill-down does not explain the failure")
	}
	var buf bytes.Buffer
	if err := writeOrgReport(&buf, tab.report, ".csv"); err != nil {
		t.Fatal(err)
	}
	if rows, err := csv.NewReader(&buf).ReadAll(); err != nil || len(rows) != 5 {
		t.Errorf("csv report: %v %v", rows, err)
	}
}

func sortedStrings(s []string) bool {
	for i := 1; i < len(s); i++ {
		if s[i-1] > s[i] {
			return false
		}
	}
	return true
}

// TestOrganizationTabRootMFA removes a member root's device from the
// drill-down: the button appears only for a member root with devices, the
// confirmation lists the device, and the result says it was checked.
func TestOrganizationTabRootMFA(t *testing.T) {
	u, core, _ := newAWSHarness(t)
	srv, err := practice.New(practice.Options{MemberAccounts: 2})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if err := srv.SetRootAccessFeatures(practice.FeatureRootCredentialsManagement, practice.FeatureRootSessions); err != nil {
		t.Fatal(err)
	}
	member := srv.MemberAccountIDs()[0]
	serial, err := srv.EnableRootDeviceIn(member, practice.RootDeviceName)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.AdminCredentials()
	t.Setenv("AWS_ACCESS_KEY_ID", c.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", c.SecretAccessKey)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", endpoint)

	w := u.showAWS(tabWhoAmI)
	t.Cleanup(w.win.Close)
	tab := newOrgTab(w)
	content := tab.content()
	test.Tap(tab.auditButton)
	waitText(t, w, content, "audited 3, failed 0")
	rowOf := func(id string) int {
		for r := range tab.order {
			if tab.cell(r, orgColAccount) == id {
				return r
			}
		}
		t.Fatalf("no row for %s", id)
		return -1
	}
	tab.table.Select(widget.TableCellID{Row: rowOf(srv.MemberAccountIDs()[1])})
	if containsText(tab.detail, "lost its MFA device") {
		t.Error("a member whose root has no device is offered the removal")
	}
	tab.table.Select(widget.TableCellID{Row: rowOf(member)})
	test.Tap(findButton(t, tab.detail, "Remove root MFA…"))
	overlay := w.win.Canvas().Overlays().Top()
	if overlay == nil || !containsText(overlay, serial) {
		t.Fatal("the confirmation does not list the device")
	}
	w.win.Canvas().Overlays().Remove(overlay)

	plan, err := core.AWSRootMFAPreview(t.Context(), w.connection(), member)
	if err != nil {
		t.Fatal(err)
	}
	tab.deactivateRootMFA(plan, true)
	waitText(t, w, tab.detail, "Checked: the root user has no MFA device left.")
	if !containsText(tab.detail, "recover its password by email") && !containsText(tab.detail, "already has a password") {
		t.Error("the result says nothing about the password")
	}
}
