//go:build !windows

package app

import (
	"fmt"
	"os"
	"os/exec"
)

// x11Capture commands are tried in order; each prints a PNG of the screen.
// ImageMagick's import is one process; xwd piped to convert is the
// fallback where only x11-apps is there.
var x11Capture = [][]string{
	{"import", "-silent", "-window", "root", "png:-"},
	{"sh", "-c", "xwd -root -silent | convert xwd:- png:-"},
}

// waylandCapture is tried first in a Wayland session (grim, wlroots).
var waylandCapture = []string{"grim", "-t", "png", "-"}

// screenCaptureCommands: X11 with ImageMagick or xwd; Wayland compositors
// that allow grim. (macOS has no DISPLAY and gets the honest error.)
func screenCaptureCommands() ([][]string, error) {
	switch {
	case os.Getenv("WAYLAND_DISPLAY") != "":
		return append([][]string{waylandCapture}, x11Capture...), nil
	case os.Getenv("DISPLAY") != "":
		return x11Capture, nil
	}
	return nil, fmt.Errorf("%w (no X11 or Wayland display)", ErrNoScreenCapture)
}

// clipboardImageCommand: xclip on X11, wl-paste on Wayland.
func clipboardImageCommand() ([]string, error) {
	switch {
	case os.Getenv("WAYLAND_DISPLAY") != "":
		return []string{"wl-paste", "--no-newline", "--type", "image/png"}, nil
	case os.Getenv("DISPLAY") != "":
		return []string{"xclip", "-selection", "clipboard", "-t", "image/png", "-o"}, nil
	}
	return nil, fmt.Errorf("%w (no display)", ErrNoClipboardImage)
}

func hideConsole(*exec.Cmd) {}
