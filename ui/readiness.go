package ui

// The Readiness tab of the AWS window: app's per-identity checklist, its
// score and one next action, drawn as a button that does it (the CLI
// prints the same action as a command). Everything slow runs through the
// window's task bar, off the UI goroutine.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/drill"
	"github.com/sparekey/sparekey/app/guide"
)

// readinessView is the tab's state; it lives as long as its window.
type readinessView struct {
	w    *awsWindow
	body *fyne.Container
	last *app.Readiness
}

func (w *awsWindow) readinessTab() fyne.CanvasObject {
	v := &readinessView{w: w}
	check := w.button("Check readiness", theme.ConfirmIcon(), v.check)
	check.Importance = widget.HighImportance
	v.body = container.NewVBox(para("For the root user and each IAM identity Sparekey can see: two or more MFA devices, a seed in a backup verified in the last 90 days, a second administrator or spare keys, the root email and phone confirmed, and a recovery drill in the last 90 days. Each gets a score out of 100 and one next step, with a button that does it."))
	return container.NewBorder(container.NewHBox(check), nil, nil, nil, container.NewVScroll(v.body))
}

func (v *readinessView) check() {
	v.w.run("Checking readiness", false, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		r, err := v.w.u.core.Readiness(ctx, conn, app.ReadinessOptions{})
		if err != nil {
			return nil, err
		}
		return func() { v.show(r) }, nil
	})
}

func (v *readinessView) show(r *app.Readiness) {
	v.last = r
	var objs []fyne.CanvasObject
	for _, wn := range r.Warnings {
		l := para(wn)
		l.Importance = widget.WarningImportance
		objs = append(objs, l)
	}
	if len(r.Identities) == 0 {
		objs = append(objs, para("No identity to check yet: connect to an AWS account, or enroll Sparekey as a device on the Enroll & resync tab."))
	}
	for _, id := range r.Identities {
		objs = append(objs, widget.NewSeparator(), heading(fmt.Sprintf("%s: %d / 100 (account %s)", id.Name(), id.Score, id.AccountID)))
		var lines []string
		for _, it := range id.Items {
			mark := "✗"
			switch {
			case it.OK:
				mark = "✓"
			case it.Unknown:
				mark = "?"
			}
			lines = append(lines, mark+" "+checkName(it.Check)+": "+it.Detail)
		}
		objs = append(objs, para(strings.Join(lines, "\n")))
		if id.Next == nil {
			objs = append(objs, para("Nothing left to do."))
			continue
		}
		n := *id.Next
		objs = append(objs, container.NewHBox(widget.NewLabel("Next: "+n.Title), v.actionButton(n)))
	}
	if r.Audit != nil {
		objs = append(objs, widget.NewSeparator(), para(fmt.Sprintf("Account audit: %d / 100 (details on the Audit tab).", r.Audit.Score)))
	}
	setObjects(v.body, objs...)
}

func checkName(c app.Check) string {
	switch c {
	case app.CheckMFA:
		return "MFA"
	case app.CheckTwoDevices:
		return "Two devices"
	case app.CheckVerifiedBackup:
		return "Seed in a verified backup"
	case app.CheckNoOrphans:
		return "No unassigned devices"
	case app.CheckSpareAdmin:
		return "Second administrator"
	case app.CheckContacts:
		return "Root email and phone"
	case app.CheckDrill:
		return "Recovery drill"
	}
	return string(c)
}

// actionLabel is the button's text for a next action.
func actionLabel(n app.NextAction) string {
	switch n.Kind {
	case app.ActionEnrollDevice:
		return "Enroll Sparekey for " + n.UserName
	case app.ActionAssignRootDevice:
		return "Show the console steps"
	case app.ActionBackupVerify:
		return "Back up and verify now"
	case app.ActionDeleteOrphans:
		return "Delete unassigned devices"
	case app.ActionConfirmSpareAdmin:
		return "Record a second administrator…"
	case app.ActionConfirmContacts:
		return "Record the contacts as checked…"
	case app.ActionRunDrill:
		return "Run the " + n.Drill + " drill"
	}
	return n.Title
}

func (v *readinessView) actionButton(n app.NextAction) *widget.Button {
	b := widget.NewButtonWithIcon(actionLabel(n), theme.NavigateNextIcon(), func() {
		if v.w.running {
			return // one chore at a time
		}
		v.act(n)
	})
	b.Importance = widget.HighImportance
	return b
}

// act does a next action, asking first where it changes AWS or records
// something on the person's word.
func (v *readinessView) act(n app.NextAction) {
	w := v.w
	switch n.Kind {
	case app.ActionAssignRootDevice:
		v.showConsoleSteps(n.Path)
		return
	case app.ActionEnrollDevice:
		dialog.ShowConfirm("Enroll Sparekey", "Create a virtual MFA device for "+n.UserName+" on "+connectionName(w.connection())+", keep its seed in the vault and check that it works?", func(ok bool) {
			if ok {
				v.do("Enrolling", n)
			}
		}, w.win)
	case app.ActionDeleteOrphans:
		dialog.ShowConfirm("Delete unassigned devices", "Delete every unassigned virtual MFA device on "+connectionName(w.connection())+"? They belong to nobody, and they block a new device with the same name.", func(ok bool) {
			if ok {
				v.do("Deleting unassigned devices", n)
			}
		}, w.win)
	case app.ActionConfirmContacts:
		dialog.ShowConfirm("Root email and phone", "In the AWS console's account settings, are the root email address and the primary contact phone right, and can you reach both today?\n\nThey are how a root user with a lost device signs in again. Sparekey records today's date for account "+n.AccountID+".", func(ok bool) {
			if ok {
				v.do("Recording", n)
			}
		}, w.win)
	case app.ActionConfirmSpareAdmin:
		dialog.ShowConfirm("Second administrator", "Does account "+n.AccountID+" have a second administrator on another device, or an administrator's access key pair tested once and locked away?\n\nThen a lost device can be reset without depending on one person. Sparekey records today's date.", func(ok bool) {
			if ok {
				v.do("Recording", n)
			}
		}, w.win)
	default:
		v.do(actionLabel(n), n)
	}
}

// do carries out n off the UI goroutine, then checks again.
func (v *readinessView) do(what string, n app.NextAction) {
	core := v.w.u.core
	v.w.run(what, false, func(ctx context.Context, conn app.AWSConnection) (func(), error) {
		_, err := core.DoReadinessAction(ctx, n, app.ReadinessActionOptions{
			Conn: conn,
			RunDrill: func(ctx context.Context, name string) (bool, error) {
				res, err := drill.Run(ctx, name, false)
				if err != nil {
					return false, err
				}
				if err := drill.Record(core.Paths().Data, res); err != nil {
					return false, fmt.Errorf("the drill ran but its result was not recorded: %w", err)
				}
				return res.Passed, nil
			},
		})
		var aside *app.ConfirmedKeptAsideError
		if err != nil && !errors.As(err, &aside) {
			return nil, err
		}
		return func() { v.check() }, nil
	})
}

// showConsoleSteps shows the guide's steps for what only the console does.
func (v *readinessView) showConsoleSteps(path string) {
	g, ok := guide.Lookup(path)
	if !ok {
		return
	}
	var objs []fyne.CanvasObject
	for i, st := range g.Steps {
		objs = append(objs, widget.NewLabelWithStyle(fmt.Sprintf("%d. %s", i+1, st.Title), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		if text := strings.TrimSpace(st.Where + " " + st.Detail); text != "" {
			objs = append(objs, para(text))
		}
	}
	scroll := container.NewVScroll(container.NewVBox(objs...))
	scroll.SetMinSize(fyne.NewSize(520, 360))
	dialog.ShowCustom(g.Title, "Close", scroll, v.w.win)
}

// showReadiness opens the AWS window on its Readiness tab.
func (u *UI) showReadiness() {
	w := u.showAWS(tabWhoAmI)
	for _, t := range w.tabs.Items {
		if t.Text == "Readiness" {
			w.tabs.Select(t)
		}
	}
}
