package practice

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// STS session durations (seconds).
const (
	defaultSessionSeconds = 43200
	rootMaxSessionSeconds = 3600
)

var (
	errSessionCaller = &apiError{403, "AccessDenied", "Cannot call GetSessionToken with session credentials"}
	errMFASerial     = &apiError{403, "AccessDenied",
		"MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."}
	errMFACode = &apiError{403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code."}
)

// getSessionToken issues session credentials. With SerialNumber and
// TokenCode they carry MFA (aws:MultiFactorAuthPresent) and the code's step
// is consumed. The root user's sessions last at most an hour: AWS shortens
// longer requests silently rather than failing them.
func (c *call) getSessionToken(in sessionInput) (any, *apiError) {
	if c.key.isSession() {
		return nil, errSessionCaller
	}
	seconds := in.Duration
	if seconds == 0 {
		seconds = defaultSessionSeconds
	}
	if c.isRoot() && seconds > rootMaxSessionSeconds {
		seconds = rootMaxSessionSeconds
	}
	mfa := false
	if in.Serial != "" || in.TokenCode != "" {
		d := c.st.Devices[in.Serial]
		if d == nil || d.Owner != c.callerName() {
			return nil, errMFASerial
		}
		if in.TokenCode == "" || !d.authenticate(c.now, in.TokenCode) {
			return nil, errMFACode
		}
		mfa = true
	}
	c.st.dropExpiredSessions(c.now)
	token := make([]byte, 180)
	rand.Read(token)
	k := &accessKey{
		ID:           "ASIA" + randomID(16),
		Secret:       randomSecret(),
		Principal:    c.callerName(),
		Created:      c.now.UTC().Truncate(time.Second),
		SessionToken: base64.StdEncoding.EncodeToString(token),
		Expiration:   c.now.UTC().Truncate(time.Second).Add(time.Duration(seconds) * time.Second),
		MFAPresent:   mfa,
	}
	if mfa {
		k.MFASerial = in.Serial
	}
	c.st.Keys[k.ID] = k
	type creds struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      isoTime
	}
	return struct{ Credentials creds }{creds{k.ID, k.Secret, k.SessionToken, isoTime(k.Expiration)}}, nil
}

func (c *call) getCallerIdentity(noInput) (any, *apiError) {
	userID := c.st.AccountID
	switch {
	case c.key.isRoleSession():
		userID = c.st.Roles[c.key.Role].ID + ":" + c.key.RoleSession
	case !c.isRoot():
		userID = c.st.Users[c.callerName()].ID
	}
	return struct {
		UserID  string `xml:"UserId"`
		Account string
		Arn     string
	}{userID, c.st.AccountID, c.st.callerArn(c.key)}, nil
}
