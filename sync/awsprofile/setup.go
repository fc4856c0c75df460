package awsprofile

import (
	"strings"
)

// Setup is one change setup-profile makes to the config file.
type Setup struct {
	// Profile is the profile Sparekey serves (a role profile or one with
	// long-term keys); As is the profile whose credential_process runs
	// Sparekey for it. They must differ: the aws CLI prefers role_arn to
	// credential_process in one profile, and a profile serving itself
	// would loop.
	Profile, As string
	// MFASerial goes into MFASerialProfile's section ("" = no change).
	MFASerial, MFASerialProfile string
	// Program is how credential_process starts Sparekey ("sparekey").
	Program string
}

// CredentialProcess is the credential_process line's value.
func (s Setup) CredentialProcess() string {
	return s.Program + " aws credentials --profile " + ShellQuote(s.Profile)
}

// copiedKeys go from Profile to As when As lacks them, so requests made
// with As reach the same region and endpoint as those made with Profile.
var copiedKeys = []string{"region", "endpoint_url", "services"}

// Apply returns the config file with the setup's edits, everything else
// byte for byte as it was.
func (s Setup) Apply(data []byte) []byte {
	f := ParseConfig(data)
	if s.MFASerial != "" {
		f.Set(ProfileSection(s.MFASerialProfile), "mfa_serial", s.MFASerial)
	}
	from, to := ProfileSection(s.Profile), ProfileSection(s.As)
	f.Set(to, "credential_process", s.CredentialProcess())
	for _, k := range copiedKeys {
		if v, ok := f.Get(from, k); ok && v != "" {
			if _, has := f.Get(to, k); !has {
				f.Set(to, k, v)
			}
		}
	}
	return f.Bytes()
}

// ShellQuote quotes s for a credential_process line when it needs it:
// the Go SDK runs the line with sh -c and botocore splits it like a
// POSIX shell, and single quotes mean the same to both.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./:=@+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
