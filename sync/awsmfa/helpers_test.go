package awsmfa

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
)

// startMoto runs moto_server on a free loopback port for the test.
func startMoto(t testing.TB) string { return testenv.StartMoto(t) }

// fastOptions keep retries quick in tests.
func fastOptions(endpoint string, creds Credentials, label string) Options {
	return Options{
		Label:            label,
		EndpointURL:      endpoint,
		Credentials:      &creds,
		Region:           "us-east-1",
		MaxAttempts:      3,
		MaxBackoff:       20 * time.Millisecond,
		AttemptTimeout:   2 * time.Second,
		PropagationDelay: -1,
	}
}

func connect(t testing.TB, opts Options) *Client {
	t.Helper()
	// Keep the developer's own AWS configuration out of tests.
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	t.Setenv("AWS_PROFILE", "")
	c, err := Connect(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rawIAM is a plain SDK client for test setup (CreateUser, CreateAccessKey).
func rawIAM(t testing.TB, endpoint string, creds Credentials) *iam.Client {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)))
	if err != nil {
		t.Fatal(err)
	}
	return iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(endpoint) })
}

func newTestVault(t testing.TB) *vault.Vault {
	t.Helper()
	return vault.NewMemory()
}

// noSecrets fails if s contains any seed held in v.
func noSecrets(t testing.TB, v *vault.Vault, s string) {
	t.Helper()
	for _, a := range v.Accounts() {
		if strings.Contains(s, a.Secret) {
			t.Fatalf("a seed leaked into %q", s)
		}
	}
}
