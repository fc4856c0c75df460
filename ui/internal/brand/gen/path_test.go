package main

import (
	"strings"
	"testing"
)

func TestNormalizePath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"M1 2L3 4z", "M 1 2 L 3 4 z"},
		{"a1 1 0 00.5.5", "a 1 1 0 0 0 .5 .5"},
		{"A2,2 0 1,1 -3-4", "A 2 2 0 1 1 -3 -4"},
		{"a1 1 0 01 2 3 1 1 0 10-1-1", "a 1 1 0 0 1 2 3 1 1 0 1 0 -1 -1"},
		{"m1e2.5.5", "m 1e2 .5 .5"},
	} {
		got, err := normalizePath(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("normalizePath(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"1 2", "M1 2 a1 1 0 2 0 1 1", "M x"} {
		if _, err := normalizePath(bad); err == nil {
			t.Errorf("normalizePath(%q) accepted it", bad)
		}
	}
}

// FuzzNormalizePath: whatever it accepts, it reads back the same way.
func FuzzNormalizePath(f *testing.F) {
	for _, s := range []string{"M1 2L3 4z", "a1 1 0 00.5.5", "M20.317 4.3698a19.7913 19.7913 0 00-4.8851-1.5152z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		out, err := normalizePath(d)
		if err != nil {
			return
		}
		again, err := normalizePath(out)
		if err != nil || again != out {
			t.Fatalf("%q → %q → %q, %v", d, out, again, err)
		}
		if strings.ContainsAny(out, ",\t\n") {
			t.Fatalf("%q kept a separator other than a space: %q", d, out)
		}
	})
}
