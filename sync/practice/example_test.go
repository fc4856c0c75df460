package practice_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
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
