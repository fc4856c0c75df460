package vault

import "errors"

// Remedy names what a person can do about an error, without saying how.
// Domain packages attach one to the errors they return; each front end
// offers it in its own terms: the command line prints the command to
// run, the window shows a button or opens the right tab. Keeping commands
// out of error text is what lets a desktop user read the same error
// without being sent to a terminal (the way age keeps its hints in
// cmd/age, not in the library).
type Remedy int

const (
	RemedyNone Remedy = iota
	// RemedyImport: the input holds many accounts; use the importer.
	RemedyImport
	// RemedyEnterSecret: the input is not a link; type the key by hand.
	RemedyEnterSecret
	// RemedyImportKey: the vault's key is not here; bring it in.
	RemedyImportKey
	// RemedyCreateVault: there is no vault yet.
	RemedyCreateVault
	// RemedyListAccounts: the name matched nothing; see every account.
	RemedyListAccounts
	// RemedyDeleteOrphans: unassigned AWS devices are in the way.
	RemedyDeleteOrphans
	// RemedyListOrphans: a device may have been left behind; look.
	RemedyListOrphans
	// RemedyResync: the AWS device drifted out of step with its codes.
	RemedyResync
	// RemedyMFASession: get AWS session credentials backed by MFA.
	RemedyMFASession
	// RemedyEnroll: no device is held yet; enroll one.
	RemedyEnroll
	// RemedyListDevices: the device named is not among the current ones.
	RemedyListDevices
	// RemedyReplaceDevice: swap a device for a new one.
	RemedyReplaceDevice
	// RemedyResumeReplace: a device replacement stopped part way.
	RemedyResumeReplace
	// RemedyRestoreBackup: the data is damaged; restore it from a backup.
	RemedyRestoreBackup
	// RemedyConsoleResync: show the two codes to type into the AWS
	// console's resync form (root devices).
	RemedyConsoleResync
)

var remedyNames = [...]string{
	RemedyNone:          "none",
	RemedyImport:        "import",
	RemedyEnterSecret:   "enter-secret",
	RemedyImportKey:     "import-key",
	RemedyCreateVault:   "create-vault",
	RemedyListAccounts:  "list-accounts",
	RemedyDeleteOrphans: "delete-orphans",
	RemedyListOrphans:   "list-orphans",
	RemedyResync:        "resync",
	RemedyMFASession:    "mfa-session",
	RemedyEnroll:        "enroll",
	RemedyListDevices:   "list-devices",
	RemedyReplaceDevice: "replace-device",
	RemedyResumeReplace: "resume-replace",
	RemedyRestoreBackup: "restore-backup",
	RemedyConsoleResync: "console-resync",
}

// String is a stable name for logs and tests, never shown to people.
func (r Remedy) String() string {
	if r >= 0 && int(r) < len(remedyNames) {
		return remedyNames[r]
	}
	return "unknown"
}

// Remedied is an error that knows what to do about it.
type Remedied interface {
	error
	Remedy() Remedy
}

// RemedyOf is the remedy carried by err or anything it wraps, or
// RemedyNone.
func RemedyOf(err error) Remedy {
	var r Remedied
	if errors.As(err, &r) {
		return r.Remedy()
	}
	return RemedyNone
}

// WithRemedy wraps err so that RemedyOf finds r; errors.Is and As still
// see err. A nil err stays nil.
func WithRemedy(err error, r Remedy) error {
	if err == nil {
		return nil
	}
	return &remediedError{err: err, fix: r}
}

type remediedError struct {
	err error
	fix Remedy
}

func (e *remediedError) Error() string  { return e.err.Error() }
func (e *remediedError) Unwrap() error  { return e.err }
func (e *remediedError) Remedy() Remedy { return e.fix }

// remediedSentinel is a sentinel error (compared with errors.Is) that
// carries its remedy.
type remediedSentinel struct {
	msg string
	fix Remedy
}

func (e *remediedSentinel) Error() string  { return e.msg }
func (e *remediedSentinel) Remedy() Remedy { return e.fix }
