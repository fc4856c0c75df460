//go:build windows

package app

import (
	"fmt"
	"net"
	"time"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// namedPipe is the instance channel on Windows, which has no Unix sockets
// to speak of (wine refuses them outright). Pipe names are machine-wide, so
// the name carries the user's SID, and the pipe's DACL admits that user
// alone: another account on the same PC can neither lock nor probe the
// window. go-winio creates the first instance exclusively, so a second
// listener for the same vault fails instead of sharing the name.
type namedPipe struct {
	name string
	sid  string // "" when the token could not be read: fall back to the default DACL
}

func (a *App) instanceChannel() instanceChannel {
	sid := currentUserSID()
	user := sid
	if user == "" {
		user = "unknown-user"
	}
	return namedPipe{
		name: fmt.Sprintf(`\\.\pipe\sparekey-%s-%x`, user, hashString(a.paths.Vault)),
		sid:  sid,
	}
}

func currentUserSID() string {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return ""
	}
	return u.User.Sid.String()
}

func (p namedPipe) Listen() (net.Listener, error) {
	cfg := &winio.PipeConfig{}
	if p.sid != "" {
		// Protected DACL: generic-all for this user, nobody else.
		cfg.SecurityDescriptor = "D:P(A;;GA;;;" + p.sid + ")"
	}
	return winio.ListenPipe(p.name, cfg)
}

func (p namedPipe) Dial(timeout time.Duration) (net.Conn, error) {
	return winio.DialPipe(p.name, &timeout)
}

// Release has nothing to do: a pipe disappears with its last handle.
func (p namedPipe) Release() {}

func (p namedPipe) String() string { return "the pipe " + p.name }
