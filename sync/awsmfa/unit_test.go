package awsmfa

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"

	"github.com/sparekey/sparekey/vault"
)

func TestTypeOfSerial(t *testing.T) {
	tests := []struct {
		serial string
		want   DeviceType
	}{
		{"arn:aws:iam::123456789012:mfa/alice", DeviceVirtual},
		{"arn:aws:iam::123456789012:mfa/team/alice", DeviceVirtual},
		{"arn:aws:iam::123456789012:mfa/root-account-mfa-device", DeviceVirtual},
		{"arn:aws-cn:iam::123456789012:mfa/x", DeviceVirtual},
		{"arn:aws:iam::123456789012:u2f/user/alice/key-ABCDEF", DeviceFIDO},
		{"GAHT12345678", DeviceHardware},
		{"", DeviceHardware},
	}
	for _, tt := range tests {
		if got := TypeOfSerial(tt.serial); got != tt.want {
			t.Errorf("TypeOfSerial(%q) = %s, want %s", tt.serial, got, tt.want)
		}
	}
}

func TestParseARN(t *testing.T) {
	tests := []struct {
		arn, partition, account string
		kind                    PrincipalKind
		user                    string
	}{
		{"arn:aws:iam::123456789012:root", "aws", "123456789012", PrincipalRoot, ""},
		{"arn:aws:iam::123456789012:user/alice", "aws", "123456789012", PrincipalUser, "alice"},
		{"arn:aws-us-gov:iam::123456789012:user/division/team/bob", "aws-us-gov", "123456789012", PrincipalUser, "bob"},
		{"arn:aws:sts::123456789012:assumed-role/Admin/session", "aws", "123456789012", PrincipalAssumedRole, ""},
		{"arn:aws-cn:sts::123456789012:federated-user/carol", "aws-cn", "123456789012", PrincipalFederatedUser, ""},
		{"not an arn", "", "", PrincipalOther, ""},
	}
	for _, tt := range tests {
		p, a, k, u := ParseARN(tt.arn)
		if p != tt.partition || a != tt.account || k != tt.kind || u != tt.user {
			t.Errorf("ParseARN(%q) = %q %q %q %q", tt.arn, p, a, k, u)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		op, code, msg string
		want          error
		guidance      string
		fix           vault.Remedy
	}{
		{"EnableMFADevice", "InvalidAuthenticationCode", "Authentication code for device is not valid.", ErrInvalidCode, "resync", vault.RemedyResync},
		{"CreateVirtualMFADevice", "EntityAlreadyExists", "MFADevice entity at the same path and name already exists.", ErrDeviceExists, "orphan", vault.RemedyDeleteOrphans},
		{"EnableMFADevice", "LimitExceeded", "Cannot exceed quota for MFADevicesPerUser: 8", ErrDeviceLimit, "8 MFA devices", vault.RemedyListDevices},
		{"DeleteVirtualMFADevice", "DeleteConflict", "MFA Device is still in use.", ErrDeleteConflict, "Deactivate", vault.RemedyNone},
		{"ListUsers", "AccessDenied", "User: arn:aws:iam::1:user/bob is not authorized to perform: iam:ListUsers with an explicit deny", ErrMFARequired, "MFA session", vault.RemedyMFASession},
		{"ListUsers", "AccessDenied", "User: arn:aws:iam::1:user/bob is not authorized to perform: iam:ListUsers because no identity-based policy allows the iam:ListUsers action", ErrAccessDenied, "permission", vault.RemedyNone},
		{"GetSessionToken", "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.", ErrInvalidCode, "clock", vault.RemedyResync},
		{"GetSessionToken", "AccessDenied", "Cannot call GetSessionToken with session credentials", ErrSessionCredentials, "long-term", vault.RemedyNone},
		{"ListUsers", "Throttling", "Rate exceeded", ErrThrottled, "retried", vault.RemedyNone},
		{"ListUsers", "ServiceFailure", "oops", ErrServiceFailure, "retried", vault.RemedyNone},
		{"GetCallerIdentity", "ExpiredToken", "The security token included in the request is expired", ErrCredentials, "expired", vault.RemedyMFASession},
		{"GetCallerIdentity", "InvalidClientTokenId", "The security token included in the request is invalid.", ErrCredentials, "partition", vault.RemedyNone},
		{"EnableMFADevice", "ValidationError", "Value '123456' at 'authenticationCode1' failed to satisfy constraint", ErrInvalidInput, "refused", vault.RemedyNone},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			sdkErr := &smithy.OperationError{ServiceID: "IAM", OperationName: tt.op, Err: &smithy.GenericAPIError{Code: tt.code, Message: tt.msg}}
			err := classify(tt.op, sdkErr)
			if !errors.Is(err, tt.want) {
				t.Fatalf("classify = %v, want %v", err, tt.want)
			}
			if !strings.Contains(GuidanceOf(err), tt.guidance) {
				t.Errorf("guidance %q lacks %q", GuidanceOf(err), tt.guidance)
			}
			if got := vault.RemedyOf(err); got != tt.fix {
				t.Errorf("remedy = %v, want %v", got, tt.fix)
			}
			if strings.Contains(GuidanceOf(err), "sparekey ") || strings.Contains(GuidanceOf(err), "--") {
				t.Errorf("guidance names a command or flag: %q", GuidanceOf(err))
			}
			if otpLike.MatchString(err.Error()) {
				t.Errorf("a code-like number survived in %q", err.Error())
			}
		})
	}
	t.Run("missing region", func(t *testing.T) {
		err := classify("ListUsers", fmt.Errorf("resolve: %w", &aws.MissingRegionError{}))
		if !errors.Is(err, ErrRegion) {
			t.Fatalf("classify = %v", err)
		}
	})
	t.Run("missing credentials", func(t *testing.T) {
		err := classify("GetCallerIdentity", errors.New("get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found"))
		if !errors.Is(err, ErrCredentials) {
			t.Fatalf("classify = %v", err)
		}
	})
}

func TestRedact(t *testing.T) {
	in := "Value '123456' at 'authenticationCode1'; seed JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP; token=abc; account 123456789012"
	out := redact(in)
	for _, leak := range []string{"123456'", "JBSWY3DPEHPK3PXP", "abc"} {
		if strings.Contains(out, leak) {
			t.Errorf("redact left %q in %q", leak, out)
		}
	}
	if !strings.Contains(out, "123456789012") {
		t.Errorf("redact removed the account id: %q", out)
	}
}

func TestValidateCodePair(t *testing.T) {
	tests := []struct {
		c1, c2 string
		ok     bool
	}{
		{"123456", "654321", true},
		{"123456", "123456", false},
		{"12345", "654321", false},
		{"1234567", "654321", false},
		{"12345a", "654321", false},
		{"", "", false},
		{"١٢٣٤٥٦", "654321", false}, // non-ASCII digits
	}
	for _, tt := range tests {
		err := ValidateCodePair(tt.c1, tt.c2)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrBadCodes)) {
			t.Errorf("ValidateCodePair(%q, %q) = %v", tt.c1, tt.c2, err)
		}
	}
}

func TestScore(t *testing.T) {
	users := func(n int) []UserFinding { return make([]UserFinding, n) }
	tests := []struct {
		name string
		r    AuditReport
		want int
	}{
		{"perfect", AuditReport{RootMFA: true, Users: users(4)}, 100},
		{"no root MFA", AuditReport{Users: users(4)}, 70},
		{"half without MFA", AuditReport{RootMFA: true, Users: users(4), WithoutMFA: []string{"a", "b"}}, 80},
		{"all single", AuditReport{RootMFA: true, Users: users(2), SingleDevice: []string{"a", "b"}}, 85},
		{"orphans capped", AuditReport{RootMFA: true, Orphans: make([]Device, 10)}, 95},
		{"stale seeds", AuditReport{RootMFA: true, HeldDevices: 2, StaleSeeds: make([]StaleSeed, 1)}, 95},
		{"worst", AuditReport{Users: users(1), WithoutMFA: []string{"a"}, Orphans: make([]Device, 3), HeldDevices: 1, StaleSeeds: make([]StaleSeed, 1)}, 15},
		{"no users", AuditReport{RootMFA: true}, 100},
	}
	for _, tt := range tests {
		if got, _ := Score(&tt.r); got != tt.want {
			t.Errorf("%s: score = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestParseCredentialReport(t *testing.T) {
	csv := "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_2_active\n" +
		"<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,false\n" +
		"alice,arn:aws:iam::123456789012:user/alice,2020-01-01T00:00:00+00:00,true,N/A,N/A,N/A,false,true,true\n"
	rows, err := ParseCredentialReport([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].User != RootUser || !rows[0].MFAActive || rows[0].PasswordEnabled ||
		rows[1].User != "alice" || rows[1].MFAActive || !rows[1].PasswordEnabled || rows[1].AccessKeys != 2 {
		t.Fatalf("rows = %+v", rows)
	}
	for _, bad := range []string{"", "user,arn\nx,y\n", "user,mfa_active\n\"unterminated\n"} {
		if _, err := ParseCredentialReport([]byte(bad)); !errors.Is(err, ErrBadReport) {
			t.Errorf("ParseCredentialReport(%q) = %v", bad, err)
		}
	}
}

func TestSessionHidesSecrets(t *testing.T) {
	s := &Session{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "very-secret", SessionToken: "tok-secret", Expiration: time.Now().Add(time.Hour)}
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s", s, s, s, s)} {
		if strings.Contains(out, "secret") {
			t.Fatalf("session printed its secrets: %s", out)
		}
	}
	var b strings.Builder
	if err := WriteProcessCredentials(&b, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"Version":1`) || !strings.Contains(b.String(), `"SecretAccessKey":"very-secret"`) {
		t.Fatalf("credential_process output: %s", b.String())
	}
}

func TestMFAState(t *testing.T) {
	tests := []struct {
		creds aws.Credentials
		want  MFAState
	}{
		{aws.Credentials{AccessKeyID: "AKIA"}, MFANo},
		{aws.Credentials{AccessKeyID: "ASIA", SessionToken: "t"}, MFAUnknown},
		{aws.Credentials{AccessKeyID: "ASIA", SessionToken: "t", Source: CredentialSourceMFASession}, MFAYes},
	}
	for _, tt := range tests {
		if got, why := mfaState(tt.creds); got != tt.want || why == "" {
			t.Errorf("mfaState(%+v) = %s %q", tt.creds, got, why)
		}
	}
}

func TestCreateJournalIsExclusive(t *testing.T) {
	path := t.TempDir() + "/" + JournalFile
	j := &Journal{Version: JournalVersion, Phase: PhaseStarted, Label: "x", UserName: "bob", OldSerial: "GAHT1"}
	if err := createJournal(path, j); err != nil {
		t.Fatal(err)
	}
	if err := createJournal(path, j); !errors.Is(err, ErrReplaceInProgress) {
		t.Fatalf("second create: %v", err)
	}
	got, err := ReadJournal(path)
	if err != nil || got.UserName != "bob" {
		t.Fatalf("read back %+v, %v", got, err)
	}
}

// Without a vault nobody can tell which seeds Sparekey holds: the answer
// is "unknown", never "no", in the device list and in the audit alike.
func TestHeldWithoutVaultIsUnknown(t *testing.T) {
	const serial = "arn:aws:iam::123456789012:mfa/bob"
	acct, err := vault.NewAccount(vault.Account{Issuer: "AWS", Name: "bob", Secret: "JBSWY3DPEHPK3PXP", AWS: &vault.AWSBinding{SerialNumber: serial}})
	if err != nil {
		t.Fatal(err)
	}
	v := vault.NewMemory(acct)
	for _, tc := range []struct {
		name   string
		vault  *vault.Vault
		serial string
		want   string
	}{
		{"held", v, serial, "yes"},
		{"not held", v, serial + "-other", "no"},
		{"no vault", nil, serial, "unknown"},
	} {
		devs := []Device{{SerialNumber: tc.serial}}
		markHeld(devs, tc.vault)
		if got := devs[0].HeldText(); got != tc.want {
			t.Errorf("%s: HeldText = %q, want %q", tc.name, got, tc.want)
		}
	}
	r := &AuditReport{HeldUnknown: true}
	if s := r.HeldSummary(); !strings.Contains(s, "unknown") || strings.Contains(s, "0") {
		t.Errorf("audit without a vault says %q", s)
	}
}
