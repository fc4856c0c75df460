package vault

import (
	"errors"
	"strings"
	"testing"
)

func matchVault(t *testing.T, labels ...string) *Vault {
	t.Helper()
	var accts []*Account
	for i, l := range labels {
		issuer, name, _ := strings.Cut(l, ":")
		accts = append(accts, mustAccount(t, Account{Issuer: issuer, Name: name, Secret: SecretFromBytes([]byte(strings.Repeat(string(rune('a'+i)), 20)))}))
	}
	v, _ := newFileVault(t, accts...)
	return v
}

// TestFindRanks is issue #13 item 8: `code ghb` stopped finding GitHub
// once a longer name also held g…h…b; exact and prefix matches come
// before the rest.
func TestFindRanks(t *testing.T) {
	tests := []struct {
		labels []string
		query  string
		want   string // label, or "ambiguous" / "none"
	}{
		{[]string{"GitHub:alice", "Neighbourhood Bank:bob"}, "ghb", "GitHub (alice)"},
		{[]string{"GitHub:alice", "Legit Bank:bob"}, "git", "GitHub (alice)"},     // prefix before substring
		{[]string{"Bank:a", "Bankia:b"}, "bank", "Bank (a)"},                      // exact before prefix
		{[]string{"GitHub:alice", "GitHub:bob"}, "github", "ambiguous"},           // same match: say so
		{[]string{"GitHub:alice", "Google:bob"}, "alice", "GitHub (alice)"},       // the name counts
		{[]string{"GitHub:alice", "Google:bob"}, "hub ali", "GitHub (alice)"},     // every word
		{[]string{"GitHub:alice", "Google:bob"}, "zzz", "none"},                   // nothing
		{[]string{"Amazon Web Services:root", "AWS:alice"}, "aws", "AWS (alice)"}, // exact issuer
	}
	for _, tt := range tests {
		t.Run(tt.query+"/"+strings.Join(tt.labels, ","), func(t *testing.T) {
			v := matchVault(t, tt.labels...)
			a, err := v.Find(tt.query)
			var amb *AmbiguousError
			switch {
			case tt.want == "ambiguous":
				if !errors.As(err, &amb) {
					t.Fatalf("Find(%q) = %v, %v; want ambiguous", tt.query, a, err)
				}
			case tt.want == "none":
				if !errors.Is(err, ErrNoSuchAccount) {
					t.Fatalf("Find(%q) = %v, %v; want no such account", tt.query, a, err)
				}
			case err != nil:
				t.Fatalf("Find(%q): %v", tt.query, err)
			case a.Label() != tt.want:
				t.Fatalf("Find(%q) = %s, want %s", tt.query, a.Label(), tt.want)
			}
		})
	}
}

func TestSearchRanksBestFirst(t *testing.T) {
	v := matchVault(t, "Legit Bank:bob", "GitHub:alice", "Gitea Hub Backup:ops", "Google:carol")
	var got []string
	for _, a := range v.Search("git") {
		got = append(got, a.Label())
	}
	if strings.Join(got, ", ") != "Gitea Hub Backup (ops), GitHub (alice), Legit Bank (bob)" { // prefix, then substring
		t.Fatalf("Search(git) = %v", got)
	}
	if n := len(v.Search("")); n != 4 {
		t.Fatalf("an empty search shows %d of 4", n)
	}
}

func FuzzQueryMatch(f *testing.F) {
	for _, s := range []string{"ghb", "git hub", "", " ", "é", "\u202e", "a:b"} {
		f.Add(s, "GitHub", "alice")
	}
	f.Fuzz(func(t *testing.T, q, issuer, name string) {
		a := &Account{Issuer: issuer, Name: name}
		m := NewQuery(q).Match(a, "")
		if m.Tier < MatchExact || m.Tier > NoMatch {
			t.Fatalf("tier %d", m.Tier)
		}
		if NewQuery(q).Empty() && m.Tier != MatchExact {
			t.Fatal("an empty query must match everything")
		}
	})
}
