package cli

import "golang.org/x/sys/unix"

// echoOff turns the terminal's echo off until restore is called, so that a
// prompt can be printed with nothing typed after it ever shown: read
// functions that turn echo off themselves do it after the prompt is out,
// and a fast typist (or a script at a pty) beats them.
func echoOff(fd int) (restore func()) {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() {}
	}
	old := *t
	t.Lflag &^= unix.ECHO
	if unix.IoctlSetTermios(fd, unix.TCSETS, t) != nil {
		return func() {}
	}
	return func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, &old) }
}
