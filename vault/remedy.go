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
	// RemedyImportWithPassword: the export has its own password; give it.
	RemedyImportWithPassword
	// RemedyGivePassphrase: the vault needs its passphrase to open.
	RemedyGivePassphrase
	// RemedyAcknowledgePlaintext: a plaintext export needs a clear yes.
	RemedyAcknowledgePlaintext
	// RemedyBackupToRecipients: make a backup by hand, encrypted to keys
	// the automatic ones cannot use (post-quantum age recipients).
	RemedyBackupToRecipients
	// RemedyExportKey: keep a copy of the vault key off this computer.
	RemedyExportKey
	// RemedyBackupIdentity: the backup was made for another key; give it.
	RemedyBackupIdentity
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

	RemedyImportWithPassword:   "import-with-password",
	RemedyGivePassphrase:       "give-passphrase",
	RemedyAcknowledgePlaintext: "acknowledge-plaintext",
	RemedyBackupToRecipients:   "backup-to-recipients",
	RemedyExportKey:            "export-key",
	RemedyBackupIdentity:       "backup-identity",
}

// String is a stable name for logs and tests, never shown to people.
func (r Remedy) String() string {
	if r >= 0 && int(r) < len(remedyNames) {
		return remedyNames[r]
	}
	return "unknown"
}

// RemedyArgs are what a remedy acts on, when the error knows them: the
// command line puts them in the command it prints (--serial X), the
// window's button acts on them. Empty fields are unknown.
type RemedyArgs struct {
	File    string // a file to read: an export, a backup
	Account string // a vault account, as the person named it
	User    string // an IAM user name
	Serial  string // an MFA device's serial number (its ARN)
}

// Remedied is an error that knows what to do about it.
type Remedied interface {
	error
	Remedy() Remedy
}

// remedyArgsCarrier is an error that also knows what its remedy acts on.
type remedyArgsCarrier interface {
	RemedyArgs() RemedyArgs
}

// RemedyArgsOf is what the remedy of err acts on, from the first error
// in its chain that says.
func RemedyArgsOf(err error) RemedyArgs {
	var c remedyArgsCarrier
	if errors.As(err, &c) {
		return c.RemedyArgs()
	}
	return RemedyArgs{}
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

// WithRemedyArgs is WithRemedy for a remedy that acts on something: the
// file, the account, the user or the device named in args.
func WithRemedyArgs(err error, r Remedy, args RemedyArgs) error {
	if err == nil {
		return nil
	}
	return &remediedError{err: err, fix: r, args: args}
}

type remediedError struct {
	err  error
	fix  Remedy
	args RemedyArgs
}

func (e *remediedError) Error() string          { return e.err.Error() }
func (e *remediedError) Unwrap() error          { return e.err }
func (e *remediedError) Remedy() Remedy         { return e.fix }
func (e *remediedError) RemedyArgs() RemedyArgs { return e.args }

// remediedSentinel is a sentinel error (compared with errors.Is) that
// carries its remedy.
type remediedSentinel struct {
	msg string
	fix Remedy
}

func (e *remediedSentinel) Error() string  { return e.msg }
func (e *remediedSentinel) Remedy() Remedy { return e.fix }
