package practice

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestAdminAccessPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		endpoint string
		want     string // file name; "" = refused
	}{
		{"http://127.0.0.1:8045", "practice-server-127.0.0.1-8045.json"},
		{"http://127.0.0.1:8045/", "practice-server-127.0.0.1-8045.json"},
		{"http://LOCALHOST:9", "practice-server-localhost-9.json"},
		{"http://[::1]:8045", "practice-server-__1-8045.json"},
		{"http://localhost", "practice-server-localhost-80.json"},
		{"https://127.0.0.1:8045", ""},
		{"http://192.0.2.1:8045", ""},
		{"http://rebind.example:8045", ""},
		{"http://127.0.0.1:8045/../../etc", ""},
		{"http://user@127.0.0.1:8045", ""},
		{"127.0.0.1:8045", ""},
	}
	for _, tt := range tests {
		got, err := AdminAccessPath("/dir", tt.endpoint)
		if tt.want == "" {
			if err == nil {
				t.Errorf("%s: accepted as %s", tt.endpoint, got)
			}
			continue
		}
		if err != nil || got != filepath.Join("/dir", tt.want) {
			t.Errorf("%s: %q, %v; want %s", tt.endpoint, got, err, tt.want)
		}
	}
}

func TestAdminAccessFile(t *testing.T) {
	t.Parallel()
	srv, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	a := AdminAccess{Endpoint: "http://127.0.0.1:8045", Token: srv.AdminToken()}
	path, err := AdminAccessPath(dir, a.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ReadAdminAccess(path); !errors.Is(err, ErrNoAdminAccess) {
		t.Fatalf("missing file: %v, want ErrNoAdminAccess", err)
	}
	if err := WriteAdminAccess(path, a); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("access file mode %v, %v; want 0600", st.Mode(), err)
	}
	if got, err := ReadAdminAccess(path); err != nil || got != a {
		t.Fatalf("read back %+v, %v", got, err)
	}

	// A server that stops leaves the file of the one started after it.
	other := mustToken(t)
	if err := RemoveAdminAccess(path, other); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadAdminAccess(path); err != nil {
		t.Fatalf("another server's stop removed the file: %v", err)
	}
	if err := RemoveAdminAccess(path, a.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadAdminAccess(path); !errors.Is(err, ErrNoAdminAccess) {
		t.Fatalf("after removal: %v", err)
	}

	for _, bad := range []AdminAccess{
		{Endpoint: "http://rebind.example:1", Token: a.Token},
		{Endpoint: a.Endpoint, Token: "guessable"},
	} {
		if err := WriteAdminAccess(path, bad); !errors.Is(err, ErrBadAdminAccess) {
			t.Errorf("WriteAdminAccess(%+v) = %v, want ErrBadAdminAccess", bad, err)
		}
	}
	if err := os.WriteFile(path, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadAdminAccess(path); !errors.Is(err, ErrBadAdminAccess) {
		t.Errorf("damaged file: %v, want ErrBadAdminAccess", err)
	}
}
