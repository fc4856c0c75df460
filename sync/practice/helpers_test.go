package practice

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// testClock is a settable clock for Options.Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

// t0 is a step boundary plus 10 s, far from the edges of a step.
var t0 = time.Date(2026, 3, 14, 15, 9, 10, 0, time.UTC)

func newClock() *testClock { return &testClock{t: t0} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// fixture is a practice server on httptest with a pinned clock.
type fixture struct {
	t     *testing.T
	srv   *Server
	clock *testClock
	url   string
}

func newFixture(t *testing.T, opts ...func(*Options)) *fixture {
	t.Helper()
	clock := newClock()
	o := Options{Now: clock.Now}
	for _, f := range opts {
		f(&o)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { srv.Close(); hs.Close() })
	return &fixture{t: t, srv: srv, clock: clock, url: hs.URL}
}

func (f *fixture) iam(c Credentials) *iam.Client {
	return iam.New(iam.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(f.url),
		Credentials:      credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		RetryMaxAttempts: 1,
	})
}

func (f *fixture) sts(c Credentials) *sts.Client {
	return sts.New(sts.Options{
		Region:           "eu-central-1",
		BaseEndpoint:     aws.String(f.url),
		Credentials:      credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		RetryMaxAttempts: 1,
	})
}

func (f *fixture) admin() *iam.Client { return f.iam(f.srv.AdminCredentials()) }

func (f *fixture) seed(serial string) string {
	f.t.Helper()
	s, err := f.srv.Seed(serial)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// code is the device's code offset steps from the server's clock.
func (f *fixture) code(serial string, offset int) string {
	return codeFor(f.seed(serial), stepAt(f.clock.Now())+int64(offset))
}

// createDevice creates an Unassigned device and returns its serial.
func (f *fixture) createDevice(name string) string {
	f.t.Helper()
	out, err := f.admin().CreateVirtualMFADevice(context.Background(), &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name)})
	if err != nil {
		f.t.Fatal(err)
	}
	return aws.ToString(out.VirtualMFADevice.SerialNumber)
}

// enable enables serial for user with the codes of the previous and the
// current step (both already visible on a phone).
func (f *fixture) enable(user, serial string) {
	f.t.Helper()
	_, err := f.admin().EnableMFADevice(context.Background(), &iam.EnableMFADeviceInput{
		UserName: aws.String(user), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(f.code(serial, -1)), AuthenticationCode2: aws.String(f.code(serial, 0)),
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// wantAPIError checks an SDK error's code and, when msg != "", its message.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error = %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("error message = %q, want %q", ae.ErrorMessage(), msg)
	}
}

var ctx = context.Background()

// signForTest signs a raw request with the SDK's own SigV4 signer.
func signForTest(t testing.TB, req *http.Request, body []byte, c Credentials, service string) {
	t.Helper()
	sum := sha256.Sum256(body)
	err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
		req, hex.EncodeToString(sum[:]), service, "us-west-2", time.Now())
	if err != nil {
		t.Fatal(err)
	}
}
