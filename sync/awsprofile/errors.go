package awsprofile

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors: what callers tell apart with errors.Is. A *ProfileError
// or *RoleError matches its kind.
var (
	ErrNoSuchProfile        = errors.New("no such AWS profile")
	ErrMissingSourceProfile = errors.New("a role profile's source_profile is missing")
	ErrProfileLoop          = errors.New("the profiles' source_profile settings go round in a loop")
	ErrNoLongTermSource     = errors.New("the role profile does not start from long-term access keys")
	ErrRoleDenied           = errors.New("AWS refused to let this identity assume the role")
	ErrSourceExpired        = errors.New("the MFA session used to assume the role has expired or was revoked")
	ErrAssumeRole           = errors.New("assuming the role failed")
)

// ProfileError is a fault in the shared config files: found before any
// call to AWS, so nothing was asked of STS and nothing was cached.
type ProfileError struct {
	Profile string   // the profile asked for
	Path    []string // the source_profile chain followed, when it matters
	Missing string   // the profile named but not found (ErrMissingSourceProfile)
	Kind    error
	Err     error // the SDK's error, when there was one
}

func (e *ProfileError) Error() string {
	switch e.Kind {
	case ErrNoSuchProfile:
		return fmt.Sprintf("there is no AWS profile %q in the config or credentials file; check the name, or add the profile", e.Profile)
	case ErrMissingSourceProfile:
		if e.Missing == "" {
			return fmt.Sprintf("profile %q has a role_arn but no source_profile, so nothing says whose keys assume the role; add source_profile = the profile holding your long-term keys", e.Profile)
		}
		return fmt.Sprintf("profile %q takes its credentials from source_profile %q, which does not exist; add that profile or correct source_profile", e.Profile, e.Missing)
	case ErrProfileLoop:
		return fmt.Sprintf("the source_profile settings go round in a loop (%s), so no profile holds the keys to start from; point the last one at the profile with your long-term keys", strings.Join(e.Path, " → "))
	case ErrNoLongTermSource:
		return fmt.Sprintf("profile %q starts from %s, not from long-term access keys; an MFA session can only be requested with an IAM user's access keys, so give the chain a source_profile that holds them", e.Profile, strings.Join(e.Path, " → "))
	}
	if e.Err != nil {
		return fmt.Sprintf("reading AWS profile %q: %v", e.Profile, e.Err)
	}
	return fmt.Sprintf("AWS profile %q: %v", e.Profile, e.Kind)
}

func (e *ProfileError) Is(target error) bool { return e.Kind == target }
func (e *ProfileError) Unwrap() error        { return e.Err }

// RoleError is a failed AssumeRole call for one profile of a chain.
type RoleError struct {
	Profile string
	RoleARN string
	Chained bool   // the caller was itself a role session, not the MFA session
	Code    string // AWS's error code, when AWS answered
	Message string // AWS's message (it names ARNs, never secrets)
	Kind    error
	Err     error
}

func (e *RoleError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "profile %q: %v (%s)", e.Profile, e.Kind, e.RoleARN)
	if e.Code != "" {
		b.WriteString(": " + e.Code)
		if e.Message != "" {
			b.WriteString(": " + e.Message)
		}
	} else if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	switch {
	case e.Kind == ErrRoleDenied && e.Chained:
		b.WriteString(". This role is assumed from another role's session, which carries no MFA: its trust policy must trust that role without an MFA condition, or give the profile a source_profile with your keys")
	case e.Kind == ErrRoleDenied:
		b.WriteString(". Check role_arn and external_id, and ask the role's owner to trust your user (with MFA)")
	case e.Kind == ErrSourceExpired:
		b.WriteString(". A new MFA session is needed")
	}
	return b.String()
}

func (e *RoleError) Is(target error) bool { return e.Kind == target }
func (e *RoleError) Unwrap() error        { return e.Err }
