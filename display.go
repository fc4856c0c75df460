package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)

// errNoDisplay is why the window cannot open on Linux and the BSDs from a
// session with no graphical display (SSH, a console, a service). Without
// this check GLFW fails deep inside Fyne, which logs it and carries on with
// no window.
var errNoDisplay = errors.New("no graphical display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset). " +
	"Run sparekey from a desktop session, or use its commands here: sparekey help")

// checkDisplay is only about X11 and Wayland: Windows and macOS always
// have their own window system in a user's session.
func checkDisplay() error {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "android":
		return nil
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errNoDisplay
	}
	return nil
}

// glFailureWatch stands between Fyne's log and stderr. When GLFW cannot
// start or cannot make a window (no OpenGL driver, an X server without
// GLX, a broken display), Fyne only logs it and waits forever with no
// window. Its log is the one place that failure shows, so this writer
// passes the log through and, on those two reasons, says what happened and
// what to do, and ends the program.
type glFailureWatch struct {
	out     io.Writer
	exit    func(code int)
	failing bool
}

// The reasons Fyne's GLFW driver logs (internal/driver/glfw, v2.8).
var glFailures = []string{"failed to initialise GLFW", "window creation error"}

func (w *glFailureWatch) Write(p []byte) (int, error) {
	n, err := w.out.Write(p)
	line := string(p)
	if !w.failing {
		for _, reason := range glFailures {
			if strings.Contains(line, "Fyne error: ") && strings.Contains(line, reason) {
				w.failing = true
			}
		}
		return n, err
	}
	cause := ""
	if _, after, ok := strings.Cut(line, "Cause: "); ok {
		cause = " (" + strings.TrimSpace(after) + ")"
	} else if !strings.Contains(line, "At: ") {
		return n, err // wait for the cause
	}
	fmt.Fprintf(w.out, "sparekey: cannot open the window: the display offers no working OpenGL%s. "+
		"Install your system's OpenGL driver (Debian and Ubuntu: libgl1-mesa-dri; Fedora: mesa-dri-drivers), "+
		"or use the command line, which needs no window: sparekey help\n", cause)
	w.exit(1)
	return n, err
}
