package practice

import (
	"errors"
	"time"
)

// Options configure a practice account.
type Options struct {
	// StatePath is the JSON file the account lives in; "" keeps it in memory.
	// The file holds the practice account's seeds and keys, so it is written
	// 0600 and atomically.
	StatePath string
	// Now is the server's clock; nil means time.Now. Tests pin it to check
	// codes computed by oathtool --now.
	Now func() time.Time
	// AccountID is the 12-digit account id; "" means "123456789012".
	AccountID string
	// TimeoutFault bounds how long a FaultTimeout request hangs when the
	// client does not give up first; 0 means 30 s.
	TimeoutFault time.Duration
	// MemberAccounts makes the practice account the management account of
	// an Organization with this many member accounts, each a practice
	// account from the same preset with an OrganizationAccountAccessRole
	// trusting the management account. 0 keeps a single account.
	MemberAccounts int
	// Latency delays every AWS call by this much before it is answered, so
	// scale can be rehearsed; 0 answers at once.
	Latency time.Duration
}

// DefaultAccountID is the account id of a practice account unless Options say
// otherwise (the id AWS uses in its documentation).
const DefaultAccountID = "123456789012"

// Credentials are an access key pair, plus a session token for session
// credentials issued by GetSessionToken. They belong to the practice account
// only.
type Credentials struct{ AccessKeyID, SecretAccessKey, SessionToken string }

// Fault is a failure the server can be told to produce for a drill or test.
type Fault string

const (
	// FaultThrottle answers 400 Throttling "Rate exceeded".
	FaultThrottle Fault = "throttle"
	// FaultServerError answers 500 ServiceFailure.
	FaultServerError Fault = "server-error"
	// FaultTimeout hangs until the client gives up (bounded by
	// Options.TimeoutFault), then answers 500 ServiceFailure.
	FaultTimeout Fault = "timeout"
	// FaultAccessDenied answers 403 AccessDenied (AccessDeniedException in
	// Organizations), as a service control policy would.
	FaultAccessDenied Fault = "access-denied"
)

// AnyOperation as the op of InjectFault matches every AWS operation.
const AnyOperation = "*"

// Preset names a starting state for the practice account.
type Preset string

const (
	// PresetDefault: root without MFA; "practice-admin" (all permissions);
	// "alice" with one enabled virtual device "alice"; "bob" without MFA.
	PresetDefault Preset = "default"
	// PresetRootWithDevice is PresetDefault plus a single enabled virtual
	// device "root-account-mfa-device" on the root user.
	PresetRootWithDevice Preset = "root-single-device"
)

// Well-known principals of the presets.
const (
	AdminUser = "practice-admin"
	AliceUser = "alice"
	BobUser   = "bob"
	// RootDeviceName is the name of the root device in PresetRootWithDevice,
	// the name the console gave root devices for years.
	RootDeviceName = "root-account-mfa-device"
)

var (
	// ErrNoSuchDevice: no device has that serial number.
	ErrNoSuchDevice = errors.New("no such MFA device")
	// ErrNoSuchUser: no IAM user has that name.
	ErrNoSuchUser = errors.New("no such IAM user")
	// ErrSeedLost: the device was "lost" (LoseDevice); its seed is gone for
	// the drill, though AWS still has the device.
	ErrSeedLost = errors.New("the seed of this device was lost (practice drill)")
	// ErrUnknownPreset: Reset got a preset name it does not know.
	ErrUnknownPreset = errors.New("unknown practice preset")
	// ErrUnknownFault: a fault name that is not one of the Fault constants.
	ErrUnknownFault = errors.New("unknown practice fault")
)
