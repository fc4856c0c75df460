package vault

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
)

func labels(accts []*Account) []string {
	out := make([]string, len(accts))
	for i, a := range accts {
		out[i] = a.Label()
	}
	return out
}

func findVault(t *testing.T) *Vault {
	return NewMemory(
		mustAccount(t, Account{Issuer: "GitHub", Name: "alice", Secret: "GEZDGNBVGY3TQOJQ", Tags: []string{"work"}}),
		mustAccount(t, Account{Issuer: "GitHub", Name: "bob", Secret: "GEZDGNBVGY3TQOJR"}),
		mustAccount(t, Account{Issuer: "Google", Name: "alice@gmail.com", Secret: "GEZDGNBVGY3TQOJS", Note: "recovery codes in the safe"}),
		mustAccount(t, Account{Issuer: "AWS", Name: "root", Secret: "GEZDGNBVGY3TQOJT", Favorite: true}),
		mustAccount(t, Account{Name: "gitlab", Secret: "GEZDGNBVGY3TQOJU"}),
	)
}

func TestFind(t *testing.T) {
	v := findVault(t)
	for _, tc := range []struct {
		query, want string
		ambiguous   []string
	}{
		{"GitHub (alice)", "GitHub (alice)", nil},
		{"github:bob", "GitHub (bob)", nil},
		{"  AWS ", "AWS (root)", nil},             // exact issuer, trimmed, any case
		{"gitlab", "gitlab", nil},                 // exact name
		{"safe", "Google (alice@gmail.com)", nil}, // note
		{"work", "GitHub (alice)", nil},           // tag
		{"gmail", "Google (alice@gmail.com)", nil},
		{"ghb", "", []string{"GitHub (alice)", "GitHub (bob)"}}, // fuzzy, two matches
		{"gbob", "GitHub (bob)", nil},                           // fuzzy, one match
		{"github", "", []string{"GitHub (alice)", "GitHub (bob)"}},
		{"alice", "GitHub (alice)", nil}, // an exact name beats a substring elsewhere
		{"ali", "", []string{"GitHub (alice)", "Google (alice@gmail.com)"}},
	} {
		got, err := v.Find(tc.query)
		if tc.ambiguous != nil {
			var amb *AmbiguousError
			if !errors.As(err, &amb) {
				t.Errorf("Find(%q) = %v, %v; want ambiguous", tc.query, got, err)
				continue
			}
			if !slices.Equal(amb.Matches, tc.ambiguous) {
				t.Errorf("Find(%q) matches %q, want %q", tc.query, amb.Matches, tc.ambiguous)
			}
			for _, m := range tc.ambiguous {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("ambiguity message %q does not list %q", err, m)
				}
			}
			continue
		}
		if err != nil {
			t.Errorf("Find(%q): %v", tc.query, err)
			continue
		}
		if got.Label() != tc.want {
			t.Errorf("Find(%q) = %q, want %q", tc.query, got.Label(), tc.want)
		}
	}
	for _, q := range []string{"", "   ", "zzz", "dropbox"} {
		if _, err := v.Find(q); !errors.Is(err, ErrNoSuchAccount) {
			t.Errorf("Find(%q) = %v, want ErrNoSuchAccount", q, err)
		}
	}
	// An exact ID beats everything.
	all := v.Accounts()
	if got, err := v.Find(all[2].ID); err != nil || got.ID != all[2].ID {
		t.Errorf("Find(id) = %v, %v", got, err)
	}
	// Found accounts are copies.
	got, _ := v.Find("gitlab")
	got.Name = "changed"
	if again, _ := v.Find("gitlab"); again.Name != "gitlab" {
		t.Error("Find returned the vault's own account")
	}
}

func TestSearchAndOrder(t *testing.T) {
	v := findVault(t)
	if got := labels(v.Accounts()); !slices.Equal(got, []string{"AWS (root)", "GitHub (alice)", "GitHub (bob)", "gitlab", "Google (alice@gmail.com)"}) {
		t.Errorf("Accounts order = %q", got)
	}
	for q, want := range map[string][]string{
		"":             {"AWS (root)", "GitHub (alice)", "GitHub (bob)", "gitlab", "Google (alice@gmail.com)"},
		"git":          {"GitHub (alice)", "GitHub (bob)", "gitlab"},
		"GIT alice":    {"GitHub (alice)"},
		"alice":        {"GitHub (alice)", "Google (alice@gmail.com)"},
		"safe":         {"Google (alice@gmail.com)"},
		"work":         {"GitHub (alice)"},
		"nothing here": nil,
	} {
		if got := labels(v.Search(q)); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("Search(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestAddUpdateRemove(t *testing.T) {
	v, path := newFileVault(t)
	changes := 0
	v.OnChange(func() { changes++ })
	a := mustAccount(t, Account{Issuer: "I", Name: "n", Secret: uriSecret})
	if err := v.Add(a); err != nil {
		t.Fatal(err)
	}
	dup := mustAccount(t, Account{Issuer: "Other", Name: "label", Secret: "jbsw y3dp ehpk 3pxp"})
	if err := v.Add(dup); !errors.Is(err, ErrDuplicate) {
		t.Errorf("adding the same seed again: %v", err)
	}
	if err := v.Add(&Account{Name: "bad"}); err == nil {
		t.Error("Add accepted an invalid account")
	}

	n, err := v.AddAll([]*Account{dup, mustAccount(t, Account{Name: "m", Secret: "GEZDGNBV"}), mustAccount(t, Account{Name: "m2", Secret: "GEZDGNBV"})})
	if err != nil || n != 1 {
		t.Errorf("AddAll = %d, %v; want 1 (one repeats the vault, one repeats the batch)", n, err)
	}
	if _, err := v.AddAll([]*Account{{Name: "broken"}}); err == nil {
		t.Error("AddAll accepted an invalid account")
	}

	got, err := v.Get(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	got.Note = "edited"
	got.Created = got.Created.AddDate(-1, 0, 0) // Update keeps the original creation time
	if err := v.Update(got); err != nil {
		t.Fatal(err)
	}
	if err := v.Update(&Account{ID: "missing", Name: "x", Secret: uriSecret, Kind: KindTOTP, Algorithm: SHA1, Digits: 6, Period: 30}); !errors.Is(err, ErrNoSuchAccount) {
		t.Errorf("Update of a missing account: %v", err)
	}

	reopened, err := Open(path, testOptions("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := reopened.Get(a.ID)
	if err != nil || r.Note != "edited" || !r.Created.Equal(a.Created) {
		t.Errorf("after reopen: %+v, %v", r, err)
	}
	if reopened.Len() != 2 {
		t.Errorf("reopened vault has %d accounts", reopened.Len())
	}

	removed, err := v.Remove(a.ID)
	if err != nil || removed.ID != a.ID {
		t.Fatalf("Remove = %v, %v", removed, err)
	}
	if _, err := v.Remove(a.ID); !errors.Is(err, ErrNoSuchAccount) {
		t.Errorf("second Remove: %v", err)
	}
	if _, err := v.Get(a.ID); !errors.Is(err, ErrNoSuchAccount) {
		t.Errorf("Get after Remove: %v", err)
	}
	// Undo: the removed account goes back in with its ID.
	if err := v.Add(removed); err != nil || removed.ID != a.ID {
		t.Errorf("re-adding the removed account: %v (id %s)", err, removed.ID)
	}
	if changes != 5 {
		t.Errorf("OnChange ran %d times, want 5 (add, addAll, update, remove, add)", changes)
	}
}

func TestIssueHOTP(t *testing.T) {
	h := rfcAccount(t, KindHOTP, SHA1, 6, "12345678901234567890")
	totp := rfcAccount(t, KindTOTP, SHA1, 6, "1234567890123456789X")
	v, path := newFileVault(t, h, totp)
	want := []string{"755224", "287082", "359152"}
	for _, w := range want {
		code, err := v.IssueHOTP(h.ID)
		if err != nil || code != w {
			t.Fatalf("IssueHOTP = %s, %v; want %s", code, err, w)
		}
	}
	reopened, err := Open(path, testOptions("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := reopened.Get(h.ID)
	if got.Counter != 3 {
		t.Errorf("counter on disk = %d, want 3", got.Counter)
	}
	if _, err := v.IssueHOTP(totp.ID); err == nil {
		t.Error("IssueHOTP on a TOTP account succeeded")
	}
	if _, err := v.IssueHOTP("missing"); !errors.Is(err, ErrNoSuchAccount) {
		t.Errorf("IssueHOTP(missing) = %v", err)
	}
}

func TestMemoryVaultIsIndependent(t *testing.T) {
	a := mustAccount(t, Account{Name: "n", Secret: uriSecret})
	v := NewMemory(a)
	a.Name = "changed outside"
	if got := v.Accounts()[0].Name; got != "n" {
		t.Errorf("NewMemory kept the caller's pointer: %q", got)
	}
	if v.Path() != "" || v.Recipient() != nil || v.Identity() != nil || v.Mode() != ModeKeyring {
		t.Error("an in-memory vault claims a file or a key")
	}
	if err := v.SetMode(ModePassphrase, Options{}); err == nil {
		t.Error("SetMode on an in-memory vault succeeded")
	}
	if err := v.Save(); err != nil {
		t.Errorf("Save of an in-memory vault: %v", err)
	}
}

func TestSearchUnicode(t *testing.T) {
	v := NewMemory(
		mustAccount(t, Account{Issuer: "ÄPFEL Bank", Name: "Ørjan", Secret: "GEZDGNBVGY3TQOJQ"}),
		mustAccount(t, Account{Issuer: "Straße", Name: "x", Secret: "GEZDGNBVGY3TQOJR", Tags: []string{"ΣΊΣΥΦΟΣ"}}),
	)
	for q, want := range map[string]int{"äpfel": 1, "ÄPFEL ørjan": 1, "straße": 1, "ΣΊΣΥΦΟΣ": 1, "STRASSE": 0, "bank": 1} {
		if got := len(v.Search(q)); got != want {
			t.Errorf("Search(%q) found %d, want %d", q, got, want)
		}
		if want == 1 && !strings.Contains(q, " ") {
			if _, err := v.Find(q); err != nil {
				t.Errorf("Find(%q): %v", q, err)
			}
		}
	}
}

func TestUpdateNormalizesTags(t *testing.T) {
	v := NewMemory(mustAccount(t, Account{Name: "n", Secret: uriSecret, Tags: []string{"work"}}))
	a := v.Accounts()[0]
	a.Tags = append(a.Tags, "work", " home ", "", "home")
	if err := v.Update(a); err != nil {
		t.Fatal(err)
	}
	if got, _ := v.Get(a.ID); !slices.Equal(got.Tags, []string{"work", "home"}) {
		t.Errorf("tags after Update = %q", got.Tags)
	}
}

// TestConcurrentUse is for -race: the UI reads while a sync or an import
// writes and HOTP codes are issued.
func TestConcurrentUse(t *testing.T) {
	v, _ := newFileVault(t, sampleAccounts(t, 8)...)
	hotp := v.Search("user1@")[0]
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 5 {
				a := mustAccount(t, Account{Name: "c" + itoa(i) + "-" + itoa(j), Secret: SecretFromBytes([]byte{byte(i), byte(j), 9})})
				if err := v.Add(a); err != nil {
					t.Error(err)
				}
				if _, err := v.IssueHOTP(hotp.ID); err != nil {
					t.Error(err)
				}
				v.Search("c")
				v.Accounts()
				v.Find("user2@")
			}
		})
	}
	wg.Wait()
	if v.Len() != 28 {
		t.Errorf("%d accounts, want 28", v.Len())
	}
	if got, _ := v.Get(hotp.ID); got.Counter != hotp.Counter+20 {
		t.Errorf("counter %d, want %d: an issue was lost", got.Counter, hotp.Counter+20)
	}
}
