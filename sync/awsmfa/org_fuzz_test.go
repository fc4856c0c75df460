package awsmfa

import (
	"strings"
	"testing"
)

func FuzzParseAccountID(f *testing.F) {
	for _, s := range []string{"111122223333", "1111-2222-3333", " 111122223333\n", "", "1", "１１１１２２２２３３３３", "arn:aws:iam::111122223333:root"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseAccountID(s)
		if err != nil {
			return
		}
		if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
			t.Fatalf("ParseAccountID(%q) accepted %q", s, id)
		}
	})
}

func FuzzParseAccountProfiles(f *testing.F) {
	f.Add("111122223333=dev\n444455556666=prod")
	f.Add("111122223333=dev\n111122223333=other")
	f.Add("=\n==\n111122223333==x")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseAccountProfiles(strings.Split(s, "\n"))
		if err != nil {
			return
		}
		for id, p := range m {
			if _, err := ParseAccountID(id); err != nil || p == "" || p != strings.TrimSpace(p) {
				t.Fatalf("accepted %q → %q", id, p)
			}
		}
	})
}
