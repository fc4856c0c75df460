package awsprofile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSetupGolden runs setup edits over real-world config files (comments
// of both kinds, sso-session and services sections, nested settings,
// tabs, odd spacing, CRLF, no final newline) and compares with golden
// files: only the edited lines may differ.
func TestSetupGolden(t *testing.T) {
	alice := "arn:aws:iam::123456789012:mfa/alice"
	tests := []struct {
		name  string
		setup Setup
	}{
		{"realworld", Setup{Profile: "prod-admin", As: "prod-admin-mfa", MFASerial: alice, MFASerialProfile: "prod-admin", Program: "sparekey"}},
		{"crlf", Setup{Profile: "staging", As: "staging-mfa", MFASerial: alice, MFASerialProfile: "base", Program: "sparekey"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "setup", tt.name+".in"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("testdata", "setup", tt.name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			if got := ParseConfig(in).Bytes(); !bytes.Equal(got, in) {
				t.Fatalf("parsing and writing back changed the file:\n%s", UnifiedDiff("in", "out", in, got))
			}
			got := tt.setup.Apply(in)
			if !bytes.Equal(got, want) {
				t.Fatalf("edit differs from the golden file:\n%s", UnifiedDiff("golden", "got", want, got))
			}
			// Applying again changes nothing.
			if again := tt.setup.Apply(got); !bytes.Equal(again, got) {
				t.Fatalf("second apply changed the file:\n%s", UnifiedDiff("first", "second", got, again))
			}
		})
	}
}

func TestConfigSetAndGet(t *testing.T) {
	tests := []struct {
		name, in, section, key, value, want string
	}{
		{"replace keeps spacing", "[profile a]\nregion   =  us-east-1\n", "profile a", "region", "eu-west-1", "[profile a]\nregion   =  eu-west-1\n"},
		{"odd header", "[profile   a ]\nx = 1\n", "profile a", "y", "2", "[profile   a ]\nx = 1\ny = 2\n"},
		{"key case", "[default]\nRegion = us-east-1\n", "default", "region", "eu-west-1", "[default]\nRegion = eu-west-1\n"},
		{"after nested block", "[profile a]\ns3 =\n  addressing_style = path\n\n# next\n[profile b]\n", "profile a", "region", "x", "[profile a]\ns3 =\n  addressing_style = path\nregion = x\n\n# next\n[profile b]\n"},
		{"nested key is not top level", "[profile a]\ns3 =\n  region = nested\n", "profile a", "region", "top", "[profile a]\ns3 =\n  region = nested\nregion = top\n"},
		{"empty file", "", "profile a", "k", "v", "[profile a]\nk = v\n"},
		{"no final newline", "[profile b]\nk = v", "profile a", "k", "v", "[profile b]\nk = v\n\n[profile a]\nk = v\n"},
		{"empty value", "[profile a]\nk =\n", "profile a", "k", "v", "[profile a]\nk = v\n"},
		{"first of duplicates", "[profile a]\nk = 1\n[profile a]\nk = 2\n", "profile a", "k", "3", "[profile a]\nk = 3\n[profile a]\nk = 2\n"},
		{"comment lookalike untouched", "[profile a]\n# k = 1\n", "profile a", "k", "2", "[profile a]\nk = 2\n# k = 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ParseConfig([]byte(tt.in))
			f.Set(tt.section, tt.key, tt.value)
			if got := string(f.Bytes()); got != tt.want {
				t.Fatalf("got:\n%q\nwant:\n%q", got, tt.want)
			}
			if v, ok := ParseConfig(f.Bytes()).Get(tt.section, tt.key); !ok || v != tt.value {
				t.Fatalf("Get after Set = %q, %v", v, ok)
			}
		})
	}
}

func TestUnifiedDiff(t *testing.T) {
	old := []byte("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n")
	new := []byte("a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\n")
	got := UnifiedDiff("config", "config (new)", old, new)
	want := `--- config
+++ config (new)
@@ -1,7 +1,7 @@
 a
 b
 c
-d
+D
 e
 f
 g
@@ -9,3 +9,4 @@
 i
 j
 k
+l
`
	if got != want {
		t.Fatalf("diff:\n%s\nwant:\n%s", got, want)
	}
	if d := UnifiedDiff("a", "b", old, old); d != "" {
		t.Fatalf("no change gave %q", d)
	}
	if d := UnifiedDiff("a", "b", nil, []byte("x\n")); !strings.Contains(d, "@@ -0,0 +1 @@\n+x\n") {
		t.Fatalf("new file diff %q", d)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"work":         "work",
		"my profile":   "'my profile'",
		"it's":         `'it'\''s'`,
		"a;rm -rf ~":   "'a;rm -rf ~'",
		"":             "''",
		"team@corp.io": "team@corp.io",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
