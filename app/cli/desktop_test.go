package cli

import "testing"

func TestDesktopVault(t *testing.T) {
	for _, tt := range []struct {
		args []string
		path string
		ok   bool
	}{
		{[]string{"--vault", "/tmp/v.age"}, "/tmp/v.age", true},
		{[]string{"--vault=/tmp/v.age"}, "/tmp/v.age", true},
		{[]string{"--vault", "/tmp/v.age", "list"}, "", false}, // a command: the CLI
		{[]string{"list", "--vault", "/tmp/v.age"}, "", false},
		{[]string{"--vault"}, "", false},
		{[]string{"--vault", "--json"}, "", false},
		{[]string{"--vault="}, "", false},
		{nil, "", false},
	} {
		path, ok := DesktopVault(tt.args)
		if ok != tt.ok || (ok && path != tt.path) {
			t.Errorf("DesktopVault(%q) = %q, %v", tt.args, path, ok)
		}
	}
}
