package awsprofile

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
)

// Credentials are temporary AWS credentials. String hides the secrets.
type Credentials struct {
	AccessKeyID     string    `json:"access_key_id"`
	SecretAccessKey string    `json:"secret_access_key"`
	SessionToken    string    `json:"session_token"`
	Expiration      time.Time `json:"expiration"`
}

func (c Credentials) String() string {
	return fmt.Sprintf("AWS session credentials (expire %s)", c.Expiration.UTC().Format(time.RFC3339))
}

// GoString keeps %#v from printing the secrets.
func (c Credentials) GoString() string { return c.String() }

// AssumeOptions say how to reach STS for each role of a chain. Each call
// goes to the endpoint and region of that role's profile (endpoint_url,
// services, region), unless EndpointURL or Region override them.
type AssumeOptions struct {
	Files       Files
	EndpointURL string
	Region      string
	HTTPClient  *http.Client
	Now         func() time.Time
}

// Assume takes the chain's roles in turn, starting from source: the MFA
// session (GetSessionToken with a code) of the chain's source identity.
//
// No code is sent with AssumeRole. AWS documents that credentials from
// GetSessionToken called with SerialNumber and TokenCode "include the MFA
// context", that later calls with them pass checks that require MFA, and
// that they may call STS AssumeRole (IAM User Guide, "Permissions for
// GetSessionToken"). So a role whose trust policy requires
// aws:MultiFactorAuthPresent accepts AssumeRole from that session without
// a second code, which is what lets every role profile share one code.
// Further along a chain the caller is a role session, which carries no
// MFA context of its own: those roles must trust the previous role
// without an MFA condition (a denial there says so).
func (c *Chain) Assume(ctx context.Context, source Credentials, opts AssumeOptions) (Credentials, error) {
	return c.AssumeFrom(ctx, source, 0, opts, nil)
}

// AssumeFrom is Assume starting at role start with creds: the session of
// role start-1 (a cached intermediate of a chain), or the source's MFA
// session when start is 0. done, if set, hears each role's session as it
// is obtained, so intermediate sessions can be cached too.
func (c *Chain) AssumeFrom(ctx context.Context, creds Credentials, start int, opts AssumeOptions, done func(i int, c Credentials)) (Credentials, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	for i := start; i < len(c.Roles); i++ {
		r := c.Roles[i]
		client, err := stsFor(ctx, r.Profile, creds, opts)
		if err != nil {
			return Credentials{}, &RoleError{Profile: r.Profile, RoleARN: r.RoleARN, Kind: ErrAssumeRole, Err: err}
		}
		in := &sts.AssumeRoleInput{RoleArn: aws.String(r.RoleARN), RoleSessionName: aws.String(r.SessionName)}
		if r.SessionName == "" {
			in.RoleSessionName = aws.String(fmt.Sprintf("sparekey-%d", now().Unix()))
		}
		if r.ExternalID != "" {
			in.ExternalId = aws.String(r.ExternalID)
		}
		if r.Duration > 0 {
			in.DurationSeconds = aws.Int32(int32(r.Duration / time.Second))
		}
		out, err := client.AssumeRole(ctx, in)
		if err != nil {
			return Credentials{}, roleError(r, i > 0, err)
		}
		if out.Credentials == nil {
			return Credentials{}, &RoleError{Profile: r.Profile, RoleARN: r.RoleARN, Kind: ErrAssumeRole, Err: errors.New("STS answered without credentials")}
		}
		creds = Credentials{
			AccessKeyID: aws.ToString(out.Credentials.AccessKeyId), SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
			SessionToken: aws.ToString(out.Credentials.SessionToken), Expiration: aws.ToTime(out.Credentials.Expiration),
		}
		if done != nil {
			done(i, creds)
		}
	}
	return creds, nil
}

func stsFor(ctx context.Context, profile string, creds Credentials, opts AssumeOptions) (*sts.Client, error) {
	loads := []func(*config.LoadOptions) error{
		config.WithSharedConfigProfile(profile),
		// Explicit credentials: the SDK then skips the profile's own
		// role_arn/mfa_serial chain, which would ask for a code.
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)),
		config.WithDefaultRegion("us-east-1"),
		// stderr may belong to a credential_process; failures are ours to report.
		config.WithLogger(logging.Nop{}),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 3 })
		}),
	}
	if opts.Files.Config != nil {
		loads = append(loads, config.WithSharedConfigFiles(opts.Files.Config))
	}
	if opts.Files.Credentials != nil {
		loads = append(loads, config.WithSharedCredentialsFiles(opts.Files.Credentials))
	}
	if opts.Region != "" {
		loads = append(loads, config.WithRegion(opts.Region))
	}
	if opts.HTTPClient != nil {
		loads = append(loads, config.WithHTTPClient(opts.HTTPClient))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, err
	}
	return sts.NewFromConfig(cfg, func(o *sts.Options) {
		if opts.EndpointURL != "" {
			o.BaseEndpoint = aws.String(opts.EndpointURL)
		}
	}), nil
}

func roleError(r Role, chained bool, err error) error {
	e := &RoleError{Profile: r.Profile, RoleARN: r.RoleARN, Chained: chained, Kind: ErrAssumeRole, Err: err}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return e
	}
	e.Code, e.Message = api.ErrorCode(), api.ErrorMessage()
	if len(e.Message) > 300 {
		e.Message = e.Message[:300] + "…"
	}
	switch e.Code {
	case "AccessDenied", "AccessDeniedException":
		e.Kind = ErrRoleDenied
	case "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId", "TokenRefreshRequired":
		if !chained {
			e.Kind = ErrSourceExpired
		}
	}
	return e
}
