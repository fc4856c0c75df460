package app

// The "Sparekey does it" steps of a recovery run: each one says what it
// will do and to whom before doing it, does it through the AWS and backup
// chores above, then checks the result the way AWS would see it (a fresh
// code authenticates; the device is gone from the user's list; the
// restored account's code works). The CLI, the window and the drills all
// come through here.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/app/recovery"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/vault"
)

// RecoveryStore is where this vault's recovery runs are kept: beside it.
func (a *App) RecoveryStore() *recovery.Store {
	return &recovery.Store{Dir: recovery.DirBeside(a.paths.Vault), Now: a.now}
}

// RecoveryTarget is what a Sparekey step acts on. Codes and passphrases
// live here only for the call; runs never store them.
type RecoveryTarget struct {
	Conn    AWSConnection
	Binding guide.Binding
	// Code1 and Code2 are two consecutive codes a person read from a device.
	Code1, Code2 string
	// Passphrase opens or writes a passphrase backup (nil: the vault's key).
	Passphrase func() ([]byte, error)
	// SetupURI is the otpauth link a console showed for a new device.
	SetupURI string
	// DeviceName names a new virtual device ("" = Sparekey's default).
	DeviceName string
}

// RecoveryOutcome says what a step did and how it was checked.
type RecoveryOutcome struct {
	Did      string `json:"did"`
	Verified string `json:"verified,omitempty"`
	// Codes are the two consecutive codes to type into a console form
	// (show-two-codes); shown once, never saved.
	Codes []string `json:"codes,omitempty"`
	// Binding is what the step learnt (a new serial, an account name).
	Binding guide.Binding `json:"binding"`
}

// ErrNotVerified means the step ran but its check failed: AWS does not see
// what the step promised.
var ErrNotVerified = errors.New("the step ran, but its check failed")

// ErrNeedsInput means the step lacks something only the person can give.
var ErrNeedsInput = errors.New("the step needs more input")

// RecoveryPlan says, before anything happens, what a Sparekey step will do
// and to whom.
func RecoveryPlan(st guide.Step, t RecoveryTarget) string {
	b := t.Binding
	who := b.UserName
	if who == "" {
		who = "you"
	}
	acct := b.AccountID
	if acct == "" {
		acct = t.Conn.Label()
	}
	switch st.Action {
	case guide.ActionResync:
		return fmt.Sprintf("Resync %s (%s) of %s in AWS account %s with two codes Sparekey computes, then ask STS for a session with a fresh code.", or(b.AccountName, "the held device"), or(b.Serial, "serial from the vault"), who, acct)
	case guide.ActionResyncTyped:
		return fmt.Sprintf("Resync device %s of %s in AWS account %s with the two codes you typed.", or(b.Serial, "SERIAL"), who, acct)
	case guide.ActionEnroll:
		return fmt.Sprintf("Create a virtual MFA device for %s in AWS account %s, keep its seed in the vault, enable it and check it authenticates.", who, acct)
	case guide.ActionReplace:
		return fmt.Sprintf("Enroll a new device for %s in AWS account %s and verify it, then deactivate and delete %s.", who, acct, or(b.Serial, "the old device"))
	case guide.ActionDeactivate:
		return fmt.Sprintf("Deactivate device %s of %s in AWS account %s (and delete it if virtual), then check it is gone from the user's devices.", or(b.Serial, "SERIAL"), who, acct)
	case guide.ActionOrphans:
		return fmt.Sprintf("Delete every unassigned virtual MFA device in AWS account %s.", acct)
	case guide.ActionBackup:
		return fmt.Sprintf("Write an encrypted backup of every account to %s and open it again to verify it.", or(b.BackupFile, "a new file beside the vault"))
	case guide.ActionRestore:
		return fmt.Sprintf("Restore the accounts of %s that the vault lacks, then check the restored device's code.", or(b.BackupFile, "the backup"))
	case guide.ActionSession:
		return fmt.Sprintf("Ask STS for an MFA session in AWS account %s with a fresh code from the held device.", acct)
	case guide.ActionShowTwoCodes:
		return fmt.Sprintf("Show two consecutive codes of %s for \"MFA code 1\" and \"MFA code 2\".", or(b.AccountName, "the device"))
	case guide.ActionAddSeed:
		return "Keep the new device's setup key in the vault."
	case guide.ActionAudit:
		return fmt.Sprintf("Audit the MFA of every identity in AWS account %s.", acct)
	case guide.ActionOrgRootMFA:
		return fmt.Sprintf("From %s (the organization's management account or delegated administrator), look at the MFA devices of the root user of member account %s in a 15-minute root session, deactivate exactly those, then check in a new session that none is left.", t.Conn.Label(), or(b.AccountID, "ACCOUNT_ID"))
	}
	return st.Title
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// DoRecoveryStep carries out a Sparekey step and verifies it.
func (a *App) DoRecoveryStep(ctx context.Context, st guide.Step, t RecoveryTarget) (RecoveryOutcome, error) {
	b := t.Binding
	out := RecoveryOutcome{Binding: b}
	switch st.Action {
	case guide.ActionResync:
		query := or(b.AccountName, b.Serial)
		if query == "" {
			return out, fmt.Errorf("%w: which device (a vault name or serial)?", ErrNeedsInput)
		}
		acct, err := a.AWSResync(ctx, t.Conn, query, nil)
		if err != nil {
			return out, err
		}
		out.Binding.Serial, out.Binding.AccountName = acct.AWS.SerialNumber, acct.Label()
		out.Did = "Resynced " + acct.AWS.SerialNumber + "."
		return out, a.verifyBySession(ctx, t.Conn, acct, &out)
	case guide.ActionResyncTyped:
		if b.Serial == "" || t.Code1 == "" || t.Code2 == "" {
			return out, fmt.Errorf("%w: the device serial and two consecutive codes", ErrNeedsInput)
		}
		if err := a.AWSResyncWithCodes(ctx, t.Conn, b.UserName, b.Serial, t.Code1, t.Code2); err != nil {
			return out, err
		}
		out.Did = "AWS accepted the two codes for " + b.Serial + "."
		out.Verified = "Confirm by signing in with the device's next code."
		return out, nil
	case guide.ActionEnroll:
		res, err := a.AWSEnroll(ctx, t.Conn, awsmfa.EnrollRequest{UserName: b.UserName, DeviceName: t.DeviceName})
		if err != nil {
			return out, err
		}
		out.Binding.Serial, out.Binding.AccountName = res.Device.SerialNumber, res.Label
		out.Did = "Enrolled " + res.Device.SerialNumber + " for " + res.Device.UserName + "; its seed is in the vault."
		switch res.Verified {
		case "session":
			out.Verified = "STS accepted a fresh code from Sparekey."
		case "listed":
			out.Verified = "AWS lists the device as enabled."
		default:
			return out, fmt.Errorf("%w: AWS did not confirm the new device", ErrNotVerified)
		}
		return out, nil
	case guide.ActionReplace:
		if b.Serial == "" {
			return out, fmt.Errorf("%w: the serial of the device to replace", ErrNeedsInput)
		}
		res, err := a.AWSReplace(ctx, t.Conn, awsmfa.ReplaceRequest{OldSerial: b.Serial, UserName: b.UserName})
		if err != nil {
			return out, err
		}
		out.Did = fmt.Sprintf("Replaced %s with %s.", res.OldSerial, res.NewSerial)
		out.Binding.Serial = res.NewSerial
		if err := a.verifyGone(ctx, t.Conn, b.UserName, res.OldSerial, &out); err != nil {
			return out, err
		}
		return out, nil
	case guide.ActionDeactivate:
		if b.Serial == "" {
			return out, fmt.Errorf("%w: the serial of the device to deactivate", ErrNeedsInput)
		}
		res, err := a.AWSRemoveDevice(ctx, t.Conn, b.UserName, b.Serial)
		if err != nil {
			return out, err
		}
		out.Did = "Deactivated " + b.Serial + "."
		if res.Deleted {
			out.Did += " Deleted it."
		}
		return out, a.verifyGone(ctx, t.Conn, b.UserName, b.Serial, &out)
	case guide.ActionOrphans:
		deleted, err := a.AWSDeleteOrphans(ctx, t.Conn)
		if err != nil {
			return out, err
		}
		out.Did = fmt.Sprintf("Deleted %d unassigned device(s).", len(deleted))
		left, err := a.AWSOrphans(ctx, t.Conn)
		if err != nil {
			return out, err
		}
		if len(left) > 0 {
			return out, fmt.Errorf("%w: %d unassigned device(s) remain", ErrNotVerified, len(left))
		}
		out.Verified = "No unassigned virtual devices remain."
		return out, nil
	case guide.ActionBackup:
		path := or(b.BackupFile, filepath.Join(a.paths.Data, "recovery-backup-"+a.now().UTC().Format("20060102-150405")+".age"))
		opts := BackupOptions{Passphrase: t.Passphrase, ToVaultKey: t.Passphrase == nil}
		res, err := a.CreateBackup(ctx, path, opts)
		if err != nil {
			return out, err
		}
		out.Binding.BackupFile = res.Path
		out.Did = fmt.Sprintf("Wrote %s (%d accounts).", res.Path, res.Accounts)
		vr, err := a.VerifyBackup(ctx, RestoreSource{Path: res.Path, Passphrase: t.Passphrase})
		if err != nil {
			return out, fmt.Errorf("%w: the new backup does not open: %w", ErrNotVerified, err)
		}
		out.Verified = fmt.Sprintf("The backup opens and holds %d account(s).", len(vr.Backup.Accounts))
		return out, nil
	case guide.ActionRestore:
		if b.BackupFile == "" {
			return out, fmt.Errorf("%w: the backup file", ErrNeedsInput)
		}
		p, err := a.PreviewRestore(ctx, RestoreSource{Path: b.BackupFile, Passphrase: t.Passphrase})
		if err != nil {
			return out, err
		}
		res, err := a.ApplyRestore(p, nil)
		if err != nil {
			return out, err
		}
		out.Did = fmt.Sprintf("Restored %d account(s) from %s.", res.Added, b.BackupFile)
		acct, err := a.restoredDevice(b)
		if err != nil {
			return out, err
		}
		out.Binding.AccountName, out.Binding.Serial = acct.Label(), acct.AWS.SerialNumber
		return out, a.verifyBySession(ctx, t.Conn, acct, &out)
	case guide.ActionSession:
		if b.Serial != "" || b.AccountName != "" {
			acct, err := a.restoredDevice(b)
			if err != nil {
				return out, err
			}
			out.Did = "Asked STS for a session with a fresh code of " + acct.Label() + "."
			return out, a.verifyBySession(ctx, t.Conn, acct, &out)
		}
		s, err := a.AWSSession(ctx, t.Conn, true)
		if err != nil {
			return out, err
		}
		out.Did = "STS granted an MFA session for device " + s.SerialNumber + "."
		out.Verified = "A fresh code authenticates."
		return out, nil
	case guide.ActionShowTwoCodes:
		if b.AccountName == "" {
			return out, fmt.Errorf("%w: which account in the vault", ErrNeedsInput)
		}
		acct, err := a.FindAccount(b.AccountName)
		if err != nil {
			return out, err
		}
		c, err := a.CurrentCode(acct.ID)
		if err != nil {
			return out, err
		}
		out.Codes = []string{c.Code, c.Next}
		out.Did = fmt.Sprintf("Showed two consecutive codes of %s; the first expires in %d s.", acct.Label(), int(c.Remaining/time.Second))
		return out, nil
	case guide.ActionAddSeed:
		if t.SetupURI == "" {
			return out, fmt.Errorf("%w: the setup key link (otpauth://…) the console shows", ErrNeedsInput)
		}
		acct, err := a.AddURI(t.SetupURI)
		if err != nil {
			return out, err
		}
		out.Binding.AccountName = acct.Label()
		out.Did = "Kept the setup key of " + acct.Label() + " in the vault."
		return out, nil
	case guide.ActionAudit:
		rep, err := a.AWSAudit(ctx, t.Conn, nil)
		if err != nil {
			return out, err
		}
		out.Did = fmt.Sprintf("Audited AWS account %s: score %d/100.", rep.Account, rep.Score)
		return out, nil
	case guide.ActionOrgRootMFA:
		return out, a.removeMemberRootMFA(ctx, t, &out)
	}
	return out, fmt.Errorf("%w: step %s is not one Sparekey does", ErrNeedsInput, st.ID)
}

// removeMemberRootMFA deactivates the MFA devices of a member account's
// root user through centralized root access: the devices a preview finds
// are the only ones removed, and a second, audit-only root session must
// list none afterwards.
func (a *App) removeMemberRootMFA(ctx context.Context, t RecoveryTarget, out *RecoveryOutcome) error {
	account := t.Binding.AccountID
	if account == "" {
		return fmt.Errorf("%w: the member account's 12-digit ID", ErrNeedsInput)
	}
	account, err := awsmfa.ParseAccountID(account)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNeedsInput, err)
	}
	out.Binding.AccountID = account
	plan, err := a.AWSRootMFAPreview(ctx, t.Conn, account)
	if err != nil {
		return err
	}
	if len(plan.Devices) == 0 {
		out.Did = fmt.Sprintf("The root user of %s has no MFA device; nothing to remove.", account)
	} else {
		res, err := a.AWSRootMFADeactivate(ctx, t.Conn, plan, false)
		if res != nil && len(res.Deactivated) > 0 {
			out.Did = fmt.Sprintf("Deactivated %s from the root user of %s.", strings.Join(res.Deactivated, ", "), account)
			out.Binding.Serial = res.Deactivated[0]
		}
		if err != nil {
			return err
		}
	}
	after, err := a.AWSRootMFAPreview(ctx, t.Conn, account)
	if err != nil {
		return fmt.Errorf("%w: the devices could not be listed again: %w", ErrNotVerified, err)
	}
	if len(after.Devices) > 0 {
		return fmt.Errorf("%w: the root user of %s still has %s", ErrNotVerified, account, strings.Join(after.Devices, ", "))
	}
	out.Verified = fmt.Sprintf("A new root session lists no MFA device for the root user of %s.", account)
	if !after.Password {
		out.Verified += " It has no password yet: the organization's administrator must allow password recovery before it can sign in."
	}
	return nil
}

// restoredDevice finds the AWS-bound account a restore brought back.
func (a *App) restoredDevice(b guide.Binding) (*vault.Account, error) {
	v, err := a.Vault()
	if err != nil {
		return nil, err
	}
	if b.Serial != "" {
		if acct, ok := awsmfa.HeldSeeds(v)[b.Serial]; ok {
			return acct, nil
		}
		return nil, fmt.Errorf("%w: the backup does not hold device %s", ErrNotVerified, b.Serial)
	}
	if b.AccountName != "" {
		return findAWSAccount(v, b.AccountName)
	}
	for _, acct := range v.Accounts() {
		if acct.AWS != nil && acct.AWS.SerialNumber != "" {
			return acct, nil
		}
	}
	return nil, fmt.Errorf("%w: no AWS device came back from the backup", ErrNotVerified)
}

// verifyBySession proves a held device authenticates: STS grants a session
// for a fresh code. Only the device's own user can do that; for anyone
// else's device (an administrator's chore) the check is that AWS lists it.
func (a *App) verifyBySession(ctx context.Context, conn AWSConnection, acct *vault.Account, out *RecoveryOutcome) error {
	c, err := a.AWSClient(ctx, conn)
	if err != nil {
		return err
	}
	id, err := c.WhoAmI(ctx)
	if err != nil {
		return err
	}
	owner := acct.AWS.UserName
	if acct.AWS.Root || owner == "" || owner == id.UserName {
		if _, err := c.NewSession(ctx, acct, 15*time.Minute); err != nil {
			return fmt.Errorf("%w: STS refused a fresh code from %s: %w", ErrNotVerified, acct.Label(), err)
		}
		out.Verified = "STS accepted a fresh code from " + acct.Label() + "."
		return nil
	}
	devs, err := c.UserDevices(ctx, owner, nil)
	if err != nil {
		return err
	}
	for _, d := range devs {
		if d.SerialNumber == acct.AWS.SerialNumber {
			out.Verified = "AWS lists the device for " + owner + "; ask them to sign in with a fresh code."
			return nil
		}
	}
	return fmt.Errorf("%w: %s is not among %s's devices", ErrNotVerified, acct.AWS.SerialNumber, owner)
}

// verifyGone checks a device no longer appears in ListMFADevices.
func (a *App) verifyGone(ctx context.Context, conn AWSConnection, user, serial string, out *RecoveryOutcome) error {
	devs, err := a.AWSUserDevices(ctx, conn, user)
	if err != nil {
		return err
	}
	for _, d := range devs {
		if d.SerialNumber == serial {
			return fmt.Errorf("%w: %s is still listed for %s", ErrNotVerified, serial, or(user, "you"))
		}
	}
	out.Verified = fmt.Sprintf("%s is gone from %s's devices (%d left).", serial, or(user, "your"), len(devs))
	return nil
}

// RecoveryBinding fills what Sparekey knows of an identity from the vault's
// AWS bindings: the account ID, and the serial of the device bound to that
// user (or to root). Nothing secret.
func (a *App) RecoveryBinding(b guide.Binding, root bool) guide.Binding {
	v := a.vaultIfOpen()
	if v == nil {
		return b
	}
	for _, acct := range v.Accounts() {
		w := acct.AWS
		if w == nil || w.SerialNumber == "" {
			continue
		}
		if root != w.Root || (!root && b.UserName != "" && !strings.EqualFold(w.UserName, b.UserName)) {
			continue
		}
		if b.AccountID == "" {
			b.AccountID = w.AccountID
		}
		if b.Serial == "" {
			b.Serial = w.SerialNumber
		}
		if b.UserName == "" && !root {
			b.UserName = w.UserName
		}
		if b.AccountName == "" {
			b.AccountName = acct.Label()
		}
		break
	}
	return b
}
