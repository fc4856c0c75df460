package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsmfa"
)

// An AWS refusal's guidance is printed once: the CLI's wrapper and the
// root's printer both used to add it.
func TestAWSGuidancePrintedOnce(t *testing.T) {
	const guidance = "AWS did not accept the two codes."
	err := wrapAWS(&awsmfa.Error{Op: "ResyncMFADevice", Kind: awsmfa.ErrInvalidCode, Err: awsmfa.ErrInvalidCode, Guidance: guidance})
	if n := strings.Count(app.Explain(err), guidance); n != 1 {
		t.Fatalf("guidance printed %d times:\n%s", n, app.Explain(err))
	}
}

// A resync's wait is one line rewritten each second, and a new line when
// the reason changes; the terminal is left on a fresh line.
func TestResyncCountdown(t *testing.T) {
	var out bytes.Buffer
	c := &resyncCountdown{w: &out}
	for _, w := range []awsmfa.ResyncWait{
		{Left: 41*time.Second + 300*time.Millisecond, Reason: awsmfa.WaitFreshCodes},
		{Left: 41 * time.Second, Reason: awsmfa.WaitFreshCodes},
		{Left: 500 * time.Millisecond, Reason: awsmfa.WaitFreshCodes},
		{Left: 30 * time.Second, Reason: awsmfa.WaitAfterRefusal},
	} {
		c.show(w)
	}
	c.end()
	got := out.String()
	for _, want := range []string{
		"\rWaiting  42 s for two unused codes: AWS accepts a code only once",
		"\rWaiting  41 s ",
		"\rWaiting   1 s ",
		".\n\rWaiting  30 s for two newer codes",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("countdown lacks %q:\n%q", want, got)
		}
	}
	if !strings.HasSuffix(got, "\n") || strings.Count(got, "\n") != 2 {
		t.Errorf("countdown lines end wrong:\n%q", got)
	}

	var quiet bytes.Buffer
	(&resyncCountdown{w: &quiet}).end()
	if quiet.Len() != 0 {
		t.Errorf("a resync that did not wait printed %q", quiet.String())
	}
}
