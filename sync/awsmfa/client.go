package awsmfa

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
)

// IAM is the part of the IAM API Sparekey uses. *iam.Client implements it;
// tests and benchmarks may supply a Go-level fake.
type IAM interface {
	CreateVirtualMFADevice(context.Context, *iam.CreateVirtualMFADeviceInput, ...func(*iam.Options)) (*iam.CreateVirtualMFADeviceOutput, error)
	EnableMFADevice(context.Context, *iam.EnableMFADeviceInput, ...func(*iam.Options)) (*iam.EnableMFADeviceOutput, error)
	ResyncMFADevice(context.Context, *iam.ResyncMFADeviceInput, ...func(*iam.Options)) (*iam.ResyncMFADeviceOutput, error)
	DeactivateMFADevice(context.Context, *iam.DeactivateMFADeviceInput, ...func(*iam.Options)) (*iam.DeactivateMFADeviceOutput, error)
	DeleteVirtualMFADevice(context.Context, *iam.DeleteVirtualMFADeviceInput, ...func(*iam.Options)) (*iam.DeleteVirtualMFADeviceOutput, error)
	ListMFADevices(context.Context, *iam.ListMFADevicesInput, ...func(*iam.Options)) (*iam.ListMFADevicesOutput, error)
	ListVirtualMFADevices(context.Context, *iam.ListVirtualMFADevicesInput, ...func(*iam.Options)) (*iam.ListVirtualMFADevicesOutput, error)
	ListUsers(context.Context, *iam.ListUsersInput, ...func(*iam.Options)) (*iam.ListUsersOutput, error)
	GetAccountSummary(context.Context, *iam.GetAccountSummaryInput, ...func(*iam.Options)) (*iam.GetAccountSummaryOutput, error)
	GenerateCredentialReport(context.Context, *iam.GenerateCredentialReportInput, ...func(*iam.Options)) (*iam.GenerateCredentialReportOutput, error)
	GetCredentialReport(context.Context, *iam.GetCredentialReportInput, ...func(*iam.Options)) (*iam.GetCredentialReportOutput, error)
}

// STS is the part of the STS API Sparekey uses.
type STS interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	GetSessionToken(context.Context, *sts.GetSessionTokenInput, ...func(*sts.Options)) (*sts.GetSessionTokenOutput, error)
}

var (
	_ IAM = (*iam.Client)(nil)
	_ STS = (*sts.Client)(nil)
)

// Credentials are explicit keys, e.g. those of the practice account.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	// FromMFASession marks a session Sparekey obtained with an MFA code.
	FromMFASession bool
}

// Options say how to reach one AWS account. The zero value uses the standard
// AWS configuration: environment, ~/.aws/config and credentials (including
// SSO and credential_process), AWS_ENDPOINT_URL_IAM/_STS and the shared
// config's endpoint_url and services sections.
type Options struct {
	// Profile selects a shared-config profile ("" means AWS_PROFILE or default).
	Profile string
	// Label names the connection in the vault's AWS binding and in the
	// session cache; it defaults to Profile (or "default").
	Label string
	// Region defaults to the configured one, then us-east-1 (IAM is global).
	Region string
	// EndpointURL overrides the IAM and STS endpoints (practice account, moto).
	EndpointURL string
	// Credentials, when set, replace the configured credential chain.
	Credentials *Credentials
	// HTTPClient replaces the SDK's client; AttemptTimeout is ignored then.
	HTTPClient *http.Client
	// AttemptTimeout bounds one HTTP attempt (default 20 s).
	AttemptTimeout time.Duration
	// MaxAttempts bounds retries of throttling, 5xx and network errors (default 4).
	MaxAttempts int
	// MaxBackoff caps the wait between attempts (default 5 s).
	MaxBackoff time.Duration
	// Now is the clock used for codes (default time.Now).
	Now func() time.Time
	// Sleep waits, honouring ctx (default a timer); tests may speed it up.
	Sleep func(ctx context.Context, d time.Duration) error
	// PropagationDelay is how long a just-enabled device may take to start
	// authenticating on AWS (about 10 s); verification retries until it elapses.
	PropagationDelay time.Duration
	// Partition for ARNs built by Sparekey when the identity does not say.
	Partition string
	// Spent remembers the codes sent per device (default: this process
	// only, a MemorySpentSteps).
	Spent SpentSteps
}

// Client manages MFA devices in one AWS account. It is safe for concurrent use.
type Client struct {
	iam   IAM
	sts   STS
	creds aws.CredentialsProvider
	cfg   *aws.Config // nil for clients over fakes
	opts  Options
	// hookPhase, set by tests, simulates a crash after a replacement phase.
	hookPhase func(phase string) error
}

// Connect loads the AWS configuration described by opts and returns a client.
// It does no network call; use WhoAmI to check the connection.
func Connect(ctx context.Context, opts Options) (*Client, error) {
	opts = opts.withDefaults()
	var loads []func(*config.LoadOptions) error
	if opts.Profile != "" {
		loads = append(loads, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		loads = append(loads, config.WithRegion(opts.Region))
	}
	loads = append(loads, config.WithDefaultRegion("us-east-1"))
	if opts.Credentials != nil {
		c := *opts.Credentials
		var provider aws.CredentialsProvider = credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
		if c.FromMFASession {
			provider = (&Session{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: time.Now().Add(time.Hour)}).Provider()
		}
		loads = append(loads, config.WithCredentialsProvider(provider))
	}
	if opts.HTTPClient != nil {
		loads = append(loads, config.WithHTTPClient(opts.HTTPClient))
	} else {
		loads = append(loads, config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(opts.AttemptTimeout)))
	}
	maxAttempts, maxBackoff := opts.MaxAttempts, opts.MaxBackoff
	loads = append(loads, config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = maxAttempts
			o.MaxBackoff = maxBackoff
			o.Backoff = retry.NewExponentialJitterBackoff(maxBackoff)
			// The attempt count already bounds retries; a shared quota
			// would make a large audit fail for unrelated earlier retries.
			o.RateLimiter = ratelimit.None
		})
	}))
	// The SDK logs retries and connection hiccups to stderr; Sparekey
	// reports failures itself, and stderr may belong to a credential_process.
	loads = append(loads, config.WithLogger(logging.Nop{}))
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return nil, &Error{Op: "LoadConfig", Kind: ErrCredentials, Err: err,
			Guidance: fmt.Sprintf("The AWS configuration could not be loaded (profile %q): check ~/.aws/config and ~/.aws/credentials, or try Sparekey on the built-in practice account.", opts.Profile)}
	}
	return NewFromConfig(cfg, opts), nil
}

// NewFromConfig builds a client from an already loaded aws.Config.
func NewFromConfig(cfg aws.Config, opts Options) *Client {
	opts = opts.withDefaults()
	endpoint := opts.EndpointURL
	c := &Client{
		iam: iam.NewFromConfig(cfg, func(o *iam.Options) {
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
		}),
		sts: sts.NewFromConfig(cfg, func(o *sts.Options) {
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
		}),
		creds: cfg.Credentials,
		cfg:   &cfg,
		opts:  opts,
	}
	return c
}

// NewWithAPIs builds a client over explicit API implementations (fakes).
// creds may be nil.
func NewWithAPIs(i IAM, s STS, creds aws.CredentialsProvider, opts Options) *Client {
	return &Client{iam: i, sts: s, creds: creds, opts: opts.withDefaults()}
}

func (o Options) withDefaults() Options {
	if o.Label == "" {
		o.Label = o.Profile
	}
	if o.Label == "" {
		o.Label = os.Getenv("AWS_PROFILE")
	}
	if o.Label == "" {
		o.Label = "default"
	}
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = 20 * time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 4
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.PropagationDelay == 0 { // negative means "do not wait"
		o.PropagationDelay = 12 * time.Second
	}
	if o.Partition == "" {
		o.Partition = "aws"
	}
	if o.Spent == nil {
		o.Spent = NewMemorySpentSteps()
	}
	return o
}

// Label is the connection's name (profile or "practice").
func (c *Client) Label() string { return c.opts.Label }

func (c *Client) now() time.Time { return c.opts.Now() }

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WithSession returns a client for the same account and endpoint that signs
// with an MFA session, or nil when the client was built over fakes.
func (c *Client) WithSession(s *Session) *Client {
	if c.cfg == nil {
		return nil
	}
	cfg := c.cfg.Copy()
	cfg.Credentials = s.Provider()
	n := NewFromConfig(cfg, c.opts)
	n.hookPhase = c.hookPhase
	return n
}
