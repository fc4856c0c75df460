package awsprofile

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Files are the shared config and credentials files to read.
type Files struct {
	Config      []string
	Credentials []string
}

// DefaultFiles are the files the aws CLI reads: $AWS_CONFIG_FILE and
// $AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials.
// (config.LoadSharedConfigProfile on its own ignores both variables.)
func DefaultFiles() Files {
	f := Files{Config: []string{config.DefaultSharedConfigFilename()}, Credentials: []string{config.DefaultSharedCredentialsFilename()}}
	if p := os.Getenv("AWS_CONFIG_FILE"); p != "" {
		f.Config = []string{p}
	}
	if p := os.Getenv("AWS_SHARED_CREDENTIALS_FILE"); p != "" {
		f.Credentials = []string{p}
	}
	return f
}

// Role is one AssumeRole step of a chain, as its profile describes it.
type Role struct {
	Profile     string
	RoleARN     string
	ExternalID  string
	SessionName string        // role_session_name ("" = Sparekey picks one)
	Duration    time.Duration // duration_seconds (0 = AWS's default, 1 hour)
	MFASerial   string
}

// Chain is how a profile gets its credentials: the long-term keys of
// Source, one MFA session of that identity, then each role in turn.
type Chain struct {
	Profile string
	// Source is the profile that holds the long-term keys.
	Source string
	// SourceKeys are its static keys (HasKeys is false when the source
	// gets credentials some other way, e.g. a credential_process).
	SourceKeys aws.Credentials
	// Roles run from the source outward; the last is Profile's own role.
	// Empty for a profile that is not a role profile.
	Roles []Role
	// MFASerial is the device that signs the source's MFA session: the
	// mfa_serial nearest to the source along the chain, else the
	// source's own.
	MFASerial string
	// MFASerialProfile is the profile MFASerial was read from.
	MFASerialProfile string
}

// IsRole reports whether the profile assumes a role.
func (c *Chain) IsRole() bool { return len(c.Roles) > 0 }

// Prefix is the chain up to and including role i: how the profile of
// that role gets its credentials. Its fingerprint is the one resolving
// that profile directly gives, so chains share cached intermediate roles.
func (c *Chain) Prefix(i int) *Chain {
	p := *c
	p.Roles = c.Roles[: i+1 : i+1]
	p.Profile = c.Roles[i].Profile
	return &p
}

// Fingerprint identifies what the chain would assume, so a cached role
// session is not reused after the config changed under it.
func (c *Chain) Fingerprint() string {
	parts := []string{c.Source}
	for _, r := range c.Roles {
		parts = append(parts, r.RoleARN+"|"+r.ExternalID+"|"+r.SessionName)
	}
	return strings.Join(parts, ";")
}

// Resolve reads profile's chain with the SDK's own shared-config loader
// (config.SharedConfig exposes role_arn, source_profile, mfa_serial,
// external_id, role_session_name and duration_seconds, and links source
// profiles), so Sparekey follows a chain exactly as the Go SDK does. Only
// loop detection reads the files itself: the SDK reports a loop as a
// source profile without credentials.
func Resolve(ctx context.Context, profile string, files Files) (*Chain, error) {
	sc, err := config.LoadSharedConfigProfile(ctx, profile, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles, o.CredentialsFiles = files.Config, files.Credentials
	})
	if err != nil {
		return nil, sharedConfigError(profile, files, err)
	}
	ch := &Chain{Profile: profile}
	cur := &sc
	var path []string
	for cur.RoleARN != "" {
		path = append(path, cur.Profile)
		r := Role{Profile: cur.Profile, RoleARN: cur.RoleARN, ExternalID: cur.ExternalID, SessionName: cur.RoleSessionName, MFASerial: cur.MFASerial}
		if cur.RoleDurationSeconds != nil {
			r.Duration = *cur.RoleDurationSeconds
		}
		ch.Roles = append(ch.Roles, r)
		if cur.Source == nil {
			if cur.CredentialSource != "" {
				return nil, &ProfileError{Profile: profile, Path: append(path, "credential_source "+cur.CredentialSource), Kind: ErrNoLongTermSource}
			}
			return nil, &ProfileError{Profile: cur.Profile, Kind: ErrMissingSourceProfile}
		}
		cur = cur.Source
	}
	slices.Reverse(ch.Roles)
	ch.Source = cur.Profile
	if cur.Credentials.HasKeys() {
		ch.SourceKeys = cur.Credentials
	}
	for _, r := range ch.Roles {
		if r.MFASerial != "" {
			ch.MFASerial, ch.MFASerialProfile = r.MFASerial, r.Profile
			break
		}
	}
	if ch.MFASerial == "" && cur.MFASerial != "" {
		ch.MFASerial, ch.MFASerialProfile = cur.MFASerial, cur.Profile
	}
	if ch.IsRole() && !ch.SourceKeys.HasKeys() {
		what := "profile " + cur.Profile
		switch {
		case cur.CredentialProcess != "":
			what += " (a credential_process)"
		case cur.SSOSessionName != "" || cur.SSOStartURL != "":
			what += " (AWS IAM Identity Center sign-in)"
		case cur.WebIdentityTokenFile != "":
			what += " (a web identity token)"
		}
		return nil, &ProfileError{Profile: profile, Path: append(path, what), Kind: ErrNoLongTermSource}
	}
	return ch, nil
}

func sharedConfigError(profile string, files Files, err error) error {
	var notExist config.SharedConfigProfileNotExistError
	var roleErr config.SharedConfigAssumeRoleError
	switch {
	case errors.As(err, &roleErr) && errors.As(roleErr.Err, &notExist):
		return &ProfileError{Profile: profile, Missing: notExist.Profile, Kind: ErrMissingSourceProfile, Err: err}
	case errors.As(err, &notExist):
		return &ProfileError{Profile: profile, Kind: ErrNoSuchProfile, Err: err}
	case errors.As(err, &roleErr):
		if loop := findLoop(profile, files); loop != nil {
			return &ProfileError{Profile: profile, Path: loop, Kind: ErrProfileLoop, Err: err}
		}
		return &ProfileError{Profile: profile, Path: []string{"profile " + roleErr.Profile + ", which has no credentials"}, Kind: ErrNoLongTermSource, Err: err}
	}
	return &ProfileError{Profile: profile, Kind: errors.New("the AWS config files could not be read"), Err: err}
}

// findLoop follows source_profile from profile and returns the path when
// it comes back to a profile already visited. A profile naming itself
// while holding keys is the SDK's supported "self-source" and no loop.
func findLoop(profile string, files Files) []string {
	var configs, creds []*ConfigFile
	for _, p := range files.Config {
		if data, err := os.ReadFile(p); err == nil {
			configs = append(configs, ParseConfig(data))
		}
	}
	for _, p := range files.Credentials {
		if data, err := os.ReadFile(p); err == nil {
			creds = append(creds, ParseConfig(data))
		}
	}
	lookup := func(name, key string) string {
		for _, f := range configs {
			if v, ok := f.Get(ProfileSection(name), key); ok {
				return v
			}
		}
		for _, f := range creds {
			if v, ok := f.Get(name, key); ok {
				return v
			}
		}
		return ""
	}
	seen := map[string]bool{}
	path := []string{profile}
	for cur := profile; ; {
		seen[cur] = true
		next := lookup(cur, "source_profile")
		if next == "" || (next == cur && lookup(cur, "aws_access_key_id") != "") {
			return nil
		}
		path = append(path, next)
		if seen[next] {
			return path
		}
		cur = next
	}
}
