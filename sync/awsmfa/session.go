package awsmfa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sparekey/sparekey/vault"
)

// Session is a set of STS session credentials obtained with an MFA code.
// Its String method hides the secrets so it can never leak through a log.
type Session struct {
	AccessKeyID     string    `json:"access_key_id"`
	SecretAccessKey string    `json:"secret_access_key"`
	SessionToken    string    `json:"session_token"`
	Expiration      time.Time `json:"expiration"`
	SerialNumber    string    `json:"serial_number"`
}

func (s *Session) String() string {
	return fmt.Sprintf("MFA session (expires %s)", s.Expiration.UTC().Format(time.RFC3339))
}

// GoString keeps %#v from printing the secrets.
func (s *Session) GoString() string { return s.String() }

// Valid reports whether the session is usable for at least margin more.
func (s *Session) Valid(now time.Time, margin time.Duration) bool {
	return s != nil && s.AccessKeyID != "" && s.SessionToken != "" && now.Add(margin).Before(s.Expiration)
}

// Credentials converts the session for Options.Credentials; clients built
// with them report MFA = yes in WhoAmI.
func (s *Session) Credentials() *Credentials {
	return &Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken, FromMFASession: true}
}

// Provider returns the session as an SDK credentials provider.
func (s *Session) Provider() aws.CredentialsProvider {
	creds := aws.Credentials{
		AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken,
		Source: CredentialSourceMFASession, CanExpire: true, Expires: s.Expiration,
	}
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })
}

// ProcessOutput is the JSON document the AWS CLI and SDKs read from a
// credential_process (Version 1).
type ProcessOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken"`
	Expiration      string `json:"Expiration"`
}

// WriteProcessCredentials prints s in the credential_process format. This is
// the one place session secrets are written out, to the process that asked.
func WriteProcessCredentials(w io.Writer, s *Session) error {
	return json.NewEncoder(w).Encode(ProcessOutput{
		Version: 1, AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey,
		SessionToken: s.SessionToken, Expiration: s.Expiration.UTC().Format(time.RFC3339),
	})
}

// SessionCache keeps MFA sessions in a keyring, one entry per connection
// label ("aws-session:<profile>"), so repeated CLI calls reuse a session
// until it is about to expire.
type SessionCache struct {
	Keyring vault.Keyring
	// Margin is how long before expiry a cached session is renewed (default 5 min).
	Margin time.Duration
	Now    func() time.Time
}

// SessionKeyName is the keyring entry name for a connection's session.
func SessionKeyName(label string) string { return "aws-session:" + label }

func (sc SessionCache) now() time.Time {
	if sc.Now != nil {
		return sc.Now()
	}
	return time.Now()
}

func (sc SessionCache) margin() time.Duration {
	if sc.Margin > 0 {
		return sc.Margin
	}
	// The aws CLI (botocore) refreshes credentials it holds for less than
	// ten minutes before every request; handing out shorter ones would make
	// it run the credential_process each time.
	return 10 * time.Minute
}

// Get returns the cached session for label if it is still valid. Keyring
// failures count as a miss: the cache is an optimisation.
func (sc SessionCache) Get(label string) (*Session, bool) {
	if sc.Keyring == nil {
		return nil, false
	}
	raw, err := sc.Keyring.Get(SessionKeyName(label))
	if err != nil {
		return nil, false
	}
	var s Session
	if json.Unmarshal([]byte(raw), &s) != nil || !s.Valid(sc.now(), sc.margin()) {
		return nil, false
	}
	return &s, true
}

// Put stores s for label.
func (sc SessionCache) Put(label string, s *Session) error {
	if sc.Keyring == nil {
		return nil
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := sc.Keyring.Set(SessionKeyName(label), string(raw)); err != nil {
		return fmt.Errorf("caching the MFA session in the keyring: %w", err)
	}
	return nil
}

// Forget drops the cached session for label.
func (sc SessionCache) Forget(label string) {
	if sc.Keyring != nil {
		_ = sc.Keyring.Delete(SessionKeyName(label))
	}
}

// ErrNoHeldDevice: the vault holds no seed for a device of this connection.
var ErrNoHeldDevice = errors.New("the vault holds no MFA device for this AWS profile")

// SessionDevice picks the vault account whose device signs MFA sessions for
// this connection: the one with serial mfaSerial if given (the profile's
// mfa_serial), else the only usable AWS account bound to the connection's
// label, else the one matching the caller (one GetCallerIdentity call).
func (c *Client) SessionDevice(ctx context.Context, v *vault.Vault, mfaSerial string) (*vault.Account, error) {
	held := HeldSeeds(v)
	if mfaSerial != "" {
		if a, ok := held[mfaSerial]; ok {
			return a, nil
		}
		return nil, &Error{Op: "GetSessionToken", Kind: ErrNoHeldDevice, Err: ErrNoHeldDevice, Fix: vault.RemedyEnroll,
			Guidance: "The profile's mfa_serial " + mfaSerial + " is not a device whose seed Sparekey holds. Enroll Sparekey as a device, or fix mfa_serial."}
	}
	var candidates []*vault.Account
	for _, a := range held {
		if a.AWS.Profile == c.opts.Label && !a.AWS.Root && usable(a) {
			candidates = append(candidates, a)
		}
	}
	if len(candidates) != 1 {
		id, err := c.WhoAmI(ctx)
		if err != nil {
			return nil, err
		}
		candidates = candidates[:0]
		for _, a := range held {
			if a.AWS.AccountID == id.Account && a.AWS.UserName == id.UserName && id.UserName != "" && usable(a) {
				candidates = append(candidates, a)
			}
		}
	}
	if len(candidates) == 0 {
		return nil, &Error{Op: "GetSessionToken", Kind: ErrNoHeldDevice, Err: ErrNoHeldDevice, Fix: vault.RemedyEnroll,
			Guidance: "Sparekey holds no MFA device for profile " + c.opts.Label + ". Enroll one first, with that profile."}
	}
	// Several devices of the same user all work; take the newest.
	slices.SortFunc(candidates, func(a, b *vault.Account) int { return b.Created.Compare(a.Created) })
	return candidates[0], nil
}

func usable(a *vault.Account) bool {
	return !slices.ContainsFunc(a.Tags, func(t string) bool {
		return t == TagEnrolling || t == TagNeedsAttention || t == TagRetired
	})
}

// NewSession asks STS GetSessionToken for a session of the given length
// (0 means 12 hours) with a code of acct's device. A code already used in
// this period is refused by AWS, so the next period's code is tried once.
func (c *Client) NewSession(ctx context.Context, acct *vault.Account, duration time.Duration) (*Session, error) {
	if acct.AWS == nil || acct.AWS.SerialNumber == "" {
		return nil, &Error{Op: "GetSessionToken", Kind: ErrNoHeldDevice, Err: ErrNoHeldDevice, Guidance: acct.Label() + " is not bound to an AWS MFA device."}
	}
	if duration == 0 {
		duration = 12 * time.Hour
	}
	seconds := int32(min(max(duration, 15*time.Minute), 36*time.Hour) / time.Second)
	if acct.AWS.Root {
		seconds = min(seconds, 3600)
	}
	step := acct.Step(c.now())
	s, err := c.getSession(ctx, acct.AWS.SerialNumber, acct, step, seconds)
	if errors.Is(err, ErrInvalidCode) {
		s, err = c.getSession(ctx, acct.AWS.SerialNumber, acct, step+1, seconds)
	}
	return s, err
}
