package awsmfa

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// PrincipalKind is what sort of identity the credentials belong to.
type PrincipalKind string

const (
	PrincipalRoot          PrincipalKind = "root"
	PrincipalUser          PrincipalKind = "user"
	PrincipalAssumedRole   PrincipalKind = "assumed-role"
	PrincipalFederatedUser PrincipalKind = "federated-user"
	PrincipalOther         PrincipalKind = "other"
)

// MFAState says whether the current credentials carry MFA.
type MFAState string

const (
	MFAYes     MFAState = "yes"
	MFANo      MFAState = "no"
	MFAUnknown MFAState = "unknown"
)

// Identity is who the credentials are, from STS GetCallerIdentity, plus what
// Sparekey can tell about MFA from the credentials themselves.
type Identity struct {
	Account   string        `json:"account"`
	Arn       string        `json:"arn"`
	UserID    string        `json:"user_id"`
	Partition string        `json:"partition"`
	Kind      PrincipalKind `json:"kind"`
	// UserName is the IAM user name (empty for root and roles).
	UserName string `json:"user_name,omitempty"`
	// MFA and MFAReason explain whether requests made with these
	// credentials satisfy aws:MultiFactorAuthPresent.
	MFA       MFAState `json:"mfa"`
	MFAReason string   `json:"mfa_reason"`
	// Temporary is true for session credentials (ASIA… keys with a token).
	Temporary bool   `json:"temporary"`
	Source    string `json:"credential_source,omitempty"`
}

// ParseARN splits an IAM/STS principal ARN into partition, account, kind and
// user name. It is lenient: unknown shapes give PrincipalOther.
func ParseARN(arn string) (partition, account string, kind PrincipalKind, userName string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "", "", PrincipalOther, ""
	}
	partition, account = parts[1], parts[4]
	resource := parts[5]
	switch {
	case resource == "root":
		return partition, account, PrincipalRoot, ""
	case strings.HasPrefix(resource, "user/"):
		name := resource[strings.LastIndex(resource, "/")+1:]
		return partition, account, PrincipalUser, name
	case strings.HasPrefix(resource, "assumed-role/"):
		return partition, account, PrincipalAssumedRole, ""
	case strings.HasPrefix(resource, "federated-user/"):
		return partition, account, PrincipalFederatedUser, ""
	}
	return partition, account, PrincipalOther, ""
}

// CredentialSourceMFASession marks credentials that came from a Sparekey MFA
// session, so WhoAmI can say they carry MFA.
const CredentialSourceMFASession = "SparekeyMFASession"

// WhoAmI calls STS GetCallerIdentity and inspects the credentials.
func (c *Client) WhoAmI(ctx context.Context) (*Identity, error) {
	out, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, classify("GetCallerIdentity", err)
	}
	id := &Identity{
		Account: aws.ToString(out.Account),
		Arn:     aws.ToString(out.Arn),
		UserID:  aws.ToString(out.UserId),
	}
	id.Partition, _, id.Kind, id.UserName = ParseARN(id.Arn)
	if id.Partition == "" {
		id.Partition = c.opts.Partition
	}
	id.MFA, id.MFAReason = MFAUnknown, "Sparekey cannot see the credentials."
	if c.creds != nil {
		if creds, err := c.creds.Retrieve(ctx); err == nil {
			id.Temporary = creds.SessionToken != ""
			id.Source = creds.Source
			id.MFA, id.MFAReason = mfaState(creds)
		}
	}
	return id, nil
}

func mfaState(creds aws.Credentials) (MFAState, string) {
	switch {
	case creds.Source == CredentialSourceMFASession:
		return MFAYes, "These are session credentials Sparekey obtained from STS GetSessionToken with an MFA code, so requests carry aws:MultiFactorAuthPresent."
	case creds.SessionToken == "":
		return MFANo, "These are long-term access keys (AKIA…). Long-term keys never carry MFA: under a policy that requires MFA, get an MFA session first (Sparekey gets one, or serves one to the AWS tools through credential_process)."
	}
	return MFAUnknown, "These are temporary credentials (SSO, an assumed role or a session). They carry MFA only if MFA was used when they were issued; AWS does not say so to the client."
}
