//go:build !windows

package app

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// unixSocket is the instance channel on Linux and macOS. Only the user can
// reach it: it lives in their runtime folder (or data folder), made 0700.
type unixSocket struct{ path string }

func (a *App) instanceChannel() instanceChannel {
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = a.paths.Data
	}
	return unixSocket{filepath.Join(dir, fmt.Sprintf("sparekey-%x.sock", hashString(a.paths.Vault)))}
}

func (s unixSocket) Listen() (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return nil, err
	}
	os.Remove(s.path) // a stale socket from a crashed run
	l, err := net.Listen("unix", s.path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(s.path, 0o600); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func (s unixSocket) Dial(timeout time.Duration) (net.Conn, error) {
	return net.DialTimeout("unix", s.path, timeout)
}

func (s unixSocket) Release() { os.Remove(s.path) }

func (s unixSocket) String() string { return "the socket " + s.path }
