package ui

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// Two computers, one vault: the app merges a sync tool's conflict copy as
// soon as it appears (app.FollowVault). The banner above the list says what
// each merge did, until the person dismisses it; when the merge could not
// decide about an account, "Decide…" asks Keep or Drop for each.

// conflictBanner shows app.ConflictStates above the account list.
type conflictBanner struct {
	u       *UI
	content *fyne.Container // one card per conflict copy; empty when none
	shown   string          // the summaries on the cards, to skip a rebuild
}

func newConflictBanner(u *UI) *conflictBanner {
	b := &conflictBanner{u: u, content: container.NewVBox()}
	b.content.Hide()
	b.refresh()
	return b
}

// refresh rebuilds the cards from the app's states (after every change).
func (b *conflictBanner) refresh() {
	states := b.u.core.ConflictStates()
	var summaries strings.Builder
	for _, st := range states {
		summaries.WriteString(st.Copy.Path + "\x00" + st.Summary() + "\x00")
	}
	if summaries.String() == b.shown {
		return // most reloads: an account changed, no conflict did
	}
	b.shown = summaries.String()
	var cards []fyne.CanvasObject
	for _, st := range states {
		cards = append(cards, b.card(st))
	}
	b.content.Objects = cards
	// Hidden, it takes no room and leaves the list as it always was.
	if len(cards) == 0 {
		b.content.Hide()
	} else {
		b.content.Show()
	}
	// The header above the list grows or shrinks: lay the window out
	// again, not only the banner. Twice: a wrapping label knows its height
	// only once the first pass has given it a width.
	if c := b.u.win.Content(); c != nil {
		c.Refresh()
		c.Refresh()
	}
}

func (b *conflictBanner) card(st app.ConflictState) fyne.CanvasObject {
	undecided := st.Undecided()
	icon := theme.InfoIcon()
	tint := theme.Color(theme.ColorNamePrimary)
	if st.Err != nil || len(undecided) > 0 {
		icon, tint = theme.WarningIcon(), theme.Color(theme.ColorNameWarning)
	}
	var buttons []fyne.CanvasObject
	if len(undecided) > 0 {
		decide := widget.NewButton("Decide…", func() { b.u.showConflictDecisions(st) })
		decide.Importance = widget.HighImportance
		buttons = append(buttons, decide)
	}
	dismissText := "Dismiss"
	if len(undecided) > 0 {
		// The copy stays on disk: the next start (or change) asks again.
		dismissText = "Later"
	}
	buttons = append(buttons, widget.NewButton(dismissText, func() { b.u.core.DismissConflict(st.Copy.Path) }))

	bg := canvas.NewRectangle(withAlpha(tint, 0x30))
	bg.CornerRadius = theme.InputRadiusSize()
	row := container.NewBorder(nil, nil, widget.NewIcon(icon), container.NewVBox(buttons...), para(st.Summary()))
	return container.NewPadded(container.NewStack(bg, container.NewPadded(row)))
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, bl, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(bl >> 8), A: a}
}

// showConflictDecisions asks Keep or Drop for each account the merge of
// st's copy left undecided, then merges the copy again with the answers.
// An account left without an answer stays undecided, in the copy.
func (u *UI) showConflictDecisions(st app.ConflictState) {
	items := st.Undecided()
	choices := map[string]vault.ConflictChoice{}
	rows := container.NewVBox(para("The other computer's copy holds accounts only you can decide about. Nothing is lost if you decide later: the copy stays beside the vault until then."))
	for _, it := range items {
		keep, drop := conflictChoiceLabels(it)
		radio := widget.NewRadioGroup([]string{keep, drop}, nil)
		radio.Horizontal = true
		radio.OnChanged = func(s string) {
			switch s {
			case keep:
				choices[it.Key()] = vault.ConflictKeep
			case drop:
				choices[it.Key()] = vault.ConflictDrop
			default:
				delete(choices, it.Key())
			}
		}
		title := widget.NewLabelWithStyle(it.Account.Label(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		rows.Add(container.NewVBox(title, para(capitalize(it.Reason)+"."), radio))
	}
	content := container.NewVScroll(rows)
	content.SetMinSize(fyne.NewSize(420, min(120+140*float32(len(items)), 420)))
	u.confirm("Decide about the other computer's accounts", "Apply", "Later", content, func(apply bool) {
		if !apply || len(choices) == 0 {
			return
		}
		_, err := u.core.MergeConflictCopy(st.Copy, func(it vault.ConflictItem) vault.ConflictChoice {
			return choices[it.Key()] // ConflictLeave when not answered
		})
		if err != nil {
			u.status.show("Could not merge the copy: "+errorText(err), 8*time.Second)
		}
	})
}

// conflictChoiceLabels say, for this kind of undecided item, what Keep and
// Drop do.
func conflictChoiceLabels(it vault.ConflictItem) (keep, drop string) {
	switch {
	case it.Existing == nil:
		return "Keep (bring it back)", "Drop (it stays deleted)"
	case it.Existing.ID == it.Account.ID:
		return "Keep it", "Drop (delete it here too)"
	}
	return "Keep both", "Drop the other computer's"
}
