package app

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// The running desktop app listens on a local channel so that a second
// launch raises the existing window instead of opening the vault twice, and
// so that `sparekey lock` (a screen-lock hook, a hotkey) can lock it. The
// channel is what each OS offers for this (instanceChannel): a Unix socket
// in a 0700 folder of the user's, a named pipe only the user may open on
// Windows.

// ErrNotRunning means no Sparekey window is running for this vault.
var ErrNotRunning = errors.New("no Sparekey window is running")

// Instance commands.
const (
	InstanceShow = "show"
	InstanceLock = "lock"
)

// instanceChannel is one vault's rendezvous between its window and later
// launches. One per vault: two portable vaults may run side by side.
type instanceChannel interface {
	// Listen claims the channel. A stale claim (a crashed run's socket) is
	// cleared first; only call it after a Dial has found nobody listening.
	Listen() (net.Listener, error)
	Dial(timeout time.Duration) (net.Conn, error)
	// Release undoes what Listen left behind once its listener is closed.
	Release()
	// String names the channel in errors.
	String() string
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
	ch := a.instanceChannel()
	if a.SendInstance(InstanceShow) == nil {
		return nil, fmt.Errorf("sparekey is already running: %w", os.ErrExist)
	}
	l, err := ch.Listen()
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", ch, err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			serveInstance(c, handle)
		}
	}()
	return func() { l.Close(); ch.Release() }, nil
}

func serveInstance(c net.Conn, handle func(cmd string)) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	cmd := strings.TrimSpace(line)
	if cmd == InstanceShow || cmd == InstanceLock {
		handle(cmd)
		fmt.Fprintln(c, "ok")
	} else {
		fmt.Fprintln(c, "unknown command")
	}
}

// SendInstance sends a command to the running app.
func (a *App) SendInstance(cmd string) error {
	c, err := a.instanceChannel().Dial(time.Second)
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
