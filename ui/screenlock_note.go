package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
)

// screenLockChoice is the "Lock when the screen locks" check box, with a
// note when this desktop cannot be followed: the setting is on by default,
// and must not promise a lock that never comes.
func (u *UI) screenLockChoice(check *widget.Check) fyne.CanvasObject {
	if u.screenWatchErr == nil {
		return check
	}
	why := "Sparekey could not follow this desktop's screen lock"
	if errors.Is(u.screenWatchErr, app.ErrNoScreenLockSignal) {
		why = "This desktop does not tell Sparekey when its screen locks"
	}
	note := para(why + ", so only “Lock when idle” locks the vault here.")
	note.Importance = widget.LowImportance
	return container.NewVBox(check, note)
}
