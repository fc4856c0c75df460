//go:build !linux

package testenv

import "testing"

// StartXvfb skips the test: Xvfb (and the Pdeathsig that ties it to the
// test binary) are Linux's. The tests that need a real X display are run
// on Linux; on macOS and Windows the rest of the suite still compiles and
// runs.
func StartXvfb(t testing.TB) string {
	t.Helper()
	t.Skip("a private X display (Xvfb) is only started on Linux")
	return ""
}
