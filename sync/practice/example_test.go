package practice_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/sparekey/sparekey/sync/practice"
)

// A practice account on a free loopback port, used through the ordinary
// AWS SDK with practice credentials.
func Example() {
	srv, err := practice.New(practice.Options{}) // memory only
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	c := srv.AdminCredentials()
	client := iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, ""),
	})
	out, err := client.ListMFADevices(context.Background(), &iam.ListMFADevicesInput{UserName: aws.String(practice.AliceUser)})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range out.MFADevices {
		fmt.Println(aws.ToString(d.UserName), aws.ToString(d.SerialNumber))
	}
	// Output: alice arn:aws:iam::123456789012:mfa/alice
}

// A drill: the next call of ListMFADevices is throttled, as AWS
// does under load; clients must back off and retry.
func ExampleServer_InjectFault() {
	srv, _ := practice.New(practice.Options{})
	defer srv.Close()
	endpoint, _ := srv.Start("127.0.0.1:0")
	srv.InjectFault("ListMFADevices", practice.FaultThrottle, 1)

	c := srv.AdminCredentials()
	client := iam.New(iam.Options{
		Region:           "eu-west-1",
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, ""),
		RetryMaxAttempts: 1,
	})
	_, err := client.ListMFADevices(context.Background(), &iam.ListMFADevicesInput{})
	var ae smithy.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.ErrorCode(), ae.ErrorMessage())
	}
	_, err = client.ListMFADevices(context.Background(), &iam.ListMFADevicesInput{})
	fmt.Println(err)
	// Output:
	// Throttling Rate exceeded
	// <nil>
}

// A drill: alice's phone is lost. AWS still has the device, but its seed
// is gone, so the drill must recover without it.
func ExampleServer_LoseDevice() {
	srv, _ := practice.New(practice.Options{})
	serial := srv.DeviceSerial(practice.AliceUser)
	if err := srv.LoseDevice(serial); err != nil {
		log.Fatal(err)
	}
	_, err := srv.Seed(serial)
	fmt.Println(errors.Is(err, practice.ErrSeedLost))
	// Output: true
}

// A practice Organization: the management account's admin assumes the
// OrganizationAccountAccessRole of a member account, whose credentials then
// act in that member.
func ExampleServer_AccountCredentials() {
	srv, _ := practice.New(practice.Options{MemberAccounts: 2})
	defer srv.Close()
	endpoint, _ := srv.Start("127.0.0.1:0")
	stsFor := func(c practice.Credentials) *sts.Client {
		return sts.New(sts.Options{
			Region:       "eu-west-1",
			BaseEndpoint: aws.String(endpoint),
			Credentials:  credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		})
	}
	member := srv.MemberAccountIDs()[0]
	out, err := stsFor(srv.AdminCredentials()).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn:         aws.String("arn:aws:iam::" + member + ":role/" + practice.OrganizationAccountAccessRole),
		RoleSessionName: aws.String("audit"),
	})
	if err != nil {
		log.Fatal(err)
	}
	c := out.Credentials
	id, err := stsFor(practice.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey), SessionToken: aws.ToString(c.SessionToken)}).
		GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(aws.ToString(id.Arn))

	// A member's own IAM users have keys of their own too.
	bob, _ := srv.AccountCredentials(member, practice.BobUser)
	fmt.Println(bob.AccessKeyID != srv.Info().Users[practice.BobUser].AccessKeyID)
	// Output:
	// arn:aws:sts::200000000001:assumed-role/OrganizationAccountAccessRole/audit
	// true
}
