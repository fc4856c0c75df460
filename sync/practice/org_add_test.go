package practice

import (
	"errors"
	"path/filepath"
	"testing"
)

// An account saved without members becomes an Organization in place: its
// seeds stay, the file then opens as that Organization, and it cannot
// become a second one.
func TestAddOrganization(t *testing.T) {
	path := filepath.Join(t.TempDir(), "practice.json")
	srv, err := New(Options{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	alice := srv.DeviceSerial(AliceUser)
	seed, err := srv.Seed(alice)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, -1, maxMemberAccounts + 1} {
		if err := srv.AddOrganization(n); err == nil {
			t.Errorf("%d members accepted", n)
		}
	}
	if err := srv.AddOrganization(2); err != nil {
		t.Fatal(err)
	}
	if err := srv.AddOrganization(2); !errors.Is(err, ErrAlreadyOrganization) {
		t.Errorf("a second organization: %v", err)
	}
	reopened, err := New(Options{StatePath: path, MemberAccounts: 2})
	if err != nil {
		t.Fatalf("the saved organization does not open as one: %v", err)
	}
	if reopened.OrganizationID() != srv.OrganizationID() || len(reopened.MemberAccountIDs()) != 2 {
		t.Errorf("reopened as %q with %v", reopened.OrganizationID(), reopened.MemberAccountIDs())
	}
	if got, err := reopened.Seed(alice); err != nil || got != seed {
		t.Errorf("alice's seed changed (err %v)", err)
	}
}
