package drill

import (
	"errors"
	"fmt"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/sync/practice"
)

// memberRootDevice is the name of the member root's new device.
const memberRootDevice = "member-root-sparekey"

// memberRoot walks the guide's member-account root leaf: the practice
// Organization's management account removes the lost device through
// centralized root access, then the member root signs in and assigns a new
// device with two codes from Sparekey.
func memberRoot() Drill {
	return Drill{
		Name: "member-root", Title: "A member account's root lost its device: the organization removes it, then root assigns a new one with two codes",
		Path:   "lost/root/phone/org-central",
		Broken: "the organization has turned centralized root access off, so the management account cannot remove the device",
		setup: func(e *env) error {
			members := e.srv.MemberAccountIDs()
			if len(members) == 0 {
				return errors.New("the practice account is no Organization")
			}
			member := members[0]
			// The member root's only device (the practice Organization
			// gives each member root one) is the one lost.
			lost := e.srv.DeviceSerialIn(member, practice.RootDeviceName)
			if _, err := e.srv.Seed(lost); err != nil {
				if lost, err = e.srv.EnableRootDeviceIn(member, practice.RootDeviceName); err != nil {
					return err
				}
			}
			if err := e.srv.LoseDevice(lost); err != nil {
				return err
			}
			if e.broken {
				if err := e.srv.SetRootAccessFeatures(); err != nil {
					return err
				}
			}
			e.conn = adminConn
			e.bind = guide.Binding{AccountID: member, Serial: lost}
			e.console = &console{e: e, lostSerial: lost, newName: memberRootDevice, memberAccount: member}
			return nil
		},
		person: map[string]func(*env) error{
			"root-sign-in": func(e *env) error {
				// With the device gone, the console lets root in and asks
				// it to register a new one before anything else.
				devs, err := memberRootDevices(e)
				if err != nil {
					return err
				}
				if len(devs) > 0 {
					return fmt.Errorf("the sign-in asks for a code of %v, which the person no longer has", devs)
				}
				e.console.signedIn = true
				return nil
			},
			"assign": func(e *env) error {
				c := e.console
				if !c.signedIn {
					return errors.New("\"Assign MFA device\" needs a signed-in console")
				}
				serial, err := e.srv.EnableRootDeviceIn(c.memberAccount, c.newName)
				if err != nil {
					return err
				}
				seed, err := e.srv.Seed(serial)
				if err != nil {
					return err
				}
				c.newSerial, c.newSeed = serial, seed
				e.target.SetupURI = practice.EnrollmentURI(c.newName, c.memberAccount, seed)
				return nil
			},
		},
		check: func(e *env) error {
			c := e.console
			devs, err := memberRootDevices(e)
			if err != nil {
				return err
			}
			switch {
			case has(devs, c.lostSerial):
				return fmt.Errorf("the lost device %s is still registered to the member root", c.lostSerial)
			case c.newSerial == "" || !has(devs, c.newSerial):
				return errors.New("the member root has no new device: after a recovery the root user must register one")
			case len(devs) != 1:
				return fmt.Errorf("the member root has %d devices, want 1", len(devs))
			}
			acct, err := held(e, c.newSerial)
			if err != nil {
				return err
			}
			if acct.AWS.AccountID != c.memberAccount {
				return fmt.Errorf("the vault binds %s to account %s, not the member %s", c.newSerial, acct.AWS.AccountID, c.memberAccount)
			}
			return nil
		},
	}
}

// memberRootDevices asks, as the management account would, which MFA
// devices the member's root has (an audit-only root session).
func memberRootDevices(e *env) ([]string, error) {
	plan, err := e.app.AWSRootMFAPreview(e.ctx, adminConn, e.console.memberAccount)
	if err != nil {
		return nil, errors.New(app.ExplainAWS(err))
	}
	return plan.Devices, nil
}
