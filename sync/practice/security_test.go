package practice

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Issue #11: the practice account must not be changeable, or readable
// through its admin endpoint, without its keys. Every attack below is
// refused and leaves the account exactly as it was.

// stateJSON is the whole account as it would be saved, plus the injected
// faults: what an attack must not change.
func stateJSON(t *testing.T, s *Server) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := json.Marshal(struct {
		State  *state
		Faults map[string]*faultPlan
	}{s.st, s.faults})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// signedQuery is a Query API request signed with the SDK's own signer at a
// chosen time, for a chosen service, with the payload hash sent as
// X-Amz-Content-Sha256 (as S3 clients do) when sendHash.
type signedQuery struct {
	body     string
	service  string
	at       time.Time
	sendHash bool
}

func (q signedQuery) request(t *testing.T, endpoint string, c Credentials) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(q.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	hash := payloadHash([]byte(q.body))
	if q.sendHash {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	err = v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
		req, hash, q.service, "us-east-1", q.at)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// withBody is the captured request req with its body swapped for body, as
// an attacker holding the request but not the key would send it.
func withBody(req *http.Request, body string) *http.Request {
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(strings.NewReader(body))
	r.ContentLength = int64(len(body))
	return r
}

type wireError struct {
	Error struct{ Code, Message string }
}

// send sends req and returns the status and the AWS error code, if any.
func send(t *testing.T, req *http.Request) (int, wireError) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var e wireError
	if resp.StatusCode != http.StatusOK {
		if err := xml.Unmarshal(b, &e); err != nil {
			t.Fatalf("HTTP %d with a body that is not an AWS error: %v\n%s", resp.StatusCode, err, b)
		}
	}
	return resp.StatusCode, e
}

func TestSignedRequestAttacksAreRefused(t *testing.T) {
	t.Parallel()
	const (
		listUsers       = "Action=ListUsers&Version=2010-05-08"
		createMallory   = "Action=CreateUser&Version=2010-05-08&UserName=mallory"
		getSessionToken = "Action=GetSessionToken&Version=2011-06-15"
	)
	now := time.Now()
	tests := []struct {
		name    string
		attack  func(t *testing.T, endpoint string, c Credentials) *http.Request
		status  int
		code    string
		message string // a part of the message
	}{
		{
			name: "captured ListUsers signature with a CreateUser body",
			attack: func(t *testing.T, endpoint string, c Credentials) *http.Request {
				return withBody(signedQuery{body: listUsers, service: "iam", at: now}.request(t, endpoint, c), createMallory)
			},
			status: 403, code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match",
		},
		{
			name: "captured signature and payload hash with another body",
			attack: func(t *testing.T, endpoint string, c Credentials) *http.Request {
				return withBody(signedQuery{body: listUsers, service: "iam", at: now, sendHash: true}.request(t, endpoint, c), createMallory)
			},
			status: 403, code: "SignatureDoesNotMatch", message: "not the SHA-256 of the request body",
		},
		{
			name: "UNSIGNED-PAYLOAD",
			attack: func(t *testing.T, endpoint string, c Credentials) *http.Request {
				req, _ := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(createMallory))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
				req.Header.Set("X-Amz-Content-Sha256", unsignedPayload)
				err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey},
					req, unsignedPayload, "iam", "us-east-1", now)
				if err != nil {
					t.Fatal(err)
				}
				return req
			},
			status: 403, code: "SignatureDoesNotMatch", message: "UNSIGNED-PAYLOAD",
		},
		{
			name: "X-Amz-Date from 2020",
			attack: func(t *testing.T, endpoint string, c Credentials) *http.Request {
				return signedQuery{body: createMallory, service: "iam", at: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)}.request(t, endpoint, c)
			},
			status: 403, code: "SignatureDoesNotMatch", message: "Signature expired: 20200102T030405Z is now earlier than",
		},
		{
			name: "X-Amz-Date 16 minutes old",
			attack: func(t *testing.T, endpoint string, c Credentials) *http.Request {
				return signedQuery{body: createMallory, service: "iam", at: now.Add(-16 * time.Minute)}.request(t, endpoint, c)
			},
			status: 403, code: "SignatureDoesNotMatch", message: "Signature expired",
		},
		{
			name: "X-Amz-Date an hour ahead",
			attack: func(t *testing.T, endpoint string, c Credentials) *http.Request {
				return signedQuery{body: createMallory, service: "iam", at: now.Add(time.Hour)}.request(t, endpoint, c)
			},
			status: 403, code: "SignatureDoesNotMatch", message: "Signature not yet current",
		},
		{
			name: "GetSessionToken signed for iam",
			attack: func(t *testing.T, endpoint string, c Credentials) *http.Request {
				return signedQuery{body: getSessionToken, service: "iam", at: now}.request(t, endpoint, c)
			},
			status: 403, code: "SignatureDoesNotMatch", message: "Credential should be scoped to correct service: 'sts'.",
		},
		{
			name: "CreateUser signed for sts",
			attack: func(t *testing.T, endpoint string, c Credentials) *http.Request {
				return signedQuery{body: createMallory, service: "sts", at: now}.request(t, endpoint, c)
			},
			status: 403, code: "SignatureDoesNotMatch", message: "Credential should be scoped to correct service: 'iam'.",
		},
		{
			name: "request time in no header",
			attack: func(t *testing.T, endpoint string, c Credentials) *http.Request {
				req := signedQuery{body: createMallory, service: "iam", at: now}.request(t, endpoint, c)
				req.Header.Del("X-Amz-Date")
				return req
			},
			status: 400, code: "IncompleteSignature", message: "'X-Amz-Date' or a 'Date' header",
		},
		{
			name: "request time changed after signing",
			attack: func(t *testing.T, endpoint string, c Credentials) *http.Request {
				req := signedQuery{body: createMallory, service: "iam", at: now.Add(-20 * time.Minute)}.request(t, endpoint, c)
				req.Header.Set("X-Amz-Date", now.UTC().Format(amzDateFormat))
				return req
			},
			status: 403, code: "SignatureDoesNotMatch",
		},
		{
			name: "body over the size limit",
			attack: func(t *testing.T, endpoint string, c Credentials) *http.Request {
				return signedQuery{body: createMallory + "&Pad=" + strings.Repeat("x", maxBody), service: "iam", at: now}.request(t, endpoint, c)
			},
			status: 413, code: "RequestEntityTooLarge",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			before := stateJSON(t, f.srv)
			status, e := send(t, tt.attack(t, f.url, f.srv.AdminCredentials()))
			if status != tt.status || e.Error.Code != tt.code || !strings.Contains(e.Error.Message, tt.message) {
				t.Errorf("HTTP %d %s %q, want HTTP %d %s containing %q", status, e.Error.Code, e.Error.Message, tt.status, tt.code, tt.message)
			}
			if after := stateJSON(t, f.srv); after != before {
				t.Errorf("the account changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// TestSignedRequestsStillAccepted is the other side of the attacks: honest
// requests near the edges of what is checked go through.
func TestSignedRequestsStillAccepted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	now := time.Now()
	tests := []struct {
		name string
		q    signedQuery
	}{
		{"14 minutes old", signedQuery{body: "Action=ListUsers&Version=2010-05-08", service: "iam", at: now.Add(-14 * time.Minute)}},
		{"14 minutes ahead", signedQuery{body: "Action=ListUsers&Version=2010-05-08", service: "iam", at: now.Add(14 * time.Minute)}},
		{"payload hash sent", signedQuery{body: "Action=CreateUser&Version=2010-05-08&UserName=carol", service: "iam", at: now, sendHash: true}},
		{"sts signed for sts", signedQuery{body: "Action=GetCallerIdentity&Version=2011-06-15", service: "sts", at: now}},
	}
	for _, tt := range tests {
		if status, e := send(t, tt.q.request(t, f.url, f.srv.AdminCredentials())); status != http.StatusOK {
			t.Errorf("%s: HTTP %d %s %s", tt.name, status, e.Error.Code, e.Error.Message)
		}
	}
}

// adminAttack is a request to the admin endpoint, described by what it
// changes from an honest one.
type adminAttack struct {
	name        string
	method, op  string
	body        string
	token       string // "" = none
	host        string // "" = the endpoint's own
	origin      string
	contentType string
	status      int
}

func TestAdminEndpointAttacksAreRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	u, err := url.Parse(f.url)
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(u.Host)
	good := f.srv.AdminToken()
	const jsonType = "application/json"
	const reset = `{"preset":"root-single-device"}`
	tests := []adminAttack{
		{name: "info without the token", method: "GET", op: "info", status: 401},
		{name: "seed without the token", method: "GET", op: "seed?serial=" + url.QueryEscape(f.srv.DeviceSerial(AliceUser)), status: 401},
		{name: "reset without the token", method: "POST", op: "reset", body: reset, contentType: jsonType, status: 401},
		{name: "reset with a wrong token", method: "POST", op: "reset", body: reset, contentType: jsonType, token: otherLastChar(good), status: 401},
		{name: "info through DNS rebinding", method: "GET", op: "info", token: good, host: "rebind.example:" + port, status: 403},
		{name: "reset through DNS rebinding", method: "POST", op: "reset", body: reset, contentType: jsonType, token: good, host: "rebind.example:" + port, status: 403},
		{name: "loopback name, another port", method: "GET", op: "info", token: good, host: "localhost:1", status: 403},
		{name: "info from a web page", method: "GET", op: "info", token: good, origin: "http://evil.example", status: 403},
		{name: "reset from a sandboxed page", method: "POST", op: "reset", body: reset, contentType: jsonType, token: good, origin: "null", status: 403},
		{name: "drift from a cross-site form", method: "POST", op: "drift", body: "serial=x&steps=9", contentType: "application/x-www-form-urlencoded", token: good, status: 415},
		{name: "reset as text/plain", method: "POST", op: "reset", body: reset, contentType: "text/plain", token: good, status: 415},
		{name: "fault without a content type", method: "POST", op: "fault", body: `{"fault":"throttle","count":5}`, token: good, status: 415},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := stateJSON(t, f.srv)
			status, body := sendAdmin(t, f.url, tt)
			if status != tt.status {
				t.Errorf("HTTP %d %s, want %d", status, body, tt.status)
			}
			creds := f.srv.AdminCredentials()
			if strings.Contains(body, creds.SecretAccessKey) || strings.Contains(body, f.seed(f.srv.DeviceSerial(AliceUser))) {
				t.Errorf("the refusal gives away a secret: %s", body)
			}
			if after := stateJSON(t, f.srv); after != before {
				t.Errorf("the account changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}

	// With everything right, the same endpoint works.
	for _, host := range []string{"", "localhost:" + port, "[::1]:" + port} {
		ok := adminAttack{method: "POST", op: "reset", body: reset, contentType: "application/json; charset=utf-8", token: good, host: host}
		if status, body := sendAdmin(t, f.url, ok); status != http.StatusOK {
			t.Errorf("honest reset with Host %q: HTTP %d %s", host, status, body)
		}
	}
}

// otherLastChar is token with its last character changed, always to
// another one: a token that is almost right.
func otherLastChar(token string) string {
	last := byte('A')
	if token[len(token)-1] == last {
		last = 'B'
	}
	return token[:len(token)-1] + string(last)
}

func sendAdmin(t *testing.T, endpoint string, a adminAttack) (int, string) {
	t.Helper()
	req, err := http.NewRequest(a.method, endpoint+adminPrefix+a.op, bytes.NewReader([]byte(a.body)))
	if err != nil {
		t.Fatal(err)
	}
	if a.host != "" {
		req.Host = a.host
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if a.origin != "" {
		req.Header.Set("Origin", a.origin)
	}
	if a.contentType != "" {
		req.Header.Set("Content-Type", a.contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAdminClientToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name    string
		token   string
		wantErr error
	}{
		{"right token", f.srv.AdminToken(), nil},
		{"no token", "", ErrAdminToken},
		{"another server's token", mustToken(t), ErrAdminToken},
	}
	for _, tt := range tests {
		c := &AdminClient{Endpoint: f.url, Token: tt.token}
		info, err := c.Info(ctx)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: Info error = %v, want %v", tt.name, err, tt.wantErr)
		}
		if tt.wantErr == nil && info.AccountID != DefaultAccountID {
			t.Errorf("%s: Info = %+v", tt.name, info)
		}
		if err != nil && strings.Contains(err.Error(), f.srv.AdminToken()) {
			t.Errorf("%s: the error shows the token: %v", tt.name, err)
		}
	}
}

func mustToken(t *testing.T) string {
	t.Helper()
	tok, err := newAdminToken()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestSlowClientsAreCutOff: a client that starts a request and never
// finishes it does not hold its connection forever.
func TestSlowClientsAreCutOff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		partial string
	}{
		{"header never finished", "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Date: 2"},
		{"body never finished", "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nAction=Create"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, err := New(Options{})
			if err != nil {
				t.Fatal(err)
			}
			srv.readHeaderTimeout, srv.readTimeout = 50*time.Millisecond, 50*time.Millisecond
			endpoint, err := srv.Start("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { srv.Close() })
			before := stateJSON(t, srv)
			conn, err := net.Dial("tcp", strings.TrimPrefix(endpoint, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, tt.partial); err != nil {
				t.Fatal(err)
			}
			// Not a timing assertion: this only keeps a broken server from
			// hanging the test run.
			conn.SetReadDeadline(time.Now().Add(time.Minute))
			if _, err := io.ReadAll(conn); err != nil {
				t.Fatalf("the server kept the connection of a client that never finished its request: %v", err)
			}
			if after := stateJSON(t, srv); after != before {
				t.Errorf("the account changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}
