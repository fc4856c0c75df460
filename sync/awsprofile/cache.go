package awsprofile

import (
	"encoding/json"
	"fmt"
	"time"
)

// Keyring is where role sessions are cached; vault.Keyring satisfies it.
type Keyring interface {
	Get(name string) (string, error)
	Set(name, secret string) error
	Delete(name string) error
}

// RoleCache keeps each role profile's session in the keyring until
// shortly before it expires, so a credential_process run answers without
// calling STS. An entry is tied to the chain it came from: after an edit
// of role_arn, external_id or source_profile it is not reused.
type RoleCache struct {
	Keyring Keyring
	// Margin is how long before expiry an entry stops being used. The
	// default, 10 minutes, is botocore's mandatory refresh window: the
	// aws CLI asks again for credentials that expire sooner than that, so
	// handing it such a session would only make it call Sparekey before
	// every request.
	Margin time.Duration
	Now    func() time.Time
}

// RoleSessionKeyName is the keyring entry of a role profile's session.
func RoleSessionKeyName(profile string) string { return "aws-role-session:" + profile }

type cachedRole struct {
	Credentials
	Chain string `json:"chain"`
}

func (rc RoleCache) valid(c Credentials) bool {
	now, margin := time.Now, rc.Margin
	if rc.Now != nil {
		now = rc.Now
	}
	if margin <= 0 {
		margin = 10 * time.Minute
	}
	return c.AccessKeyID != "" && c.SessionToken != "" && now().Add(margin).Before(c.Expiration)
}

// Get returns the cached session of ch's profile if it is still good.
// Keyring failures are a miss: the cache only saves a call to STS.
func (rc RoleCache) Get(ch *Chain) (Credentials, bool) {
	if rc.Keyring == nil {
		return Credentials{}, false
	}
	raw, err := rc.Keyring.Get(RoleSessionKeyName(ch.Profile))
	if err != nil {
		return Credentials{}, false
	}
	var e cachedRole
	if json.Unmarshal([]byte(raw), &e) != nil || e.Chain != ch.Fingerprint() || !rc.valid(e.Credentials) {
		return Credentials{}, false
	}
	return e.Credentials, true
}

// Put caches c for ch's profile.
func (rc RoleCache) Put(ch *Chain, c Credentials) error {
	if rc.Keyring == nil {
		return nil
	}
	raw, err := json.Marshal(cachedRole{Credentials: c, Chain: ch.Fingerprint()})
	if err != nil {
		return err
	}
	if err := rc.Keyring.Set(RoleSessionKeyName(ch.Profile), string(raw)); err != nil {
		return fmt.Errorf("caching the role session in the keyring: %w", err)
	}
	return nil
}

// Forget drops profile's cached role session.
func (rc RoleCache) Forget(profile string) {
	if rc.Keyring != nil {
		_ = rc.Keyring.Delete(RoleSessionKeyName(profile))
	}
}
