package main

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

func TestCheckDisplay(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("only X11 and Wayland sessions can lack a display")
	}
	for _, tc := range []struct {
		display, wayland string
		want             error
	}{
		{"", "", errNoDisplay},
		{":0", "", nil},
		{"", "wayland-0", nil},
		{":1", "wayland-1", nil},
	} {
		t.Setenv("DISPLAY", tc.display)
		t.Setenv("WAYLAND_DISPLAY", tc.wayland)
		if err := checkDisplay(); !errors.Is(err, tc.want) {
			t.Errorf("DISPLAY=%q WAYLAND_DISPLAY=%q: %v, want %v", tc.display, tc.wayland, err, tc.want)
		}
	}
}

// TestGLFailureWatch feeds the watcher what Fyne's log prints.
func TestGLFailureWatch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		exits bool
	}{
		{"no GLX", []string{"Fyne error:  window creation error\n", "  Cause: APIUnavailable: GLX: GLX extension not found\n", "  At: driver.go:180\n"}, true},
		{"no GLFW", []string{"Fyne error:  failed to initialise GLFW\n", "  At: loop_desktop.go:29\n"}, true},
		{"other errors pass", []string{"Fyne error:  Failed to load user preferences\n", "  Cause: EOF\n"}, false},
		{"ordinary log", []string{"window creation error in a user's account name\n"}, false},
	} {
		var out strings.Builder
		code := -1
		w := &glFailureWatch{out: &out, exit: func(c int) { code = c }}
		for _, l := range tc.lines {
			if _, err := w.Write([]byte(l)); err != nil {
				t.Fatal(err)
			}
		}
		if exited := code == 1; exited != tc.exits {
			t.Errorf("%s: exited %v, want %v\n%s", tc.name, exited, tc.exits, out.String())
		}
		if tc.exits && !strings.Contains(out.String(), "OpenGL driver") {
			t.Errorf("%s: no advice printed:\n%s", tc.name, out.String())
		}
		if !strings.HasPrefix(out.String(), tc.lines[0]) {
			t.Errorf("%s: the log was not passed through:\n%s", tc.name, out.String())
		}
	}
}
