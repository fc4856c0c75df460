package drill

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/app/recovery"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/practice"
	"github.com/sparekey/sparekey/vault"
)

func jsonMarshal(v any) ([]byte, error)   { return json.MarshalIndent(v, "", "  ") }
func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

var (
	adminConn = app.AWSConnection{Practice: true}
	aliceConn = app.AWSConnection{Practice: true, PracticeUser: practice.AliceUser}
	rootConn  = app.AWSConnection{Practice: true, PracticeUser: "root"}
)

// enrollForAlice makes Sparekey one of alice's devices, as her
// administrator would: the seed lands in the drill's vault.
func enrollForAlice(e *env, name string) (*awsmfa.EnrollResult, error) {
	return e.app.AWSEnroll(e.ctx, adminConn, awsmfa.EnrollRequest{UserName: practice.AliceUser, DeviceName: name})
}

// held returns the vault account holding serial's seed.
func held(e *env, serial string) (*vault.Account, error) {
	v, err := e.app.Vault()
	if err != nil {
		return nil, err
	}
	acct, ok := awsmfa.HeldSeeds(v)[serial]
	if !ok {
		return nil, fmt.Errorf("the vault holds no seed for %s", serial)
	}
	return acct, nil
}

// authenticates proves a held device's fresh code opens an STS session.
func authenticates(e *env, conn app.AWSConnection, serial string) error {
	e.clock.next()
	_, err := e.app.DoRecoveryStep(e.ctx, guide.Step{ID: "check", Action: guide.ActionSession}, app.RecoveryTarget{Conn: conn, Binding: guide.Binding{Serial: serial}})
	if err != nil {
		return fmt.Errorf("a fresh code of %s does not authenticate: %s", serial, firstLine(app.ExplainAWS(err)))
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// devicesOf lists the serials AWS has for a user ("" = the caller).
func devicesOf(e *env, conn app.AWSConnection, user string) ([]string, error) {
	devs, err := e.app.AWSUserDevices(e.ctx, conn, user)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range devs {
		out = append(out, d.SerialNumber)
	}
	return out, nil
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func drifted() Drill {
	return Drill{
		Name: "drifted-device", Title: "A device whose clock drifted: resync it from Sparekey",
		Path:   "out-of-sync/iam-user/sparekey",
		Broken: "the resync step is left out, so the device stays out of step",
		setup: func(e *env) error {
			res, err := enrollForAlice(e, "alice-sparekey")
			if err != nil {
				return err
			}
			serial := res.Device.SerialNumber
			if err := e.srv.SetDrift(serial, 5); err != nil {
				return err
			}
			if authenticates(e, aliceConn, serial) == nil {
				return errors.New("the drifted device still authenticates: the scenario did not take")
			}
			e.conn = aliceConn
			e.bind = guide.Binding{AccountID: e.srv.AccountID(), UserName: practice.AliceUser, Serial: serial, AccountName: res.Label}
			if e.broken {
				e.skip["resync"] = true
			}
			return nil
		},
		check: func(e *env) error { return authenticates(e, aliceConn, e.bind.Serial) },
	}
}

func lostPhoneWithAdmin() Drill {
	return Drill{
		Name: "lost-phone-with-admin", Title: "An IAM user lost their phone: the administrator resets the device",
		Path:   "lost/admin/phone",
		Broken: "the deactivation is left out, so the lost phone still counts as alice's device",
		setup: func(e *env) error {
			lost := e.srv.DeviceSerial(practice.AliceUser)
			if err := e.srv.LoseDevice(lost); err != nil {
				return err
			}
			e.conn = adminConn
			e.bind = guide.Binding{AccountID: e.srv.AccountID(), UserName: practice.AliceUser, Serial: lost}
			// alice's side first: her message to the administrator must
			// carry the account, her name and the serial.
			userLeaf, _ := guide.Lookup("lost/iam-user/phone")
			msg, _ := userLeaf.Step("admin-message")
			body := e.bind.Fill(msg.Message.Body)
			for _, want := range []string{e.bind.AccountID, "alice", lost, "sparekey aws remove --user alice --serial " + lost} {
				if !strings.Contains(body, want) {
					return fmt.Errorf("alice's message to the administrator lacks %q", want)
				}
			}
			e.logf("admin-message (alice's side): %s", firstLine(body))
			if e.broken {
				e.skip["deactivate"] = true
			}
			e.target.DeviceName = "alice-new"
			return nil
		},
		check: func(e *env) error {
			devs, err := devicesOf(e, adminConn, practice.AliceUser)
			if err != nil {
				return err
			}
			lost := e.srv.DeviceSerial(practice.AliceUser)
			if has(devs, lost) {
				return fmt.Errorf("the lost device %s is still assigned to alice", lost)
			}
			if len(devs) == 0 {
				return errors.New("alice has no MFA device at the end")
			}
			return authenticates(e, aliceConn, e.bind.Serial)
		},
	}
}

func stolenPhone() Drill {
	return Drill{
		Name: "stolen-phone", Title: "An IAM user's phone was stolen: the administrator deactivates, the user enrolls and changes the password",
		Path:   "stolen/iam-user/phone",
		Broken: "the password step is left out after the theft",
		setup: func(e *env) error {
			stolen := e.srv.DeviceSerial(practice.AliceUser)
			if err := e.srv.LoseDevice(stolen); err != nil {
				return err
			}
			e.conn = aliceConn
			e.bind = guide.Binding{AccountID: e.srv.AccountID(), UserName: practice.AliceUser, Serial: stolen}
			e.target.DeviceName = "alice-after-theft"
			if e.broken {
				e.skip["password"] = true
			}
			return nil
		},
		person: map[string]func(*env) error{
			// While alice waits, her administrator acts on her message.
			"sign-in": func(e *env) error {
				if _, err := e.app.AWSRemoveDevice(e.ctx, adminConn, practice.AliceUser, e.bind.Serial); err != nil {
					return errors.New(app.ExplainAWS(err))
				}
				e.logf("sign-in: the administrator deactivated %s; alice signs in with account ID, user name and password", e.bind.Serial)
				return nil
			},
		},
		check: func(e *env) error {
			for _, st := range e.run.Steps {
				if st.ID == "password" && st.Status != "done" {
					return errors.New("the password was not changed after the device was stolen")
				}
			}
			devs, err := devicesOf(e, adminConn, practice.AliceUser)
			if err != nil {
				return err
			}
			if has(devs, e.srv.DeviceSerial(practice.AliceUser)) {
				return errors.New("the stolen device is still assigned")
			}
			return authenticates(e, aliceConn, e.bind.Serial)
		},
	}
}

func orphanBlocking() Drill {
	const name = "alice-phone"
	return Drill{
		Name: "orphan-blocking-enrollment", Title: "An unassigned device blocks re-enrollment under the same name",
		Path:   "lost/admin/phone",
		Broken: "the orphan clean-up is left out, so the new device's name is taken",
		setup: func(e *env) error {
			lost := e.srv.DeviceSerial(practice.AliceUser)
			if err := e.srv.LoseDevice(lost); err != nil {
				return err
			}
			// A device created but never enabled: what a half-finished
			// enrollment in the console leaves behind.
			if err := createOrphan(e, name); err != nil {
				return err
			}
			orphans, err := e.app.AWSOrphans(e.ctx, adminConn)
			if err != nil || len(orphans) != 1 {
				return fmt.Errorf("expected one orphan, got %d (%v)", len(orphans), err)
			}
			e.logf("setup: orphan %s left by a failed enrollment", orphans[0].SerialNumber)
			e.conn = adminConn
			e.bind = guide.Binding{AccountID: e.srv.AccountID(), UserName: practice.AliceUser, Serial: lost}
			e.target.DeviceName = name
			if e.broken {
				e.skip["orphans"] = true
			}
			return nil
		},
		check: func(e *env) error {
			orphans, err := e.app.AWSOrphans(e.ctx, adminConn)
			if err != nil {
				return err
			}
			if len(orphans) > 0 {
				return fmt.Errorf("%d orphan(s) remain", len(orphans))
			}
			return authenticates(e, aliceConn, e.bind.Serial)
		},
	}
}

func restoreAfterWipe() Drill {
	return Drill{
		Name: "restore-after-wipe", Title: "A wiped phone: restore the seed from a backup",
		Path:   "app-wiped/iam-user/phone/kept-seed",
		Broken: "the backup was made before the device was enrolled, so it lacks the seed",
		setup: func(e *env) error {
			backupFile := e.app.Paths().Data + "/kept.age"
			if e.broken {
				if _, err := e.app.CreateBackup(e.ctx, backupFile, app.BackupOptions{ToVaultKey: true}); err != nil {
					return err
				}
			}
			res, err := enrollForAlice(e, "alice-kept")
			if err != nil {
				return err
			}
			if !e.broken {
				if _, err := e.app.CreateBackup(e.ctx, backupFile, app.BackupOptions{ToVaultKey: true}); err != nil {
					return err
				}
			}
			// The wipe: the seed is gone from this device.
			if _, err := e.app.RemoveAccount(res.AccountID); err != nil {
				return err
			}
			e.conn = aliceConn
			e.bind = guide.Binding{AccountID: e.srv.AccountID(), UserName: practice.AliceUser, Serial: res.Device.SerialNumber, BackupFile: backupFile}
			return nil
		},
		check: func(e *env) error {
			if _, err := held(e, e.bind.Serial); err != nil {
				return err
			}
			return authenticates(e, aliceConn, e.bind.Serial)
		},
	}
}

func rootSingleDevice() Drill {
	return Drill{
		Name: "root-single-device", Title: "Root's only device is lost: alternative factors, then assign a new one with two codes",
		Path:   "lost/root/phone",
		Broken: "the codes reach \"MFA code 1\" and \"MFA code 2\" a minute late, so they are not two consecutive codes",
		setup: func(e *env) error {
			c, err := lostRootDevice(e)
			c.staleCodes = e.broken
			return err
		},
		check: func(e *env) error { return rootEndState(e, 1) },
	}
}

// lostRootDevice sets up root with a single device, lost, and the console
// where the email and the phone both answer.
func lostRootDevice(e *env) (*console, error) {
	if err := e.srv.Reset(practice.PresetRootWithDevice); err != nil {
		return nil, err
	}
	lost := e.srv.DeviceSerial(practice.RootDeviceName)
	if err := e.srv.LoseDevice(lost); err != nil {
		return nil, err
	}
	e.conn = rootConn
	e.bind = guide.Binding{AccountID: e.srv.AccountID(), Serial: lost}
	e.console = &console{e: e, emailReachable: true, phoneReachable: true, lostSerial: lost, newName: "root-sparekey"}
	return e.console, nil
}

// viaSupport is the end every root failure branch leads to: the path left
// for AWS Support, the device removed, a new one assigned.
func viaSupport(e *env) error {
	if !slices.Contains(e.run.Earlier, "lost/root/phone") || e.run.Path != "lost/root/phone/support" {
		return fmt.Errorf("the run did not go from lost/root/phone to AWS Support (path %s, earlier %v)", e.run.Path, e.run.Earlier)
	}
	return rootEndState(e, 1)
}

func rootAuthenticationFailed() Drill {
	return Drill{
		Name: "root-authentication-failed", Title: "Root: \"Authentication failed\" at alternative factors, twice: AWS Support removes the device",
		Path:   "lost/root/phone",
		Broken: "the vault knows nothing of the account, so the text for AWS Support lacks the account ID",
		setup: func(e *env) error {
			c, err := lostRootDevice(e)
			if err != nil {
				return err
			}
			c.authFailures = 2
			if e.broken {
				e.bind.AccountID = ""
			}
			return nil
		},
		check: viaSupport,
	}
}

func rootMissedCall() Drill {
	return Drill{
		Name: "root-missed-call", Title: "Root: the verification call never comes: start over, then AWS Support",
		Path:   "lost/root/phone",
		Broken: "the account's sign-up and payment records are not at hand, so AWS Support cannot confirm the owner",
		setup: func(e *env) error {
			c, err := lostRootDevice(e)
			if err != nil {
				return err
			}
			c.callsMissed, c.noRecords = 2, e.broken
			return nil
		},
		check: viaSupport,
	}
}

func rootNoEmail() Drill {
	return Drill{
		Name: "root-no-email", Title: "Root: the verification email does not come; \"Resend the email\" brings it",
		Path:   "lost/root/phone",
		Broken: "the email never arrives, even resent, and the sign-up and payment records AWS Support asks for are not at hand",
		setup: func(e *env) error {
			c, err := lostRootDevice(e)
			if err != nil {
				return err
			}
			c.emailsLost = 1
			if e.broken {
				// Resending does not help either, so the guide goes on to
				// AWS Support, which cannot confirm the owner without them.
				c.emailsLost, c.noRecords = 2, true
			}
			return nil
		},
		check: func(e *env) error { return rootEndState(e, 1) },
	}
}

func rootSecondDevice() Drill {
	return Drill{
		Name: "root-second-device", Title: "Root lost one of two devices: sign in with the other, then replace",
		Path:   "lost/root/phone/other-device",
		Broken: "the second device was never registered, so there is nothing to sign in with",
		setup: func(e *env) error {
			if err := e.srv.Reset(practice.PresetRootWithDevice); err != nil {
				return err
			}
			spare := e.srv.DeviceSerial(practice.RootDeviceName)
			lost, err := e.srv.EnableRootDevice("root-phone")
			if err != nil {
				return err
			}
			if err := e.srv.LoseDevice(lost); err != nil {
				return err
			}
			c := &console{e: e, emailReachable: true, phoneReachable: true, lostSerial: lost, newName: "root-sparekey"}
			if !e.broken {
				// The second device is Sparekey itself, kept since it was set up.
				if err := c.keepRootSeed(spare, practice.RootDeviceName); err != nil {
					return err
				}
				c.spare = spare
			}
			e.conn = rootConn
			e.bind = guide.Binding{AccountID: e.srv.AccountID(), Serial: lost}
			e.console = c
			return nil
		},
		check: func(e *env) error {
			if err := rootEndState(e, 2); err != nil {
				return err
			}
			return authenticates(e, rootConn, e.console.spare)
		},
	}
}

// rootEndState: the lost device is gone, the new one is there and its
// fresh code authenticates, and root has the devices it should.
func rootEndState(e *env, want int) error {
	devs, err := devicesOf(e, rootConn, "")
	if err != nil {
		return err
	}
	c := e.console
	switch {
	case has(devs, c.lostSerial):
		return fmt.Errorf("the lost device %s is still registered to root", c.lostSerial)
	case c.newSerial == "" || !has(devs, c.newSerial):
		return errors.New("root has no new device: after a recovery the root user must register one")
	case len(devs) != want:
		return fmt.Errorf("root has %d devices, want %d", len(devs), want)
	}
	return authenticates(e, rootConn, c.newSerial)
}

// console simulates the AWS console's root screens, with the same labels
// as the guide, and AWS Support. It only does what they would: every change
// goes through the practice account. The counters make things go wrong the
// ways the guide's "What if I can't…" lists name.
type console struct {
	e                              *env
	emailReachable, phoneReachable bool
	// authFailures: how many times choosing "Sign in using alternative
	// factors" ends in "Authentication failed".
	authFailures int
	// emailsLost: how many verification emails never arrive.
	emailsLost int
	// callsMissed: how many times "Call me now" brings no call.
	callsMissed int
	// noRecords: the sign-up and payment records are not at hand, so AWS
	// Support cannot confirm who owns the account.
	noRecords bool
	// staleCodes: the person types a code that has already gone by.
	staleCodes bool
	// supportRemoved: AWS Support removed the lost device.
	supportRemoved              bool
	signedIn                    bool
	lostSerial, spare           string
	newName, newSerial, newSeed string
	// memberAccount is the organization member whose root the console
	// is for ("" = the practice account's own root).
	memberAccount string
}

func (c *console) do(st guide.Step) (string, error) {
	e := c.e
	switch st.ID {
	case "root-sign-in":
		if c.supportRemoved {
			c.signedIn = true
			return "\"Root user\", email and password: with no MFA device left, AWS asks to register one before anything else", nil
		}
		c.signedIn = false
		return "\"Root user\", email and password accepted; the MFA page asks for a code", nil
	case "troubleshoot":
		return "chose \"Having problems with your authentication device? Click here\"", nil
	case "alternative-factors":
		if c.authFailures > 0 {
			c.authFailures--
			return "", cant(st, "Authentication failed", "choosing \"Sign in using alternative factors\" showed \"Authentication failed\"")
		}
		return "chose \"Sign in using alternative factors\"", nil
	case "verify-email":
		if !c.emailReachable {
			return "", cant(st, "can't read that mailbox", "\"Send verification email\" sent \"AWS Email Verification\" to a mailbox out of reach")
		}
		if c.emailsLost > 0 {
			c.emailsLost--
			return "", cant(st, "No email arrives", "after \"Send verification email\", no \"AWS Email Verification\" arrived")
		}
		return "\"AWS Email Verification\" arrived; followed \"Verify your email address\"", nil
	case "verify-phone":
		if !c.phoneReachable || c.callsMissed > 0 {
			c.callsMissed--
			return "", cant(st, "No call comes", "\"Call me now\": no call came")
		}
		shown := sixDigits()
		keyed := shown // the person keys in the number the page shows
		if keyed != shown {
			return "", errors.New("the number keyed in did not match the page")
		}
		return "\"Call me now\": answered and keyed in the 6-digit number shown", nil
	case "console":
		c.signedIn = true
		return "\"Sign in to the console\": on Security credentials", nil
	case "support-form":
		return c.support(st)
	case "sign-in-other":
		if c.spare == "" {
			return "", errors.New("no other device is registered and held: sign-in with another device is impossible")
		}
		if err := authenticates(e, rootConn, c.spare); err != nil {
			return "", err
		}
		c.signedIn = true
		return "signed in with the other device's code", nil
	case "remove-old":
		if !c.signedIn {
			return "", errors.New("\"Remove\" needs a signed-in console")
		}
		if _, err := e.app.AWSRemoveDevice(e.ctx, rootConn, "", c.lostSerial); err != nil {
			return "", errors.New(app.ExplainAWS(err))
		}
		return "\"Remove\" on the lost device", nil
	case "assign":
		if !c.signedIn {
			return "", errors.New("\"Assign MFA device\" needs a signed-in console")
		}
		serial, err := e.srv.EnableRootDevice(c.newName)
		if err != nil {
			return "", err
		}
		seed, err := e.srv.Seed(serial)
		if err != nil {
			return "", err
		}
		c.newSerial, c.newSeed = serial, seed
		e.target.SetupURI = practice.EnrollmentURI(c.newName, e.srv.AccountID(), seed)
		return "\"Assign MFA device\" › \"Show QR code\"", nil
	case "password":
		return "changed the root password", nil
	}
	return "simulated: " + st.Title, nil
}

// support is AWS Support answering the "Request assistance with lost or
// unusable MFA device" form: days of waiting (the step waits, as a real
// run would), then the device removed, or no removal without the records
// that prove who owns the account.
func (c *console) support(st guide.Step) (string, error) {
	e := c.e
	for _, label := range []string{"I'm still having problems and would like to contact AWS Support", "Submit"} {
		if !slices.Contains(st.Labels, label) {
			return "", fmt.Errorf("the support step no longer names %q", label)
		}
	}
	e.run.Mark(st.ID, recovery.Waiting, st.Wait, e.clock.Now())
	e.app.RecoveryStore().Save(e.run)
	e.logf("%s: submitted; waiting for %s", st.ID, st.Wait)
	if c.noRecords {
		return "", cant(st, "sign-up or payment records", "AWS Support could not confirm who owns the account")
	}
	if _, err := e.app.AWSRemoveDevice(e.ctx, rootConn, "", c.lostSerial); err != nil {
		return "", errors.New(app.ExplainAWS(err))
	}
	c.supportRemoved = true
	return "AWS Support checked the records and removed " + c.lostSerial, nil
}

// assignCodes is the console's check of "MFA code 1" and "MFA code 2":
// two consecutive codes of the new device's seed, computed here with an
// HOTP implementation of its own. On success the new device is bound to
// root in the vault, as Sparekey records a device it holds.
func (c *console) assignCodes(code1, code2 string) error {
	if c.newSeed == "" {
		return nil // codes shown for a form that is not an assignment
	}
	step := uint64(c.e.clock.Now().Unix() / 30)
	opts := hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	want1, _ := hotp.GenerateCodeCustom(c.newSeed, step, opts)
	want2, _ := hotp.GenerateCodeCustom(c.newSeed, step+1, opts)
	if c.staleCodes {
		// Typed a minute late: the first code has gone by.
		code1, _ = hotp.GenerateCodeCustom(c.newSeed, step-2, opts)
	}
	if code1 != want1 || code2 != want2 {
		if c.memberAccount == "" {
			_, _ = c.e.app.AWSRemoveDevice(c.e.ctx, rootConn, "", c.newSerial)
		}
		c.newSerial = ""
		return errors.New("the console refused \"MFA code 1\" and \"MFA code 2\": not two consecutive codes of the new device")
	}
	return c.keepRootSeed(c.newSerial, c.newName)
}

// keepRootSeed binds the vault account holding a root device's seed.
func (c *console) keepRootSeed(serial, name string) error {
	e := c.e
	v, err := e.app.Vault()
	if err != nil {
		return err
	}
	acct, err := v.Find(name)
	if err != nil {
		seed, serr := e.srv.Seed(serial)
		if serr != nil {
			return serr
		}
		if acct, err = e.app.AddURI(practice.EnrollmentURI(name, e.srv.AccountID(), seed)); err != nil {
			return err
		}
	}
	account := e.srv.AccountID()
	if c.memberAccount != "" {
		account = c.memberAccount
	}
	acct.AWS = &vault.AWSBinding{Partition: "aws", AccountID: account, Root: true, SerialNumber: serial, Profile: rootConn.Label()}
	return e.app.UpdateAccount(acct)
}

// createOrphan creates a virtual device and never enables it, straight
// through IAM as the practice administrator.
func createOrphan(e *env, name string) error {
	_, endpoint, err := e.app.PracticeServer()
	if err != nil {
		return err
	}
	creds := e.srv.AdminCredentials()
	client := iam.New(iam.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, ""),
	})
	_, err = client.CreateVirtualMFADevice(e.ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String(name)})
	return err
}

func sixDigits() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%06d", n.Int64())
}
