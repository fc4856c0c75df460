package practice

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// AdminAccess is what a drill command needs to drive a running server's
// admin endpoint. `sparekey practice serve` keeps it in a 0600 file, one
// per endpoint, for `sparekey practice info` and the drill commands of the
// same user.
type AdminAccess struct {
	Endpoint string `json:"endpoint"`
	Token    string `json:"token"`
}

var (
	// ErrNoAdminAccess: no access file for that endpoint, so no server of
	// this user is known to run there.
	ErrNoAdminAccess = errors.New("no practice server of yours is known at this endpoint")
	// ErrBadAdminAccess: the access file is not one the server wrote.
	ErrBadAdminAccess = errors.New("the practice access file is damaged")
)

// AdminAccessPath is the access file of the server at endpoint under dir,
// named after its host and port so that several servers can run at once.
func AdminAccessPath(dir, endpoint string) (string, error) {
	host, port, err := loopbackEndpoint(endpoint)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "practice-server-"+strings.ReplaceAll(host, ":", "_")+"-"+port+".json"), nil
}

// loopbackEndpoint checks that endpoint is http://LOOPBACK:PORT, the only
// kind of endpoint a practice server has, and returns its host and port.
func loopbackEndpoint(endpoint string) (host, port string, err error) {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" || u.User != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
		return "", "", fmt.Errorf("practice: endpoint %q is not http://HOST:PORT", sanitize(endpoint))
	}
	host, port = u.Hostname(), u.Port()
	if port == "" {
		port = "80"
	}
	if ip := net.ParseIP(host); strings.ToLower(host) != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", "", fmt.Errorf("practice: endpoint %q is not on this machine's loopback address", sanitize(endpoint))
	}
	return strings.ToLower(host), port, nil
}

// WriteAdminAccess writes the access file atomically, 0600: it holds the
// admin token.
func WriteAdminAccess(path string, a AdminAccess) error {
	if _, err := parseAdminAccess(mustJSON(a)); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("practice: keeping the admin token: %w", err)
	}
	if err := writeSecretFile(path, append(mustJSON(a), '\n')); err != nil {
		return fmt.Errorf("practice: keeping the admin token: %w", err)
	}
	return nil
}

func mustJSON(a AdminAccess) []byte {
	b, _ := json.Marshal(a) // two strings cannot fail
	return b
}

// ReadAdminAccess reads an access file; a missing one is ErrNoAdminAccess.
func ReadAdminAccess(path string) (AdminAccess, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return AdminAccess{}, ErrNoAdminAccess
	}
	if err != nil {
		return AdminAccess{}, fmt.Errorf("practice: reading the admin token: %w", err)
	}
	a, err := parseAdminAccess(b)
	if err != nil {
		return AdminAccess{}, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// parseAdminAccess decodes and checks an access file: a loopback endpoint
// and a token of the shape newAdminToken makes.
func parseAdminAccess(b []byte) (AdminAccess, error) {
	var a AdminAccess
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return AdminAccess{}, fmt.Errorf("%w: not the JSON it should be", ErrBadAdminAccess)
	}
	if _, _, err := loopbackEndpoint(a.Endpoint); err != nil {
		return AdminAccess{}, fmt.Errorf("%w: %w", ErrBadAdminAccess, err)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(a.Token); err != nil || len(raw) != adminTokenBytes {
		return AdminAccess{}, fmt.Errorf("%w: the token is not one a practice server makes", ErrBadAdminAccess)
	}
	return a, nil
}

// RemoveAdminAccess removes the access file if it still holds token: a
// server that stops must not delete the file of one started after it.
func RemoveAdminAccess(path, token string) error {
	a, err := ReadAdminAccess(path)
	if err != nil || a.Token != token {
		return nil // someone else's now, or already gone
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("practice: removing the admin token file: %w", err)
	}
	return nil
}
