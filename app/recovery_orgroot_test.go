package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/practice"
)

// orgRemoveStep is the Sparekey step of the guide's member-root leaf.
func orgRemoveStep(t *testing.T) guide.Step {
	t.Helper()
	g, err := guide.For(guide.Lost, guide.Root, guide.PhoneApp, guide.Facts{OrgCentralRoot: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range g.Steps {
		if st.Action == guide.ActionOrgRootMFA {
			return st
		}
	}
	t.Fatalf("%s offers no step that removes the member root's device", g.ID)
	return guide.Step{}
}

func TestRecoveryStepRemovesMemberRootMFA(t *testing.T) {
	a, srv := newOrgApp(t, t.TempDir())
	ctx := context.Background()
	st := orgRemoveStep(t)
	member := srv.MemberAccountIDs()[0]
	serial := srv.DeviceSerialIn(member, practice.RootDeviceName)
	tg := RecoveryTarget{Conn: AWSConnection{Practice: true}, Binding: guide.Binding{AccountID: member}}

	plan := RecoveryPlan(st, tg)
	if !strings.Contains(plan, member) || !strings.Contains(plan, PracticeLabel) {
		t.Errorf("the plan does not say to whom and from where: %s", plan)
	}
	if got := memberRootDevices(t, a, srv, member); !slices.Equal(got, []string{serial}) {
		t.Fatalf("before: %v", got)
	}
	out, err := a.DoRecoveryStep(ctx, st, tg)
	if err != nil {
		t.Fatalf("%s", ExplainAWS(err))
	}
	if !strings.Contains(out.Did, serial) || out.Verified == "" || out.Binding.Serial != serial || out.Binding.AccountID != member {
		t.Errorf("outcome: %+v", out)
	}
	if got := memberRootDevices(t, a, srv, member); len(got) != 0 {
		t.Errorf("the member root still has %v", got)
	}
	// Done again, the step finds nothing to remove and still checks.
	out, err = a.DoRecoveryStep(ctx, st, tg)
	if err != nil || !strings.Contains(out.Did, "nothing to remove") || out.Verified == "" {
		t.Errorf("again: %+v %v", out, err)
	}
}

// Each refusal is one the person can act on: a typed error with guidance,
// and nothing changed in the member account.
func TestRecoveryStepMemberRootRefusals(t *testing.T) {
	a, srv := newOrgApp(t, t.TempDir())
	ctx := context.Background()
	st := orgRemoveStep(t)
	member := srv.MemberAccountIDs()[0]
	serial := srv.DeviceSerialIn(member, practice.RootDeviceName)
	admin, root := AWSConnection{Practice: true}, AWSConnection{Practice: true, PracticeUser: "root"}
	tests := []struct {
		name    string
		conn    AWSConnection
		account string
		before  func() error
		want    error
	}{
		{"no account given", admin, "", nil, ErrNeedsInput},
		{"not an account id", admin, "12345", nil, ErrNeedsInput},
		{"a root caller", root, member, nil, awsmfa.ErrRootCaller},
		{"the management account's own root", admin, srv.AccountID(), nil, awsmfa.ErrManagementRoot},
		{"an account outside the organization", admin, "999988887777", nil, awsmfa.ErrNotInOrganization},
		{"root access not managed centrally", admin, member, func() error { return srv.SetRootAccessFeatures() }, awsmfa.ErrCentralRootDisabled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				if err := tt.before(); err != nil {
					t.Fatal(err)
				}
			}
			_, err := a.DoRecoveryStep(ctx, st, RecoveryTarget{Conn: tt.conn, Binding: guide.Binding{AccountID: tt.account}})
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if !errors.Is(err, ErrNeedsInput) && awsmfa.GuidanceOf(err) == "" {
				t.Errorf("no guidance in %v", err)
			}
			if got := memberRootDevices(t, a, srv, member); !slices.Equal(got, []string{serial}) {
				t.Errorf("the member root's devices changed: %v", got)
			}
		})
	}
}

// A fault at any call of the recovery leaves the step failed with what it
// had done, and doing it again finishes the job.
func TestRecoveryStepMemberRootFaults(t *testing.T) {
	for _, op := range []string{"AssumeRoot", "ListMFADevices", "DeactivateMFADevice", "ListAccounts", "ListOrganizationsFeatures"} {
		t.Run(op, func(t *testing.T) {
			a, srv := newOrgApp(t, t.TempDir())
			ctx := context.Background()
			st := orgRemoveStep(t)
			member := srv.MemberAccountIDs()[0]
			tg := RecoveryTarget{Conn: AWSConnection{Practice: true}, Binding: guide.Binding{AccountID: member}}
			srv.InjectFault(op, practice.FaultAccessDenied, 100)
			if _, err := a.DoRecoveryStep(ctx, st, tg); err == nil {
				t.Fatalf("the step succeeded while %s was denied", op)
			}
			srv.InjectFault(op, "", 0)
			if _, err := a.DoRecoveryStep(ctx, st, tg); err != nil {
				t.Fatalf("again after the fault: %s", ExplainAWS(err))
			}
			if got := memberRootDevices(t, a, srv, member); len(got) != 0 {
				t.Errorf("the member root still has %v", got)
			}
		})
	}
}
