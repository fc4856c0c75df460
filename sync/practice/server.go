package practice

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is a practice account. Its methods are safe for concurrent use.
type Server struct {
	opts Options
	now  func() time.Time
	// wallClock judges request times. It is not opts.Now: tests pin the
	// account's clock for TOTP codes while the SDKs sign with the real time.
	wallClock func() time.Time
	// adminToken guards the admin endpoint; it is made afresh at every
	// start and never stored with the account.
	adminToken string
	// readHeaderTimeout and readTimeout bound how long a client may take
	// to send its request: one that trickles it holds a connection.
	readHeaderTimeout, readTimeout time.Duration

	mu      sync.Mutex
	latency time.Duration
	st      *state                // the practice account; with members, the management account
	faults  map[string]*faultPlan // by operation name or AnyOperation

	closeOnce sync.Once
	done      chan struct{} // closed by Close: releases hanging FaultTimeout requests
	httpSrv   *http.Server
}

type faultPlan struct {
	fault Fault
	left  int
}

// New opens the practice account in opts.StatePath, creating it from
// PresetDefault when the file does not exist (or when StatePath is "").
func New(opts Options) (*Server, error) {
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	if len(opts.AccountID) != 12 || strings.Trim(opts.AccountID, "0123456789") != "" {
		return nil, fmt.Errorf("practice: account id %q is not 12 digits", opts.AccountID)
	}
	if opts.MemberAccounts < 0 || opts.MemberAccounts > maxMemberAccounts {
		return nil, fmt.Errorf("practice: %d member accounts: choose 0 to %d", opts.MemberAccounts, maxMemberAccounts)
	}
	if opts.TimeoutFault <= 0 {
		opts.TimeoutFault = 30 * time.Second
	}
	token, err := newAdminToken()
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, now: opts.Now, latency: opts.Latency, wallClock: time.Now, adminToken: token,
		readHeaderTimeout: 10 * time.Second, readTimeout: 30 * time.Second,
		faults: map[string]*faultPlan{}, done: make(chan struct{})}
	if s.now == nil {
		s.now = time.Now
	}
	if opts.StatePath != "" {
		st, err := loadState(opts.StatePath)
		if err != nil {
			return nil, err
		}
		if st != nil && st.AccountID != opts.AccountID {
			return nil, fmt.Errorf("practice: state file %s belongs to account %s, not %s", opts.StatePath, st.AccountID, opts.AccountID)
		}
		if st != nil && opts.MemberAccounts > 0 && (st.Org == nil || len(st.Org.Members) != opts.MemberAccounts) {
			have := 0
			if st.Org != nil {
				have = len(st.Org.Members)
			}
			return nil, fmt.Errorf("practice: state file %s holds %d member accounts, not %d (use another --state file for another organization)", opts.StatePath, have, opts.MemberAccounts)
		}
		s.st = st
	}
	if s.st == nil {
		st, err := newState(opts.AccountID, s.now(), PresetDefault)
		if err != nil {
			return nil, err
		}
		if opts.MemberAccounts > 0 {
			if st.Org, err = newOrganization(st, opts.MemberAccounts, s.now(), PresetDefault); err != nil {
				return nil, err
			}
		}
		s.st = st
		if err := s.save(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// save persists the state; the caller holds s.mu (or owns s exclusively).
func (s *Server) save() error {
	if s.opts.StatePath == "" {
		return nil
	}
	return saveState(s.opts.StatePath, s.st)
}

// Handler serves the AWS endpoint at / and the scenario controls under
// /_practice/.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves in the
// background until Close. It returns the endpoint URL for --endpoint-url.
func (s *Server) Start(addr string) (endpoint string, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("practice: listening on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.readHeaderTimeout,
		ReadTimeout:       s.readTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	s.mu.Lock()
	if s.httpSrv != nil {
		s.mu.Unlock()
		ln.Close()
		return "", errors.New("practice: server already started")
	}
	s.httpSrv = srv
	s.mu.Unlock()
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// Close stops the listener started by Start and releases requests hanging
// on a FaultTimeout. The state file is always up to date, so there is
// nothing to flush.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.done) })
	s.mu.Lock()
	srv := s.httpSrv
	s.mu.Unlock()
	if srv != nil {
		return srv.Close()
	}
	return nil
}

// AccountID is the practice account's 12-digit id.
func (s *Server) AccountID() string { return s.opts.AccountID }

// RootCredentials are the root user's access key.
func (s *Server) RootCredentials() Credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.credentialsLocked(rootOwner)
}

// AdminCredentials are the access key of IAM user "practice-admin", who may
// do everything.
func (s *Server) AdminCredentials() Credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.credentialsLocked(AdminUser)
}

// UserCredentials returns the long-term access key of an existing IAM user,
// creating one if the user has none yet (users made by CreateUser start
// without keys, as in AWS).
func (s *Server) UserCredentials(userName string) (Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Users[userName] == nil {
		return Credentials{}, fmt.Errorf("practice: %w: %q", ErrNoSuchUser, userName)
	}
	if s.st.longTermKey(userName) == nil {
		s.st.addKey(userName, s.now())
		if err := s.save(); err != nil {
			return Credentials{}, err
		}
	}
	return s.credentialsLocked(userName), nil
}

func (s *Server) credentialsLocked(principal string) Credentials {
	k := s.st.longTermKey(principal)
	if k == nil {
		// Presets always give root and admin a key; a hand-edited state
		// file might not.
		k = s.st.addKey(principal, s.now())
		s.save()
	}
	return Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret}
}

// DeviceSerial is the serial number (ARN) of the virtual device with this
// name at path "/": DeviceSerial("alice") is alice's preset device.
func (s *Server) DeviceSerial(name string) string {
	return "arn:aws:iam::" + s.opts.AccountID + ":mfa/" + name
}

// Seed returns a device's base32 seed, for tests and drills only (AWS never
// reveals a seed after CreateVirtualMFADevice). A lost device's seed is
// refused with ErrSeedLost.
func (s *Server) Seed(serial string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.deviceAccountLocked(serial).Devices[serial]
	if d == nil {
		return "", fmt.Errorf("practice: %w: %s", ErrNoSuchDevice, serial)
	}
	if d.Lost {
		return "", fmt.Errorf("practice: %s: %w", serial, ErrSeedLost)
	}
	return d.Seed, nil
}

// SetDrift makes the server believe the device's clock is steps × 30 s off
// (positive: ahead), as if it had been enabled or resynced with a phone
// whose clock was wrong. Codes from a correct clock then authenticate only
// if |steps| ≤ 1; ResyncMFADevice with two fresh codes repairs it.
func (s *Server) SetDrift(serial string, steps int) error {
	return s.updateDevice(serial, func(d *mfaDevice) { d.Drift = steps })
}

// LoseDevice simulates a lost phone: the device stays in the account
// (assigned or not), but Seed refuses to hand out its seed any more, so a
// drill has to recover without it.
func (s *Server) LoseDevice(serial string) error {
	return s.updateDevice(serial, func(d *mfaDevice) { d.Lost = true })
}

func (s *Server) updateDevice(serial string, f func(*mfaDevice)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.deviceAccountLocked(serial).Devices[serial]
	if d == nil {
		return fmt.Errorf("practice: %w: %s", ErrNoSuchDevice, serial)
	}
	f(d)
	return s.save()
}

// EnableRootDevice creates a virtual device with this name and assigns it
// to the root user, standing in for the console (AWS does not let root
// enable MFA through the API). It returns the serial number.
func (s *Server) EnableRootDevice(name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.enableRootDeviceLocked(s.st, name)
}

func (s *Server) enableRootDeviceLocked(st *state, name string) (string, error) {
	var p params
	p.check("virtualMFADeviceName", name, ruleDeviceName)
	if err := p.err(); err != nil {
		return "", fmt.Errorf("practice: %s", err.Message)
	}
	if d := st.Devices[st.deviceSerial(name, "/")]; d != nil {
		return "", fmt.Errorf("practice: a device named %q already exists", name)
	}
	if len(st.devicesOf(rootOwner)) >= maxDevicesPerUser {
		return "", fmt.Errorf("practice: root already has %d MFA devices", maxDevicesPerUser)
	}
	now := s.now()
	d := st.addDevice(name, "/", now)
	d.Owner, d.EnableDate = rootOwner, now.UTC().Truncate(time.Second)
	return d.Serial, s.save()
}

// Reset replaces the account with a preset. The long-term access keys of
// root and the preset users survive, so credentials printed by
// `sparekey practice serve` keep working; devices, seeds, sessions, other
// users and the credential report start afresh, and injected faults are
// cleared. An Organization keeps its id and member accounts, each reset the
// same way; roles other than OrganizationAccountAccessRole, suspensions,
// the delegated administrator and the root access features go.
func (s *Server) Reset(p Preset) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	st, err := newState(s.opts.AccountID, now, p)
	if err != nil {
		return fmt.Errorf("practice: %w", err)
	}
	keepPresetKeys(s.st, st)
	if old := s.st.Org; old != nil {
		if st.Org, err = newOrganization(st, len(old.Members), now, p); err != nil {
			return fmt.Errorf("practice: %w", err)
		}
		st.Org.ID = old.ID
		for id, m := range st.Org.Members {
			if om := old.Members[id]; om != nil {
				keepPresetKeys(om, m)
			}
		}
	}
	s.st = st
	s.faults = map[string]*faultPlan{}
	return s.save()
}

// keepPresetKeys carries the long-term keys (and user ids) of root and the
// preset users from old to a fresh st.
func keepPresetKeys(old, st *state) {
	for _, principal := range []string{rootOwner, AdminUser, AliceUser, BobUser} {
		ok := old.longTermKey(principal)
		if ok == nil {
			continue
		}
		for id, k := range st.Keys {
			if k.Principal == principal {
				delete(st.Keys, id)
			}
		}
		kept := *ok
		kept.LastUsed = time.Time{}
		st.Keys[kept.ID] = &kept
		if u, ou := st.Users[principal], old.Users[principal]; u != nil && ou != nil {
			u.ID = ou.ID // keep the user id stable with the key
		}
	}
}

// ParseFault reads a fault name as the CLI and admin endpoint take it.
func ParseFault(name string) (Fault, error) {
	switch f := Fault(strings.ToLower(name)); f {
	case FaultThrottle, FaultServerError, FaultTimeout:
		return f, nil
	case "throttling":
		return FaultThrottle, nil
	case "5xx", "500", "servicefailure", "service-failure":
		return FaultServerError, nil
	case FaultAccessDenied, "accessdenied", "denied", "403":
		return FaultAccessDenied, nil
	}
	return "", fmt.Errorf("%w %q (use %s, %s, %s or %s)", ErrUnknownFault, name, FaultThrottle, FaultServerError, FaultTimeout, FaultAccessDenied)
}

// InjectFault makes the next count calls of op (an action name such as
// "EnableMFADevice", or AnyOperation) fail with fault. A count ≤ 0 clears
// the fault for op. Faults strike before authentication, as a throttling
// front end would.
func (s *Server) InjectFault(op string, fault Fault, count int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if count <= 0 {
		delete(s.faults, op)
		return
	}
	s.faults[op] = &faultPlan{fault: fault, left: count}
}

// takeFault consumes one injected fault for op, if any.
func (s *Server) takeFault(op string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{op, AnyOperation} {
		if f := s.faults[key]; f != nil {
			f.left--
			if f.left <= 0 {
				delete(s.faults, key)
			}
			return f.fault, true
		}
	}
	return "", false
}

// serveFault answers a request with an injected fault.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, svc service, requestID string, f Fault) {
	switch f {
	case FaultThrottle:
		writeError(w, svc, requestID, errThrottling)
	case FaultAccessDenied:
		writeError(w, svc, requestID, errorf(403, "AccessDenied", "Access denied by a practice fault (as a service control policy would)."))
	case FaultTimeout:
		t := time.NewTimer(s.opts.TimeoutFault)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return // the client gave up; nobody is listening
		case <-s.done:
		case <-t.C:
		}
		writeError(w, svc, requestID, errService)
	default:
		writeError(w, svc, requestID, errService)
	}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		s.serveAdmin(w, r)
		return
	}
	requestID := newRequestID()
	svc := iamService
	target := r.Header.Get("X-Amz-Target")
	if target != "" {
		svc = organizationsService
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeError(w, svc, requestID, errorf(413, "RequestEntityTooLarge", "Request body must be at most %d bytes", maxBody))
		return
	}
	if err != nil {
		writeError(w, svc, requestID, errorf(400, "MalformedQueryString", "The request body could not be read."))
		return
	}
	auth, aerr := parseAuthHeader(r.Header.Get("Authorization"))
	if target == "" && auth != nil && auth.Service == stsService.Name {
		svc = stsService
	}
	if aerr != nil {
		writeError(w, svc, requestID, aerr)
		return
	}
	var req *request
	if target != "" {
		if r.Method != http.MethodPost {
			writeError(w, svc, requestID, errorf(405, "InvalidHttpRequest", "The HTTP method %s is not supported; use POST.", sanitize(r.Method)))
			return
		}
		req, aerr = parseJSONRequest(target, body)
	} else {
		form := body
		if r.Method == http.MethodGet {
			form = []byte(r.URL.RawQuery)
		} else if r.Method != http.MethodPost {
			writeError(w, svc, requestID, errorf(405, "InvalidHttpRequest", "The HTTP method %s is not supported; use POST.", sanitize(r.Method)))
			return
		}
		req, aerr = parseForm(form)
	}
	if aerr != nil {
		writeError(w, svc, requestID, aerr)
		return
	}
	op, aerr := lookupOperation(req, svc)
	if aerr != nil {
		writeError(w, svc, requestID, aerr)
		return
	}
	svc = op.svc
	if !s.delay(r) {
		return // the client gave up or the server is closing
	}
	if f, ok := s.takeFault(req.Action); ok {
		s.serveFault(w, r, svc, requestID, f)
		return
	}
	input, aerr := op.decode(req)
	if aerr != nil && !aerr.validation() {
		writeError(w, svc, requestID, aerr)
		return
	}

	result, aerr := s.execute(r, body, auth, req.Action, op, input, aerr)
	if aerr != nil {
		writeError(w, svc, requestID, aerr)
		return
	}
	writeResult(w, svc, req.Action, requestID, result)
}

// SetLatency changes the delay added to every AWS call.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// delay waits out the injected latency, outside the lock so that calls
// overlap as they do against AWS. It reports false when the client gave up
// or the server closed meanwhile.
func (s *Server) delay(r *http.Request) bool {
	s.mu.Lock()
	d := s.latency
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

// execute authenticates, authorizes and runs one operation under the lock,
// persisting what it changed. validation is the input's ValidationError, if
// any: AWS authenticates before it validates parameters.
func (s *Server) execute(r *http.Request, body []byte, auth *authHeader, action string, op *operation, input any, validation *apiError) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	st, key, err := s.authenticate(r, body, auth, op, now)
	if err != nil {
		return nil, err
	}
	if validation != nil {
		return nil, validation
	}
	c := &call{st: st, now: now, key: key, action: action, svc: op.svc, srv: s}
	if err := c.authorize(input); err != nil {
		return nil, err
	}
	result, err := op.run(c, input)
	if err != nil {
		return nil, err
	}
	if op.mutates {
		if err := s.save(); err != nil {
			return nil, errService
		}
	}
	return result, nil
}

// authenticate finds the access key that signed r, and its account, and checks the request
// time, the credential scope, the signature, the session token and its
// expiry. The caller holds s.mu.
//
// An exact copy of a signed request is accepted again while its time is in
// the window, as AWS does: the aws CLI signs the same command run twice in
// one second identically, so refusing a signature seen before would refuse
// honest repeats. The copy cannot carry another body, action or service.
func (s *Server) authenticate(r *http.Request, body []byte, auth *authHeader, op *operation, now time.Time) (*state, *accessKey, *apiError) {
	if auth == nil {
		return nil, nil, errMissingAuth
	}
	amzDate, aerr := checkSignedRequest(r, body, auth, op.svc, s.wallClock())
	if aerr != nil {
		return nil, nil, aerr
	}
	st, k := s.findKey(auth.AccessKeyID)
	if k == nil {
		return nil, nil, errInvalidToken
	}
	if !verifySignature(r, body, amzDate, auth, k.Secret) {
		return nil, nil, errSignature
	}

	token := r.Header.Get("X-Amz-Security-Token")
	if k.isSession() {
		if token != k.SessionToken {
			return nil, nil, errInvalidToken
		}
		if !now.Before(k.Expiration) {
			return nil, nil, errExpiredToken
		}
	} else if token != "" {
		return nil, nil, errInvalidToken
	}
	switch {
	case k.isRoleSession():
		if st.Roles[k.Role] == nil {
			return nil, nil, errInvalidToken // the role was deleted
		}
	case k.Principal != rootOwner && st.Users[k.Principal] == nil:
		return nil, nil, errInvalidToken // the user was deleted by a reset
	}
	if st.Membership != nil && st.Membership.Status == AccountSuspended {
		return nil, nil, errInvalidToken // practice model: a suspended account's keys stop working
	}
	k.LastUsed = now.UTC().Truncate(time.Second)
	k.LastUsedRegion, k.LastUsedService = auth.Region, auth.Service
	return st, k, nil
}
