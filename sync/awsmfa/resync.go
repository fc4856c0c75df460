package awsmfa

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sparekey/sparekey/vault"
)

// SafeMargin is how much of the current period must remain before Sparekey
// submits codes: a code that expires while the request travels would make
// AWS see a stale pair (and, for resync, leave the device out of sync).
const SafeMargin = 4 * time.Second

// waitSafeMoment sleeps past the end of the period if it ends within SafeMargin.
func (c *Client) waitSafeMoment(ctx context.Context, acct *vault.Account) error {
	if r := acct.Remaining(c.now()); r < SafeMargin {
		return c.opts.Sleep(ctx, r+100*time.Millisecond)
	}
	return nil
}

// WaitReason says why a resync waits before sending its codes.
type WaitReason int

const (
	// WaitFreshCodes: Sparekey sent this device's codes of the last
	// periods already (an enrollment, a sign-in); AWS accepts a code only
	// once, so the resync waits until two unspent codes are both showing.
	WaitFreshCodes WaitReason = iota + 1
	// WaitPeriodEnding: the current period ends within SafeMargin; codes
	// sent now could expire on the way.
	WaitPeriodEnding
	// WaitAfterRefusal: AWS refused the first two codes (something other
	// than this Sparekey may have used them); the one retry waits for two
	// newer ones.
	WaitAfterRefusal
)

// String describes the wait in a person's words.
func (r WaitReason) String() string {
	switch r {
	case WaitFreshCodes:
		return "for two unused codes: AWS accepts a code only once, and this device's most recent codes were already used"
	case WaitPeriodEnding:
		return "for the next period: the current codes would expire before reaching AWS"
	case WaitAfterRefusal:
		return "for two newer codes: AWS refused the first two, which may have been used elsewhere"
	}
	return "for the next period"
}

// ResyncWait is a resync's progress while it waits: called about once a
// second with the time left before the codes are sent.
type ResyncWait struct {
	Left   time.Duration
	Reason WaitReason
}

// Resync re-synchronises a device whose seed the vault holds with two
// consecutive codes nobody has spent: steps after the last one Sparekey
// sent for this device, both already showing, with SafeMargin left in
// the period. When those lie ahead it waits, calling progress (which may
// be nil) about once a second; it never sleeps without saying so.
func (c *Client) Resync(ctx context.Context, acct *vault.Account, progress func(ResyncWait)) error {
	b := acct.AWS
	if b == nil || b.SerialNumber == "" {
		return &Error{Op: "ResyncMFADevice", Kind: ErrNoHeldDevice, Err: ErrNoHeldDevice, Guidance: acct.Label() + " is not bound to an AWS MFA device."}
	}
	if TypeOfSerial(b.SerialNumber) == DeviceFIDO {
		return &Error{Op: "ResyncMFADevice", Kind: ErrInvalidInput, Err: ErrInvalidInput, Guidance: "FIDO security keys never go out of sync and cannot be resynced."}
	}
	if b.Root {
		return &Error{Op: "ResyncMFADevice", Kind: ErrRootAPI, Err: ErrRootAPI, Fix: vault.RemedyConsoleResync, Args: vault.RemedyArgs{Account: acct.Label(), Serial: b.SerialNumber},
			Guidance: "Root devices are resynced in the console: on the sign-in page choose the troubleshooting link, then \"Re-Sync With Our Servers\", or after signing in go to My Security Credentials › MFA › Resync. Sparekey can show the two codes to type there."}
	}
	user := b.UserName
	if user == "" {
		id, err := c.WhoAmI(ctx)
		if err != nil {
			return err
		}
		user = id.UserName
	}
	step, reason := c.freshPairStep(acct)
	err := c.resyncAtStep(ctx, user, acct, step, reason, progress)
	if !errors.Is(err, ErrInvalidCode) {
		return err
	}
	// One retry, with two steps after both of those just refused.
	return c.resyncAtStep(ctx, user, acct, step+2, WaitAfterRefusal, progress)
}

// freshPairStep is the earliest step s whose pair (s-1, s) nobody spent
// and which leaves SafeMargin to send it, with why it is later than now.
func (c *Client) freshPairStep(acct *vault.Account) (uint64, WaitReason) {
	now := c.now()
	step, reason := acct.Step(now), WaitReason(0)
	if last, ok := c.opts.Spent.LastSpent(acct.AWS.SerialNumber); ok && last+2 > step {
		step, reason = last+2, WaitFreshCodes
	}
	if reason == 0 && acct.Remaining(now) < SafeMargin {
		step, reason = step+1, WaitPeriodEnding
	}
	return step, reason
}

// resyncAtStep waits until step begins, then sends the codes of steps
// step-1 and step.
func (c *Client) resyncAtStep(ctx context.Context, user string, acct *vault.Account, step uint64, reason WaitReason, progress func(ResyncWait)) error {
	begins := time.Unix(int64(step)*int64(acct.Period), 0).Add(100 * time.Millisecond)
	if err := c.waitUntil(ctx, begins, reason, progress); err != nil {
		return err
	}
	c1, c2, err := pairEndingAt(acct, step)
	if err != nil {
		return err
	}
	if err := c.resync(ctx, user, acct.AWS.SerialNumber, c1, c2); err != nil {
		return err
	}
	c.opts.Spent.Spend(acct.AWS.SerialNumber, step)
	return nil
}

// waitUntil sleeps until t, reporting the time left about once a second.
func (c *Client) waitUntil(ctx context.Context, t time.Time, reason WaitReason, progress func(ResyncWait)) error {
	// Bounded by a count as well as the clock, in case the clock is frozen.
	naps := int(t.Sub(c.now())/time.Second) + 2
	for ; naps > 0; naps-- {
		left := t.Sub(c.now())
		if left <= 0 {
			return nil
		}
		if progress != nil {
			progress(ResyncWait{Left: left, Reason: reason})
		}
		// Sleep to the next whole second left, so a countdown ticks evenly.
		nap := left - (left-1)/time.Second*time.Second
		if err := c.opts.Sleep(ctx, nap); err != nil {
			return err
		}
	}
	return nil
}

// ConsoleResyncCodes returns two consecutive codes for a person to type into
// the console's resync form (root devices), waiting for a safe moment first
// so both stay valid for at least SafeMargin.
func (c *Client) ConsoleResyncCodes(ctx context.Context, acct *vault.Account) (string, string, error) {
	if err := c.waitSafeMoment(ctx, acct); err != nil {
		return "", "", err
	}
	return pairAt(acct, c.now())
}

// ValidateCodePair checks two codes typed from a hardware token: six digits
// each, and different (the second must come from the next period).
func ValidateCodePair(c1, c2 string) error {
	six := func(s string) bool {
		if len(s) != 6 {
			return false
		}
		for _, r := range s {
			if r < '0' || r > '9' {
				return false
			}
		}
		return true
	}
	switch {
	case !six(c1) || !six(c2):
		return fmt.Errorf("%w: each code has exactly 6 digits", ErrBadCodes)
	case c1 == c2:
		return fmt.Errorf("%w: wait for the token to show the next code before typing the second one", ErrBadCodes)
	}
	return nil
}

// ResyncWithCodes resyncs a device (typically a hardware token) with two
// consecutive codes a person read from it.
func (c *Client) ResyncWithCodes(ctx context.Context, user, serial, c1, c2 string) error {
	if err := ValidateCodePair(c1, c2); err != nil {
		return err
	}
	if TypeOfSerial(serial) == DeviceFIDO {
		return &Error{Op: "ResyncMFADevice", Kind: ErrInvalidInput, Err: ErrInvalidInput, Guidance: "FIDO security keys never go out of sync and cannot be resynced."}
	}
	if user == "" {
		id, err := c.WhoAmI(ctx)
		if err != nil {
			return err
		}
		user = id.UserName
	}
	return c.resync(ctx, user, serial, c1, c2)
}

func (c *Client) resync(ctx context.Context, user, serial, c1, c2 string) error {
	_, err := c.iam.ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{
		UserName: aws.String(user), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2),
	})
	err = classify("ResyncMFADevice", err)
	var e *Error
	if errors.As(err, &e) && e.Kind == ErrInvalidCode {
		e.Guidance = "AWS did not accept the two codes. Check this computer's clock (it must be within a few seconds of the real time). If the clock is right and resync keeps failing, replace the device with a new one."
		e.Fix, e.Args = vault.RemedyReplaceDevice, vault.RemedyArgs{User: user, Serial: serial}
	}
	return err
}

// DeactivateDevice removes a device from its user (admin chore, or the
// user's own device under an MFA session).
func (c *Client) DeactivateDevice(ctx context.Context, user, serial string) error {
	in := &iam.DeactivateMFADeviceInput{SerialNumber: aws.String(serial)}
	if user != "" {
		in.UserName = aws.String(user)
	}
	_, err := c.iam.DeactivateMFADevice(ctx, in)
	return classify("DeactivateMFADevice", err)
}

// DeleteVirtualDevice deletes a virtual device, which must be unassigned
// (DeleteConflict otherwise: deactivate it first).
func (c *Client) DeleteVirtualDevice(ctx context.Context, serial string) error {
	_, err := c.iam.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	return classify("DeleteVirtualMFADevice", err)
}

// RemoveResult says what RemoveDevice did.
type RemoveResult struct {
	Deactivated bool   `json:"deactivated"`
	Deleted     bool   `json:"deleted"`
	Vault       string `json:"vault"` // "removed", "retired", "" (not held)
}

// RemoveDevice deactivates a user's device and, when virtual, deletes it.
// The vault's copy of the seed is removed only once the device is deleted;
// a deactivated device that still exists keeps its seed, tagged aws:retired.
func (c *Client) RemoveDevice(ctx context.Context, v *vault.Vault, user, serial string) (*RemoveResult, error) {
	res := &RemoveResult{}
	if err := c.DeactivateDevice(ctx, user, serial); err != nil && !errors.Is(err, ErrNoSuchEntity) {
		return res, err
	}
	res.Deactivated = true
	var err error
	if TypeOfSerial(serial) == DeviceVirtual {
		if err = c.DeleteVirtualDevice(ctx, serial); err == nil || errors.Is(err, ErrNoSuchEntity) {
			res.Deleted, err = true, nil
		}
	}
	res.Vault = settleVault(v, serial, res.Deleted)
	return res, err
}

// settleVault updates the vault entry of a device that was deactivated or
// deleted. It never removes the seed of a device that still exists.
func settleVault(v *vault.Vault, serial string, deleted bool) string {
	a, ok := HeldSeeds(v)[serial]
	if !ok {
		return ""
	}
	if deleted {
		if _, err := v.Remove(a.ID); err == nil {
			return "removed"
		}
		return ""
	}
	if !usable(a) {
		return "retired"
	}
	a.Tags = append(a.Tags, TagRetired)
	a.Note += "\nSparekey: device deactivated " + time.Now().UTC().Format(time.DateOnly)
	if v.Update(a) == nil {
		return "retired"
	}
	return ""
}

// DeleteOrphans deletes unassigned virtual devices (all of them, or only
// those whose serial is listed) and returns the serials deleted. The vault
// entries of deleted orphans are removed: their devices no longer exist.
func (c *Client) DeleteOrphans(ctx context.Context, v *vault.Vault, only ...string) ([]string, error) {
	orphans, err := c.Orphans(ctx, v)
	if err != nil {
		return nil, err
	}
	var deleted []string
	var errs []error
	for _, d := range orphans {
		if len(only) > 0 && !contains(only, d.SerialNumber) {
			continue
		}
		if err := c.DeleteVirtualDevice(ctx, d.SerialNumber); err != nil && !errors.Is(err, ErrNoSuchEntity) {
			errs = append(errs, fmt.Errorf("%s: %w", d.SerialNumber, err))
			continue
		}
		deleted = append(deleted, d.SerialNumber)
		settleVault(v, d.SerialNumber, true)
	}
	return deleted, errors.Join(errs...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
