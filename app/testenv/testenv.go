// Package testenv is what Sparekey's tests share about their surroundings:
// the real peers they run against (oathtool, age, zbarimg, the aws CLI,
// moto_server, gnome-keyring) and the interop fixtures beside the repository.
//
// A missing peer skips a test on a developer's machine, but fails it when
// SPAREKEY_REQUIRE_PEERS=1, which `make test` sets after installing them: CI
// must never pass by skipping the real thing.
package testenv

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// Required reports whether missing peers are failures rather than skips.
func Required() bool { return os.Getenv("SPAREKEY_REQUIRE_PEERS") == "1" }

// Tool returns the path of an external program, skipping (or failing, under
// `make test`) when it is not installed.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name+" is not installed (make test installs it)")
	}
	return p
}

func missing(t testing.TB, why string) {
	t.Helper()
	if Required() {
		t.Fatal(why)
	}
	t.Skip(why)
}

// RepoRoot is the repository's top folder, found from this file's location.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// BuildTags are the build tags every build of Sparekey uses, from
// packaging/build-tags (the Makefile and the scripts read the same file), so
// a test that builds the real binary builds what users run.
func BuildTags() string {
	b, err := os.ReadFile(filepath.Join(RepoRoot(), "packaging", "build-tags"))
	if err != nil {
		panic("testenv: " + err.Error())
	}
	return strings.TrimSpace(string(b))
}

// InteropDir is the shared folder of files exported by other apps. These are
// other projects' files, read in place and never copied into the repository.
func InteropDir() string {
	if d := os.Getenv("SPAREKEY_INTEROP_DIR"); d != "" {
		return d
	}
	return filepath.Join(RepoRoot(), "..", "shared", "fixtures", "interop")
}

// Fixture returns the path of an interop fixture, skipping with a message
// when the shared folder is absent (a clone without shared/ beside it).
func Fixture(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(InteropDir(), name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("interop fixture %s not found (expected ../shared/fixtures/interop beside the repository): %v", name, err)
	}
	return p
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("no free port on 127.0.0.1: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// FreeAddr is FreePort as "127.0.0.1:PORT".
func FreeAddr(t testing.TB) string {
	return "127.0.0.1:" + strconv.Itoa(FreePort(t))
}
