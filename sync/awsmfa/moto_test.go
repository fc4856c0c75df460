package awsmfa

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sparekey/sparekey/vault"
)

// TestMotoFlows runs the client against moto_server, an independent
// implementation of the wire protocol. moto validates no codes and has no
// ResyncMFADevice, so resync and code checks are left to the practice tests.
func TestMotoFlows(t *testing.T) {
	endpoint := startMoto(t)
	ctx := context.Background()
	adminCreds := Credentials{AccessKeyID: "AKIAADMINEXAMPLE0001", SecretAccessKey: "moto-admin-secret"}
	raw := rawIAM(t, endpoint, adminCreds)
	for _, u := range []string{"alice", "bob", "carol"} {
		if _, err := raw.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}
	key, err := raw.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	aliceCreds := Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
	admin := connect(t, fastOptions(endpoint, adminCreds, "moto"))
	alice := connect(t, fastOptions(endpoint, aliceCreds, "moto-alice"))
	v := newTestVault(t)

	t.Run("whoami", func(t *testing.T) {
		id, err := alice.WhoAmI(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if id.Account != "123456789012" || id.Kind != PrincipalUser || id.UserName != "alice" || id.MFA != MFANo {
			t.Fatalf("identity = %+v", id)
		}
	})

	var aliceSerial, bobSerial string
	t.Run("enroll self", func(t *testing.T) {
		res, err := alice.Enroll(ctx, v, EnrollRequest{DeviceName: "alice-phone"})
		if err != nil {
			t.Fatal(err)
		}
		aliceSerial = res.Device.SerialNumber
		if aliceSerial != "arn:aws:iam::123456789012:mfa/alice-phone" {
			t.Errorf("serial = %s", aliceSerial)
		}
		if res.Verified != "session" || res.Session == nil {
			t.Errorf("verified = %q (warnings %v)", res.Verified, res.Warnings)
		}
		a, err := v.Get(res.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		if a.AWS == nil || a.AWS.SerialNumber != aliceSerial || a.AWS.UserName != "alice" || a.AWS.Profile != "moto-alice" || slices.Contains(a.Tags, TagEnrolling) {
			t.Errorf("vault account = %+v %+v", a, a.AWS)
		}
	})

	t.Run("enroll for a user", func(t *testing.T) {
		res, err := admin.Enroll(ctx, v, EnrollRequest{UserName: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		bobSerial = res.Device.SerialNumber
		if res.Verified != "listed" {
			t.Errorf("verified = %q %v", res.Verified, res.Warnings)
		}
		if !strings.HasPrefix(bobSerial, "arn:aws:iam::123456789012:mfa/sparekey-bob-") {
			t.Errorf("serial = %s", bobSerial)
		}
	})

	t.Run("devices", func(t *testing.T) {
		devs, err := alice.UserDevices(ctx, "", v)
		if err != nil {
			t.Fatal(err)
		}
		if len(devs) != 1 || !devs[0].Held || devs[0].Type != DeviceVirtual {
			t.Fatalf("alice's devices = %+v", devs)
		}
		var progressed int
		all, err := admin.AllDevices(ctx, v, func(done, total int) { progressed = done })
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || progressed != 3 {
			t.Fatalf("all devices = %+v (progress %d)", all, progressed)
		}
	})

	t.Run("orphans", func(t *testing.T) {
		if _, err := raw.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("leftover")}); err != nil {
			t.Fatal(err)
		}
		_, err := admin.Enroll(ctx, v, EnrollRequest{UserName: "carol", DeviceName: "leftover"})
		if !errors.Is(err, ErrDeviceExists) || vault.RemedyOf(err) != vault.RemedyDeleteOrphans {
			t.Fatalf("enroll over an orphan: %v", err)
		}
		orphans, err := admin.Orphans(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		if len(orphans) != 1 || orphans[0].SerialNumber != "arn:aws:iam::123456789012:mfa/leftover" {
			t.Fatalf("orphans = %+v", orphans)
		}
		deleted, err := admin.DeleteOrphans(ctx, v)
		if err != nil || len(deleted) != 1 {
			t.Fatalf("deleted %v, %v", deleted, err)
		}
		if orphans, _ := admin.Orphans(ctx, v); len(orphans) != 0 {
			t.Fatalf("orphans left: %+v", orphans)
		}
	})

	t.Run("replace", func(t *testing.T) {
		journal := t.TempDir() + "/" + JournalFile
		res, err := admin.Replace(ctx, v, ReplaceRequest{UserName: "bob", OldSerial: bobSerial, JournalPath: journal})
		if err != nil {
			t.Fatal(err)
		}
		if !res.OldDeactivated || !res.OldDeleted || res.OldVault != "removed" {
			t.Fatalf("replace = %+v", res)
		}
		devs, _ := admin.UserDevices(ctx, "bob", v)
		if len(devs) != 1 || devs[0].SerialNumber != res.NewSerial || !devs[0].Held {
			t.Fatalf("bob's devices = %+v", devs)
		}
		if _, ok := HeldSeeds(v)[bobSerial]; ok {
			t.Fatal("the old device's seed is still in the vault")
		}
		if j, err := ReadJournal(journal); j != nil || err != nil {
			t.Fatalf("journal left: %+v %v", j, err)
		}
		bobSerial = res.NewSerial
	})

	t.Run("interrupted replace resumes", func(t *testing.T) {
		journal := t.TempDir() + "/" + JournalFile
		crashing := connect(t, admin.opts)
		crashing.hookPhase = func(p string) error {
			if p == PhaseEnabled {
				return errCrash
			}
			return nil
		}
		if _, err := crashing.Replace(ctx, v, ReplaceRequest{UserName: "bob", OldSerial: bobSerial, JournalPath: journal}); !errors.Is(err, errCrash) {
			t.Fatalf("replace: %v", err)
		}
		if devs, _ := admin.UserDevices(ctx, "bob", v); len(devs) != 2 {
			t.Fatalf("after the crash bob has %+v", devs)
		}
		res, err := admin.Resume(ctx, v, journal)
		if err != nil || res == nil || res.RolledBack || !res.OldDeleted {
			t.Fatalf("resume = %+v, %v", res, err)
		}
		devs, _ := admin.UserDevices(ctx, "bob", v)
		if len(devs) != 1 || devs[0].SerialNumber != res.NewSerial || !devs[0].Held {
			t.Fatalf("bob's devices = %+v", devs)
		}
		bobSerial = res.NewSerial
	})

	t.Run("session", func(t *testing.T) {
		acct, err := alice.SessionDevice(ctx, v, "")
		if err != nil {
			t.Fatal(err)
		}
		if acct.AWS.SerialNumber != aliceSerial {
			t.Fatalf("picked %s", acct.AWS.SerialNumber)
		}
		s, err := alice.NewSession(ctx, acct, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		cache := SessionCache{Keyring: &vault.MemoryKeyring{}}
		if err := cache.Put("moto-alice", s); err != nil {
			t.Fatal(err)
		}
		if got, ok := cache.Get("moto-alice"); !ok || got.SessionToken != s.SessionToken {
			t.Fatal("cached session not returned")
		}
		if strings.Contains(s.String()+fmtV(s), s.SecretAccessKey) {
			t.Fatal("Session's String shows the secret")
		}
	})

	t.Run("audit", func(t *testing.T) {
		var stages []string
		rep, err := admin.Audit(ctx, AuditOptions{Vault: v, PollInterval: 10 * time.Millisecond, Progress: func(stage string, done, total int) {
			if len(stages) == 0 || stages[len(stages)-1] != stage {
				stages = append(stages, stage)
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Users) != 3 || !slices.Equal(rep.WithoutMFA, []string{"carol"}) || len(rep.SingleDevice) != 2 {
			t.Fatalf("report = %+v", rep)
		}
		if len(rep.Warnings) != 0 {
			t.Errorf("warnings: %v", rep.Warnings)
		}
		if rep.HeldDevices != 2 || len(rep.StaleSeeds) != 2 {
			t.Errorf("held %d stale %d", rep.HeldDevices, len(rep.StaleSeeds))
		}
		// 100 − 30 (root) − 40/3 − 15·2/3 − 10 (both seeds unbacked) = 36.67
		if rep.Score != 37 {
			t.Errorf("score = %d %+v", rep.Score, rep.Deductions)
		}
		if !slices.Equal(stages, []string{"report", "devices", "orphans"}) {
			t.Errorf("stages = %v", stages)
		}
		var md, csv bytes.Buffer
		if err := rep.WriteMarkdown(&md); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteCSV(&csv); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(md.String(), "**Score: 37 / 100**") || !strings.Contains(csv.String(), "carol,0,0,false,0,no MFA") {
			t.Errorf("markdown:\n%s\ncsv:\n%s", md.String(), csv.String())
		}
		noSecrets(t, v, md.String()+csv.String())
	})

	t.Run("remove", func(t *testing.T) {
		res, err := admin.RemoveDevice(ctx, v, "bob", bobSerial)
		if err != nil || !res.Deactivated || !res.Deleted || res.Vault != "removed" {
			t.Fatalf("remove = %+v, %v", res, err)
		}
	})

	t.Run("resync unsupported", func(t *testing.T) {
		acct, err := alice.SessionDevice(ctx, v, "")
		if err != nil {
			t.Fatal(err)
		}
		err = alice.Resync(ctx, acct, nil)
		if err == nil {
			t.Fatal("moto has no ResyncMFADevice, yet resync succeeded")
		}
		noSecrets(t, v, err.Error())
	})
}

func fmtV(s *Session) string { return strings.Join([]string{s.GoString()}, "") }
