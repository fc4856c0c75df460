package vault

import (
	"slices"
	"strings"
	"testing"
)

func TestNaturalOrder(t *testing.T) {
	in := []string{"issuer100", "issuer10", "issuer2", "issuer1", "issuer", "issuer1a", "issuer01", "bank", "Ä"}
	slices.SortFunc(in, naturalCompare)
	want := "bank issuer issuer1 issuer1a issuer01 issuer2 issuer10 issuer100 Ä"
	if got := strings.Join(in, " "); got != want {
		t.Fatalf("natural order:\n got %s\nwant %s", got, want)
	}
}

func TestSortAccountsNatural(t *testing.T) {
	var accts []*Account
	for _, n := range []string{"Issuer10", "Issuer1", "Issuer100", "Issuer2"} {
		accts = append(accts, &Account{Issuer: n})
	}
	SortAccounts(accts)
	var got []string
	for _, a := range accts {
		got = append(got, a.Issuer)
	}
	if strings.Join(got, ", ") != "Issuer1, Issuer2, Issuer10, Issuer100" {
		t.Fatalf("SortAccounts = %v", got)
	}
}

func FuzzNaturalCompare(f *testing.F) {
	f.Add("issuer10", "issuer2")
	f.Add("a01", "a1")
	f.Add("", "0")
	f.Fuzz(func(t *testing.T, a, b string) {
		if x, y := naturalCompare(a, b), naturalCompare(b, a); x != -y {
			t.Fatalf("not antisymmetric: %q %q: %d %d", a, b, x, y)
		}
		if (naturalCompare(a, b) == 0) != (a == b) {
			t.Fatalf("equal only when identical: %q %q", a, b)
		}
	})
}
