package app

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The running desktop app listens on a Unix socket so that a second launch
// raises the existing window instead of opening the vault twice, and so that
// `sparekey lock` (a screen-lock hook, a hotkey) can lock it. Only the user
// can reach the socket: it lives in a 0700 folder of theirs.

// ErrNotRunning means no Sparekey window is running for this vault.
var ErrNotRunning = errors.New("no Sparekey window is running")

// Instance commands.
const (
	InstanceShow = "show"
	InstanceLock = "lock"
)

func (a *App) socketPath() string {
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = a.paths.Data
	}
	// One socket per vault: two portable vaults may run side by side.
	return filepath.Join(dir, fmt.Sprintf("sparekey-%x.sock", hashString(a.paths.Vault)))
}

func hashString(s string) uint32 {
	var h uint32 = 2166136261
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// ListenInstance serves instance commands until the returned stop is called.
// It fails with an error wrapping os.ErrExist when another instance is running.
func (a *App) ListenInstance(handle func(cmd string)) (stop func(), err error) {
	path := a.socketPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if a.SendInstance(InstanceShow) == nil {
		return nil, fmt.Errorf("sparekey is already running: %w", os.ErrExist)
	}
	os.Remove(path) // a stale socket from a crashed run
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	os.Chmod(path, 0o600)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Now().Add(2 * time.Second))
			line, _ := bufio.NewReader(c).ReadString('\n')
			cmd := strings.TrimSpace(line)
			if cmd == InstanceShow || cmd == InstanceLock {
				handle(cmd)
				fmt.Fprintln(c, "ok")
			} else {
				fmt.Fprintln(c, "unknown command")
			}
			c.Close()
		}
	}()
	return func() { l.Close(); os.Remove(path) }, nil
}

// SendInstance sends a command to the running app.
func (a *App) SendInstance(cmd string) error {
	c, err := net.DialTimeout("unix", a.socketPath(), time.Second)
	if err != nil {
		return ErrNotRunning
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintln(c, cmd)
	reply, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("the running Sparekey did not answer: %w", err)
	}
	if strings.TrimSpace(reply) != "ok" {
		return fmt.Errorf("the running Sparekey refused %q", cmd)
	}
	return nil
}
