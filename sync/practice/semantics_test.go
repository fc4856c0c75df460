package practice

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestEnableSearchesTenStepsAndRecordsDrift(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		first, second int // offsets (steps) of the two codes from the server clock
		ok            bool
	}{
		{"previous and current", -1, 0, true},
		{"current and next", 0, 1, true},
		{"phone 10 steps ahead", 9, 10, true},
		{"phone 10 steps behind", -11, -10, true},
		{"phone 11 steps ahead", 10, 11, false},
		{"phone 11 steps behind", -12, -11, false},
		{"not consecutive", -2, 0, false},
		{"same code twice", 0, 0, false},
		{"reversed", 0, -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			serial := f.createDevice("d")
			_, err := f.admin().EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
				UserName: aws.String(BobUser), SerialNumber: aws.String(serial),
				AuthenticationCode1: aws.String(f.code(serial, tc.first)), AuthenticationCode2: aws.String(f.code(serial, tc.second)),
			})
			if !tc.ok {
				wantAPIError(t, err, "InvalidAuthenticationCode", "Authentication code for device is not valid.")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Authentication now centres on the recorded drift, ±1 step;
			// a minute later the window has moved with the clock.
			f.clock.Add(time.Minute)
			bob := f.sts(mustCreds(f.srv.UserCredentials(BobUser)))
			center := tc.second + 2
			for _, off := range []int{center + 2, center - 2} {
				_, err := bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(f.code(serial, off-2))})
				wantAPIError(t, err, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
			}
			for _, off := range []int{center - 1, center + 1, center} {
				if _, err := bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(f.code(serial, off-2))}); err != nil {
					t.Fatalf("code at drift%+d: %v", off-center, err)
				}
			}
		})
	}
}

func mustCreds(c Credentials, err error) Credentials {
	if err != nil {
		panic(err)
	}
	return c
}

func TestCodesAreSingleUse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	serial := f.createDevice("d")
	f.enable(BobUser, serial)
	bob := f.sts(mustCreds(f.srv.UserCredentials(BobUser)))
	get := func(offset int) error {
		_, err := bob.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(f.code(serial, offset))})
		return err
	}
	// Enable consumed the current step.
	wantAPIError(t, get(0), "AccessDenied", "")
	if err := get(1); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, get(1), "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
	f.clock.Add(30 * time.Second) // step 1 is now current, and still used
	wantAPIError(t, get(0), "AccessDenied", "")
	// Enabling again with used codes fails too.
	_, err := f.admin().ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{
		UserName: aws.String(BobUser), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(f.code(serial, -1)), AuthenticationCode2: aws.String(f.code(serial, 0)),
	})
	wantAPIError(t, err, "InvalidAuthenticationCode", "")
}

func TestDriftDrillAndResync(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	serial := f.srv.DeviceSerial(AliceUser)
	alice := f.sts(mustCreds(f.srv.UserCredentials(AliceUser)))
	if err := f.srv.SetDrift(serial, 5); err != nil {
		t.Fatal(err)
	}
	_, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(f.code(serial, 0))})
	wantAPIError(t, err, "AccessDenied", "")

	_, err = f.admin().ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{
		UserName: aws.String(AliceUser), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(f.code(serial, -1)), AuthenticationCode2: aws.String(f.code(serial, 0)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(f.code(serial, 1))}); err != nil {
		t.Fatal(err)
	}
	// Resync of a device the user does not have.
	_, err = f.admin().ResyncMFADevice(ctx, &iam.ResyncMFADeviceInput{
		UserName: aws.String(BobUser), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String("123456"), AuthenticationCode2: aws.String("654321"),
	})
	wantAPIError(t, err, "NoSuchEntity", "MFA Device with serial number "+serial+" does not exist.")
	if err := f.srv.SetDrift("arn:aws:iam::123456789012:mfa/nope", 1); !errors.Is(err, ErrNoSuchDevice) {
		t.Fatalf("SetDrift of a missing device = %v", err)
	}
}

func TestEightDevicesPerUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := 0; i < maxDevicesPerUser; i++ {
		f.enable(BobUser, f.createDevice(fmt.Sprintf("bob-%d", i)))
	}
	serial := f.createDevice("bob-9")
	_, err := f.admin().EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
		UserName: aws.String(BobUser), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(f.code(serial, -1)), AuthenticationCode2: aws.String(f.code(serial, 0)),
	})
	wantAPIError(t, err, "LimitExceeded", "Cannot exceed quota for MFADevicesPerUser: 8")
	assertStatus(t, err, 409)

	for i := 0; i < maxDevicesPerUser; i++ {
		if _, err := f.srv.EnableRootDevice(fmt.Sprintf("root-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.srv.EnableRootDevice("root-9"); err == nil {
		t.Fatal("root got a ninth device")
	}
}

func assertStatus(t *testing.T, err error, status int) {
	t.Helper()
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v carries no HTTP response", err)
	}
	if re.HTTPStatusCode() != status {
		t.Fatalf("HTTP status = %d, want %d", re.HTTPStatusCode(), status)
	}
}

func TestUnassignedDevicesAndNameReuse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.admin()
	serial := f.createDevice("phone")
	_, err := a.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("phone")})
	wantAPIError(t, err, "EntityAlreadyExists", "MFADevice entity at the same path and name already exists.")
	assertStatus(t, err, 409)

	// Same name at another path is another device.
	out, err := a.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("phone"), Path: aws.String("/team/")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.VirtualMFADevice.SerialNumber), "arn:aws:iam::123456789012:mfa/team/phone"; got != want {
		t.Fatalf("serial = %s, want %s", got, want)
	}
	if len(out.VirtualMFADevice.Base32StringSeed) != 64 {
		t.Fatalf("seed is %d base32 characters, want 64", len(out.VirtualMFADevice.Base32StringSeed))
	}
	if !strings.HasPrefix(string(out.VirtualMFADevice.QRCodePNG), "\x89PNG") {
		t.Fatal("QRCodePNG is not a PNG")
	}

	list := func(status iamtypes.AssignmentStatusType) []string {
		var serials []string
		p := iam.NewListVirtualMFADevicesPaginator(a, &iam.ListVirtualMFADevicesInput{AssignmentStatus: status, MaxItems: aws.Int32(1)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range page.VirtualMFADevices {
				serials = append(serials, aws.ToString(d.SerialNumber))
				if status == iamtypes.AssignmentStatusTypeAssigned && (d.User == nil || d.EnableDate == nil) ||
					status == iamtypes.AssignmentStatusTypeUnassigned && (d.User != nil || d.EnableDate != nil) {
					t.Fatalf("%s: device %s has User %v", status, aws.ToString(d.SerialNumber), d.User)
				}
				if d.Base32StringSeed != nil || d.QRCodePNG != nil {
					t.Fatal("ListVirtualMFADevices leaked a seed")
				}
			}
		}
		return serials
	}
	alice := f.srv.DeviceSerial(AliceUser)
	if got := list(iamtypes.AssignmentStatusTypeAssigned); fmt.Sprint(got) != fmt.Sprint([]string{alice}) {
		t.Fatalf("Assigned = %v", got)
	}
	if got := list(iamtypes.AssignmentStatusTypeUnassigned); fmt.Sprint(got) != fmt.Sprint([]string{serial, "arn:aws:iam::123456789012:mfa/team/phone"}) {
		t.Fatalf("Unassigned = %v", got)
	}
	if got := list(""); len(got) != 3 {
		t.Fatalf("Any = %v", got)
	}

	// An unassigned device can be deleted, and the name reused.
	if _, err := a.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)}); err != nil {
		t.Fatal(err)
	}
	f.createDevice("phone")
}

func TestDeleteConflictAndDeactivate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.admin()
	serial := f.srv.DeviceSerial(AliceUser)
	_, err := a.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantAPIError(t, err, "DeleteConflict", "MFA Device is still in use.")
	assertStatus(t, err, 409)

	_, err = a.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String(BobUser), SerialNumber: aws.String(serial)})
	wantAPIError(t, err, "NoSuchEntity", "")
	assertStatus(t, err, 404)
	if _, err := a.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String(AliceUser), SerialNumber: aws.String(serial)}); err != nil {
		t.Fatal(err)
	}
	list, err := a.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(AliceUser)})
	if err != nil || len(list.MFADevices) != 0 {
		t.Fatalf("after deactivate: %v, %v", list, err)
	}
	if _, err := a.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)}); err != nil {
		t.Fatal(err)
	}
	_, err = a.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: aws.String(serial)})
	wantAPIError(t, err, "NoSuchEntity", "VirtualMFADevice with serial number "+serial+" doesn't exist.")
	var nse *iamtypes.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Fatal("the SDK did not map NoSuchEntity to its typed error")
	}
}

func TestRootRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	root := f.srv.RootCredentials()
	id, err := f.sts(root).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(id.Arn) != "arn:aws:iam::123456789012:root" || aws.ToString(id.UserId) != "123456789012" || aws.ToString(id.Account) != "123456789012" {
		t.Fatalf("root identity = %+v", id)
	}
	ri := f.iam(root)
	summary := func() int32 {
		out, err := ri.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
		if err != nil {
			t.Fatal(err)
		}
		return out.SummaryMap["AccountMFAEnabled"]
	}
	if summary() != 0 {
		t.Fatal("fresh account reports root MFA")
	}
	// Root creates a device but cannot enable it through the API: the
	// API cannot name the root user.
	out, err := ri.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("root-phone")})
	if err != nil {
		t.Fatal(err)
	}
	serial := aws.ToString(out.VirtualMFADevice.SerialNumber)
	_, err = ri.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
		UserName: aws.String("root"), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(f.code(serial, -1)), AuthenticationCode2: aws.String(f.code(serial, 0)),
	})
	wantAPIError(t, err, "NoSuchEntity", "The user with name root cannot be found.")

	if err := f.srv.Reset(PresetRootWithDevice); err != nil {
		t.Fatal(err)
	}
	if summary() != 1 {
		t.Fatal("root device preset does not report AccountMFAEnabled")
	}
	rootSerial := f.srv.DeviceSerial(RootDeviceName)
	devs, err := ri.ListMFADevices(ctx, &iam.ListMFADevicesInput{})
	if err != nil || len(devs.MFADevices) != 1 || aws.ToString(devs.MFADevices[0].SerialNumber) != rootSerial {
		t.Fatalf("root ListMFADevices = %+v, %v", devs, err)
	}
	vl, err := ri.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: iamtypes.AssignmentStatusTypeAssigned})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range vl.VirtualMFADevices {
		if aws.ToString(d.SerialNumber) == rootSerial && aws.ToString(d.User.Arn) != "arn:aws:iam::123456789012:root" {
			t.Fatalf("root device user = %+v", d.User)
		}
	}

	// Root sessions last at most an hour, silently shortened.
	sess, err := f.sts(root).GetSessionToken(ctx, &sts.GetSessionTokenInput{
		DurationSeconds: aws.Int32(7200), SerialNumber: aws.String(rootSerial), TokenCode: aws.String(f.code(rootSerial, 0)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := sess.Credentials.Expiration.Sub(f.clock.Now()); got != time.Hour {
		t.Fatalf("root session lasts %v, want 1h", got)
	}
	// Root can deactivate its own device without naming a user.
	if _, err := ri.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{SerialNumber: aws.String(rootSerial)}); err != nil {
		t.Fatal(err)
	}
	if summary() != 0 {
		t.Fatal("AccountMFAEnabled stays 1 after deactivating the root device")
	}
	// An admin cannot reach the root device.
	if _, err := f.srv.EnableRootDevice("again"); err != nil {
		t.Fatal(err)
	}
	_, err = f.admin().DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{SerialNumber: aws.String(f.srv.DeviceSerial("again"))})
	wantAPIError(t, err, "NoSuchEntity", "")
}

func TestCredentialReport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.admin()
	_, err := a.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	wantAPIError(t, err, "ReportNotPresent", "")
	assertStatus(t, err, 410)

	gen := func() iamtypes.ReportStateType {
		out, err := a.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			t.Fatal(err)
		}
		return out.State
	}
	if s := gen(); s != iamtypes.ReportStateTypeStarted {
		t.Fatalf("first generate = %s", s)
	}
	_, err = a.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	wantAPIError(t, err, "ReportInProgress", "")
	assertStatus(t, err, 404)
	if s := gen(); s != iamtypes.ReportStateTypeComplete {
		t.Fatalf("second generate = %s", s)
	}
	rep, err := a.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.ReportFormat != iamtypes.ReportFormatTypeTextCsv || !rep.GeneratedTime.Equal(t0) {
		t.Fatalf("report format %s, generated %v", rep.ReportFormat, rep.GeneratedTime)
	}
	rows, err := csv.NewReader(strings.NewReader(string(rep.Content))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0][:8], ",") != "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active" {
		t.Fatalf("header = %v", rows[0])
	}
	if rows[1][0] != "<root_account>" || rows[1][1] != "arn:aws:iam::123456789012:root" || rows[1][7] != "false" {
		t.Fatalf("root row = %v", rows[1])
	}
	mfa := map[string]string{}
	for _, r := range rows[1:] {
		mfa[r[0]] = r[7]
	}
	if mfa[AliceUser] != "true" || mfa[BobUser] != "false" || len(rows) != 5 {
		t.Fatalf("mfa_active = %v", mfa)
	}
	// One report per four hours: a new device is not in it until then.
	f.enable(BobUser, f.createDevice("bob"))
	if s := gen(); s != iamtypes.ReportStateTypeComplete {
		t.Fatalf("generate within 4h = %s", s)
	}
	f.clock.Add(4 * time.Hour)
	_, err = a.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	wantAPIError(t, err, "ReportExpired", "")
	if s := gen(); s != iamtypes.ReportStateTypeStarted {
		t.Fatalf("generate after 4h = %s", s)
	}
	f.clock.Add(reportBuildTime)
	rep, err = a.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil || !strings.Contains(string(rep.Content), "\nbob,arn:aws:iam::123456789012:user/bob,") {
		t.Fatalf("report after build time: %v", err)
	}
	for _, line := range strings.Split(string(rep.Content), "\n") {
		if strings.HasPrefix(line, "bob,") && strings.Split(line, ",")[7] != "true" {
			t.Fatalf("bob row = %s", line)
		}
	}
}

func TestGetSessionToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	aliceSerial := f.srv.DeviceSerial(AliceUser)
	aliceCreds := mustCreds(f.srv.UserCredentials(AliceUser))
	alice := f.sts(aliceCreds)
	bob := f.sts(mustCreds(f.srv.UserCredentials(BobUser)))

	tests := []struct {
		name   string
		client *sts.Client
		in     sts.GetSessionTokenInput
		code   string
		msg    string
	}{
		{"wrong code", alice, sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String("000000")},
			"AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code."},
		{"serial not the caller's", bob, sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(f.code(aliceSerial, 0))},
			"AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."},
		{"unknown serial", alice, sts.GetSessionTokenInput{SerialNumber: aws.String("arn:aws:iam::123456789012:mfa/none"), TokenCode: aws.String("123456")},
			"AccessDenied", "MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user."},
		{"too short", alice, sts.GetSessionTokenInput{DurationSeconds: aws.Int32(899)},
			"ValidationError", "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"too long", alice, sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)},
			"ValidationError", "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600"},
		{"five digits", alice, sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String("12345")},
			"ValidationError", "1 validation error detected: Value '12345' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6"},
	}
	for _, tc := range tests {
		_, err := tc.client.GetSessionToken(ctx, &tc.in)
		if err == nil {
			t.Fatalf("%s: no error", tc.name)
		}
		wantAPIError(t, err, tc.code, tc.msg)
	}

	out, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(900), SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(f.code(aliceSerial, 0))})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if !strings.HasPrefix(aws.ToString(c.AccessKeyId), "ASIA") || len(aws.ToString(c.AccessKeyId)) != 20 ||
		len(aws.ToString(c.SecretAccessKey)) != 40 || aws.ToString(c.SessionToken) == "" || !c.Expiration.Equal(t0.Add(900*time.Second)) {
		t.Fatalf("credentials = %+v", c)
	}
	session := Credentials{aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)}

	// The session identifies as alice and carries MFA.
	id, err := f.sts(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:iam::123456789012:user/alice" {
		t.Fatalf("session identity = %v, %v", id, err)
	}
	_, err = f.sts(session).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantAPIError(t, err, "AccessDenied", "Cannot call GetSessionToken with session credentials")

	// Wrong token or none: the key is not valid on its own.
	_, err = f.sts(Credentials{session.AccessKeyID, session.SecretAccessKey, "bogus"}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "InvalidClientTokenId", "The security token included in the request is invalid.")
	f.clock.Add(901 * time.Second)
	_, err = f.sts(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "ExpiredToken", "The security token included in the request is expired")

	// Default durations: 12 h for users.
	out, err = alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil || out.Credentials.Expiration.Sub(f.clock.Now()) != 12*time.Hour {
		t.Fatalf("default session: %v, %v", out, err)
	}
}

func TestSelfManageMFAPolicy(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	bobCreds := mustCreds(f.srv.UserCredentials(BobUser))
	bob := f.iam(bobCreds)

	// Allowed without MFA: create and enable one's own device.
	out, err := bob.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	serial := aws.ToString(out.VirtualMFADevice.SerialNumber)
	seed := string(out.VirtualMFADevice.Base32StringSeed)
	code := func(off int) string { return codeFor(seed, stepAt(f.clock.Now())+int64(off)) }
	if _, err := bob.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String(BobUser), SerialNumber: aws.String(serial),
		AuthenticationCode1: aws.String(code(-1)), AuthenticationCode2: aws.String(code(0))}); err != nil {
		t.Fatal(err)
	}
	// Not someone else's.
	_, err = bob.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: aws.String(AliceUser)})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:ListMFADevices on resource: arn:aws:iam::123456789012:user/alice because no identity-based policy allows the iam:ListMFADevices action")
	// Denied without MFA.
	_, err = bob.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String(BobUser), SerialNumber: aws.String(serial)})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:DeactivateMFADevice on resource: arn:aws:iam::123456789012:user/bob with an explicit deny in an identity-based policy")
	assertStatus(t, err, 403)
	_, err = bob.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	wantAPIError(t, err, "AccessDenied", "")
	// A session without a code carries no MFA either.
	plain, err := f.sts(bobCreds).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.iam(Credentials{aws.ToString(plain.Credentials.AccessKeyId), aws.ToString(plain.Credentials.SecretAccessKey), aws.ToString(plain.Credentials.SessionToken)}).
		GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	wantAPIError(t, err, "AccessDenied", "")

	sess, err := f.sts(bobCreds).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(serial), TokenCode: aws.String(code(1))})
	if err != nil {
		t.Fatal(err)
	}
	withMFA := f.iam(Credentials{aws.ToString(sess.Credentials.AccessKeyId), aws.ToString(sess.Credentials.SecretAccessKey), aws.ToString(sess.Credentials.SessionToken)})
	if _, err := withMFA.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := withMFA.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: aws.String(BobUser), SerialNumber: aws.String(serial)}); err != nil {
		t.Fatal(err)
	}
	f.srv.mu.Lock()
	k := f.srv.st.Keys[aws.ToString(sess.Credentials.AccessKeyId)]
	present, via := k.MFAPresent, k.MFASerial
	f.srv.mu.Unlock()
	if !present || via != serial {
		t.Fatalf("session key: MFAPresent=%v serial=%s", present, via)
	}
}

func TestAuthenticationErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	admin := f.srv.AdminCredentials()
	tests := []struct {
		name  string
		creds Credentials
		code  string
	}{
		{"unknown key", Credentials{"AKIAUNKNOWNUNKNOWN00", "x", ""}, "InvalidClientTokenId"},
		{"wrong secret", Credentials{admin.AccessKeyID, "wrong", ""}, "SignatureDoesNotMatch"},
		{"token on a long-term key", Credentials{admin.AccessKeyID, admin.SecretAccessKey, "tok"}, "InvalidClientTokenId"},
	}
	for _, tc := range tests {
		_, err := f.iam(tc.creds).ListMFADevices(ctx, &iam.ListMFADevicesInput{})
		wantAPIError(t, err, tc.code, "")
		assertStatus(t, err, 403)
		_, err = f.sts(tc.creds).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, tc.code, "")
	}
}

func TestFaultInjection(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *Options) { o.TimeoutFault = 300 * time.Millisecond })
	a := f.admin()
	list := func() error { _, err := a.ListMFADevices(ctx, &iam.ListMFADevicesInput{}); return err }

	f.srv.InjectFault("ListMFADevices", FaultThrottle, 2)
	for i := 0; i < 2; i++ {
		err := list()
		wantAPIError(t, err, "Throttling", "Rate exceeded")
		assertStatus(t, err, 400)
	}
	if err := list(); err != nil {
		t.Fatal(err)
	}
	// Other operations are untouched.
	f.srv.InjectFault("GetUser", FaultServerError, 1)
	if err := list(); err != nil {
		t.Fatal(err)
	}
	_, err := a.GetUser(ctx, &iam.GetUserInput{})
	wantAPIError(t, err, "ServiceFailure", "")
	assertStatus(t, err, 500)

	f.srv.InjectFault(AnyOperation, FaultServerError, 1)
	_, err = f.sts(f.srv.AdminCredentials()).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "ServiceFailure", "")

	// A timeout hangs until the client gives up...
	f.srv.InjectFault("ListMFADevices", FaultTimeout, 2)
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := a.ListMFADevices(short, &iam.ListMFADevicesInput{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timeout fault: %v", err)
	}
	// ...or, bounded, answers ServiceFailure.
	wantAPIError(t, list(), "ServiceFailure", "")
	if err := list(); err != nil {
		t.Fatal(err)
	}

	f.srv.InjectFault("ListMFADevices", FaultThrottle, 5)
	f.srv.InjectFault("ListMFADevices", FaultThrottle, 0) // cleared
	if err := list(); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentClients runs clients in parallel (meaningful under -race):
// every request is served whole under the account's lock.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.admin()
	errs := make(chan error, 64)
	for w := 0; w < 8; w++ {
		go func() {
			for i := 0; i < 8; i++ {
				name := fmt.Sprintf("w%d-%d", w, i)
				_, err := a.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name)})
				if err == nil {
					_, err = a.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{MaxItems: aws.Int32(5)})
				}
				errs <- err
			}
		}()
	}
	for i := 0; i < 64; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	out, err := a.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil || out.SummaryMap["MFADevices"] != 65 {
		t.Fatalf("MFADevices = %v, %v", out.SummaryMap["MFADevices"], err)
	}
}
