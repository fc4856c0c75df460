package awsmfa

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sparekey/sparekey/vault"
)

// ReplaceRequest names the device to retire and how to call its successor.
type ReplaceRequest struct {
	UserName      string // "" means the caller
	OldSerial     string
	NewDeviceName string // "" picks a default
	Path          string
	// JournalPath is where progress is recorded (DataDir/aws-replace.json).
	JournalPath string
}

// ReplaceResult says what a replacement (or a resumed one) did.
type ReplaceResult struct {
	New            *EnrollResult `json:"new,omitempty"`
	NewSerial      string        `json:"new_serial,omitempty"`
	OldSerial      string        `json:"old_serial"`
	OldDeactivated bool          `json:"old_deactivated"`
	OldDeleted     bool          `json:"old_deleted"`
	OldVault       string        `json:"old_vault_entry,omitempty"` // removed / retired / ""
	RolledBack     bool          `json:"rolled_back,omitempty"`
	Resumed        bool          `json:"resumed,omitempty"`
	Warnings       []string      `json:"warnings,omitempty"`
}

// ErrReplaceInProgress: a journal from an earlier replacement exists.
var ErrReplaceInProgress = errors.New("an earlier device replacement has not finished")

// errCrash is returned by test hooks to simulate the process dying.
var errCrash = errors.New("simulated crash")

// Replace enrolls a new virtual device for the user, verifies it, and only
// then deactivates and deletes the old one: the identity never has zero
// working devices. Every phase is journaled so an interrupted replacement
// is finished or rolled back by Resume.
func (c *Client) Replace(ctx context.Context, v *vault.Vault, req ReplaceRequest) (*ReplaceResult, error) {
	if req.JournalPath == "" {
		return nil, errors.New("replace: no journal path")
	}
	if v == nil {
		return nil, errNoVault
	}
	if j, err := ReadJournal(req.JournalPath); err != nil || j != nil {
		if err != nil {
			return nil, err
		}
		return nil, &Error{Op: "Replace", Kind: ErrReplaceInProgress, Err: ErrReplaceInProgress, Fix: vault.RemedyResumeReplace,
			Guidance: fmt.Sprintf("A replacement of %s for %s stopped at phase %q. Finish it (or roll it back) first.", j.OldSerial, j.UserName, j.Phase)}
	}
	id, user, self, err := c.target(ctx, req.UserName)
	if err != nil {
		return nil, err
	}
	devs, err := c.listMFADevices(ctx, user)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(devs, func(d Device) bool { return d.SerialNumber == req.OldSerial }) {
		return nil, &Error{Op: "ListMFADevices", Kind: ErrNoSuchEntity, Err: ErrNoSuchEntity, Fix: vault.RemedyListDevices,
			Guidance: fmt.Sprintf("%s has no device %s; pick one of the current devices, or enroll a new device to simply add one.", user, req.OldSerial)}
	}
	if req.NewDeviceName == "" {
		req.NewDeviceName = DefaultDeviceName(user)
	}
	if req.Path == "" {
		req.Path = "/"
	}
	now := c.now().UTC()
	j := &Journal{Version: JournalVersion, Phase: PhaseStarted, Label: c.opts.Label, UserName: user,
		OldSerial: req.OldSerial, NewName: req.NewDeviceName, NewPath: req.Path, Started: now, Updated: now}
	if err := c.record(req.JournalPath, j, PhaseStarted); err != nil {
		return nil, err
	}
	res := &ReplaceResult{OldSerial: req.OldSerial}
	enrolled, err := c.enroll(ctx, v, id, user, self, EnrollRequest{UserName: user, DeviceName: req.NewDeviceName, Path: req.Path}, enrollHooks{
		created: func(serial, vaultID string) error {
			j.NewSerial, j.NewVaultID = serial, vaultID
			return c.record(req.JournalPath, j, PhaseCreated)
		},
		enabled: func() error { return c.record(req.JournalPath, j, PhaseEnabled) },
	})
	if errors.Is(err, errCrash) {
		return nil, err
	}
	if err != nil {
		var inc *IncompleteError
		if j.Phase == PhaseEnabled || (errors.As(err, &inc) && len(inc.Left) > 0) {
			// Something is left on AWS: keep the journal so Resume settles it.
			return nil, err
		}
		if rerr := removeJournal(req.JournalPath); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return nil, err
	}
	res.New, res.NewSerial = enrolled, enrolled.Device.SerialNumber
	return c.retireOld(ctx, v, j, req.JournalPath, res, enrolled.Session)
}

// record moves the journal to phase and saves it; the test hook may then
// simulate a crash.
func (c *Client) record(path string, j *Journal, phase string) error {
	j.Phase, j.Updated = phase, c.now().UTC()
	write := writeJournal
	if phase == PhaseStarted {
		write = createJournal
	}
	if err := write(path, j); err != nil {
		if errors.Is(err, ErrReplaceInProgress) {
			return &Error{Op: "Replace", Kind: ErrReplaceInProgress, Err: err, Fix: vault.RemedyResumeReplace,
				Guidance: "Another device replacement started at the same moment; let it finish, or finish it from here."}
		}
		return &IncompleteError{Flow: "replace", Step: "writing the journal", Err: err}
	}
	if c.hookPhase != nil {
		if err := c.hookPhase(phase); err != nil {
			return err
		}
	}
	return nil
}

// retireOld runs the phases after the new device is enabled: check the new
// device is assigned, deactivate the old one, delete it if virtual.
func (c *Client) retireOld(ctx context.Context, v *vault.Vault, j *Journal, path string, res *ReplaceResult, sess *Session) (*ReplaceResult, error) {
	// actor signs the removal; under the self-manage-MFA policy a user may
	// deactivate and delete devices only with MFA present, so it switches
	// to an MFA session from the new device when AWS asks for one.
	actor := c
	withMFA := func() bool {
		if sess == nil {
			sess = c.sessionFromNewDevice(ctx, v, j)
		}
		if sess == nil {
			return false
		}
		if sc := c.WithSession(sess); sc != nil && actor == c {
			actor = sc
			return true
		}
		return false
	}
	if j.Phase == PhaseEnabled {
		// The invariant: never deactivate the old device unless AWS lists
		// the new one for this user.
		ok, err := c.isAssigned(ctx, j.UserName, j.NewSerial)
		if err != nil {
			return res, c.leftover(j, "checking the new device", err)
		}
		if !ok {
			return res, c.leftover(j, "checking the new device", fmt.Errorf("AWS does not list %s for %s yet", j.NewSerial, j.UserName))
		}
		err = actor.DeactivateDevice(ctx, j.UserName, j.OldSerial)
		if errors.Is(err, ErrMFARequired) && withMFA() {
			err = actor.DeactivateDevice(ctx, j.UserName, j.OldSerial)
		}
		if err != nil && !errors.Is(err, ErrNoSuchEntity) {
			return res, c.leftover(j, "DeactivateMFADevice", err)
		}
		res.OldDeactivated = true
		if err := c.record(path, j, PhaseOldDeactivated); err != nil {
			return res, err
		}
	}
	res.OldDeactivated = true
	if TypeOfSerial(j.OldSerial) == DeviceVirtual {
		err := actor.DeleteVirtualDevice(ctx, j.OldSerial)
		if errors.Is(err, ErrMFARequired) && withMFA() {
			err = actor.DeleteVirtualDevice(ctx, j.OldSerial)
		}
		if err != nil && !errors.Is(err, ErrNoSuchEntity) {
			return res, c.leftover(j, "DeleteVirtualMFADevice", err)
		}
		res.OldDeleted = true
	}
	res.OldVault = settleVault(v, j.OldSerial, res.OldDeleted)
	if j.NewVaultID != "" {
		_ = untag(v, j.NewVaultID, TagEnrolling)
	}
	if err := c.record(path, j, PhaseDone); err != nil {
		return res, err
	}
	return res, removeJournal(path)
}

// sessionFromNewDevice obtains an MFA session with the replacement device
// when the caller is the journal's user signing with long-term keys.
func (c *Client) sessionFromNewDevice(ctx context.Context, v *vault.Vault, j *Journal) *Session {
	a, ok := HeldSeeds(v)[j.NewSerial]
	if !ok || !c.longTermKeys(ctx) {
		return nil
	}
	id, err := c.WhoAmI(ctx)
	if err != nil || id.UserName != j.UserName {
		return nil
	}
	s, err := c.NewSession(ctx, a, 15*time.Minute)
	if err != nil {
		return nil
	}
	return s
}

func (c *Client) leftover(j *Journal, step string, err error) error {
	left := fmt.Sprintf("both %s (new) and %s (old) are enabled for %s", j.NewSerial, j.OldSerial, j.UserName)
	if j.Phase == PhaseOldDeactivated {
		left = fmt.Sprintf("the old device %s is deactivated but not deleted (unassigned); %s is %s's working device", j.OldSerial, j.NewSerial, j.UserName)
	}
	return &IncompleteError{Flow: "replace", Step: step, Err: err, Fix: vault.RemedyResumeReplace, Left: []string{
		left + fmt.Sprintf("; the journal keeps the replacement at phase %q, so resuming it finishes the job", j.Phase)}}
}

// Resume finishes or rolls back a replacement recorded in the journal at
// path. Before the new device is enabled it rolls back (deletes the new
// device, drops its seed); afterwards it rolls forward (retires the old
// device). It returns (nil, nil) when there is nothing to resume.
func (c *Client) Resume(ctx context.Context, v *vault.Vault, path string) (*ReplaceResult, error) {
	j, err := ReadJournal(path)
	if err != nil || j == nil {
		return nil, err
	}
	if j.Label != c.opts.Label {
		return nil, &Error{Op: "Resume", Kind: ErrReplaceInProgress, Err: ErrReplaceInProgress,
			Guidance: fmt.Sprintf("The unfinished replacement was made through %q; resume it on that connection.", j.Label)}
	}
	res := &ReplaceResult{OldSerial: j.OldSerial, NewSerial: j.NewSerial, Resumed: true}
	switch j.Phase {
	case PhaseDone:
		return res, removeJournal(path)

	case PhaseStarted:
		// A create may have reached AWS before the crash: find it by name.
		orphans, err := c.Orphans(ctx, v)
		if err != nil {
			return nil, err
		}
		for _, d := range orphans {
			if d.SerialNumber == deviceARN(d.SerialNumber, j.NewPath, j.NewName) {
				if err := c.DeleteVirtualDevice(ctx, d.SerialNumber); err != nil && !errors.Is(err, ErrNoSuchEntity) {
					return nil, err
				}
				settleVault(v, d.SerialNumber, true)
			}
		}
		res.RolledBack = true
		return res, removeJournal(path)
	case PhaseCreated:
		ok, err := c.isAssigned(ctx, j.UserName, j.NewSerial)
		if err != nil {
			return nil, err
		}
		if !ok {
			if err := c.DeleteVirtualDevice(ctx, j.NewSerial); err != nil && !errors.Is(err, ErrNoSuchEntity) {
				return nil, err
			}
			settleVault(v, j.NewSerial, true)
			res.RolledBack = true
			return res, removeJournal(path)
		}
		// Enabled before the crash: the journal just missed it.
		j.Phase = PhaseEnabled
	}
	return c.retireOld(ctx, v, j, path, res, nil)
}

// deviceARN rebuilds the serial of a virtual device from its name and path,
// using the account part of a known serial.
func deviceARN(known, path, name string) string {
	prefix, _, _ := strings.Cut(known, ":mfa/")
	if path == "" {
		path = "/"
	}
	return prefix + ":mfa" + path + name
}
