package awsmfa

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// BenchmarkEnroll measures a whole enrollment against the practice account
// (state on disk, as the app runs it): identity, limit check, create, vault
// save, enable with codes t-1 and t, untag, verify. There is no TOTP wait.
func BenchmarkEnroll(b *testing.B) {
	e := startPracticeAt(b, b.TempDir()+"/practice.json")
	ctx := context.Background()
	admin := e.admin(b)
	b.ResetTimer()
	for b.Loop() {
		res, err := admin.Enroll(ctx, e.v, EnrollRequest{UserName: "bob"})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if _, err := admin.RemoveDevice(ctx, e.v, "bob", res.Device.SerialNumber); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkAudit1000Users audits a practice account with 1,000 IAM users
// (100 of them with a device) using Concurrency parallel ListMFADevices calls.
func BenchmarkAudit1000Users(b *testing.B) {
	e := startPracticeAt(b, "")
	ctx := context.Background()
	raw := rawIAM(b, e.endpoint, fromPractice(e.srv.AdminCredentials()))
	admin := e.admin(b)
	for i := range 1000 {
		name := fmt.Sprintf("user%04d", i)
		if _, err := raw.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			if _, err := admin.Enroll(ctx, e.v, EnrollRequest{UserName: name}); err != nil {
				b.Fatal(err)
			}
		}
	}
	opts := AuditOptions{Vault: e.v, LastBackup: time.Now(), PollInterval: 10 * time.Millisecond}
	b.ResetTimer()
	for b.Loop() {
		rep, err := admin.Audit(ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Users) < 1000 {
			b.Fatalf("audited %d users", len(rep.Users))
		}
	}
}
