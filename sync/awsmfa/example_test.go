package awsmfa_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/practice"
	"github.com/sparekey/sparekey/vault"
)

// practiceClient starts the built-in practice account and connects to it
// as its administrator.
func practiceClient() (*awsmfa.Client, func()) {
	srv, err := practice.New(practice.Options{})
	if err != nil {
		panic(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	keys := srv.AdminCredentials()
	c, err := awsmfa.Connect(context.Background(), awsmfa.Options{
		Label:       "practice",
		EndpointURL: endpoint,
		Region:      "us-east-1",
		Credentials: &awsmfa.Credentials{AccessKeyID: keys.AccessKeyID, SecretAccessKey: keys.SecretAccessKey},
	})
	if err != nil {
		panic(err)
	}
	return c, func() { srv.Close() }
}

func ExampleClient_Enroll() {
	c, stop := practiceClient()
	defer stop()
	v := vault.NewMemory()

	res, err := c.Enroll(context.Background(), v, awsmfa.EnrollRequest{UserName: "bob", DeviceName: "bob-sparekey"})
	if err != nil {
		fmt.Println(awsmfa.GuidanceOf(err))
		return
	}
	acct, _ := v.Get(res.AccountID)
	fmt.Println(res.Device.SerialNumber)
	fmt.Println("verified:", res.Verified)
	fmt.Println("seed held for:", acct.AWS.UserName)
	// Output:
	// arn:aws:iam::123456789012:mfa/bob-sparekey
	// verified: listed
	// seed held for: bob
}

func ExampleClient_Audit() {
	c, stop := practiceClient()
	defer stop()
	rep, err := c.Audit(context.Background(), awsmfa.AuditOptions{PollInterval: 10 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("users without MFA:", strings.Join(rep.WithoutMFA, ", "))
	fmt.Println("root MFA:", rep.RootMFA)
	fmt.Println("score:", rep.Score)
	// Output:
	// users without MFA: bob, practice-admin
	// root MFA: false
	// score: 38
}

func ExampleClient_Replace() {
	c, stop := practiceClient()
	defer stop()
	ctx := context.Background()
	v := vault.NewMemory()
	dir, _ := os.MkdirTemp("", "sparekey-example")
	defer os.RemoveAll(dir)

	// alice's phone is lost: Sparekey becomes her device, then the phone's
	// device is removed. An interrupted run is finished by c.Resume.
	res, err := c.Replace(ctx, v, awsmfa.ReplaceRequest{
		UserName:      "alice",
		OldSerial:     "arn:aws:iam::123456789012:mfa/alice",
		NewDeviceName: "alice-sparekey",
		JournalPath:   filepath.Join(dir, awsmfa.JournalFile),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.NewSerial, "replaces", res.OldSerial, "deleted:", res.OldDeleted)
	// Output:
	// arn:aws:iam::123456789012:mfa/alice-sparekey replaces arn:aws:iam::123456789012:mfa/alice deleted: true
}

func ExampleValidateCodePair() {
	fmt.Println(awsmfa.ValidateCodePair("123456", "123456"))
	fmt.Println(awsmfa.ValidateCodePair("123456", "654321"))
	// Output:
	// the two codes must be different 6-digit numbers: wait for the token to show the next code before typing the second one
	// <nil>
}

func ExampleWriteProcessCredentials() {
	s := &awsmfa.Session{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "…", SessionToken: "…",
		Expiration: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
	fmt.Println(s) // never shows the secrets
	_ = awsmfa.WriteProcessCredentials(os.Stdout, s)
	// Output:
	// MFA session (expires 2030-01-02T03:04:05Z)
	// {"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"…","SessionToken":"…","Expiration":"2030-01-02T03:04:05Z"}
}
