package ui

// The AWS window: the chores of app/aws.go (who am I, devices, orphans,
// enroll, resync, audit) against a profile of ~/.aws/config or the built-in
// practice account. It is a window of its own rather than a dialog because
// an audit or a device list is something people keep open next to the
// console. Every AWS call runs off the UI goroutine with a progress bar and
// comes back through fyne.Do; the window never shows a seed or session
// credentials (app never hands them out).

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsmfa"
)

const (
	connPractice = "Practice account"
	connProfile  = "AWS profile"

	practiceNote = "Practice account — a local look-alike of IAM; codes use a practice model of AWS's drift window. Nothing reaches AWS."
)

// awsTab names the window's tabs, so the recovery guide can open the one a
// step needs.
type awsTab int

const (
	tabWhoAmI awsTab = iota
	tabDevices
	tabOrphans
	tabEnroll
	tabAudit
)

// awsCallTimeout bounds one chore; an audit of a large account is the
// slowest (credential report plus every user's devices).
const awsCallTimeout = 3 * time.Minute

// awsWindows holds the open AWS window of each UI (touched only on the UI
// goroutine). It lives here rather than in UI so this screen stays in its
// own file.
var awsWindows = map[*UI]*awsWindow{}

type awsWindow struct {
	u   *UI
	win fyne.Window

	kind         *widget.RadioGroup
	profile      *widget.SelectEntry
	practiceUser *widget.Select
	practiceInfo *widget.Label

	tabs *container.AppTabs
	*taskBar

	whoami *widget.Label

	allUsers *widget.Check
	devices  *fyne.Container

	orphans       []awsmfa.Device
	orphanList    *fyne.Container
	deleteOrphans *widget.Button

	enrollUser   *widget.Entry
	enrollResult *widget.Label
	resyncPick   *widget.Select
	resyncResult *widget.Label
	resyncBy     map[string]string // select label → serial
	// resyncWaitTotal is the longest wait the running resync announced,
	// the full length of its progress bar.
	resyncWaitTotal time.Duration

	report     *awsmfa.AuditReport
	auditScore *widget.Label
	auditBody  *fyne.Container
	saveReport *widget.Button

	cliProfiles *cliProfilesView

	// removePractice offers to remove the vault's practice accounts; it
	// shows only while there are some.
	removePractice *widget.Button
}

// showAWS opens the AWS window (or brings it forward) on tab.
func (u *UI) showAWS(tab awsTab) *awsWindow {
	w := awsWindows[u]
	if w == nil {
		w = newAWSWindow(u)
		awsWindows[u] = w
		w.win.SetOnClosed(func() { delete(awsWindows, u) })
		w.win.Show()
	} else {
		w.win.RequestFocus()
	}
	w.tabs.SelectIndex(int(tab))
	if tab == tabEnroll {
		w.reloadResyncChoices()
	}
	return w
}

func newAWSWindow(u *UI) *awsWindow {
	w := &awsWindow{u: u, win: u.fa.NewWindow("Sparekey · AWS MFA devices"), resyncBy: map[string]string{}, taskBar: newTaskBar()}
	w.win.SetIcon(u.icon())

	w.practiceInfo = para(practiceNote)
	w.practiceInfo.Importance = widget.WarningImportance
	w.practiceUser = widget.NewSelect([]string{"practice-admin", "root", "alice", "bob"}, nil)
	w.practiceUser.SetSelected("practice-admin")
	w.profile = widget.NewSelectEntry(awsProfiles())
	w.profile.SetPlaceHolder("default")
	w.kind = widget.NewRadioGroup([]string{connPractice, connProfile}, func(string) { w.connectionChanged() })
	w.kind.Horizontal = true
	w.kind.Required = true
	if app.HaveAWSCredentials() {
		w.kind.SetSelected(connProfile)
	} else {
		w.kind.SetSelected(connPractice)
	}
	conn := widget.NewForm(
		widget.NewFormItem("Connect to", w.kind),
		widget.NewFormItem("Practice identity", w.practiceUser),
		widget.NewFormItem("Profile", w.profile),
	)

	w.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Who am I", theme.AccountIcon(), w.whoAmITab()),
		container.NewTabItemWithIcon("Devices", theme.ListIcon(), w.devicesTab()),
		container.NewTabItemWithIcon("Orphans", theme.DeleteIcon(), w.orphansTab()),
		container.NewTabItemWithIcon("Enroll & resync", theme.ContentAddIcon(), w.enrollTab()),
		container.NewTabItemWithIcon("Audit", theme.InfoIcon(), w.auditTab()),
		container.NewTabItemWithIcon("CLI profiles", theme.SettingsIcon(), w.cliProfilesTab()),
		container.NewTabItemWithIcon("Organization", theme.StorageIcon(), w.organizationTab()),
		container.NewTabItemWithIcon("Readiness", theme.ConfirmIcon(), w.readinessTab()),
	)
	w.tabs.OnSelected = func(t *container.TabItem) {
		if t.Text == "Enroll & resync" {
			w.reloadResyncChoices()
		}
	}
	top := container.NewVBox(conn, w.practiceInfo, widget.NewSeparator())
	bottom := w.footer()
	w.win.SetContent(container.NewBorder(top, bottom, nil, nil, w.tabs))
	w.win.Resize(fyne.NewSize(860, 640))
	w.connectionChanged()
	return w
}

func (w *awsWindow) connectionChanged() {
	if w.kind.Selected == connProfile {
		w.practiceInfo.Hide()
		w.practiceUser.Disable()
		w.profile.Enable()
	} else {
		w.practiceInfo.Show()
		w.practiceUser.Enable()
		w.profile.Disable()
	}
}

// connection is what the picker says, read on the UI goroutine.
func (w *awsWindow) connection() app.AWSConnection {
	if w.kind.Selected == connProfile {
		return app.AWSConnection{Profile: strings.TrimSpace(w.profile.Text)}
	}
	return app.AWSConnection{Practice: true, PracticeUser: w.practiceUser.Selected}
}

// run does one chore off the UI goroutine; show (may be nil) and the
// error report run back on it. progress, when true, shows a measured bar
// that the chore fills through w.setProgress instead of the busy one.
func (w *awsWindow) run(what string, measured bool, work func(ctx context.Context, conn app.AWSConnection) (show func(), err error)) {
	conn := w.connection()
	// Work in this window is use of Sparekey: the vault must not lock
	// under it (a locked vault cannot tell which seeds it holds).
	w.u.activity()
	w.begin(what, measured)
	w.u.opts.Background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), awsCallTimeout)
		defer cancel()
		show, err := work(ctx, conn)
		fyne.Do(func() {
			w.u.activity()
			ok := w.end(what, err, app.ExplainAWS(err), "done, on "+connectionName(conn)+".")
			if !ok {
				w.offerRemedy(w.u.remedyButton(err))
			}
			w.refreshOrphanButton()
			if ok && show != nil {
				show()
			}
		})
	})
}

// connectionName is how a connection is named in sentences.
func connectionName(c app.AWSConnection) string {
	if c.Practice {
		return "the practice account (as " + c.PracticeUser + ")"
	}
	return "AWS profile " + c.Label()
}

// setProgress is called from the chore's goroutine.
func (w *awsWindow) setProgress(done, total int) {
	if total <= 0 {
		return
	}
	fyne.Do(func() { w.setFraction(int64(done), int64(total)) })
}

// ---- Who am I ----

func (w *awsWindow) whoAmITab() fyne.CanvasObject {
	w.whoami = para("Who the connection's credentials are, and whether their requests carry MFA.")
	ask := w.button("Who am I", theme.AccountIcon(), w.askWhoAmI)
	ask.Importance = widget.HighImportance
	return container.NewBorder(container.NewHBox(ask), nil, nil, nil, container.NewVScroll(w.whoami))
}

func (w *awsWindow) askWhoAmI() {
	w.run("Who am I", false, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		id, err := w.u.core.AWSWhoAmI(ctx, conn)
		if err != nil {
			return nil, err
		}
		return func() { w.whoami.SetText(identityText(id)) }, nil
	})
}

func identityText(id *awsmfa.Identity) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ARN: %s\nAccount: %s\nKind: %s", id.Arn, id.Account, id.Kind)
	if id.UserName != "" {
		fmt.Fprintf(&b, "\nUser: %s", id.UserName)
	}
	mfa := map[awsmfa.MFAState]string{awsmfa.MFAYes: "yes", awsmfa.MFANo: "no", awsmfa.MFAUnknown: "cannot tell"}[id.MFA]
	if mfa == "" {
		mfa = string(id.MFA)
	}
	fmt.Fprintf(&b, "\nCarries MFA: %s", mfa)
	if id.MFAReason != "" {
		fmt.Fprintf(&b, " — %s", id.MFAReason)
	}
	if id.Temporary {
		b.WriteString("\nCredentials: temporary (a session)")
	} else {
		b.WriteString("\nCredentials: long-term access keys")
	}
	if id.Source != "" {
		fmt.Fprintf(&b, " from %s", id.Source)
	}
	return b.String()
}

// ---- Devices ----

func (w *awsWindow) devicesTab() fyne.CanvasObject {
	w.allUsers = widget.NewCheck("All users (admin)", nil)
	list := w.button("List devices", theme.ViewRefreshIcon(), w.listDevices)
	list.Importance = widget.HighImportance
	w.devices = container.NewVBox(para("List the MFA devices of the signed-in user, or of every user with \"All users\"."))
	return container.NewBorder(container.NewHBox(list, w.allUsers), nil, nil, nil, container.NewVScroll(w.devices))
}

func (w *awsWindow) listDevices() {
	all := w.allUsers.Checked
	w.run("Listing devices", all, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		devs, err := w.u.core.AWSDevices(ctx, conn, all, w.setProgress)
		if err != nil {
			return nil, err
		}
		return func() {
			table := w.deviceTable(devs, "No MFA devices.")
			if slices.ContainsFunc(devs, func(d awsmfa.Device) bool { return d.HeldUnknown }) {
				note := para("The vault is locked, so Sparekey cannot tell which of these seeds it holds. Unlock it and list again.")
				note.Importance = widget.WarningImportance
				setObjects(w.devices, note, table)
				return
			}
			setObjects(w.devices, table)
		}, nil
	})
}

// deviceTable is a table of devices with a header row. The serial (an
// ARN) gets the widest column so it rarely wraps.
func (w *awsWindow) deviceTable(devs []awsmfa.Device, empty string) fyne.CanvasObject {
	if len(devs) == 0 {
		return para(empty)
	}
	weights := []float32{1, 4, 1.5, 2, 1.5}
	row := func(cells ...fyne.CanvasObject) fyne.CanvasObject {
		return container.New(&columnsLayout{weights: weights}, cells...)
	}
	var header []fyne.CanvasObject
	for _, h := range []string{"Type", "Serial", "User", "Enabled", "Seed held by Sparekey"} {
		l := widget.NewLabelWithStyle(h, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Wrapping = fyne.TextWrapWord
		header = append(header, l)
	}
	rows := container.NewVBox(row(header...))
	for _, d := range devs {
		enabled := "—"
		if !d.EnableDate.IsZero() {
			enabled = d.EnableDate.Local().Format("2006-01-02 15:04")
		}
		held := d.HeldText()
		rows.Add(row(widget.NewLabel(string(d.Type)), w.serialCell(d.SerialNumber), widget.NewLabel(d.Owner()), widget.NewLabel(enabled), widget.NewLabel(held)))
	}
	return rows
}

// serialCell shows an ARN that wraps after its ":" and "/" rather than
// inside a name. The breaks it needs would corrupt a copied ARN, so the
// text is not selectable: its button copies the exact serial instead.
func (w *awsWindow) serialCell(serial string) fyne.CanvasObject {
	shown := widget.NewLabel(breakableARN(serial))
	shown.Wrapping = fyne.TextWrapWord
	copyButton := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		w.u.fa.Clipboard().SetContent(serial)
		if !w.running { // a chore's progress line is not overwritten
			w.status.Importance = widget.MediumImportance
			w.status.SetText("Copied the serial " + serial + ".")
		}
	})
	return container.NewBorder(nil, nil, nil, container.NewVBox(copyButton), shown)
}

// breakableARN lets an ARN wrap after each ":" and "/" (see pathBreak).
// Only for reading: a serial to copy must be the original string.
func breakableARN(arn string) string {
	return strings.NewReplacer(":", ":"+pathBreak, "/", "/"+pathBreak).Replace(arn)
}

// columnsLayout shares the width among its objects by weight; the row is
// as tall as its tallest cell at that width.
type columnsLayout struct{ weights []float32 }

func (l *columnsLayout) widths(total float32) []float32 {
	var sum float32
	for _, w := range l.weights {
		sum += w
	}
	out := make([]float32, len(l.weights))
	for i, w := range l.weights {
		out[i] = total * w / sum
	}
	return out
}

func (l *columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, w := range l.widths(size.Width) {
		if i >= len(objs) {
			break
		}
		objs[i].Move(fyne.NewPos(x, 0))
		objs[i].Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (l *columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(len(objs))*40, h)
}

func setObjects(c *fyne.Container, objs ...fyne.CanvasObject) {
	c.Objects = objs
	c.Refresh()
}

// ---- Orphans ----

func (w *awsWindow) orphansTab() fyne.CanvasObject {
	find := w.button("Find orphans", theme.SearchIcon(), w.findOrphans)
	find.Importance = widget.HighImportance
	w.deleteOrphans = w.button("Delete these orphans…", theme.DeleteIcon(), w.confirmDeleteOrphans)
	w.deleteOrphans.Importance = widget.DangerImportance
	w.orphanList = container.NewVBox(para("Orphans are virtual devices created but never enabled. They are \"Unassigned\" in the console and make a new device with the same name fail with EntityAlreadyExists."))
	w.refreshOrphanButton()
	return container.NewBorder(container.NewHBox(find, w.deleteOrphans), nil, nil, nil, container.NewVScroll(w.orphanList))
}

func (w *awsWindow) refreshOrphanButton() {
	if w.deleteOrphans == nil {
		return
	}
	if len(w.orphans) == 0 || w.running {
		w.deleteOrphans.Disable()
	} else {
		w.deleteOrphans.Enable()
	}
}

func (w *awsWindow) findOrphans() {
	w.run("Finding orphans", false, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		devs, err := w.u.core.AWSOrphans(ctx, conn)
		if err != nil {
			return nil, err
		}
		return func() {
			w.orphans = devs
			setObjects(w.orphanList, w.deviceTable(devs, "No orphaned virtual devices."))
			w.refreshOrphanButton()
		}, nil
	})
}

func (w *awsWindow) confirmDeleteOrphans() {
	if len(w.orphans) == 0 {
		return
	}
	serials := make([]string, len(w.orphans))
	for i, d := range w.orphans {
		serials[i] = d.SerialNumber
	}
	msg := fmt.Sprintf("Delete %d unassigned virtual device(s)?\n\n%s\n\nSeeds Sparekey holds for them leave the vault too (they stay in earlier backups).", len(serials), strings.Join(serials, "\n"))
	dialog.ShowConfirm("Delete orphaned devices", msg, func(ok bool) {
		if ok {
			w.deleteOrphansNow(serials)
		}
	}, w.win)
}

func (w *awsWindow) deleteOrphansNow(serials []string) {
	w.run("Deleting orphans", false, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		deleted, err := w.u.core.AWSDeleteOrphans(ctx, conn, serials...)
		if err != nil {
			return nil, err
		}
		return func() {
			w.orphans = nil
			text := "Nothing was deleted."
			if len(deleted) > 0 {
				text = "Deleted:\n" + strings.Join(deleted, "\n")
			}
			setObjects(w.orphanList, para(text))
			w.refreshOrphanButton()
		}, nil
	})
}

// ---- Enroll & resync ----

func (w *awsWindow) enrollTab() fyne.CanvasObject {
	w.enrollUser = widget.NewEntry()
	w.enrollUser.SetPlaceHolder("empty: the signed-in user")
	enroll := w.button("Enroll Sparekey as a device", theme.ContentAddIcon(), w.confirmEnroll)
	enroll.Importance = widget.HighImportance
	w.enrollResult = para("Sparekey creates a virtual MFA device, keeps its seed in the vault, enables it with two codes it computes itself and checks that it works. The seed is never shown.")

	w.resyncPick = widget.NewSelect(nil, nil)
	w.resyncPick.PlaceHolder = "(a vault account bound to an AWS device)"
	resync := w.button("Resync", theme.ViewRefreshIcon(), w.resync)
	w.resyncResult = para("Resync tells AWS where a drifted device is now, with two consecutive codes Sparekey computes.")

	w.removePractice = w.button("Remove practice entries from the vault…", theme.DeleteIcon(), w.confirmRemovePractice)
	w.refreshPracticeButton()
	enrollBox := container.NewVBox(
		heading("Enroll"),
		widget.NewForm(widget.NewFormItem("IAM user (admin)", w.enrollUser)),
		container.NewHBox(enroll), w.enrollResult,
		container.NewHBox(w.removePractice),
		widget.NewSeparator(),
		heading("Resync"),
		container.NewBorder(nil, nil, nil, resync, w.resyncPick), w.resyncResult,
	)
	return container.NewVScroll(enrollBox)
}

// refreshPracticeButton shows Remove practice entries while the vault
// holds practice accounts.
func (w *awsWindow) refreshPracticeButton() {
	accts, err := w.u.core.PracticeAccounts()
	if err != nil || len(accts) == 0 {
		w.removePractice.Hide()
		return
	}
	w.removePractice.SetText(fmt.Sprintf("Remove %d practice entries from the vault…", len(accts)))
	w.removePractice.Show()
}

func (w *awsWindow) confirmRemovePractice() {
	accts, err := w.u.core.PracticeAccounts()
	if err != nil || len(accts) == 0 {
		w.refreshPracticeButton()
		return
	}
	var names []string
	for _, a := range accts {
		names = append(names, shownLabel(a))
	}
	dialog.ShowConfirm("Remove practice entries",
		"Remove these accounts of the practice account from the vault? Their codes open nothing real.\n\n"+strings.Join(names, "\n"),
		func(ok bool) {
			if !ok {
				return
			}
			removed, err := w.u.core.RemovePracticeAccounts()
			if err != nil {
				w.fail("Removing practice entries", app.Explain(err))
			} else {
				w.status.SetText(fmt.Sprintf("Removed %d practice entries. Backups and vault.age.prev still hold them.", len(removed)))
			}
			w.refreshPracticeButton()
		}, w.win)
}

func (w *awsWindow) confirmEnroll() {
	user := strings.TrimSpace(w.enrollUser.Text)
	who := "the signed-in user"
	if user != "" {
		who = "IAM user " + user
	}
	dialog.ShowConfirm("Enroll Sparekey", "Create a virtual MFA device for "+who+" on "+connectionName(w.connection())+" and keep its seed in the vault?", func(ok bool) {
		if ok {
			w.enroll(user)
		}
	}, w.win)
}

func (w *awsWindow) enroll(user string) {
	w.run("Enrolling", false, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		res, err := w.u.core.AWSEnroll(ctx, conn, awsmfa.EnrollRequest{UserName: user})
		if err != nil {
			return nil, err
		}
		return func() {
			w.enrollResult.SetText(enrollText(res))
			w.reloadResyncChoices()
			w.refreshPracticeButton()
		}, nil
	})
}

// enrollText describes an enrollment; the result carries no seed.
func enrollText(r *awsmfa.EnrollResult) string {
	who := r.Device.UserName
	if r.Device.Root || who == "" {
		who = "the signed-in identity"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Enrolled %s for %s.\nVault account: %s\nConfirmed by: %s", r.Device.SerialNumber, who, r.Label, verifiedText(r.Verified))
	for _, warn := range r.Warnings {
		b.WriteString("\nNote: " + warn)
	}
	return b.String()
}

func verifiedText(v string) string {
	switch v {
	case "session":
		return "a sign-in (STS accepted a fresh code)"
	case "listed":
		return "IAM listing the device as assigned"
	}
	return v
}

// reloadResyncChoices lists the vault's AWS-bound accounts.
func (w *awsWindow) reloadResyncChoices() {
	v, err := w.u.core.Vault()
	w.resyncBy = map[string]string{}
	var opts []string
	if err == nil {
		for _, a := range v.Accounts() {
			if a.AWS == nil || a.AWS.SerialNumber == "" {
				continue
			}
			label := shownLabel(a) + " — " + a.AWS.SerialNumber
			w.resyncBy[label] = a.AWS.SerialNumber
			opts = append(opts, label)
		}
	}
	sort.Strings(opts)
	w.resyncPick.SetOptions(opts)
	if _, ok := w.resyncBy[w.resyncPick.Selected]; !ok {
		w.resyncPick.ClearSelected()
	}
	switch {
	case err != nil:
		w.resyncPick.PlaceHolder = "(unlock the vault to resync)"
	case len(opts) == 0:
		w.resyncPick.PlaceHolder = "(no vault account is bound to an AWS device yet)"
	default:
		w.resyncPick.PlaceHolder = "(pick a vault account bound to an AWS device)"
	}
	w.resyncPick.Refresh()
}

func (w *awsWindow) resync() {
	serial := w.resyncBy[w.resyncPick.Selected]
	if serial == "" {
		w.resyncResult.SetText("Pick the vault account whose AWS device to resync first.")
		return
	}
	w.resyncWaitTotal = 0
	w.run("Resyncing", false, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		acct, err := w.u.core.AWSResync(ctx, conn, serial, func(r awsmfa.ResyncWait) {
			fyne.Do(func() { w.showResyncWait(r) })
		})
		if err != nil {
			return nil, err
		}
		return func() {
			w.resyncResult.SetText("Resynced " + serial + " (" + shownLabel(acct) + "). Sign in with a fresh code to confirm.")
		}, nil
	})
}

// showResyncWait says, each second, what a resync waits for and how long
// is left, with the bar filling up: a minute of "Resyncing…" looked hung.
func (w *awsWindow) showResyncWait(r awsmfa.ResyncWait) {
	if r.Left > w.resyncWaitTotal {
		w.resyncWaitTotal = r.Left
	}
	secs := int64((r.Left + time.Second - 1) / time.Second)
	w.setFraction(int64(w.resyncWaitTotal-r.Left), int64(w.resyncWaitTotal))
	w.status.SetText(fmt.Sprintf("Resyncing: waiting %d s %s.", secs, r.Reason))
}

// ---- Audit ----

func (w *awsWindow) auditTab() fyne.CanvasObject {
	audit := w.button("Audit the account", theme.InfoIcon(), w.audit)
	audit.Importance = widget.HighImportance
	w.saveReport = w.button("Save report…", theme.DocumentSaveIcon(), w.saveAuditReport)
	w.auditScore = heading("")
	w.auditScore.Hide()
	w.auditBody = container.NewVBox(para("The audit finds users without MFA or with a single device, orphaned devices, and held seeds that no backup has yet, and scores the account out of 100."))
	return container.NewBorder(container.NewHBox(audit, w.saveReport), nil, nil, nil,
		container.NewVScroll(container.NewVBox(w.auditScore, w.auditBody)))
}

func (w *awsWindow) audit() {
	w.run("Auditing", true, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		r, err := w.u.core.AWSAudit(ctx, conn, func(stage string, done, total int) {
			w.setProgress(done, total)
			fyne.Do(func() { w.status.SetText("Auditing: " + stage + "…") })
		})
		if err != nil {
			return nil, err
		}
		return func() { w.showAudit(r) }, nil
	})
}

func (w *awsWindow) showAudit(r *awsmfa.AuditReport) {
	w.report = r
	w.auditScore.SetText(fmt.Sprintf("Score: %d / 100 — account %s", r.Score, r.Account))
	w.auditScore.Show()
	var objs []fyne.CanvasObject
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		objs = append(objs, widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), para("• "+strings.Join(lines, "\n• ")))
	}
	var ded []string
	for _, d := range r.Deductions {
		ded = append(ded, fmt.Sprintf("−%g: %s", d.Points, d.Reason))
	}
	section("Deductions", ded)
	rootMFA := "no"
	if r.RootMFA {
		rootMFA = "yes"
	}
	section("Summary", []string{
		"Root user MFA: " + rootMFA,
		fmt.Sprintf("IAM users: %d; without MFA: %d; with a single device: %d", len(r.Users), len(r.WithoutMFA), len(r.SingleDevice)),
		fmt.Sprintf("Unassigned virtual devices: %d", len(r.Orphans)),
		r.HeldSummary(),
	})
	if r.HeldUnknown {
		section("Held seeds", []string{"The vault was locked during the audit: unlock Sparekey and audit again to count the seeds it holds and whether a backup has them."})
	}
	section("Users without MFA", r.WithoutMFA)
	section("Users with a single device", r.SingleDevice)
	section("Orphaned devices", r.OrphanSerials())
	section("Held seeds not in any backup", r.StaleSeedNames())
	section("Warnings", r.Warnings)
	setObjects(w.auditBody, objs...)
}

func (w *awsWindow) saveAuditReport() {
	r := w.report
	if r == nil {
		w.status.SetText("Run an audit first; then its report can be saved.")
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			w.status.SetText("The report was not saved: " + err.Error())
			return
		}
		if wc == nil {
			return
		}
		err = r.WriteMarkdown(wc)
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			w.status.SetText("The report was not saved: " + err.Error())
			return
		}
		w.status.SetText("Report saved to " + wc.URI().Path() + ".")
	}, w.win)
	d.SetFileName("sparekey-aws-audit-" + r.Generated.Format("2006-01-02") + ".md")
	d.Show()
}

// awsProfiles reads the profile names of the shared config and
// credentials files; a missing or odd file just offers fewer names.
func awsProfiles() []string {
	seen := map[string]bool{}
	home, _ := os.UserHomeDir()
	files := []struct {
		path     string
		prefixed bool // config's sections read [profile name]
	}{
		{os.Getenv("AWS_CONFIG_FILE"), true},
		{os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), false},
	}
	if home != "" {
		files = append(files, struct {
			path     string
			prefixed bool
		}{filepath.Join(home, ".aws", "config"), true}, struct {
			path     string
			prefixed bool
		}{filepath.Join(home, ".aws", "credentials"), false})
	}
	for _, f := range files {
		if f.path == "" {
			continue
		}
		for _, name := range profileSections(f.path, f.prefixed) {
			seen[name] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func profileSections(path string, prefixed bool) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "[") || !strings.HasSuffix(line, "]") {
			continue
		}
		name := strings.TrimSpace(line[1 : len(line)-1])
		if prefixed {
			if rest, ok := strings.CutPrefix(name, "profile "); ok {
				name = strings.TrimSpace(rest)
			} else if name != "default" {
				continue // [sso-session x], [services x]
			}
		}
		if name != "" {
			names = append(names, name)
		}
	}
	return names
}
