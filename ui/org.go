package ui

// The AWS window's Organization tab: audit every account of an AWS
// Organization from the connection, list the accounts in a table sorted by
// any column, and show one account's findings when it is selected. The
// audit runs off the UI goroutine; its progress and result come back
// through fyne.Do (awsWindow.run and setProgress).

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsmfa"
)

// orgColumns are the table's columns, in order.
var orgColumns = []struct {
	title string
	width float32
}{
	{"Account", 130}, {"Name", 150}, {"Status", 150}, {"Score", 70}, {"Root", 190}, {"Users without MFA", 140}, {"Reached through", 230},
}

const (
	orgColAccount = iota
	orgColName
	orgColStatus
	orgColScore
	orgColRoot
	orgColWithoutMFA
	orgColAccess
)

type orgTab struct {
	w       *awsWindow
	role    *widget.Entry
	summary *widget.Label
	table   *widget.Table
	detail  *fyne.Container
	save    *widget.Button
	// auditButton starts the audit.
	auditButton *widget.Button

	report *awsmfa.OrgReport
	// order lists report.Accounts indexes in the table's row order.
	order    []int
	sortCol  int
	sortDesc bool
}

// organizationTab builds the tab; ui/aws.go adds it to the window.
func (w *awsWindow) organizationTab() fyne.CanvasObject { return newOrgTab(w).content() }

func newOrgTab(w *awsWindow) *orgTab {
	t := &orgTab{w: w, sortCol: orgColScore}
	t.role = widget.NewEntry()
	t.role.SetPlaceHolder(awsmfa.DefaultOrgRole)
	audit := w.button("Audit the organization", theme.InfoIcon(), t.audit)
	audit.Importance = widget.HighImportance
	t.save = w.button("Save report…", theme.DocumentSaveIcon(), t.saveReport)
	t.summary = para("From the organization's management account (or a delegated administrator), audit every member account through a role, and member root users through centralized root access where the organization has it.")
	t.table = widget.NewTable(
		func() (int, int) { return len(t.order), len(orgColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) { o.(*widget.Label).SetText(t.cell(id.Row, id.Col)) },
	)
	t.table.ShowHeaderRow = true
	t.table.CreateHeader = func() fyne.CanvasObject { return widget.NewButton("", nil) }
	t.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		b.SetText(t.headerText(id.Col))
		col := id.Col
		b.OnTapped = func() { t.sortBy(col) }
	}
	for i, c := range orgColumns {
		t.table.SetColumnWidth(i, c.width)
	}
	t.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(t.order) {
			t.showAccount(&t.report.Accounts[t.order[id.Row]])
		}
	}
	t.detail = container.NewVBox(para("Select an account to see its findings."))
	t.auditButton = audit
	return t
}

func (t *orgTab) content() fyne.CanvasObject {
	role := widget.NewForm(widget.NewFormItem("Role in member accounts", t.role))
	top := container.NewVBox(container.NewHBox(t.auditButton, t.save), role, t.summary)
	split := container.NewVSplit(t.table, container.NewVScroll(t.detail))
	split.Offset = 0.55
	return container.NewBorder(top, nil, nil, nil, split)
}

func (t *orgTab) audit() {
	role := strings.TrimSpace(t.role.Text)
	if role != "" {
		if err := awsmfa.CheckRoleName(role); err != nil {
			t.w.status.Importance = widget.DangerImportance
			t.w.status.SetText("The role in member accounts is not valid: " + err.Error())
			return
		}
	}
	t.w.run("Auditing the organization", true, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		rep, err := t.w.u.core.AWSOrgAudit(ctx, conn, app.OrgAuditRequest{Role: role, Progress: func(p awsmfa.OrgProgress) {
			t.w.setProgress(p.Done, p.Total)
		}})
		if err != nil {
			return nil, err
		}
		return func() { t.show(rep) }, nil
	})
}

// show puts a finished report in the table (on the UI goroutine).
func (t *orgTab) show(rep *awsmfa.OrgReport) {
	t.report = rep
	audited, failed, skipped := rep.Counts()
	text := fmt.Sprintf("Organization %s: %d accounts; audited %d, failed %d, skipped %d.", orElse(rep.OrganizationID, "(unknown)"), len(rep.Accounts), audited, failed, skipped)
	if avg := rep.AverageScore(); avg >= 0 {
		text += fmt.Sprintf(" Average score %d / 100.", avg)
	}
	if rep.CentralizedRoot {
		text += " Member root users were examined through centralized root access."
	} else if rep.FeaturesNote != "" {
		text += " Note: " + rep.FeaturesNote + "."
	}
	t.summary.SetText(text)
	t.resort()
	t.table.UnselectAll()
	setObjects(t.detail, para("Select an account to see its findings."))
}

func orElse(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func (t *orgTab) headerText(col int) string {
	title := orgColumns[col].title
	if col == t.sortCol {
		if t.sortDesc {
			return title + " ▼"
		}
		return title + " ▲"
	}
	return title
}

// sortBy sorts by col; choosing the same column again reverses the order.
func (t *orgTab) sortBy(col int) {
	if col == t.sortCol {
		t.sortDesc = !t.sortDesc
	} else {
		t.sortCol, t.sortDesc = col, false
	}
	t.resort()
}

func (t *orgTab) resort() {
	if t.report == nil {
		t.order = nil
	} else {
		t.order = sortOrgAccounts(t.report.Accounts, t.sortCol, t.sortDesc)
	}
	t.table.Refresh()
}

// sortOrgAccounts returns the indexes of accts sorted by column col; ties
// keep account-ID order, so the table never shuffles equal rows.
func sortOrgAccounts(accts []awsmfa.AccountResult, col int, desc bool) []int {
	order := make([]int, len(accts))
	for i := range order {
		order[i] = i
	}
	key := func(i int) (string, int) {
		a := &accts[i]
		switch col {
		case orgColScore:
			return "", a.Score()
		case orgColWithoutMFA:
			if a.Report == nil {
				return "", -1
			}
			return "", len(a.Report.WithoutMFA)
		}
		return orgCell(a, col), 0
	}
	slices.SortStableFunc(order, func(x, y int) int {
		sx, nx := key(x)
		sy, ny := key(y)
		c := cmp.Or(cmp.Compare(nx, ny), strings.Compare(strings.ToLower(sx), strings.ToLower(sy)))
		if desc {
			c = -c
		}
		return cmp.Or(c, strings.Compare(accts[x].ID, accts[y].ID))
	})
	return order
}

func (t *orgTab) cell(row, col int) string {
	if t.report == nil || row < 0 || row >= len(t.order) {
		return ""
	}
	return orgCell(&t.report.Accounts[t.order[row]], col)
}

func orgCell(a *awsmfa.AccountResult, col int) string {
	switch col {
	case orgColAccount:
		return a.ID
	case orgColName:
		return a.Name
	case orgColStatus:
		if a.Failure != nil {
			return string(a.Status) + " (" + string(a.Failure.Reason) + ")"
		}
		return string(a.Status)
	case orgColScore:
		if s := a.Score(); s >= 0 {
			return strconv.Itoa(s)
		}
		return "–"
	case orgColRoot:
		if a.Root == nil {
			return "–"
		}
		return a.Root.Summary()
	case orgColWithoutMFA:
		if a.Report == nil {
			return "–"
		}
		return strconv.Itoa(len(a.Report.WithoutMFA))
	case orgColAccess:
		return a.Access
	}
	return ""
}

// showAccount is the drill-down: one account's findings in full.
func (t *orgTab) showAccount(a *awsmfa.AccountResult) {
	title := "Account " + a.ID
	if a.Name != "" {
		title += " — " + a.Name
	}
	objs := []fyne.CanvasObject{heading(title)}
	section := func(name string, lines []string) {
		if len(lines) == 0 {
			return
		}
		objs = append(objs, widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), para("• "+strings.Join(lines, "\n• ")))
	}
	facts := []string{"State: " + orElse(a.State, "unknown"), "Reached through: " + orElse(a.Access, "–")}
	if a.Email != "" {
		facts = append(facts, "Email: "+a.Email)
	}
	section("Account", facts)
	if f := a.Failure; f != nil {
		lines := []string{"Step: " + f.Step, f.Message}
		if f.Guidance != "" {
			lines = append(lines, f.Guidance)
		}
		section("Could not be audited ("+string(f.Reason)+")", lines)
	}
	if r := a.Root; r != nil {
		lines := []string{r.Summary()}
		switch r.Source {
		case awsmfa.RootFromRootSession:
			lines = append(lines, "Seen in an audit-only root session (centralized root access).")
			if r.NoCredentials() {
				lines = append(lines, "No password, access keys or MFA: this is the goal state for member accounts.")
			}
		case awsmfa.RootFromReport:
			lines = append(lines, "From the credential report, which tells only whether root has MFA.")
		}
		lines = append(lines, r.MFADevices...)
		if r.Note != "" {
			lines = append(lines, r.Note)
		}
		section("Root user", lines)
	}
	if r := a.Report; r != nil {
		var ded []string
		for _, d := range r.Deductions {
			ded = append(ded, fmt.Sprintf("−%g: %s", d.Points, d.Reason))
		}
		section(fmt.Sprintf("Score %d / 100", r.Score), ded)
		section("Summary", []string{
			fmt.Sprintf("IAM users: %d; without MFA: %d; with a single device: %d", len(r.Users), len(r.WithoutMFA), len(r.SingleDevice)),
			fmt.Sprintf("Unassigned virtual devices: %d", len(r.Orphans)),
			r.HeldSummary(),
		})
		section("Users without MFA", r.WithoutMFA)
		section("Users with a single device", r.SingleDevice)
		section("Unassigned devices", r.OrphanSerials())
		section("Warnings", r.Warnings)
	}
	if t.canRecoverRoot(a) {
		recoverRoot := widget.NewButtonWithIcon("Remove root MFA…", theme.WarningIcon(), func() { t.previewRootMFA(a.ID) })
		objs = append(objs, para("If this member's root user lost its MFA device, the management account can remove the device through centralized root access, so the root can sign in and enroll a new one."), container.NewHBox(recoverRoot))
	}
	setObjects(t.detail, objs...)
}

// canRecoverRoot: the organization has centralized root access and the
// account is a member whose root has MFA devices.
func (t *orgTab) canRecoverRoot(a *awsmfa.AccountResult) bool {
	return t.report != nil && t.report.CentralizedRoot && a.ID != t.report.ManagementAccount &&
		a.Root != nil && a.Root.Source == awsmfa.RootFromRootSession && len(a.Root.MFADevices) > 0
}

// previewRootMFA looks at the root's devices afresh, then asks before
// removing exactly those.
func (t *orgTab) previewRootMFA(account string) {
	if t.w.running {
		return
	}
	t.w.run("Looking at the root user of "+account, false, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		plan, err := t.w.u.core.AWSRootMFAPreview(ctx, conn, account)
		if err != nil {
			return nil, err
		}
		return func() { t.confirmRootMFA(plan) }, nil
	})
}

func (t *orgTab) confirmRootMFA(plan *awsmfa.RootMFAPlan) {
	if len(plan.Devices) == 0 {
		t.w.status.SetText("The root user of " + plan.Account + " has no MFA device any more; nothing to remove.")
		return
	}
	allowPassword := widget.NewCheck("Also let the root user recover its password by email", nil)
	allowPassword.SetChecked(!plan.Password)
	msg := para(fmt.Sprintf("Remove %d MFA device(s) from the root user of %s?\n\n%s\n\nAnyone who can then sign in as that root can enroll a new device. Sparekey checks afterwards that no device is left.",
		len(plan.Devices), plan.Account, strings.Join(plan.Devices, "\n")))
	d := dialog.NewCustomConfirm("Remove root MFA", "Remove", "Cancel", container.NewVBox(msg, allowPassword), func(ok bool) {
		if ok {
			t.deactivateRootMFA(plan, allowPassword.Checked)
		}
	}, t.w.win)
	d.Resize(fyne.NewSize(560, 320))
	d.Show()
}

func (t *orgTab) deactivateRootMFA(plan *awsmfa.RootMFAPlan, allowPassword bool) {
	t.w.run("Removing the root MFA of "+plan.Account, false, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		res, err := t.w.u.core.AWSRootMFADeactivate(ctx, conn, plan, allowPassword)
		if err != nil {
			if res != nil && len(res.Deactivated) > 0 {
				err = fmt.Errorf("%d device(s) were removed before it stopped; trying again continues: %w", len(res.Deactivated), err)
			}
			return nil, err
		}
		return func() { t.showRootResult(res) }, nil
	})
}

func (t *orgTab) showRootResult(res *awsmfa.RootMFAResult) {
	lines := []string{}
	for _, d := range res.Deactivated {
		lines = append(lines, "Removed "+d)
	}
	if res.Verified {
		lines = append(lines, "Checked: the root user has no MFA device left.")
	}
	switch res.Password {
	case awsmfa.PasswordAllowed:
		lines = append(lines, "The root user can now recover its password by email (Forgot password on the sign-in page), then enroll a new MFA device.")
	case awsmfa.PasswordAlreadySet:
		lines = append(lines, "The root user already has a password: it signs in with it (or recovers it by email) and enrolls a new MFA device.")
	}
	setObjects(t.detail, heading("Root MFA of "+res.Account+" removed"), para(strings.Join(lines, "\n")))
}

// saveReport writes the report as Markdown, or CSV or JSON when the file
// name ends so.
func (t *orgTab) saveReport() {
	r := t.report
	if r == nil {
		t.w.status.SetText("Audit the organization first; then its report can be saved.")
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			t.w.status.SetText("The report was not saved: " + err.Error())
			return
		}
		if wc == nil {
			return
		}
		err = writeOrgReport(wc, r, wc.URI().Extension())
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.w.status.SetText("The report was not saved: " + err.Error())
			return
		}
		t.w.status.SetText("Report saved to " + wc.URI().Path() + ".")
	}, t.w.win)
	d.SetFileName("sparekey-aws-organization-" + r.Generated.Format("2006-01-02") + ".md")
	d.Show()
}

func writeOrgReport(w io.Writer, r *awsmfa.OrgReport, ext string) error {
	switch strings.ToLower(ext) {
	case ".csv":
		return r.WriteCSV(w)
	case ".json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return r.WriteMarkdown(w)
}
