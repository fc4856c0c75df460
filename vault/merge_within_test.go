package vault

import "testing"

// Two exports of one account that disagree (Google Authenticator forces a
// 30 s period, Aegis keeps 50 s) must not both slip in as new.
func TestPlanMergeFlagsConflictsWithinOneImport(t *testing.T) {
	a50, err := NewAccount(Account{Issuer: "Airbnb", Name: "Elijah", Secret: "7ELGJSGXNCCTV3O6LKJWYFV2RA", Algorithm: SHA512, Digits: 8, Period: 50})
	if err != nil {
		t.Fatal(err)
	}
	a30 := a50.Clone()
	a30.Period = 30
	plan := PlanMerge(nil, []*Account{a50, a30})
	if len(plan) != 2 || plan[0].Status != MergeNew || plan[1].Status != MergeConflict || !plan[1].WithinImport {
		t.Fatalf("plan = %+v", plan)
	}
	v := NewMemory()
	res, err := v.ApplyMerge(plan, func(MergeItem) MergeChoice { return ChooseUpdate })
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 1 || res.Updated != 0 || v.Len() != 1 {
		t.Fatalf("update on an in-import conflict must not apply: %+v, %d accounts", res, v.Len())
	}
	res, err = NewMemory().ApplyMerge(plan, func(MergeItem) MergeChoice { return ChooseKeepBoth })
	if err != nil || res.Added != 2 {
		t.Fatalf("keep both: %+v, %v", res, err)
	}
}
