package awsmfa

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sparekey/sparekey/sync/practice"
	"github.com/sparekey/sparekey/vault"
)

// TestSeveralAccountsSideBySide manages two accounts with one vault: each
// device is held, listed and used for sessions through its own connection.
func TestSeveralAccountsSideBySide(t *testing.T) {
	ctx := context.Background()
	v := vault.NewMemory()
	clk := newClock()
	type account struct {
		label string
		bob   *Client
	}
	var accounts []account
	for _, id := range []string{"111111111111", "222222222222"} {
		srv, err := practice.New(practice.Options{AccountID: id, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		endpoint, err := srv.Start("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		keys, _ := srv.UserCredentials("bob")
		opts := fastOptions(endpoint, fromPractice(keys), "acct-"+id)
		opts.Now, opts.Sleep = clk.Now, clk.Sleep
		bob := connect(t, opts)
		if _, err := bob.Enroll(ctx, v, EnrollRequest{}); err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, account{opts.Label, bob})
	}
	clk.Advance(30 * time.Second)
	cache := SessionCache{Keyring: &vault.MemoryKeyring{}, Now: clk.Now}
	for _, a := range accounts {
		devs, err := a.bob.UserDevices(ctx, "", v)
		if err != nil {
			t.Fatal(err)
		}
		if len(devs) != 1 || !devs[0].Held {
			t.Fatalf("%s: %+v", a.label, devs)
		}
		acct, err := a.bob.SessionDevice(ctx, v, "")
		if err != nil {
			t.Fatal(err)
		}
		if acct.AWS.SerialNumber != devs[0].SerialNumber || acct.AWS.Profile != a.label {
			t.Fatalf("%s picked %+v", a.label, acct.AWS)
		}
		s, err := a.bob.NewSession(ctx, acct, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := cache.Put(a.label, s); err != nil {
			t.Fatal(err)
		}
	}
	s1, _ := cache.Get(accounts[0].label)
	s2, _ := cache.Get(accounts[1].label)
	if s1 == nil || s2 == nil || s1.SerialNumber == s2.SerialNumber {
		t.Fatal("sessions of the two accounts are mixed up")
	}
}

// TestPagination lists more users and devices than one page holds.
func TestPagination(t *testing.T) {
	e := startPracticeAt(t, "")
	ctx := context.Background()
	raw := rawIAM(t, e.endpoint, fromPractice(e.srv.AdminCredentials()))
	for i := range 130 {
		if _, err := raw.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("u%03d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 110 {
		if _, err := raw.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(fmt.Sprintf("orphan%03d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	admin := e.admin(t)
	users, err := admin.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 133 {
		t.Fatalf("%d users", len(users))
	}
	orphans, err := admin.Orphans(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(orphans) != 110 {
		t.Fatalf("%d orphans", len(orphans))
	}
}
