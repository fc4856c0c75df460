// Package guide is Sparekey's recovery guide: the decision tree of what to do
// when an AWS MFA device is out of sync, lost, broken or stolen, and how to
// plan so it never locks anyone out.
//
// A guide is chosen by three answers (who is locked out, what kind of device,
// what happened) plus two facts that change the path (is another MFA device
// registered; can the account owner still reach the account's email and
// phone). The text is Sparekey's own; the facts it relies on (screen names,
// order of steps, limits) follow AWS's IAM documentation. Steps that Sparekey
// can do itself carry an Action the UI and CLI turn into a button or command,
// and every guide names a drill to rehearse it on the practice account.
package guide

import (
	"errors"
	"fmt"
	"strings"
)

// Who is locked out.
type Who string

const (
	Root    Who = "root"     // the account's root user (email sign-in)
	IAMUser Who = "iam-user" // an IAM user acting for themselves
	Admin   Who = "admin"    // an administrator acting for one of their users
)

// Device is the kind of MFA device in trouble.
type Device string

const (
	HeldBySparekey Device = "sparekey" // a virtual device whose seed Sparekey holds
	PhoneApp       Device = "phone"    // a virtual device in an authenticator app on a phone
	HardwareTOTP   Device = "hardware" // a hardware TOTP token (key fob, display card)
	FIDOKey        Device = "fido"     // a FIDO security key (passkey)
)

// Situation is what happened.
type Situation string

const (
	OutOfSync Situation = "out-of-sync" // the device shows codes AWS rejects
	Lost      Situation = "lost"
	Broken    Situation = "broken"
	Stolen    Situation = "stolen"
	AppWiped  Situation = "app-wiped" // authenticator app deleted or phone reset
	Planning  Situation = "planning"  // nothing is wrong yet
)

// Action is a step Sparekey can carry out or open for the user.
type Action string

const (
	ActionNone         Action = ""
	ActionResync       Action = "resync"         // sparekey aws resync
	ActionShowTwoCodes Action = "show-two-codes" // two consecutive codes for a console form
	ActionEnroll       Action = "enroll"         // sparekey aws enroll
	ActionReplace      Action = "replace"        // sparekey aws replace
	ActionOrphans      Action = "orphans"        // sparekey aws orphans --delete
	ActionDeactivate   Action = "deactivate"     // admin: deactivate a user's device
	ActionAudit        Action = "audit"          // sparekey aws audit
	ActionBackup       Action = "backup"         // sparekey backup create / paper
	ActionSession      Action = "session"        // sparekey aws session
)

// Step is one thing to do.
type Step struct {
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
	// Where names the screen or command, with the exact labels to look for.
	Where  string `json:"where,omitempty"`
	Action Action `json:"action,omitempty"`
}

// Guide is a complete path for one set of answers.
type Guide struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Summary  string   `json:"summary"`
	Steps    []Step   `json:"steps"`
	IfStuck  []string `json:"if_stuck,omitempty"`
	Drill    string   `json:"drill,omitempty"` // how to rehearse it on the practice account
	Warnings []string `json:"warnings,omitempty"`
}

// Facts refine the path.
type Facts struct {
	// OtherDevice: another MFA device is registered to the same identity and works.
	OtherDevice bool
	// NoEmailOrPhone: the root user's email or primary contact phone cannot be reached.
	NoEmailOrPhone bool
}

// Question is one question of the decision tree, for UIs that ask them in turn.
type Question struct {
	Key     string   `json:"key"`
	Text    string   `json:"text"`
	Answers []Answer `json:"answers"`
}

// Answer is one choice of a Question.
type Answer struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Questions returns the decision tree's questions in the order to ask them.
func Questions() []Question {
	return []Question{
		{Key: "situation", Text: "What happened?", Answers: []Answer{
			{string(OutOfSync), "The device shows codes, but AWS rejects them"},
			{string(Lost), "The device is lost"},
			{string(Broken), "The device is broken"},
			{string(Stolen), "The device was stolen"},
			{string(AppWiped), "The authenticator app was deleted or the phone was reset"},
			{string(Planning), "Nothing yet: I want to be ready"},
		}},
		{Key: "who", Text: "Who needs to sign in?", Answers: []Answer{
			{string(Root), "The root user (I sign in with the account's email address)"},
			{string(IAMUser), "An IAM user (I sign in with an account ID or alias and a user name)"},
			{string(Admin), "I am an administrator helping one of my users"},
		}},
		{Key: "device", Text: "What kind of MFA device is it?", Answers: []Answer{
			{string(HeldBySparekey), "A virtual device whose seed Sparekey holds"},
			{string(PhoneApp), "An authenticator app on a phone"},
			{string(HardwareTOTP), "A hardware token that shows codes"},
			{string(FIDOKey), "A FIDO security key or passkey"},
		}},
		{Key: "other_device", Text: "Is another MFA device registered to the same user, and does it still work?", Answers: []Answer{
			{"yes", "Yes"}, {"no", "No, or I don't know"},
		}},
		{Key: "email_phone", Text: "Root only: can you still read the account's email and answer its primary contact phone?", Answers: []Answer{
			{"yes", "Yes, both"}, {"no", "No, one of them is out of reach"},
		}},
	}
}

// ErrNotApplicable is returned for combinations that cannot happen (a FIDO
// key never drifts out of sync), with a pointer to the right path.
var ErrNotApplicable = errors.New("this combination does not apply")

// For returns the guide for these answers.
func For(s Situation, who Who, dev Device, f Facts) (Guide, error) {
	if err := validate(s, who, dev); err != nil {
		return Guide{}, err
	}
	switch s {
	case Planning:
		return planning(who), nil
	case OutOfSync:
		if dev == FIDOKey {
			return Guide{}, fmt.Errorf("%w: FIDO security keys never go out of sync; if one stops working, follow the \"broken\" guide", ErrNotApplicable)
		}
		return outOfSync(who, dev), nil
	}
	switch who {
	case Root:
		if f.OtherDevice {
			return withOtherDevice(Root, s, dev), nil
		}
		return rootAlternativeFactors(s, dev, f), nil
	case IAMUser:
		if f.OtherDevice {
			return withOtherDevice(IAMUser, s, dev), nil
		}
		return iamUserLost(s, dev), nil
	default:
		return adminForUser(s, dev), nil
	}
}

func validate(s Situation, who Who, dev Device) error {
	var bad []string
	switch s {
	case OutOfSync, Lost, Broken, Stolen, AppWiped, Planning:
	default:
		bad = append(bad, fmt.Sprintf("situation %q (use out-of-sync, lost, broken, stolen, app-wiped or planning)", s))
	}
	switch who {
	case Root, IAMUser, Admin:
	default:
		bad = append(bad, fmt.Sprintf("who %q (use root, iam-user or admin)", who))
	}
	switch dev {
	case HeldBySparekey, PhoneApp, HardwareTOTP, FIDOKey:
	default:
		if s != Planning {
			bad = append(bad, fmt.Sprintf("device %q (use sparekey, phone, hardware or fido)", dev))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("unknown %s", strings.Join(bad, "; "))
	}
	return nil
}

const twoCodesWarning = "Send the two codes straight away. Codes that have gone stale make the console look as if it worked while the device stays out of sync, and make the API refuse the request."

func outOfSync(who Who, dev Device) Guide {
	g := Guide{
		ID:       "out-of-sync/" + string(who) + "/" + string(dev),
		Title:    "Bring an out-of-sync MFA device back in step",
		Summary:  "The device works but its clock (or counter) has drifted from what AWS expects. Resynchronising tells AWS where the device is now, using two consecutive codes.",
		Warnings: []string{twoCodesWarning},
		Drill:    "On the practice account, give a device clock drift (sparekey practice drift SERIAL 4), watch a sign-in code fail, then resync it.",
	}
	if dev == HeldBySparekey {
		if who == Root {
			g.Steps = []Step{
				{Title: "Check this computer's clock", Detail: "Sparekey's codes are only as right as the system clock. Turn on automatic time (NTP) if it is off; often that alone fixes it."},
				{Title: "Open the root resync form", Where: "Sign-in page, after the password: \"Having problems with your authentication device? Click here\" (also shown as \"Troubleshoot MFA\" or \"Sign in using MFA\"), then the \"Re-Sync With Our Servers\" section. Already signed in: account menu › \"My Security Credentials\" › Multi-factor authentication (MFA) › Resync."},
				{Title: "Let Sparekey show two consecutive codes", Detail: "Sparekey shows the current code and the next one together, so there is no waiting for the device to change. Type them into \"MFA code 1\" and \"MFA code 2\".", Action: ActionShowTwoCodes},
				{Title: "Submit at once", Where: "\"Re-sync authentication device\" (before sign-in) or \"Continue\" (after)."},
				{Title: "Sign in with a fresh code to confirm"},
			}
			g.Summary += " AWS accepts root MFA changes only in the console, so Sparekey prepares the codes and you submit them."
		} else {
			g.Steps = []Step{
				{Title: "Check this computer's clock", Detail: "Turn on automatic time (NTP) if it is off; Sparekey's codes follow the system clock."},
				{Title: "Resync from Sparekey", Detail: "Sparekey waits for a safe moment (not the last seconds of a period), computes two consecutive codes itself and calls ResyncMFADevice. IAM users may do this for themselves even before they have MFA in their session.", Action: ActionResync},
				{Title: "Confirm with a fresh code", Detail: "Sparekey then asks STS for a session with the next code to prove the device authenticates again."},
			}
		}
	} else {
		g.Steps = []Step{
			{Title: "Read two consecutive codes from the device", Detail: "Wait for a new code to appear, write it down, wait for the next one and write that down too. They must be one after the other."},
		}
		switch who {
		case Root:
			g.Steps = append(g.Steps,
				Step{Title: "Enter them in the root resync form", Where: "Sign-in page: \"Having problems with your authentication device? Click here\" › \"Re-Sync With Our Servers\" › MFA code 1 and MFA code 2 › \"Re-sync authentication device\". Already signed in: account menu › \"My Security Credentials\" › MFA section › Resync."})
		case IAMUser:
			g.Steps = append(g.Steps,
				Step{Title: "Enter them in Sparekey's resync form, or in the console", Detail: "Sparekey checks both are six digits and different, then calls ResyncMFADevice.", Where: "Console: your user name (top right) › \"My Security Credentials\" › AWS IAM credentials › Multi-factor authentication › \"Manage MFA device\" › Resync.", Action: ActionResync})
		case Admin:
			g.Steps = append(g.Steps,
				Step{Title: "Enter them for your user", Detail: "The user reads the two codes to you (they are useless once used).", Where: "Console: Users › the user › Security credentials › next to the assigned MFA device, Manage › Resync. API: ResyncMFADevice with the user name and the device serial.", Action: ActionResync})
		}
		g.Steps = append(g.Steps, Step{Title: "Sign in with a fresh code to confirm"})
	}
	g.IfStuck = []string{
		"If resync keeps failing, deactivate the device and enroll it again (an administrator can do this for an IAM user; the root user does it in the console after signing in with alternative factors).",
		"A hardware token whose battery is failing drifts more and more: plan to replace it.",
	}
	return g
}

func withOtherDevice(who Who, s Situation, dev Device) Guide {
	g := Guide{
		ID:      string(s) + "/" + string(who) + "/" + string(dev) + "/other-device",
		Title:   "Sign in with your other MFA device, then retire the missing one",
		Summary: "You registered more than one MFA device (AWS allows up to eight per user), so this is a chore rather than a recovery.",
		Steps: []Step{
			{Title: "Sign in with the device that still works", Detail: "At the MFA prompt, pick the working device if asked which one to use."},
			{Title: "Replace the missing device", Detail: "Sparekey enrolls a new virtual device first and verifies it, and only then deactivates and deletes the old one, so you never hold zero working devices. Root users do this part in the console: Security credentials › MFA.", Action: ActionReplace},
		},
		Drill: "On the practice account, register two devices for a user, \"lose\" one, sign in with the other and replace it.",
	}
	if s == Stolen {
		g.Steps = append(g.Steps, Step{Title: "Change the password", Detail: "Whoever has the device may also have the password."})
	}
	if dev == HeldBySparekey {
		g.Warnings = append(g.Warnings, "If this computer itself was lost or stolen, the seeds in it are protected by its keyring or passphrase; still replace every device whose seed it held.")
	}
	return g
}

func rootAlternativeFactors(s Situation, dev Device, f Facts) Guide {
	g := Guide{
		ID:      string(s) + "/root/" + string(dev),
		Title:   "Root user: sign in with alternative factors, then replace the device",
		Summary: "With a single MFA device gone, the root user proves who they are with the account's email address and primary contact phone instead.",
		Steps: []Step{
			{Title: "Start the root sign-in", Where: "AWS Management Console › \"Root user\" › the account's email address › the password."},
			{Title: "Open the troubleshooting page", Where: "On \"Amazon Web Services Sign In With Authentication Device\": \"Having problems with your authentication device? Click here\" (it may read \"Troubleshoot MFA\" or \"Sign in using MFA\"). Type the password again if asked."},
			{Title: "Choose alternative factors", Where: "\"Sign In Using Alternative Factors of Authentication\" › \"Sign in using alternative factors\"."},
			{Title: "Step 1: confirm the email address", Where: "\"Send verification email\", then open the message from no-reply-aws@amazon.com and follow its link.", Detail: "Nothing arrived? Look in the spam folder, or go back and choose \"Resend the email\"."},
			{Title: "Step 2: confirm the phone", Where: "\"Call me now\"; answer, and key in the 6-digit number shown on the web page.", Detail: "No call? Choose \"Sign in\" and start over, or use AWS Support's lost-MFA form."},
			{Title: "Step 3: sign in", Where: "\"Sign in to the console\": you land on Security credentials."},
		},
		IfStuck: []string{
			"Some people see \"Authentication failed. Your authentication information is incorrect\" at the end of step 1 or 2. Start again from the sign-in page; if it repeats, use AWS Support's \"lost or unusable MFA device\" form.",
			"If the phone number on the account is out of date, an IAM user with administrator access can update the account's primary contact phone first, then retry.",
		},
		Drill: "Practice the Sparekey half (enroll a replacement, delete the old entity) on the practice account's root preset with a single device.",
	}
	if f.NoEmailOrPhone {
		g.Title = "Root user without the account's email or phone: contact AWS Support"
		g.Summary = "Alternative factors need both the email inbox and the primary contact phone. Without one of them, only AWS Support can remove the MFA device."
		g.Steps = []Step{
			{Title: "If an IAM administrator can still sign in, fix the contact details first", Detail: "An IAM user with administrator access can update the primary contact phone; then the alternative-factors path works."},
			{Title: "Otherwise open AWS Support's lost-MFA form", Where: "On the troubleshooting page: \"I'm still having problems and would like to contact AWS Support\" › \"Request assistance with lost or unusable MFA device\"."},
			{Title: "Have proof of ownership ready", Detail: "Sign-up records, invoices and payment details help show you are the account owner."},
		}
		g.IfStuck = nil
	}
	switch dev {
	case HeldBySparekey, PhoneApp:
		g.Steps = append(g.Steps,
			Step{Title: "Remove the old entry from the authenticator", Detail: "In Sparekey: Remove on the old account (it stays in backups). On a phone app: delete the entry."},
			Step{Title: "Delete the old virtual device, then add a new one", Where: "Security credentials › Multi-factor authentication (MFA): remove the old virtual device, then \"Assign MFA device\" (\"Activate MFA\").", Detail: "Sparekey can be the new virtual device: scan the setup QR code with Add › Scan screen, and keep an encrypted backup of it. Root MFA can only be enabled in the console, not through the API.", Action: ActionBackup})
	case FIDOKey:
		g.Steps = append(g.Steps, Step{Title: "Deactivate the old security key, then enable a new one", Where: "Security credentials › MFA.", Detail: "Until the new key arrives, register a virtual device (Sparekey) so the root user is never without MFA: the replacement does not have to be the same kind."})
	case HardwareTOTP:
		g.Steps = append(g.Steps, Step{Title: "Get a replacement token from its vendor", Detail: "You can keep signing in with alternative factors until it arrives, or register a virtual device (Sparekey) in the meantime. Then delete the old hardware device entity and enable the new token."})
	}
	if s == Stolen || s == Lost {
		g.Steps = append(g.Steps, Step{Title: "Change the root password", Detail: "Whoever has the device may also have the password."})
	}
	g.Steps = append(g.Steps, Step{Title: "Register a second device this time", Detail: "Up to eight MFA devices per user; a second one turns the next loss into a chore.", Action: ActionEnroll})
	return g
}

func iamUserLost(s Situation, dev Device) Guide {
	g := Guide{
		ID:      string(s) + "/iam-user/" + string(dev),
		Title:   "IAM user: ask an administrator, then enable a new device",
		Summary: "An IAM user cannot remove their own only MFA device without signing in. An administrator deactivates it; then you enroll a new one.",
		Steps: []Step{
			{Title: "Contact your administrator", Detail: "Give them the account ID (or alias), your user name and, if you have it, the device's serial number (Sparekey shows it on AWS-bound accounts). They deactivate the device; a guide for them is under \"I am an administrator\"."},
			{Title: "Sign in without MFA once it is deactivated", Detail: "Under an MFA-required policy you can then only manage your own MFA until a device is enabled again."},
		},
		Drill: "On the practice account, sign in as the admin preset and deactivate a user's device, then enroll a new one as that user.",
	}
	switch dev {
	case HeldBySparekey, PhoneApp:
		g.Steps = append(g.Steps,
			Step{Title: "Remove the old entry from the authenticator"},
			Step{Title: "Enroll Sparekey as your new virtual device", Detail: "Sparekey creates the device, keeps its seed in the vault (with an encrypted backup), enables it with two codes it computes itself and confirms it works.", Action: ActionEnroll})
	case FIDOKey:
		g.Steps = append(g.Steps, Step{Title: "Get a new security key and enable it", Detail: "Meanwhile a virtual device (Sparekey) keeps you protected; the replacement can be a different kind."})
	case HardwareTOTP:
		g.Steps = append(g.Steps, Step{Title: "Get a replacement token from its vendor and enable it", Detail: "Meanwhile, enroll Sparekey as a virtual device.", Action: ActionEnroll})
	}
	if s == Stolen || s == Lost {
		g.Steps = append(g.Steps, Step{Title: "Change your password"})
	}
	return g
}

func adminForUser(s Situation, dev Device) Guide {
	g := Guide{
		ID:      string(s) + "/admin/" + string(dev),
		Title:   "Administrator: reset a user's MFA device",
		Summary: "Deactivate the user's device, clear what would block a new enrollment, and let them (or Sparekey) enroll a new one.",
		Steps: []Step{
			{Title: "Confirm who is asking", Detail: "Check the request through a channel you already trust: resetting MFA for an impostor hands them the account."},
			{Title: "Deactivate the device", Where: "Console: Users › the user › Security credentials › the MFA device › Remove. API: DeactivateMFADevice with the user name and serial.", Action: ActionDeactivate},
		},
		Drill: "On the practice account, deactivate alice's device, delete it, clean up an orphan and enroll a new one.",
	}
	if dev != FIDOKey && dev != HardwareTOTP {
		g.Steps = append(g.Steps, Step{Title: "Delete the virtual device entity", Detail: "Deleting an assigned device fails with DeleteConflict: deactivate first."})
	}
	g.Steps = append(g.Steps,
		Step{Title: "Remove orphaned virtual devices", Detail: "A device created but never enabled stays \"Unassigned\" and makes a new one with the same name fail with EntityAlreadyExists.", Action: ActionOrphans},
		Step{Title: "Have the user enroll a new device", Detail: "Or enroll Sparekey for them; the user then signs in and registers a second device of their own.", Action: ActionEnroll},
		Step{Title: "Audit the account", Detail: "See who else has a single device or none before the next loss.", Action: ActionAudit})
	if s == Stolen {
		g.Steps = append(g.Steps, Step{Title: "Have the user change their password"})
	}
	return g
}

func planning(who Who) Guide {
	g := Guide{
		ID:      "planning/" + string(who),
		Title:   "Be ready before anything is lost",
		Summary: "Almost every lock-out is prevented by a second device, a kept seed and a rehearsal.",
		Steps: []Step{
			{Title: "Register more than one MFA device", Detail: "AWS allows up to eight per user, of any mix. Sparekey on this computer can be one of them.", Action: ActionEnroll},
			{Title: "Keep the setup seed safe", Detail: "Sparekey keeps every enrollment seed in its encrypted vault, writes encrypted backups that the plain age tool can open, and can print a paper backup.", Action: ActionBackup},
			{Title: "Keep a second administrator", Detail: "On a different MFA device, or as an access key pair tested once and locked away."},
			{Title: "Rehearse", Detail: "Create a user, reset its MFA and resync a device from the command line on the practice account, so the real thing is familiar."},
			{Title: "Audit regularly", Detail: "Find users without MFA, with a single device, and orphaned devices.", Action: ActionAudit},
		},
		Drill: "Run every guide once on the practice account (make run opens it).",
	}
	if who == Root {
		g.Steps = append(g.Steps, Step{Title: "Keep the root email and primary contact phone current", Detail: "They are the alternative factors that recover a root user with a single lost device. Keep sign-up and payment records too: AWS Support may ask for them."})
	}
	return g
}
