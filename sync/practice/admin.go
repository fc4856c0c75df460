package practice

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The admin endpoint: scenario controls for drills, under a path AWS never
// uses. Everything it exposes belongs to the practice account, but that is
// still every practice key and seed, so it answers only a request that:
//
//   - comes from a loopback address;
//   - names a loopback host (127.0.0.1, localhost or [::1]) with the
//     server's own port, which a DNS-rebound web page cannot;
//   - carries no Origin header, which browsers send cross-origin;
//   - carries the token made at start (Authorization: Bearer TOKEN);
//   - for POST, has a JSON body (Content-Type: application/json), which
//     no HTML form can send.
//
// The operations:
//
//	POST /_practice/drift        {"serial": "...", "steps": N}
//	POST /_practice/lose         {"serial": "..."}
//	POST /_practice/fault        {"op": "EnableMFADevice" | "*", "fault": "throttle|server-error|timeout", "count": N}
//	POST /_practice/reset        {"preset": "default" | "root-single-device"}
//	POST /_practice/root-device  {"name": "...", "account": ID} → {"serial": "..."}
//	POST /_practice/latency      {"latency": "50ms"}
//	POST /_practice/suspend      {"account": ID}
//	GET  /_practice/seed?serial=...                        → {"seed": "..."}
//	GET  /_practice/info[?account=ID]                      → account id and preset credentials
//
// Errors answer {"error": "..."} with a 4xx status.
const adminPrefix = "/_practice/"

type adminRequest struct {
	Serial string `json:"serial,omitempty"`
	Steps  int    `json:"steps,omitempty"`
	Op     string `json:"op,omitempty"`
	Fault  string `json:"fault,omitempty"`
	Count  int    `json:"count,omitempty"`
	Preset string `json:"preset,omitempty"`
	Name   string `json:"name,omitempty"`
	// Account is a member account id (root-device, suspend); "" is the
	// management (or only) account.
	Account string `json:"account,omitempty"`
	Latency string `json:"latency,omitempty"`
}

// Info describes a practice account: what `sparekey practice serve` prints.
type Info struct {
	AccountID string                 `json:"account_id"`
	Root      Credentials            `json:"root"`
	Users     map[string]Credentials `json:"users"`
	// AliceDevice is the serial number of alice's preset device.
	AliceDevice string `json:"alice_device"`
	// Organization is set when the account is the management account of
	// a practice Organization.
	Organization *OrganizationInfo `json:"organization,omitempty"`
}

// OrganizationInfo describes the practice Organization. Member accounts
// have the same preset users as the management account; their keys come
// from Server.AccountCredentials (or a role session).
type OrganizationInfo struct {
	ID       string    `json:"id"`
	Features []string  `json:"features"`
	Members  []Account `json:"members"`
}

// Info returns the account id and the credentials of root and the preset
// users that still exist.
func (s *Server) Info() Info {
	info := Info{AccountID: s.opts.AccountID, Root: s.RootCredentials(), Users: map[string]Credentials{}, AliceDevice: s.DeviceSerial(AliceUser)}
	for _, name := range []string{AdminUser, AliceUser, BobUser} {
		if c, err := s.UserCredentials(name); err == nil {
			info.Users[name] = c
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.st.Org; o != nil {
		oi := &OrganizationInfo{ID: o.ID, Features: append([]string{}, o.Features...), Members: []Account{}}
		for _, st := range s.accountsLocked()[1:] {
			oi.Members = append(oi.Members, s.describeAccountLocked(st))
		}
		info.Organization = oi
	}
	return info
}

// MemberInfo is Info for a member account of the Organization: its id,
// its root's and preset users' keys and alice's device there.
func (s *Server) MemberInfo(accountID string) (Info, error) {
	s.mu.Lock()
	_, err := s.memberLocked(accountID)
	s.mu.Unlock()
	if err != nil {
		return Info{}, err
	}
	info := Info{AccountID: accountID, Users: map[string]Credentials{}, AliceDevice: s.DeviceSerialIn(accountID, AliceUser)}
	if info.Root, err = s.AccountCredentials(accountID, RootPrincipal); err != nil {
		return Info{}, err
	}
	for _, name := range []string{AdminUser, AliceUser, BobUser} {
		if c, err := s.AccountCredentials(accountID, name); err == nil {
			info.Users[name] = c
		}
	}
	return info, nil
}

func isLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// adminTokenBytes is the token's entropy: 256 bits.
const adminTokenBytes = 32

func newAdminToken() (string, error) {
	b := make([]byte, adminTokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("practice: making the admin token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// AdminToken is the token the admin endpoint wants, made when the server
// was created. `sparekey practice serve` prints it and keeps it in a 0600
// file for the drill commands.
func (s *Server) AdminToken() string { return s.adminToken }

// adminTokenMatches compares an Authorization header with the token in
// constant time.
func (s *Server) adminTokenMatches(authorization string) bool {
	got, ok := strings.CutPrefix(authorization, "Bearer ")
	if !ok {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.adminToken)) == 1
}

// isLoopbackHost reports whether r's Host header names this machine's
// loopback interface and the port the request came in on. A web page that
// rebinds its own name to 127.0.0.1 still sends its own name.
func isLoopbackHost(r *http.Request) bool {
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, "80"
	}
	switch strings.ToLower(host) {
	case "127.0.0.1", "localhost", "::1":
	default:
		return false
	}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return true // served without a listener (a test calling the handler)
	}
	_, localPort, err := net.SplitHostPort(local.String())
	return err == nil && localPort == port
}

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	reply := func(status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	fail := func(status int, err error) { reply(status, map[string]string{"error": err.Error()}) }
	if !isLoopback(r.RemoteAddr) {
		fail(http.StatusForbidden, errors.New("the practice admin endpoint answers only loopback clients"))
		return
	}
	if !isLoopbackHost(r) {
		fail(http.StatusForbidden, fmt.Errorf("the practice admin endpoint answers only requests addressed to 127.0.0.1, localhost or [::1] with its own port, not %q", sanitize(r.Host)))
		return
	}
	if r.Header.Get("Origin") != "" {
		fail(http.StatusForbidden, errors.New("the practice admin endpoint does not answer web pages (the request has an Origin header); use `sparekey practice`"))
		return
	}
	if !s.adminTokenMatches(r.Header.Get("Authorization")) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sparekey-practice"`)
		fail(http.StatusUnauthorized, errors.New("the practice admin endpoint needs the token `sparekey practice serve` printed, as Authorization: Bearer TOKEN"))
		return
	}
	op := strings.TrimPrefix(r.URL.Path, adminPrefix)
	if r.Method == http.MethodGet {
		switch op {
		case "seed":
			seed, err := s.Seed(r.URL.Query().Get("serial"))
			if err != nil {
				fail(adminStatus(err), err)
				return
			}
			reply(http.StatusOK, map[string]string{"seed": seed})
		case "info":
			account := r.URL.Query().Get("account")
			if account == "" || account == s.AccountID() {
				reply(http.StatusOK, s.Info())
				return
			}
			info, err := s.MemberInfo(account)
			if err != nil {
				fail(adminStatus(err), err)
				return
			}
			reply(http.StatusOK, info)
		default:
			fail(http.StatusNotFound, fmt.Errorf("no admin operation GET %s", sanitize(op)))
		}
		return
	}
	if r.Method != http.MethodPost {
		fail(http.StatusMethodNotAllowed, fmt.Errorf("use POST for %s", sanitize(op)))
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		fail(http.StatusUnsupportedMediaType, errors.New("send the request body as JSON, with Content-Type: application/json"))
		return
	}
	var req adminRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		fail(http.StatusBadRequest, fmt.Errorf("the request body is not the JSON this operation takes: %w", err))
		return
	}
	var err error
	var out any = map[string]string{"status": "ok"}
	switch op {
	case "drift":
		err = s.SetDrift(req.Serial, req.Steps)
	case "lose":
		err = s.LoseDevice(req.Serial)
	case "fault":
		var f Fault
		if f, err = ParseFault(req.Fault); err == nil {
			if req.Op == "" {
				req.Op = AnyOperation
			}
			if req.Op != AnyOperation && operations[req.Op] == nil {
				err = fmt.Errorf("%q is not an operation of the practice account (known: %s)", req.Op, strings.Join(Operations(), ", "))
			} else {
				s.InjectFault(req.Op, f, req.Count)
			}
		}
	case "reset":
		if req.Preset == "" {
			req.Preset = string(PresetDefault)
		}
		err = s.Reset(Preset(req.Preset))
	case "root-device":
		if req.Account == "" {
			req.Account = s.AccountID()
		}
		var serial string
		if serial, err = s.EnableRootDeviceIn(req.Account, req.Name); err == nil {
			out = map[string]string{"serial": serial}
		}
	case "latency":
		var d time.Duration
		if d, err = time.ParseDuration(req.Latency); err == nil && d < 0 {
			err = errors.New("latency must not be negative")
		}
		if err == nil {
			s.SetLatency(d)
		}
	case "suspend":
		err = s.SuspendAccount(req.Account)
	default:
		fail(http.StatusNotFound, fmt.Errorf("no admin operation POST %s", sanitize(op)))
		return
	}
	if err != nil {
		fail(adminStatus(err), err)
		return
	}
	reply(http.StatusOK, out)
}

func adminStatus(err error) int {
	if errors.Is(err, ErrNoSuchDevice) || errors.Is(err, ErrNoSuchUser) || errors.Is(err, ErrNoSuchAccount) {
		return http.StatusNotFound
	}
	if errors.Is(err, ErrSeedLost) {
		return http.StatusGone
	}
	return http.StatusBadRequest
}

// AdminClient drives a running practice server's admin endpoint; the CLI's
// `sparekey practice drift|fault|reset|...` use it.
type AdminClient struct {
	Endpoint string // e.g. "http://127.0.0.1:4566"
	// Token is the server's AdminToken.
	Token string
	HTTP  *http.Client // nil = a client with a 10 s timeout
}

// ErrAdminToken: the server refused the admin token (or none was given);
// the remedy is the token of the server running at that endpoint.
var ErrAdminToken = errors.New("the practice server refused the admin token")

func (a *AdminClient) do(ctx context.Context, method, op string, query url.Values, body any, out any) error {
	client := a.HTTP
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	u := strings.TrimRight(a.Endpoint, "/") + adminPrefix + op
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("practice admin: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.Token != "" {
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("practice admin: is `sparekey practice serve` running at %s? %w", a.Endpoint, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("practice admin: reading the answer: %w", err)
	}
	if resp.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("practice admin %s at %s: %w", op, a.Endpoint, ErrAdminToken)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			return fmt.Errorf("practice admin %s: %s", op, e.Error)
		}
		return fmt.Errorf("practice admin %s: HTTP %s (is %s a practice server?)", op, resp.Status, a.Endpoint)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("practice admin %s: unexpected answer: %w", op, err)
		}
	}
	return nil
}

// SetDrift is Server.SetDrift on a running server.
func (a *AdminClient) SetDrift(ctx context.Context, serial string, steps int) error {
	return a.do(ctx, http.MethodPost, "drift", nil, adminRequest{Serial: serial, Steps: steps}, nil)
}

// LoseDevice is Server.LoseDevice on a running server.
func (a *AdminClient) LoseDevice(ctx context.Context, serial string) error {
	return a.do(ctx, http.MethodPost, "lose", nil, adminRequest{Serial: serial}, nil)
}

// InjectFault is Server.InjectFault on a running server; op "" means
// AnyOperation.
func (a *AdminClient) InjectFault(ctx context.Context, op string, fault Fault, count int) error {
	return a.do(ctx, http.MethodPost, "fault", nil, adminRequest{Op: op, Fault: string(fault), Count: count}, nil)
}

// Reset is Server.Reset on a running server.
func (a *AdminClient) Reset(ctx context.Context, p Preset) error {
	return a.do(ctx, http.MethodPost, "reset", nil, adminRequest{Preset: string(p)}, nil)
}

// EnableRootDevice is Server.EnableRootDevice on a running server.
func (a *AdminClient) EnableRootDevice(ctx context.Context, name string) (string, error) {
	var out struct{ Serial string }
	err := a.do(ctx, http.MethodPost, "root-device", nil, adminRequest{Name: name}, &out)
	return out.Serial, err
}

// EnableRootDeviceIn is Server.EnableRootDeviceIn on a running server.
func (a *AdminClient) EnableRootDeviceIn(ctx context.Context, accountID, name string) (string, error) {
	var out struct{ Serial string }
	err := a.do(ctx, http.MethodPost, "root-device", nil, adminRequest{Name: name, Account: accountID}, &out)
	return out.Serial, err
}

// SetLatency is Server.SetLatency on a running server.
func (a *AdminClient) SetLatency(ctx context.Context, d time.Duration) error {
	return a.do(ctx, http.MethodPost, "latency", nil, adminRequest{Latency: d.String()}, nil)
}

// SuspendAccount is Server.SuspendAccount on a running server.
func (a *AdminClient) SuspendAccount(ctx context.Context, accountID string) error {
	return a.do(ctx, http.MethodPost, "suspend", nil, adminRequest{Account: accountID}, nil)
}

// Seed is Server.Seed on a running server (drills only).
func (a *AdminClient) Seed(ctx context.Context, serial string) (string, error) {
	var out struct{ Seed string }
	err := a.do(ctx, http.MethodGet, "seed", url.Values{"serial": {serial}}, nil, &out)
	return out.Seed, err
}

// MemberInfo is Server.MemberInfo on a running server.
func (a *AdminClient) MemberInfo(ctx context.Context, accountID string) (Info, error) {
	var out Info
	err := a.do(ctx, http.MethodGet, "info", url.Values{"account": {accountID}}, nil, &out)
	return out, err
}

// Info is Server.Info on a running server.
func (a *AdminClient) Info(ctx context.Context) (Info, error) {
	var out Info
	err := a.do(ctx, http.MethodGet, "info", nil, nil, &out)
	return out, err
}
