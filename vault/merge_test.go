package vault

import (
	"errors"
	"slices"
	"testing"
)

func TestPlanMerge(t *testing.T) {
	alice := mustAccount(t, Account{Issuer: "GitHub", Name: "alice", Secret: "GEZDGNBVGY3TQOJQ", Tags: []string{"work"}})
	bank := mustAccount(t, Account{Issuer: "Bank", Name: "bob", Secret: "GEZDGNBVGY3TQOJR", Kind: KindHOTP, Counter: 10})
	aws := mustAccount(t, Account{Issuer: "AWS", Name: "root", Secret: "GEZDGNBVGY3TQOJS", AWS: &AWSBinding{AccountID: "111122223333", Root: true}})
	existing := []*Account{alice, bank, aws}

	same := alice.Clone()
	same.ID = "other-id" // IDs never matter: imports carry their own
	renamed := bank.Clone()
	renamed.Name, renamed.Counter, renamed.Note, renamed.Favorite = "robert", 12, "new note", true
	rebound := aws.Clone()
	rebound.AWS = &AWSBinding{AccountID: "111122223333", UserName: "ops"}
	reenrolled := mustAccount(t, Account{Issuer: "github", Name: "ALICE", Secret: "GEZDGNBVGY3TQOJT"})
	fresh := mustAccount(t, Account{Issuer: "New", Name: "n", Secret: "GEZDGNBVGY3TQOJU"})
	freshAgain := fresh.Clone() // a duplicate inside the import collapses
	freshAgain.Name = "n2"

	items := PlanMerge(existing, []*Account{same, renamed, rebound, reenrolled, fresh, freshAgain})
	want := []struct {
		status   MergeStatus
		existing *Account
		diffs    []string
	}{
		{MergeIdentical, alice, nil},
		{MergeChanged, bank, []string{"name", "note", "favourite", "counter"}},
		{MergeChanged, aws, []string{"AWS device"}},
		{MergeConflict, alice, []string{"secret or code settings"}},
		{MergeNew, nil, nil},
	}
	if len(items) != len(want) {
		t.Fatalf("%d items, want %d", len(items), len(want))
	}
	for i, w := range want {
		it := items[i]
		if it.Status != w.status || it.Existing != w.existing || !slices.Equal(it.Differences, w.diffs) {
			t.Errorf("item %d (%s): status %v existing %v diffs %q; want %v %v %q", i, it.Incoming.Label(), it.Status, it.Existing, it.Differences, w.status, w.existing, w.diffs)
		}
	}
	counts := MergeCounts(items)
	if counts[MergeChanged] != 2 || counts[MergeNew] != 1 || counts[MergeIdentical] != 1 || counts[MergeConflict] != 1 {
		t.Errorf("MergeCounts = %v", counts)
	}
	for s, name := range map[MergeStatus]string{MergeNew: "new", MergeIdentical: "identical", MergeChanged: "changed", MergeConflict: "conflict"} {
		if s.String() != name {
			t.Errorf("%d.String() = %q", s, s.String())
		}
	}
}

func TestApplyMergeDefaultNeverOverwrites(t *testing.T) {
	alice := mustAccount(t, Account{Issuer: "GitHub", Name: "alice", Secret: "GEZDGNBVGY3TQOJQ"})
	v, path := newFileVault(t, alice)
	changed := alice.Clone()
	changed.Note = "from the backup"
	conflict := mustAccount(t, Account{Issuer: "GitHub", Name: "alice", Secret: "GEZDGNBVGY3TQOJR"})
	fresh := mustAccount(t, Account{Issuer: "New", Name: "n", Secret: "GEZDGNBVGY3TQOJS"})
	items := PlanMerge(v.Accounts(), []*Account{changed, conflict, fresh})

	res, err := v.ApplyMerge(items, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res != (MergeResult{Added: 1, Skipped: 2}) {
		t.Errorf("default merge = %v", res)
	}
	if res.String() != "1 added, 0 updated, 2 left as they were" {
		t.Errorf("String() = %q", res)
	}
	got, _ := v.Get(alice.ID)
	if got.Note != "" || got.Secret != alice.Secret {
		t.Errorf("the default merge changed an existing account: %+v", got)
	}
	reopened, err := Open(path, testOptions("correct horse"))
	if err != nil || reopened.Len() != 2 {
		t.Fatalf("after merge: %v, %v", reopened, err)
	}
}

func TestApplyMergeChoices(t *testing.T) {
	alice := mustAccount(t, Account{Issuer: "GitHub", Name: "alice", Secret: "GEZDGNBVGY3TQOJQ"})
	hotp := mustAccount(t, Account{Issuer: "Bank", Name: "bob", Secret: "GEZDGNBVGY3TQOJR", Kind: KindHOTP, Counter: 50})
	v, _ := newFileVault(t, alice, hotp)
	alice, _ = v.Get(alice.ID)
	hotp, _ = v.Get(hotp.ID)

	changedAlice := alice.Clone()
	changedAlice.Note = "updated"
	olderHOTP := hotp.Clone() // an old backup: lower counter, new label
	olderHOTP.Counter, olderHOTP.Name = 7, "robert"
	conflictKeep := mustAccount(t, Account{Issuer: "GitHub", Name: "alice", Secret: "GEZDGNBVGY3TQOJS"})
	fresh := mustAccount(t, Account{Issuer: "Skip", Name: "me", Secret: "GEZDGNBVGY3TQOJT"})
	items := PlanMerge(v.Accounts(), []*Account{changedAlice, olderHOTP, conflictKeep, fresh})

	choices := map[string]MergeChoice{
		changedAlice.Secret: ChooseUpdate,
		olderHOTP.Secret:    ChooseUpdate,
		conflictKeep.Secret: ChooseKeepBoth,
		fresh.Secret:        ChooseSkip,
	}
	res, err := v.ApplyMerge(items, func(it MergeItem) MergeChoice { return choices[it.Incoming.Secret] })
	if err != nil {
		t.Fatal(err)
	}
	if res != (MergeResult{Added: 1, Updated: 2, Skipped: 1}) {
		t.Errorf("result = %v", res)
	}
	a, _ := v.Get(alice.ID)
	if a.Note != "updated" || !a.Created.Equal(alice.Created) {
		t.Errorf("updated account: %+v", a)
	}
	h, _ := v.Get(hotp.ID)
	if h.Counter != 50 || h.Name != "robert" {
		t.Errorf("HOTP after merging an older copy: counter %d name %q; the counter must never go back", h.Counter, h.Name)
	}
	if v.Len() != 3 {
		t.Errorf("%d accounts, want 3 (kept both for the conflict, skipped the new one)", v.Len())
	}

	// A newer counter from elsewhere does move forward.
	newer := h.Clone()
	newer.Counter = 80
	if _, err := v.ApplyMerge(PlanMerge(v.Accounts(), []*Account{newer}), func(MergeItem) MergeChoice { return ChooseUpdate }); err != nil {
		t.Fatal(err)
	}
	if h, _ := v.Get(hotp.ID); h.Counter != 80 {
		t.Errorf("counter = %d, want 80", h.Counter)
	}

	// Conflict + update replaces the existing account entirely, keeping its ID.
	conflictReplace := mustAccount(t, Account{Issuer: "Bank", Name: "robert", Secret: "GEZDGNBVGY3TQOJU", Kind: KindHOTP, Counter: 1})
	items = PlanMerge(v.Accounts(), []*Account{conflictReplace})
	if items[0].Status != MergeConflict {
		t.Fatalf("status %v", items[0].Status)
	}
	if _, err := v.ApplyMerge(items, func(MergeItem) MergeChoice { return ChooseUpdate }); err != nil {
		t.Fatal(err)
	}
	if h, _ := v.Get(hotp.ID); h.Secret != conflictReplace.Secret || h.Counter != 1 {
		t.Errorf("replaced account: %+v", h)
	}
}

func TestApplyMergeStalePlan(t *testing.T) {
	alice := mustAccount(t, Account{Issuer: "GitHub", Name: "alice", Secret: "GEZDGNBVGY3TQOJQ"})
	v, _ := newFileVault(t, alice)
	changed := alice.Clone()
	changed.Note = "x"
	fresh := mustAccount(t, Account{Name: "fresh", Secret: "GEZDGNBVGY3TQOJR"})
	items := PlanMerge(v.Accounts(), []*Account{fresh, changed})
	if _, err := v.Remove(alice.ID); err != nil {
		t.Fatal(err)
	}
	_, err := v.ApplyMerge(items, func(MergeItem) MergeChoice { return ChooseUpdate })
	var changedPlan *PlanChangedError
	if !errors.As(err, &changedPlan) {
		t.Fatalf("applying a stale plan: %v", err)
	}
	if v.Len() != 0 {
		t.Errorf("a failed merge left %d accounts added; it must be all or nothing", v.Len())
	}
	// The new plan sees alice gone: both incoming accounts are new now.
	if c := MergeCounts(changedPlan.Plan); c[MergeNew] != 2 {
		t.Errorf("the new plan: %v", c)
	}
	// An invalid incoming account stops the whole merge.
	bad := &Account{Name: "bad"}
	if _, err := v.ApplyMerge([]MergeItem{{Incoming: fresh, Status: MergeNew}, {Incoming: bad, Status: MergeNew}}, nil); err == nil {
		t.Error("an invalid account was merged")
	}
	if v.Len() != 0 {
		t.Errorf("a failed merge left %d accounts", v.Len())
	}
}

// TestMergeDuplicateHOTPKeepsHigherCounter: an import holding the same HOTP
// token twice (two backups) must not bring back the lower, used counter.
func TestMergeDuplicateHOTPKeepsHigherCounter(t *testing.T) {
	low := mustAccount(t, Account{Issuer: "Bank", Name: "bob", Secret: "GEZDGNBVGY3TQOJQ", Kind: KindHOTP, Counter: 5})
	high := low.Clone()
	high.Counter = 50
	v, _ := newFileVault(t)
	items := PlanMerge(v.Accounts(), []*Account{low, high})
	if len(items) != 1 || items[0].Incoming.Counter != 50 {
		t.Fatalf("plan: %d items, counter %d", len(items), items[0].Incoming.Counter)
	}
	if low.Counter != 5 {
		t.Error("PlanMerge changed the caller's account")
	}
	if _, err := v.ApplyMerge(items, nil); err != nil {
		t.Fatal(err)
	}
	if got := v.Accounts()[0]; got.Counter != 50 {
		t.Errorf("counter after the merge = %d, want 50", got.Counter)
	}
	// With the token already in the vault at 20, the duplicate pair is one
	// change to 50.
	v2, _ := newFileVault(t)
	mid := low.Clone()
	mid.Counter = 20
	v2.Add(mid)
	items = PlanMerge(v2.Accounts(), []*Account{low, high})
	if len(items) != 1 || items[0].Status != MergeChanged || !slices.Equal(items[0].Differences, []string{"counter"}) {
		t.Fatalf("plan against the vault: %+v", items)
	}
}
