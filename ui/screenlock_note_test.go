package ui

import (
	"errors"
	"fmt"
	"testing"

	"github.com/sparekey/sparekey/app"
)

// TestSettingsSaysWhenTheScreenLockCannotBeFollowed: lock-on-screen-lock
// is on by default; where the desktop cannot report a lock (no D-Bus
// session, macOS) Settings says so beside the choice.
func TestSettingsSaysWhenTheScreenLockCannotBeFollowed(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("%w (no session bus): %w", app.ErrNoScreenLockSignal, errors.New("dial failed")), "does not tell Sparekey when its screen locks"},
		{errors.New("something else"), "could not follow this desktop's screen lock"},
	} {
		h := newHarness(t, "keyring", nil, uriGitHub)
		h.u.screenWatchErr = tc.err
		h.u.showSettings()
		top := h.u.Window().Canvas().Overlays().Top()
		if tc.want == "" {
			if containsText(top, "screen lock") {
				t.Error("a working screen-lock watch is reported as failing")
			}
			continue
		}
		if !containsText(top, tc.want) || !containsText(top, "Lock when idle") {
			t.Errorf("%v: Settings does not say %q", tc.err, tc.want)
		}
	}
}
