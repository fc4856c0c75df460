package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/app/recovery"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/vault"
)

// The steps the drills do not walk: replace, resync with typed codes, and
// the input each step insists on.
func TestRecoveryStepsReplaceAndTypedCodes(t *testing.T) {
	clock := time.Now().Truncate(30 * time.Second).Add(10 * time.Second)
	a := New(Options{Paths: PathsUnder(t.TempDir()), Keyring: &vault.MemoryKeyring{}, WorkFactor: 10, Now: func() time.Time { return clock }})
	t.Cleanup(a.StopPractice)
	ctx := context.Background()
	if err := a.CreateVault(ctx, nil); err != nil {
		t.Fatal(err)
	}
	admin := AWSConnection{Practice: true}
	res, err := a.AWSEnroll(ctx, admin, awsmfa.EnrollRequest{UserName: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	old := res.Device.SerialNumber
	clock = clock.Add(time.Minute)

	do := func(action guide.Action, tgt RecoveryTarget) (RecoveryOutcome, error) {
		tgt.Conn = admin
		return a.DoRecoveryStep(ctx, guide.Step{ID: string(action), Kind: guide.KindSparekey, Action: action}, tgt)
	}
	if plan := RecoveryPlan(guide.Step{Action: guide.ActionReplace}, RecoveryTarget{Conn: admin, Binding: guide.Binding{UserName: "bob", Serial: old, AccountID: "123456789012"}}); !strings.Contains(plan, old) || !strings.Contains(plan, "bob") || !strings.Contains(plan, "123456789012") {
		t.Errorf("plan does not say what and to whom: %s", plan)
	}
	out, err := do(guide.ActionReplace, RecoveryTarget{Binding: guide.Binding{UserName: "bob", Serial: old}})
	if err != nil || !strings.Contains(out.Verified, "gone from bob's devices") || out.Binding.Serial == old {
		t.Fatalf("replace: %+v %v", out, err)
	}

	// Typed codes: the format is checked before AWS is asked.
	for _, codes := range [][2]string{{"12345", "123456"}, {"123456", "123456"}, {"12a456", "123456"}} {
		_, err := do(guide.ActionResyncTyped, RecoveryTarget{Binding: guide.Binding{UserName: "bob", Serial: out.Binding.Serial}, Code1: codes[0], Code2: codes[1]})
		if !errors.Is(err, awsmfa.ErrBadCodes) {
			t.Errorf("codes %v: %v", codes, err)
		}
	}
	v, _ := a.Vault()
	acct := awsmfa.HeldSeeds(v)[out.Binding.Serial]
	clock = clock.Add(time.Minute)
	c1, _ := acct.CodeAt(clock.Add(-30 * time.Second))
	c2, _ := acct.CodeAt(clock)
	if _, err := do(guide.ActionResyncTyped, RecoveryTarget{Binding: guide.Binding{UserName: "bob", Serial: out.Binding.Serial}, Code1: c1, Code2: c2}); err != nil {
		t.Fatalf("typed resync: %v", err)
	}
	for _, action := range []guide.Action{guide.ActionResyncTyped, guide.ActionDeactivate, guide.ActionRestore, guide.ActionAddSeed, guide.ActionShowTwoCodes} {
		if _, err := do(action, RecoveryTarget{}); !errors.Is(err, ErrNeedsInput) {
			t.Errorf("%s without input: %v", action, err)
		}
	}
}

func TestRecoveryBindingFromTheVault(t *testing.T) {
	a := New(Options{Paths: PathsUnder(t.TempDir()), Keyring: &vault.MemoryKeyring{}, WorkFactor: 10})
	t.Cleanup(a.StopPractice)
	ctx := context.Background()
	if err := a.CreateVault(ctx, nil); err != nil {
		t.Fatal(err)
	}
	res, err := a.AWSEnroll(ctx, AWSConnection{Practice: true}, awsmfa.EnrollRequest{UserName: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	b := a.RecoveryBinding(guide.Binding{UserName: "bob"}, false)
	if b.AccountID != "123456789012" || b.Serial != res.Device.SerialNumber || b.AccountName == "" {
		t.Errorf("binding: %+v", b)
	}
	if b := a.RecoveryBinding(guide.Binding{}, true); b.Serial != "" {
		t.Errorf("bob's device offered for root: %+v", b)
	}
	if got := a.RecoveryStore().Dir; got != recovery.DirBeside(a.Paths().Vault) {
		t.Errorf("runs kept in %s", got)
	}
}
