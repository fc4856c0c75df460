package practice

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
)

// Wire compatibility with the real aws CLI (botocore): every implemented
// operation, its JSON output and its error output, with codes from
// oathtool. The server's clock is pinned to t0 and oathtool is asked for
// codes at exactly that time (--now).

type awsCLI struct {
	t        *testing.T
	bin      string
	oathtool string
	srv      *Server
	endpoint string
	dir      string
	batch    *cliBatch // nil: one `aws` process per command
}

func newAWSCLI(t *testing.T, opts ...func(*Options)) *awsCLI {
	t.Helper()
	bin := testenv.Tool(t, "aws")
	oath := testenv.Tool(t, "oathtool")
	clock := newClock()
	o := Options{Now: clock.Now}
	for _, f := range opts {
		f(&o)
	}
	srv, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	a := &awsCLI{t: t, bin: bin, oathtool: oath, srv: srv, endpoint: endpoint, dir: t.TempDir()}
	if os.Getenv("SPAREKEY_AWSCLI_SUBPROCESS") != "1" {
		a.batch = startCLIBatch(t)
	}
	return a
}

// cliBatch is testdata/awscli_batch.py: the aws CLI's own driver run for
// many commands in one Python process. On a loaded 2-core machine starting
// the CLI costs seconds per command; this keeps the suite to seconds.
// SPAREKEY_AWSCLI_SUBPROCESS=1 runs every command as its own `aws` process.
type cliBatch struct {
	mu  sync.Mutex
	in  io.WriteCloser
	out *bufio.Reader
}

func startCLIBatch(t *testing.T) *cliBatch {
	t.Helper()
	python := testenv.Tool(t, "python3")
	if err := exec.Command(python, "-c", "import awscli.clidriver").Run(); err != nil {
		t.Logf("python3 cannot import awscli (%v); running one aws process per command", err)
		return nil
	}
	cmd := exec.Command(python, filepath.Join(testenv.RepoRoot(), "sync", "practice", "testdata", "awscli_batch.py"))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	return &cliBatch{in: in, out: bufio.NewReaderSize(out, 1<<20)}
}

func (b *cliBatch) run(dir string, env []string, args []string) (stdout, stderr string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	envMap := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "AWS_") {
			envMap[k] = v
		}
	}
	req, _ := json.Marshal(map[string]any{"args": args, "env": envMap, "dir": dir})
	if _, err := b.in.Write(append(req, '\n')); err != nil {
		return "", "", fmt.Errorf("aws CLI batch: %w", err)
	}
	line, err := b.out.ReadBytes('\n')
	if err != nil {
		return "", "", fmt.Errorf("aws CLI batch: %w", err)
	}
	var resp struct {
		RC             int
		Stdout, Stderr string
	}
	if err := json.Unmarshal(line, &resp); err != nil {
		return "", "", fmt.Errorf("aws CLI batch: %w", err)
	}
	if resp.RC != 0 {
		err = fmt.Errorf("aws exited with status %d", resp.RC)
	}
	return resp.Stdout, resp.Stderr, err
}

// run runs `aws <args>` as the principal with creds in region.
func (a *awsCLI) run(creds Credentials, region string, args ...string) (stdout, stderr string, err error) {
	a.t.Helper()
	full := append([]string{"--endpoint-url", a.endpoint, "--region", region, "--output", "json"}, args...)
	cmd := exec.Command(a.bin, full...)
	cmd.Dir = a.dir
	// Nothing from the developer's own AWS setup may leak in.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_ACCESS_KEY_ID="+creds.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+creds.SecretAccessKey,
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=", "AWS_MAX_ATTEMPTS=1", "AWS_RETRY_MODE=standard",
	)
	if creds.SessionToken != "" {
		env = append(env, "AWS_SESSION_TOKEN="+creds.SessionToken)
	}
	if a.batch != nil {
		return a.batch.run(a.dir, env, full)
	}
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// ok runs a command that must succeed and decodes its JSON output into v
// (when v is not nil).
func (a *awsCLI) ok(creds Credentials, v any, args ...string) {
	a.t.Helper()
	a.okIn(creds, "us-east-1", v, args...)
}

func (a *awsCLI) okIn(creds Credentials, region string, v any, args ...string) {
	a.t.Helper()
	stdout, stderr, err := a.run(creds, region, args...)
	if err != nil {
		a.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(stdout), v); err != nil {
			a.t.Fatalf("aws %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, stdout)
		}
	}
}

// fail runs a command that must fail with the CLI's error line for code
// and op; msg, when not empty, is the exact message.
func (a *awsCLI) fail(creds Credentials, code, op, msg string, args ...string) {
	a.t.Helper()
	_, stderr, err := a.run(creds, "us-east-1", args...)
	if err == nil {
		a.t.Fatalf("aws %s succeeded, want %s", strings.Join(args, " "), code)
	}
	prefix := fmt.Sprintf("An error occurred (%s) when calling the %s operation", code, op)
	line := strings.TrimSpace(stderr)
	if !strings.HasPrefix(line, prefix) {
		a.t.Fatalf("aws %s:\n%s\nwant %q", strings.Join(args, " "), stderr, prefix)
	}
	if msg != "" && !strings.HasSuffix(line, ": "+msg) {
		a.t.Fatalf("aws %s:\n%s\nwant message %q", strings.Join(args, " "), stderr, msg)
	}
}

// codes asks oathtool for n consecutive codes, the first at step offset
// from the server's pinned clock.
func (a *awsCLI) codes(seed string, offset, n int) []string {
	a.t.Helper()
	at := t0.Add(time.Duration(offset) * 30 * time.Second).Format("2006-01-02 15:04:05 UTC")
	out, err := exec.Command(a.oathtool, "--totp", "-b", "--now", at, "-w", fmt.Sprint(n-1), seed).Output()
	if err != nil {
		a.t.Fatalf("oathtool: %v", err)
	}
	codes := strings.Fields(string(out))
	if len(codes) != n {
		a.t.Fatalf("oathtool printed %q", out)
	}
	return codes
}

func TestAWSCLIWireCompatibility(t *testing.T) {
	t.Parallel()

	t.Run("enroll, resync, deactivate, delete", func(t *testing.T) {
		t.Parallel()
		a := newAWSCLI(t)
		admin := a.srv.AdminCredentials()

		var created struct {
			VirtualMFADevice struct{ SerialNumber string }
		}
		a.ok(admin, &created, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "bob-phone", "--path", "/team/",
			"--outfile", "seed.txt", "--bootstrap-method", "Base32StringSeed", "--tags", "Key=owner,Value=bob")
		serial := created.VirtualMFADevice.SerialNumber
		if serial != "arn:aws:iam::123456789012:mfa/team/bob-phone" {
			t.Fatalf("serial = %s", serial)
		}
		seedText, err := os.ReadFile(filepath.Join(a.dir, "seed.txt"))
		if err != nil || len(seedText) != 64 {
			t.Fatalf("seed file: %q, %v", seedText, err)
		}
		seed := string(seedText)
		a.fail(admin, "EntityAlreadyExists", "CreateVirtualMFADevice", "MFADevice entity at the same path and name already exists.",
			"iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "bob-phone", "--path", "/team/", "--outfile", "again.txt", "--bootstrap-method", "Base32StringSeed")

		var unassigned struct{ VirtualMFADevices []map[string]any }
		a.ok(admin, &unassigned, "iam", "list-virtual-mfa-devices", "--assignment-status", "Unassigned")
		if len(unassigned.VirtualMFADevices) != 1 || unassigned.VirtualMFADevices[0]["SerialNumber"] != serial || unassigned.VirtualMFADevices[0]["User"] != nil {
			t.Fatalf("Unassigned = %v", unassigned)
		}

		wrong := a.codes(seed, 5*enrollWindow, 2) // far outside the window
		a.fail(admin, "InvalidAuthenticationCode", "EnableMFADevice", "Authentication code for device is not valid.",
			"iam", "enable-mfa-device", "--user-name", "bob", "--serial-number", serial, "--authentication-code1", wrong[0], "--authentication-code2", wrong[1])
		a.fail(admin, "ValidationError", "EnableMFADevice",
			`1 validation error detected: Value '12a456' at 'authenticationCode1' failed to satisfy constraint: Member must satisfy regular expression pattern: [\d]+`,
			"iam", "enable-mfa-device", "--user-name", "bob", "--serial-number", serial, "--authentication-code1", "12a456", "--authentication-code2", wrong[1])
		a.fail(admin, "NoSuchEntity", "EnableMFADevice", "The user with name nobody cannot be found.",
			"iam", "enable-mfa-device", "--user-name", "nobody", "--serial-number", serial, "--authentication-code1", wrong[0], "--authentication-code2", wrong[1])

		c := a.codes(seed, -1, 2)
		a.ok(admin, nil, "iam", "enable-mfa-device", "--user-name", "bob", "--serial-number", serial, "--authentication-code1", c[0], "--authentication-code2", c[1])
		a.fail(admin, "EntityAlreadyExists", "EnableMFADevice", "",
			"iam", "enable-mfa-device", "--user-name", "alice", "--serial-number", serial, "--authentication-code1", c[0], "--authentication-code2", c[1])

		var listed struct {
			MFADevices []struct{ UserName, SerialNumber, EnableDate string }
		}
		a.ok(admin, &listed, "iam", "list-mfa-devices", "--user-name", "bob")
		if len(listed.MFADevices) != 1 || listed.MFADevices[0].SerialNumber != serial || listed.MFADevices[0].EnableDate != "2026-03-14T15:09:10Z" {
			t.Fatalf("list-mfa-devices = %+v", listed)
		}
		var got struct{ UserName, SerialNumber string }
		a.ok(admin, &got, "iam", "get-mfa-device", "--serial-number", serial, "--user-name", "bob")
		if got.UserName != "bob" || got.SerialNumber != serial {
			t.Fatalf("get-mfa-device = %+v", got)
		}

		// The phone's clock was 4 minutes fast when resynced.
		r := a.codes(seed, 7, 2)
		a.ok(admin, nil, "iam", "resync-mfa-device", "--user-name", "bob", "--serial-number", serial, "--authentication-code1", r[0], "--authentication-code2", r[1])
		a.fail(admin, "InvalidAuthenticationCode", "ResyncMFADevice", "Authentication code for device is not valid.",
			"iam", "resync-mfa-device", "--user-name", "bob", "--serial-number", serial, "--authentication-code1", r[0], "--authentication-code2", r[1])

		a.fail(admin, "DeleteConflict", "DeleteVirtualMFADevice", "MFA Device is still in use.",
			"iam", "delete-virtual-mfa-device", "--serial-number", serial)
		a.ok(admin, nil, "iam", "deactivate-mfa-device", "--user-name", "bob", "--serial-number", serial)
		a.fail(admin, "NoSuchEntity", "DeactivateMFADevice", "MFA Device with serial number "+serial+" does not exist.",
			"iam", "deactivate-mfa-device", "--user-name", "bob", "--serial-number", serial)
		a.ok(admin, nil, "iam", "delete-virtual-mfa-device", "--serial-number", serial)
		a.fail(admin, "NoSuchEntity", "DeleteVirtualMFADevice", "VirtualMFADevice with serial number "+serial+" doesn't exist.",
			"iam", "delete-virtual-mfa-device", "--serial-number", serial)
	})

	t.Run("the aws program itself", func(t *testing.T) {
		t.Parallel()
		a := newAWSCLI(t)
		a.batch = nil // separate `aws` processes, as a user runs them
		var id struct{ Arn string }
		a.okIn(a.srv.AdminCredentials(), "sa-east-1", &id, "sts", "get-caller-identity")
		if id.Arn != "arn:aws:iam::123456789012:user/practice-admin" {
			t.Fatalf("identity = %+v", id)
		}
		a.fail(a.srv.AdminCredentials(), "NoSuchEntity", "ListMFADevices", "The user with name nobody cannot be found.",
			"iam", "list-mfa-devices", "--user-name", "nobody")
	})

	t.Run("QR code", func(t *testing.T) {
		t.Parallel()
		zbarimg := testenv.Tool(t, "zbarimg")
		a := newAWSCLI(t)
		a.ok(a.srv.AdminCredentials(), nil, "iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "qr", "--outfile", "qr.png", "--bootstrap-method", "QRCodePNG")
		out, err := exec.Command(zbarimg, "-q", "--raw", filepath.Join(a.dir, "qr.png")).Output()
		if err != nil {
			t.Fatalf("zbarimg: %v", err)
		}
		seed, _ := a.srv.Seed(a.srv.DeviceSerial("qr"))
		if got, want := strings.TrimSpace(string(out)), "otpauth://totp/qr@123456789012?secret="+seed; got != want {
			t.Fatalf("QR code holds %q, want %q", got, want)
		}
	})

	t.Run("pagination and assignment status", func(t *testing.T) {
		t.Parallel()
		a := newAWSCLI(t)
		admin := a.srv.AdminCredentials()
		for i := 0; i < 3; i++ {
			a.srv.mu.Lock()
			a.srv.st.addDevice(fmt.Sprintf("spare-%d", i), "/", t0)
			a.srv.mu.Unlock()
		}
		var all struct{ VirtualMFADevices []map[string]any }
		// --page-size 1: the CLI follows Marker through four pages.
		a.ok(admin, &all, "iam", "list-virtual-mfa-devices", "--page-size", "1")
		if len(all.VirtualMFADevices) != 4 {
			t.Fatalf("paged list = %v", all)
		}
		var first struct {
			VirtualMFADevices []map[string]any
			NextToken         string
		}
		a.ok(admin, &first, "iam", "list-virtual-mfa-devices", "--assignment-status", "Unassigned", "--page-size", "2", "--max-items", "2")
		if len(first.VirtualMFADevices) != 2 || first.NextToken == "" {
			t.Fatalf("first page = %v", first)
		}
		var rest struct{ VirtualMFADevices []map[string]any }
		a.ok(admin, &rest, "iam", "list-virtual-mfa-devices", "--assignment-status", "Unassigned", "--page-size", "2", "--starting-token", first.NextToken)
		if len(rest.VirtualMFADevices) != 1 || rest.VirtualMFADevices[0]["SerialNumber"] != a.srv.DeviceSerial("spare-2") {
			t.Fatalf("rest = %v", rest)
		}
		var assigned struct {
			VirtualMFADevices []struct {
				SerialNumber string
				User         struct{ UserName, Arn string }
				EnableDate   string
			}
		}
		a.ok(admin, &assigned, "iam", "list-virtual-mfa-devices", "--assignment-status", "Assigned")
		if len(assigned.VirtualMFADevices) != 1 || assigned.VirtualMFADevices[0].User.UserName != "alice" || assigned.VirtualMFADevices[0].EnableDate == "" {
			t.Fatalf("Assigned = %+v", assigned)
		}
		var raw struct {
			VirtualMFADevices []any
			IsTruncated       bool
			Marker            string
		}
		a.ok(admin, &raw, "iam", "list-virtual-mfa-devices", "--no-paginate", "--max-items", "1")
		if len(raw.VirtualMFADevices) != 1 || !raw.IsTruncated || raw.Marker == "" {
			t.Fatalf("--no-paginate = %+v", raw)
		}
		var users struct{ Users []struct{ UserName string } }
		a.ok(admin, &users, "iam", "list-users", "--page-size", "1")
		if len(users.Users) != 3 || users.Users[0].UserName != "alice" {
			t.Fatalf("list-users = %+v", users)
		}
		a.fail(admin, "ValidationError", "ListVirtualMFADevices",
			"1 validation error detected: Value 'Sometimes' at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [Assigned, Unassigned, Any]",
			"iam", "list-virtual-mfa-devices", "--assignment-status", "Sometimes")
	})

	t.Run("account summary, credential report, users", func(t *testing.T) {
		t.Parallel()
		a := newAWSCLI(t)
		admin := a.srv.AdminCredentials()
		var summary struct{ SummaryMap map[string]int }
		a.ok(admin, &summary, "iam", "get-account-summary")
		if summary.SummaryMap["AccountMFAEnabled"] != 0 || summary.SummaryMap["MFADevices"] != 1 || summary.SummaryMap["MFADevicesInUse"] != 1 || summary.SummaryMap["Users"] != 3 {
			t.Fatalf("summary = %v", summary)
		}
		a.fail(admin, "ReportNotPresent", "GetCredentialReport", "", "iam", "get-credential-report")
		var gen struct{ State, Description string }
		a.ok(admin, &gen, "iam", "generate-credential-report")
		if gen.State != "STARTED" {
			t.Fatalf("generate = %+v", gen)
		}
		a.fail(admin, "ReportInProgress", "GetCredentialReport", "", "iam", "get-credential-report")
		a.ok(admin, &gen, "iam", "generate-credential-report")
		if gen.State != "COMPLETE" {
			t.Fatalf("generate again = %+v", gen)
		}
		var rep struct{ Content, ReportFormat, GeneratedTime string }
		a.ok(admin, &rep, "iam", "get-credential-report")
		csv, err := base64.StdEncoding.DecodeString(rep.Content)
		if err != nil || rep.ReportFormat != "text/csv" || rep.GeneratedTime != "2026-03-14T15:09:10Z" {
			t.Fatalf("report = %+v (%v)", rep, err)
		}
		lines := strings.Split(string(csv), "\n")
		if !strings.HasPrefix(lines[0], "user,arn,user_creation_time,password_enabled,") || !strings.HasPrefix(lines[1], "<root_account>,arn:aws:iam::123456789012:root,") {
			t.Fatalf("report:\n%s", csv)
		}

		var user struct {
			User struct{ UserName, Arn, Path, UserId string }
		}
		a.ok(admin, &user, "iam", "get-user")
		if user.User.UserName != AdminUser || user.User.Arn != "arn:aws:iam::123456789012:user/practice-admin" || !strings.HasPrefix(user.User.UserId, "AIDA") {
			t.Fatalf("get-user = %+v", user)
		}
		var rootUser struct{ User map[string]any }
		a.ok(a.srv.RootCredentials(), &rootUser, "iam", "get-user")
		if rootUser.User["Arn"] != "arn:aws:iam::123456789012:root" || rootUser.User["UserId"] != "123456789012" {
			t.Fatalf("root get-user = %v", rootUser)
		}
		a.fail(admin, "NoSuchEntity", "GetUser", "The user with name nobody cannot be found.", "iam", "get-user", "--user-name", "nobody")
		a.ok(admin, &user, "iam", "create-user", "--user-name", "carol", "--path", "/drill/")
		if user.User.Arn != "arn:aws:iam::123456789012:user/drill/carol" {
			t.Fatalf("create-user = %+v", user)
		}
		a.fail(admin, "EntityAlreadyExists", "CreateUser", "User with name carol already exists.", "iam", "create-user", "--user-name", "carol")
	})

	t.Run("sts sessions", func(t *testing.T) {
		t.Parallel()
		a := newAWSCLI(t)
		alice := mustCreds(a.srv.UserCredentials(AliceUser))
		serial := a.srv.DeviceSerial(AliceUser)
		seed, _ := a.srv.Seed(serial)

		for _, region := range []string{"us-east-1", "ap-southeast-2"} {
			var id struct{ UserId, Account, Arn string }
			a.okIn(a.srv.RootCredentials(), region, &id, "sts", "get-caller-identity")
			if id.Arn != "arn:aws:iam::123456789012:root" || id.UserId != "123456789012" || id.Account != "123456789012" {
				t.Fatalf("%s: root identity = %+v", region, id)
			}
		}
		a.fail(alice, "AccessDenied", "GetSessionToken", "MultiFactorAuthentication failed with invalid MFA one time pass code.",
			"sts", "get-session-token", "--serial-number", serial, "--token-code", a.codes(seed, 3, 1)[0])
		a.fail(a.srv.AdminCredentials(), "AccessDenied", "GetSessionToken",
			"MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.",
			"sts", "get-session-token", "--serial-number", serial, "--token-code", a.codes(seed, 0, 1)[0])
		a.fail(alice, "ValidationError", "GetSessionToken",
			"1 validation error detected: Value '200000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
			"sts", "get-session-token", "--duration-seconds", "200000")

		var sess struct {
			Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
		}
		a.ok(alice, &sess, "sts", "get-session-token", "--duration-seconds", "3600", "--serial-number", serial, "--token-code", a.codes(seed, 0, 1)[0])
		c := sess.Credentials
		if !strings.HasPrefix(c.AccessKeyId, "ASIA") || c.SessionToken == "" || c.Expiration != "2026-03-14T16:09:10Z" {
			t.Fatalf("session = %+v", sess)
		}
		session := Credentials{c.AccessKeyId, c.SecretAccessKey, c.SessionToken}
		var id struct{ Arn string }
		a.okIn(session, "eu-west-1", &id, "sts", "get-caller-identity")
		if id.Arn != "arn:aws:iam::123456789012:user/alice" {
			t.Fatalf("session identity = %+v", id)
		}
		// With MFA present, alice may do what her policy otherwise denies.
		a.ok(session, nil, "iam", "get-account-summary")
		a.fail(alice, "AccessDenied", "GetAccountSummary",
			"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:GetAccountSummary on resource: * with an explicit deny in an identity-based policy",
			"iam", "get-account-summary")
		a.fail(session, "AccessDenied", "GetSessionToken", "Cannot call GetSessionToken with session credentials", "sts", "get-session-token")
		// The same code twice is a replay.
		a.fail(alice, "AccessDenied", "GetSessionToken", "MultiFactorAuthentication failed with invalid MFA one time pass code.",
			"sts", "get-session-token", "--serial-number", serial, "--token-code", a.codes(seed, 0, 1)[0])
	})

	t.Run("tags", func(t *testing.T) {
		t.Parallel()
		a := newAWSCLI(t)
		admin := a.srv.AdminCredentials()
		serial := a.srv.DeviceSerial(AliceUser)
		a.ok(admin, nil, "iam", "tag-mfa-device", "--serial-number", serial, "--tags", "Key=team,Value=sec", "Key=Owner,Value=alice")
		var tags struct{ Tags []struct{ Key, Value string } }
		a.ok(admin, &tags, "iam", "list-mfa-device-tags", "--serial-number", serial)
		if fmt.Sprint(tags.Tags) != "[{Owner alice} {team sec}]" {
			t.Fatalf("tags = %v", tags)
		}
		a.ok(admin, nil, "iam", "untag-mfa-device", "--serial-number", serial, "--tag-keys", "team")
		a.ok(admin, &tags, "iam", "list-mfa-device-tags", "--serial-number", serial)
		if fmt.Sprint(tags.Tags) != "[{Owner alice}]" {
			t.Fatalf("after untag = %v", tags)
		}
		a.fail(admin, "InvalidInput", "TagMFADevice", "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
			"iam", "tag-mfa-device", "--serial-number", serial, "--tags", "Key=a,Value=1", "Key=A,Value=2")
		a.fail(admin, "NoSuchEntity", "ListMFADeviceTags", "", "iam", "list-mfa-device-tags", "--serial-number", serial+"-none")
	})

	t.Run("authentication errors and faults", func(t *testing.T) {
		t.Parallel()
		a := newAWSCLI(t, func(o *Options) { o.TimeoutFault = 4 * time.Second })
		admin := a.srv.AdminCredentials()
		a.fail(Credentials{"AKIAUNKNOWNUNKNOWN00", "secret", ""}, "InvalidClientTokenId", "ListMFADevices",
			"The security token included in the request is invalid.", "iam", "list-mfa-devices")
		a.fail(Credentials{admin.AccessKeyID, "not-the-secret", ""}, "SignatureDoesNotMatch", "GetCallerIdentity", "", "sts", "get-caller-identity")

		a.srv.InjectFault("ListMFADevices", FaultThrottle, 1)
		a.fail(admin, "Throttling", "ListMFADevices", "Rate exceeded", "iam", "list-mfa-devices")
		a.srv.InjectFault("GetCallerIdentity", FaultServerError, 1)
		a.fail(admin, "ServiceFailure", "GetCallerIdentity", "", "sts", "get-caller-identity")
		a.ok(admin, nil, "iam", "list-mfa-devices")

		a.srv.InjectFault("GetUser", FaultTimeout, 1)
		_, stderr, err := a.run(admin, "us-east-1", "--cli-read-timeout", "1", "iam", "get-user")
		if err == nil || !strings.Contains(stderr, "Read timeout") {
			t.Fatalf("timeout fault: %v\n%s", err, stderr)
		}
	})
}
