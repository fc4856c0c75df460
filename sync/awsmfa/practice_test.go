package awsmfa

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sparekey/sparekey/sync/practice"
	"github.com/sparekey/sparekey/vault"
)

// clock is shared by the practice server and the client, so tests can step
// over TOTP periods without waiting; the client's Sleep advances it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	// Start 10 s into a period so "now" is never near a boundary.
	now := time.Now().Truncate(30 * time.Second).Add(10 * time.Second)
	return &clock{t: now}
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.Advance(d)
	return ctx.Err()
}

type practiceEnv struct {
	srv      *practice.Server
	endpoint string
	clock    *clock
	v        *vault.Vault
}

func startPractice(t testing.TB) *practiceEnv {
	t.Helper()
	return startPracticeAt(t, t.TempDir()+"/practice.json")
}

// startPracticeAt starts a practice account kept in statePath ("" = memory).
func startPracticeAt(t testing.TB, statePath string) *practiceEnv {
	t.Helper()
	clk := newClock()
	srv, err := practice.New(practice.Options{StatePath: statePath, Now: clk.Now, TimeoutFault: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &practiceEnv{srv: srv, endpoint: endpoint, clock: clk, v: vault.NewMemory()}
}

func (e *practiceEnv) client(t testing.TB, creds practice.Credentials) *Client {
	t.Helper()
	opts := fastOptions(e.endpoint, fromPractice(creds), "practice")
	opts.Now, opts.Sleep = e.clock.Now, e.clock.Sleep
	return connect(t, opts)
}

func fromPractice(c practice.Credentials) Credentials {
	return Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
}

func (e *practiceEnv) admin(t testing.TB) *Client { return e.client(t, e.srv.AdminCredentials()) }

func (e *practiceEnv) user(t testing.TB, name string) *Client {
	t.Helper()
	creds, err := e.srv.UserCredentials(name)
	if err != nil {
		t.Fatal(err)
	}
	return e.client(t, creds)
}

// checkInvariants verifies, for user, that every enabled virtual device
// Sparekey created has its seed in the vault, that no seed is bound to a
// device that vanished unless it is marked, and that unassigned devices
// exist only where allowed.
func (e *practiceEnv) checkInvariants(t *testing.T, user string, allowOrphans bool) []Device {
	t.Helper()
	ctx := context.Background()
	admin := e.admin(t)
	devs, err := admin.UserDevices(ctx, user, e.v)
	if err != nil {
		t.Fatalf("listing %s's devices: %v", user, err)
	}
	for _, d := range devs {
		if strings.Contains(d.SerialNumber, ":mfa/sparekey-") && !d.Held {
			t.Errorf("enabled device %s has no seed in the vault", d.SerialNumber)
		}
	}
	orphans, err := admin.Orphans(ctx, e.v)
	if err != nil {
		t.Fatal(err)
	}
	if len(orphans) > 0 && !allowOrphans {
		t.Errorf("orphans left silently: %+v", orphans)
	}
	existing := map[string]bool{}
	for _, d := range append(devs, orphans...) {
		existing[d.SerialNumber] = true
	}
	for serial, a := range HeldSeeds(e.v) {
		if a.AWS.UserName == user && !existing[serial] && !slices.Contains(a.Tags, TagNeedsAttention) {
			// Seeds of other users' devices are checked by their own tests.
			all, _ := admin.AllDevices(ctx, nil, nil)
			if !slices.ContainsFunc(all, func(d Device) bool { return d.SerialNumber == serial }) {
				t.Errorf("vault holds a seed for %s, which no longer exists, without marking it", serial)
			}
		}
	}
	return devs
}

func TestPracticeWhoAmI(t *testing.T) {
	e := startPractice(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		creds practice.Credentials
		kind  PrincipalKind
		user  string
	}{
		{"root", e.srv.RootCredentials(), PrincipalRoot, ""},
		{"admin", e.srv.AdminCredentials(), PrincipalUser, practice.AdminUser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := e.client(t, tt.creds).WhoAmI(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if id.Kind != tt.kind || id.UserName != tt.user || id.Account != practice.DefaultAccountID || id.MFA != MFANo || id.Partition != "aws" {
				t.Fatalf("identity = %+v", id)
			}
			if !strings.Contains(id.MFAReason, "long-term") {
				t.Errorf("reason = %q", id.MFAReason)
			}
		})
	}
}

func TestPracticeEnrollSelfThenSession(t *testing.T) {
	e := startPractice(t)
	ctx := context.Background()
	bob := e.user(t, practice.BobUser)
	res, err := bob.Enroll(ctx, e.v, EnrollRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verified != "session" || res.Session == nil || len(res.Warnings) > 0 {
		t.Fatalf("enroll = %+v", res)
	}
	// The seed in the vault is the device's seed.
	seed, err := e.srv.Seed(res.Device.SerialNumber)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := e.v.Get(res.AccountID)
	if a.Secret != strings.ToUpper(strings.TrimRight(seed, "=")) {
		t.Fatal("the vault's seed differs from the device's")
	}
	// The session from enrollment carries MFA: bob may now deactivate things.
	withMFA := bob.WithSession(res.Session)
	id, err := withMFA.WhoAmI(ctx)
	if err != nil || id.MFA != MFAYes {
		t.Fatalf("whoami with session = %+v, %v", id, err)
	}
	// Without MFA the policy denies deactivation, with plain guidance.
	err = bob.DeactivateDevice(ctx, "bob", res.Device.SerialNumber)
	if !errors.Is(err, ErrMFARequired) || vault.RemedyOf(err) != vault.RemedyMFASession {
		t.Fatalf("deactivate without MFA: %v / %q", err, GuidanceOf(err))
	}
	noSecrets(t, e.v, err.Error())

	// A later session uses the next code; the cache returns it until expiry.
	e.clock.Advance(30 * time.Second)
	acct, err := bob.SessionDevice(ctx, e.v, "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := bob.NewSession(ctx, acct, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cache := SessionCache{Keyring: &vault.MemoryKeyring{}, Now: e.clock.Now}
	if err := cache.Put("practice", s); err != nil {
		t.Fatal(err)
	}
	if _, ok := cache.Get("practice"); !ok {
		t.Fatal("fresh session not cached")
	}
	e.clock.Advance(56 * time.Minute) // inside the 5-minute margin
	if _, ok := cache.Get("practice"); ok {
		t.Fatal("a session about to expire came from the cache")
	}
}

func TestPracticeEnrollErrors(t *testing.T) {
	e := startPractice(t)
	ctx := context.Background()
	admin := e.admin(t)

	t.Run("clock off: invalid codes are undone", func(t *testing.T) {
		skewed := e.admin(t)
		skewed.opts.Now = func() time.Time { return e.clock.Now().Add(-20 * time.Minute) }
		_, err := skewed.Enroll(ctx, e.v, EnrollRequest{UserName: "bob"})
		var inc *IncompleteError
		if !errors.Is(err, ErrInvalidCode) || !errors.As(err, &inc) || len(inc.Left) != 0 {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(GuidanceOf(err), "resync") {
			t.Errorf("guidance = %q", GuidanceOf(err))
		}
		if e.v.Len() != 0 {
			t.Error("the unused seed stayed in the vault")
		}
		e.checkInvariants(t, "bob", false)
	})

	t.Run("root cannot enroll through the API", func(t *testing.T) {
		_, err := e.client(t, e.srv.RootCredentials()).Enroll(ctx, e.v, EnrollRequest{})
		if !errors.Is(err, ErrRootAPI) || !strings.Contains(GuidanceOf(err), "console") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("8-device limit is checked before creating", func(t *testing.T) {
		for i := range MaxDevicesPerIdentity {
			if _, err := admin.Enroll(ctx, e.v, EnrollRequest{UserName: "bob"}); err != nil {
				t.Fatalf("device %d: %v", i+1, err)
			}
			e.clock.Advance(30 * time.Second)
		}
		_, err := admin.Enroll(ctx, e.v, EnrollRequest{UserName: "bob"})
		if !errors.Is(err, ErrDeviceLimit) || !strings.Contains(GuidanceOf(err), "8") {
			t.Fatalf("err = %v", err)
		}
		e.checkInvariants(t, "bob", false)
		if e.v.Len() != MaxDevicesPerIdentity {
			t.Fatalf("vault has %d accounts", e.v.Len())
		}
	})

	t.Run("orphan blocks a name", func(t *testing.T) {
		raw := rawIAM(t, e.endpoint, fromPractice(e.srv.AdminCredentials()))
		if _, err := raw.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("carols-phone")}); err != nil {
			t.Fatal(err)
		}
		_, err := admin.Enroll(ctx, e.v, EnrollRequest{UserName: "alice", DeviceName: "carols-phone"})
		if !errors.Is(err, ErrDeviceExists) {
			t.Fatalf("err = %v", err)
		}
		deleted, err := admin.DeleteOrphans(ctx, e.v)
		if err != nil || len(deleted) != 1 {
			t.Fatalf("deleted %v: %v", deleted, err)
		}
		if _, err := admin.Enroll(ctx, e.v, EnrollRequest{UserName: "alice", DeviceName: "carols-phone"}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("network down", func(t *testing.T) {
		opts := fastOptions("http://127.0.0.1:1", fromPractice(e.srv.AdminCredentials()), "down")
		_, err := connect(t, opts).WhoAmI(ctx)
		if !errors.Is(err, ErrNetwork) || GuidanceOf(err) == "" {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("throttled for good", func(t *testing.T) {
		e.srv.InjectFault("ListUsers", practice.FaultThrottle, 100)
		defer e.srv.InjectFault("ListUsers", "", 0)
		_, err := admin.Users(ctx)
		if !errors.Is(err, ErrThrottled) || !strings.Contains(GuidanceOf(err), "retried") {
			t.Fatalf("err = %v (%q)", err, GuidanceOf(err))
		}
	})

	t.Run("timeouts for good", func(t *testing.T) {
		e.srv.InjectFault("ListUsers", practice.FaultTimeout, 100)
		defer e.srv.InjectFault("ListUsers", "", 0)
		opts := admin.opts
		opts.AttemptTimeout, opts.MaxAttempts = 200*time.Millisecond, 2
		_, err := connect(t, opts).Users(ctx)
		if !errors.Is(err, ErrNetwork) || GuidanceOf(err) == "" {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("bad keys", func(t *testing.T) {
		_, err := e.client(t, practice.Credentials{AccessKeyID: "AKIAWRONGWRONGWRONG1", SecretAccessKey: "nope"}).WhoAmI(ctx)
		if !errors.Is(err, ErrCredentials) || !strings.Contains(GuidanceOf(err), "partition") {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestPracticeEnrollFaults injects faults at each AWS call of an enrollment.
// Transient ones are retried away; persistent ones end in a clean rollback
// or in a precise list of what is left, and the invariants always hold.
func TestPracticeEnrollFaults(t *testing.T) {
	tests := []struct {
		name   string
		self   bool // bob enrolls himself (no MFA yet), else the admin enrolls bob
		faults map[string]practice.Fault
		count  int
		ok     bool // the enrollment must succeed
		left   bool // something may be left (and must be reported)
	}{
		{"throttled create", true, map[string]practice.Fault{"CreateVirtualMFADevice": practice.FaultThrottle}, 2, true, false},
		{"timeout on enable", true, map[string]practice.Fault{"EnableMFADevice": practice.FaultTimeout}, 1, true, false},
		{"5xx on every list", false, map[string]practice.Fault{"ListMFADevices": practice.FaultServerError}, 1, true, false},
		{"caller identity down", false, map[string]practice.Fault{"GetCallerIdentity": practice.FaultServerError}, 10, false, false},
		{"create down", false, map[string]practice.Fault{"CreateVirtualMFADevice": practice.FaultServerError}, 10, false, false},
		{"enable down", false, map[string]practice.Fault{"EnableMFADevice": practice.FaultServerError}, 10, false, false},
		// The self-manage policy forbids deleting a device without MFA, so
		// a user's own failed enrollment leaves an orphan, reported.
		{"self: enable down", true, map[string]practice.Fault{"EnableMFADevice": practice.FaultServerError}, 10, false, true},
		{"enable and undo down", false, map[string]practice.Fault{"EnableMFADevice": practice.FaultServerError, "DeleteVirtualMFADevice": practice.FaultServerError}, 10, false, true},
		{"enable down, state unknown", false, map[string]practice.Fault{"EnableMFADevice": practice.FaultServerError}, 10, false, true},
		{"verification down", true, map[string]practice.Fault{"GetSessionToken": practice.FaultServerError}, 10, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := startPractice(t)
			ctx := context.Background()
			bob, req := e.admin(t), EnrollRequest{UserName: "bob"}
			if tt.self {
				bob, req = e.user(t, practice.BobUser), EnrollRequest{}
			}
			if tt.faults["EnableMFADevice"] == practice.FaultTimeout {
				// Only the hanging call is given up on. A short timeout on
				// every attempt also cut off ordinary calls the server
				// had applied when a loaded machine (-race) answered
				// slowly, and their retries then failed for other reasons.
				bob.opts.HTTPClient = &http.Client{Transport: &giveUpOnce{op: "EnableMFADevice", after: 300 * time.Millisecond}}
				t.Setenv("AWS_CA_BUNDLE", "") // a plain client takes no CA bundle; the server is plain HTTP
				bob = connect(t, bob.opts)
			}
			for op, f := range tt.faults {
				e.srv.InjectFault(op, f, tt.count)
			}
			if tt.name == "enable down, state unknown" {
				// The limit check passes; the check after the failed enable does not.
				bob.iam = &faultAfter{IAM: bob.iam, op: "ListMFADevices", after: 1}
			}
			res, err := bob.Enroll(ctx, e.v, req)
			for op := range tt.faults {
				e.srv.InjectFault(op, "", 0)
			}
			if tt.ok {
				if err != nil {
					t.Fatalf("enroll: %v", err)
				}
				if tt.name == "verification down" && (res.Verified != "listed" || len(res.Warnings) == 0) {
					t.Errorf("verification = %q %v", res.Verified, res.Warnings)
				}
			} else {
				if err == nil {
					t.Fatal("enroll succeeded despite the fault")
				}
				if GuidanceOf(err) == "" {
					t.Errorf("no guidance in %v", err)
				}
				noSecrets(t, e.v, err.Error())
				var inc *IncompleteError
				if errors.As(err, &inc) && tt.left != (len(inc.Left) > 0) {
					t.Errorf("left = %v, want some: %v", inc.Left, tt.left)
				}
				if tt.left {
					for _, a := range e.v.Accounts() {
						if !slices.Contains(a.Tags, TagNeedsAttention) {
							t.Errorf("seed of an uncertain device is not marked: %v", a.Tags)
						}
					}
				}
			}
			e.checkInvariants(t, "bob", tt.left)
		})
	}
}

// giveUpOnce abandons the first request for op after a while, as a client
// whose attempt timeout expires would; every other request runs to its
// end. With a hanging fault on op, the first attempt is the one that hangs.
type giveUpOnce struct {
	op    string
	after time.Duration
	mu    sync.Mutex
	done  bool
}

func (g *giveUpOnce) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		g.mu.Lock()
		first := !g.done && bytes.Contains(body, []byte("Action="+g.op+"&"))
		g.done = g.done || first
		g.mu.Unlock()
		if first {
			ctx, cancel := context.WithTimeout(r.Context(), g.after)
			defer cancel()
			resp, err := http.DefaultTransport.RoundTrip(r.WithContext(ctx))
			if err == nil {
				// The hanging call never answers before the deadline; an
				// answer that does is read before the context goes.
				b, rerr := io.ReadAll(resp.Body)
				resp.Body.Close()
				resp.Body = io.NopCloser(bytes.NewReader(b))
				err = rerr
			}
			return resp, err
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// lostReply applies every CreateVirtualMFADevice and then, as the SDK does
// when the reply times out, sends it again and returns that second answer:
// AWS's EntityAlreadyExists for the device the first call made.
type lostReply struct{ IAM }

func (l lostReply) CreateVirtualMFADevice(ctx context.Context, in *iam.CreateVirtualMFADeviceInput, o ...func(*iam.Options)) (*iam.CreateVirtualMFADeviceOutput, error) {
	if _, err := l.IAM.CreateVirtualMFADevice(ctx, in, o...); err != nil {
		return nil, err
	}
	return l.IAM.CreateVirtualMFADevice(ctx, in, o...)
}

// TestPracticeEnrollLostReplies: when every create's reply is lost (the
// request applied, the retry told the name exists), the enrollment fails
// as a network failure, not as a name clash, and deletes the seedless
// devices it made.
func TestPracticeEnrollLostReplies(t *testing.T) {
	e := startPractice(t)
	admin := e.admin(t)
	admin.iam = lostReply{IAM: admin.iam}
	_, err := admin.Enroll(context.Background(), e.v, EnrollRequest{UserName: "bob"})
	if !errors.Is(err, ErrNetwork) || errors.Is(err, ErrDeviceExists) {
		t.Fatalf("want a network failure, got %v", err)
	}
	var inc *IncompleteError
	if !errors.As(err, &inc) || len(inc.Left) > 0 {
		t.Fatalf("want an incomplete enrollment with nothing left, got %v", err)
	}
	if GuidanceOf(err) == "" {
		t.Errorf("no guidance in %v", err)
	}
	if len(e.v.Accounts()) != 0 {
		t.Errorf("the vault kept %d seed(s) of a failed enrollment", len(e.v.Accounts()))
	}
	e.checkInvariants(t, "bob", false)
}

// faultAfter fails op's calls after the first `after` ones, at the Go level,
// for faults that must skip earlier calls of the same operation.
type faultAfter struct {
	IAM
	op    string
	after int
	n     int
}

func (f *faultAfter) ListMFADevices(ctx context.Context, in *iam.ListMFADevicesInput, o ...func(*iam.Options)) (*iam.ListMFADevicesOutput, error) {
	f.n++
	if f.n > f.after {
		return nil, errors.New("dial tcp 127.0.0.1: connection refused")
	}
	return f.IAM.ListMFADevices(ctx, in, o...)
}

// An enrollment spends the current steps; a resync right after it must not
// fail on replayed codes but wait for fresh ones.
func TestPracticeResyncRightAfterEnroll(t *testing.T) {
	e := startPractice(t)
	ctx := context.Background()
	admin := e.admin(t)
	res, err := admin.Enroll(ctx, e.v, EnrollRequest{UserName: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	acct, _ := e.v.Get(res.AccountID)
	if err := e.srv.SetDrift(res.Device.SerialNumber, 4); err != nil {
		t.Fatal(err)
	}
	if err := admin.Resync(ctx, acct, nil); err != nil {
		t.Fatalf("resync in the enrollment's period: %v", err)
	}
}

func TestPracticeResync(t *testing.T) {
	e := startPractice(t)
	ctx := context.Background()
	admin := e.admin(t)
	res, err := admin.Enroll(ctx, e.v, EnrollRequest{UserName: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	serial := res.Device.SerialNumber
	bob := e.user(t, "bob")
	acct, _ := e.v.Get(res.AccountID)

	// The device drifts 4 periods: its codes no longer authenticate.
	if err := e.srv.SetDrift(serial, 4); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if _, err := bob.NewSession(ctx, acct, 0); !errors.Is(err, ErrInvalidCode) {
		t.Fatalf("session with a drifted device: %v", err)
	}
	// Resync waits out the end of a period instead of sending stale codes.
	e.clock.Advance(acct.Remaining(e.clock.Now()) - time.Second)
	before := acct.Step(e.clock.Now())
	if err := admin.Resync(ctx, acct, nil); err != nil {
		t.Fatal(err)
	}
	if acct.Step(e.clock.Now()) == before {
		t.Error("resync sent codes in the last second of a period")
	}
	e.clock.Advance(30 * time.Second)
	if _, err := bob.NewSession(ctx, acct, 0); err != nil {
		t.Fatalf("session after resync: %v", err)
	}

	t.Run("typed codes", func(t *testing.T) {
		bad := []struct{ c1, c2 string }{{"12345", "123456"}, {"123456", "123456"}, {"12a456", "123456"}, {"", ""}}
		for _, b := range bad {
			if err := admin.ResyncWithCodes(ctx, "bob", serial, b.c1, b.c2); !errors.Is(err, ErrBadCodes) {
				t.Errorf("%q,%q: %v", b.c1, b.c2, err)
			}
		}
		err := admin.ResyncWithCodes(ctx, "bob", serial, "000000", "000001")
		if !errors.Is(err, ErrInvalidCode) || !strings.Contains(GuidanceOf(err), "clock") {
			t.Fatalf("wrong codes: %v", err)
		}
		// The remedy names the device, so the fix can act on it.
		if fix, args := vault.RemedyOf(err), vault.RemedyArgsOf(err); fix != vault.RemedyReplaceDevice || args.User != "bob" || args.Serial != serial {
			t.Errorf("wrong codes: remedy %v on %+v", fix, args)
		}
		e.clock.Advance(2 * time.Minute)
		c1, c2, _ := pairAt(acct, e.clock.Now())
		if err := admin.ResyncWithCodes(ctx, "bob", serial, c1, c2); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("root device goes to the console", func(t *testing.T) {
		rootAcct := acct.Clone()
		rootAcct.AWS.Root = true
		if err := admin.Resync(ctx, rootAcct, nil); !errors.Is(err, ErrRootAPI) {
			t.Fatalf("err = %v", err)
		}
		c1, c2, err := admin.ConsoleResyncCodes(ctx, rootAcct)
		if err != nil || c1 == c2 || len(c1) != 6 {
			t.Fatalf("console codes: %v", err)
		}
	})
}

// appliedTwice sends the first CreateVirtualMFADevice twice and returns the
// second answer: what the SDK's retry sees when a timed-out first attempt
// was applied by AWS after all.
type appliedTwice struct {
	IAM
	calls int
}

func (a *appliedTwice) CreateVirtualMFADevice(ctx context.Context, in *iam.CreateVirtualMFADeviceInput, o ...func(*iam.Options)) (*iam.CreateVirtualMFADeviceOutput, error) {
	a.calls++
	if a.calls == 1 {
		if _, err := a.IAM.CreateVirtualMFADevice(ctx, in, o...); err != nil {
			return nil, err
		}
	}
	return a.IAM.CreateVirtualMFADevice(ctx, in, o...)
}

func TestPracticeEnrollRetriedCreate(t *testing.T) {
	e := startPractice(t)
	ctx := context.Background()
	admin := e.admin(t)
	admin.iam = &appliedTwice{IAM: admin.iam}
	res, err := admin.Enroll(ctx, e.v, EnrollRequest{UserName: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	e.checkInvariants(t, "bob", false)
}

// forgetfulSpent is a SpentSteps that remembers nothing: Sparekey before
// it kept track of the codes it sent.
type forgetfulSpent struct{}

func (forgetfulSpent) LastSpent(string) (uint64, bool) { return 0, false }
func (forgetfulSpent) Spend(string, uint64)            {}

// Bob enrolls his own device: EnableMFADevice spends steps s-1 and s, and
// the sign-in that confirms it the next period's code, s+1. A resync right
// after used to send s-1 and s (refused: spent), wait in silence, then
// send s+1 and s+2 (refused again: s+1 was spent by the check). It must
// wait for the first pair after s+1, say so each second, and succeed.
func TestPracticeResyncRightAfterSelfEnroll(t *testing.T) {
	for _, tc := range []struct {
		name    string
		spent   SpentSteps
		wantErr error
	}{
		{"remembering the codes sent", nil, nil},
		{"forgetting them, as before", forgetfulSpent{}, ErrInvalidCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := startPractice(t)
			ctx := context.Background()
			creds, err := e.srv.UserCredentials(practice.BobUser)
			if err != nil {
				t.Fatal(err)
			}
			opts := fastOptions(e.endpoint, fromPractice(creds), "practice")
			opts.Now, opts.Sleep, opts.Spent = e.clock.Now, e.clock.Sleep, tc.spent
			bob := connect(t, opts)
			res, err := bob.Enroll(ctx, e.v, EnrollRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verified != "session" {
				t.Fatalf("the enrollment was confirmed by %q, want a sign-in (which spends the next code)", res.Verified)
			}
			acct, _ := e.v.Get(res.AccountID)
			enrolledAt := acct.Step(e.clock.Now())

			var waits []ResyncWait
			err = bob.Resync(ctx, acct, func(w ResyncWait) { waits = append(waits, w) })
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("resync right after enrolling: %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr != nil {
				if g := GuidanceOf(err); g == "" {
					t.Error("the refusal carries no guidance")
				}
				return
			}
			if sent := acct.Step(e.clock.Now()); sent < enrolledAt+3 {
				t.Errorf("codes sent at step %d; the enrollment spent up to %d", sent, enrolledAt+1)
			}
			if len(waits) == 0 {
				t.Fatal("the resync waited without saying so")
			}
			for i, w := range waits {
				if w.Reason != WaitFreshCodes {
					t.Errorf("wait %d: reason %v, want WaitFreshCodes", i, w.Reason)
				}
				if i > 0 && (w.Left >= waits[i-1].Left || waits[i-1].Left-w.Left > time.Second) {
					t.Errorf("countdown went from %v to %v", waits[i-1].Left, w.Left)
				}
			}
			if first := waits[0].Left; first > 90*time.Second {
				t.Errorf("first wait reported %v, more than three periods", first)
			}
			// The device works with the next fresh code.
			e.clock.Advance(30 * time.Second)
			if _, err := bob.NewSession(ctx, acct, 0); err != nil {
				t.Fatalf("session after the resync: %v", err)
			}
		})
	}
}
