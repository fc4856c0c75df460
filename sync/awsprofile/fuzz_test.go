package awsprofile

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzConfigEdit: any input parses and writes back byte for byte, and a
// Set is then readable with Get without changing any other line.
func FuzzConfigEdit(f *testing.F) {
	f.Add([]byte("[default]\nregion = us-east-1\n"), "profile a", "k", "v")
	f.Add([]byte("[profile a]\r\ns3 =\r\n  x = 1\r\n"), "profile a", "region", "eu")
	f.Add([]byte("# c\n; d\n[sso-session s]\nsso_region=x"), "sso-session s", "sso_region", "y")
	f.Add([]byte("[\n]]\n=\n  \n[profile  x ]"), "profile x", "K", "")
	f.Fuzz(func(t *testing.T, data []byte, section, key, value string) {
		cf := ParseConfig(data)
		if got := cf.Bytes(); !bytes.Equal(got, data) {
			t.Fatalf("round trip changed %q to %q", data, got)
		}
		// Only well-formed names and values can be written back.
		if strings.ContainsAny(section+key+value, "\r\n[]=#;") || strings.TrimSpace(key) != key || key == "" ||
			strings.TrimSpace(section) == "" || strings.TrimSpace(value) != value || normalizeSection(section) != section {
			return
		}
		cf.Set(section, key, value)
		out := cf.Bytes()
		if v, ok := ParseConfig(out).Get(section, key); !ok || v != value {
			t.Fatalf("after Set(%q, %q, %q) Get = %q, %v in %q", section, key, value, v, ok, out)
		}
		// At most the edited line is gone; every other line is still
		// there, in order.
		removed := 0
		for _, op := range diffLines(splitLines(data), splitLines(out)) {
			if op.kind == '-' {
				removed++
			}
		}
		if removed > 1 {
			t.Fatalf("lines lost: %q → %q", data, out)
		}
	})
}
