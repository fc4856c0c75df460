package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/practice"
	"github.com/sparekey/sparekey/vault"
)

func newOrgApp(t *testing.T, dir string) (*App, *practice.Server) {
	t.Helper()
	a := New(Options{Paths: PathsUnder(dir), Keyring: &vault.MemoryKeyring{}, WorkFactor: 10})
	t.Cleanup(a.StopPractice)
	srv, _, err := a.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	return a, srv
}

// memberRootDevices asks the member account itself, as its root user,
// which MFA devices the root has: a check that does not go through the
// organization's root sessions the step used.
func memberRootDevices(t *testing.T, a *App, srv *practice.Server, account string) []string {
	t.Helper()
	creds, err := srv.AccountCredentials(account, practice.RootPrincipal)
	if err != nil {
		t.Fatal(err)
	}
	_, endpoint, _ := a.PracticeServer()
	c, err := awsmfa.Connect(context.Background(), awsmfa.Options{Label: "member-root", EndpointURL: endpoint,
		Credentials: &awsmfa.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}})
	if err != nil {
		t.Fatal(err)
	}
	devs, err := c.UserDevices(context.Background(), "", nil)
	if err != nil {
		t.Fatalf("listing the member root's devices as that root: %v", err)
	}
	var out []string
	for _, d := range devs {
		out = append(out, d.SerialNumber)
	}
	return out
}

// The built-in practice account is a small Organization out of the box, so
// the organization audit and a member root's recovery can be rehearsed
// with --practice alone.
func TestPracticeIsAnOrganization(t *testing.T) {
	a, srv := newOrgApp(t, t.TempDir())
	ctx := context.Background()
	members := srv.MemberAccountIDs()
	if srv.OrganizationID() == "" || len(members) != PracticeMembers {
		t.Fatalf("organization %q with members %v", srv.OrganizationID(), members)
	}
	rep, err := a.AWSOrgAudit(ctx, AWSConnection{Practice: true}, OrgAuditRequest{})
	if err != nil {
		t.Fatal(err)
	}
	audited, failed, skipped := rep.Counts()
	if audited != PracticeMembers+1 || failed != 0 || skipped != 0 {
		t.Errorf("audited %d, failed %d, skipped %d of %d accounts", audited, failed, skipped, len(rep.Accounts))
	}
	plan, err := a.AWSRootMFAPreview(ctx, AWSConnection{Practice: true}, members[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := srv.DeviceSerialIn(members[0], practice.RootDeviceName); !slices.Equal(plan.Devices, []string{want}) {
		t.Errorf("first member's root devices = %v, want %s", plan.Devices, want)
	}
	// The single-account chores still see one account of their own.
	if rep, err := a.AWSAudit(ctx, AWSConnection{Practice: true}, nil); err != nil || rep.Account != srv.AccountID() {
		t.Errorf("account audit: %+v %v", rep, err)
	}
}

// A practice account saved before it had members becomes an Organization
// the next time it starts, keeping its devices and their seeds.
func TestPracticeOrganizationKeepsAnOlderAccount(t *testing.T) {
	dir := t.TempDir()
	paths := PathsUnder(dir)
	if err := os.MkdirAll(paths.Data, 0o700); err != nil {
		t.Fatal(err)
	}
	old, err := practice.New(practice.Options{StatePath: filepath.Join(paths.Data, "practice-account.json")})
	if err != nil {
		t.Fatal(err)
	}
	alice := old.DeviceSerial(practice.AliceUser)
	seed, err := old.Seed(alice)
	if err != nil {
		t.Fatal(err)
	}
	old.Close()

	_, srv := newOrgApp(t, dir)
	if srv.OrganizationID() == "" || len(srv.MemberAccountIDs()) != PracticeMembers {
		t.Fatalf("not upgraded: organization %q, members %v", srv.OrganizationID(), srv.MemberAccountIDs())
	}
	if got, err := srv.Seed(alice); err != nil || got != seed {
		t.Errorf("alice's seed changed in the upgrade (err %v)", err)
	}
	if err := srv.AddOrganization(2); !errors.Is(err, practice.ErrAlreadyOrganization) {
		t.Errorf("a second organization: %v", err)
	}
}

// BenchmarkPracticeStart: what the Organization adds to the first start of
// the built-in practice account (every drill and test pays it once).
func BenchmarkPracticeStart(b *testing.B) {
	b.Run("single-account", func(b *testing.B) {
		for b.Loop() {
			dir := b.TempDir()
			srv, err := practice.New(practice.Options{StatePath: filepath.Join(dir, "practice-account.json")})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := srv.Start("127.0.0.1:0"); err != nil {
				b.Fatal(err)
			}
			srv.Close()
		}
	})
	b.Run("organization", func(b *testing.B) {
		for b.Loop() {
			a := New(Options{Paths: PathsUnder(b.TempDir()), Keyring: &vault.MemoryKeyring{}, WorkFactor: 10})
			if _, _, err := a.PracticeServer(); err != nil {
				b.Fatal(err)
			}
			a.StopPractice()
		}
	})
}
