// Package guide is Sparekey's recovery guide: the decision tree of what to do
// when an AWS MFA device is out of sync, lost, broken or stolen, and how to
// plan so it never locks anyone out.
//
// A guide (a leaf of the tree) is chosen by three answers (who is locked
// out, what kind of device, what happened) plus facts that change the path:
// another device still works, a copy of the seed was kept, the root user can
// reach the account's email and phone, the account is an Organizations member
// with centralized root access, an administrator (or spare keys) is at hand.
// Every leaf has a stable ID. Its steps are of three kinds: Sparekey does it
// (an Action and the command that does it), the person does it (the console
// screen and its labels in order, and a "what if I can't" branch for each
// way it goes wrong), or a message to someone (a text filled from what the
// vault knows). The text is Sparekey's own; the facts follow AWS's IAM
// documentation (see recovery.md in the project's reference folder).
package guide

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
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
	FIDOKey        Device = "fido"     // a FIDO security key, or a passkey kept on one device
	SyncedPasskey  Device = "passkey"  // a passkey synced to the person's other devices
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

// Action is a step Sparekey can carry out.
type Action string

const (
	ActionNone         Action = ""
	ActionResync       Action = "resync"         // a device whose seed Sparekey holds
	ActionResyncTyped  Action = "resync-typed"   // any device, with two codes a person reads from it
	ActionShowTwoCodes Action = "show-two-codes" // two consecutive codes for a console form
	ActionEnroll       Action = "enroll"         // a new virtual device held by Sparekey
	ActionReplace      Action = "replace"        // new device first, old one retired after
	ActionOrphans      Action = "orphans"        // delete unassigned virtual devices
	ActionDeactivate   Action = "deactivate"     // deactivate a device (and delete it if virtual)
	ActionAudit        Action = "audit"
	ActionBackup       Action = "backup"  // write a fresh backup and verify it
	ActionRestore      Action = "restore" // bring a kept seed back from a backup
	ActionSession      Action = "session" // an MFA session: proves a code authenticates
	ActionAddSeed      Action = "add-seed"
	// ActionOrgRootMFA removes a member account's root MFA devices through
	// the organization's centralized root access, from the management
	// account or its delegated administrator.
	ActionOrgRootMFA Action = "org-root-mfa"
)

// StepKind says who acts in a step.
type StepKind string

const (
	KindSparekey StepKind = "sparekey" // Sparekey does it (Action)
	KindPerson   StepKind = "person"   // the person does it, in the console or elsewhere
	KindMessage  StepKind = "message"  // a message to send to someone
)

// Step is one thing to do.
type Step struct {
	// ID is stable within its guide; runs record progress under it.
	ID     string   `json:"id"`
	Kind   StepKind `json:"kind"`
	Title  string   `json:"title"`
	Detail string   `json:"detail,omitempty"`
	// Where names the screen or command, with the exact labels to look for.
	Where string `json:"where,omitempty"`
	// Labels are the console's labels this step uses, in the order met.
	Labels []string `json:"labels,omitempty"`
	Action Action   `json:"action,omitempty"`
	// Command is the sparekey command line that does the step; upper-case
	// words (NAME, SERIAL, USER, FILE, PROFILE) are filled from a Binding.
	Command string `json:"command,omitempty"`
	// IfCant lists what to do when the step cannot be done.
	IfCant  []Branch `json:"if_cant,omitempty"`
	Message *Message `json:"message,omitempty"`
	// Wait names what the step may wait days for (AWS Support, a new
	// token, the administrator); "" for steps done in one sitting.
	Wait string `json:"wait,omitempty"`
}

// Branch is one "What if I can't…" answer of a step.
type Branch struct {
	Problem string `json:"problem"`
	Then    string `json:"then"`
	// Goto is the ID of the guide to follow instead, if any.
	Goto string `json:"goto,omitempty"`
}

// Message is a ready-to-send text; upper-case placeholders as in Command.
type Message struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Guide is a complete path for one set of answers: a leaf of the tree.
type Guide struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Summary  string   `json:"summary"`
	Steps    []Step   `json:"steps"`
	IfStuck  []string `json:"if_stuck,omitempty"`
	Drill    string   `json:"drill,omitempty"` // the `sparekey drill` that rehearses it, if any
	Warnings []string `json:"warnings,omitempty"`
}

// Step returns the step with this ID.
func (g Guide) Step(id string) (Step, bool) {
	for _, st := range g.Steps {
		if st.ID == id {
			return st, true
		}
	}
	return Step{}, false
}

// Facts refine the path.
type Facts struct {
	// OtherDevice: another MFA device is registered to the same identity and works.
	OtherDevice bool
	// NoEmailOrPhone: the root user cannot read the account's email (with
	// or without the phone): only AWS Support can help.
	NoEmailOrPhone bool
	// PhoneOutdated: the root's email works but the primary contact phone
	// is wrong or out of reach; an IAM administrator can fix the number.
	PhoneOutdated bool
	// KeptSeed: a copy of the seed was kept (Sparekey backup, paper
	// backup, saved setup QR code).
	KeptSeed bool
	// OrgCentralRoot: the root user is an Organizations member account's,
	// and the organization manages root access centrally.
	OrgCentralRoot bool
	// SpareKeys: a second administrator, or an administrator's access key
	// pair kept in a safe, is at hand.
	SpareKeys bool
	// NoAdmin: no administrator can be reached (or the person is the only one).
	NoAdmin bool
}

// Question is one question of the decision tree, for UIs that ask them in turn.
type Question struct {
	Key  string `json:"key"`
	Text string `json:"text"`
	// Flag is the command-line flag that answers it; for a yes/no question
	// the flag alone means yes (Bool).
	Flag    string   `json:"flag"`
	Bool    bool     `json:"bool,omitempty"`
	Answers []Answer `json:"answers"`
	// When says for which earlier answers the question matters (nil: always).
	When func(Answers) bool `json:"-"`
}

// Answer is one choice of a Question.
type Answer struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Answers maps question keys to answer values.
type Answers map[string]string

// Applies reports whether q matters after the answers so far.
func (q Question) Applies(a Answers) bool { return q.When == nil || q.When(a) }

// Has reports whether value is one of q's answers.
func (q Question) Has(value string) bool {
	for _, a := range q.Answers {
		if a.Value == value {
			return true
		}
	}
	return false
}

func recovering(a Answers) bool {
	s := Situation(a["situation"])
	return s != "" && s != Planning && s != OutOfSync
}

func yesNo() []Answer { return []Answer{{"yes", "Yes"}, {"no", "No, or I don't know"}} }

// Questions returns the decision tree's questions in the order to ask them.
func Questions() []Question {
	return []Question{
		{Key: "situation", Flag: "--situation", Text: "What happened?", Answers: []Answer{
			{string(OutOfSync), "The device shows codes, but AWS rejects them"},
			{string(Lost), "The device is lost"},
			{string(Broken), "The device is broken"},
			{string(Stolen), "The device was stolen"},
			{string(AppWiped), "The authenticator app was deleted or the phone was reset"},
			{string(Planning), "Nothing yet: I want to be ready"},
		}},
		{Key: "who", Flag: "--who", Text: "Who needs to sign in?", Answers: []Answer{
			{string(Root), "The root user (I sign in with the account's email address)"},
			{string(IAMUser), "An IAM user (I sign in with an account ID or alias and a user name)"},
			{string(Admin), "I am an administrator helping one of my users"},
		}},
		{Key: "device", Flag: "--device", Text: "What kind of MFA device is it?", When: func(a Answers) bool { return a["situation"] != string(Planning) }, Answers: []Answer{
			{string(HeldBySparekey), "A virtual device whose seed Sparekey holds"},
			{string(PhoneApp), "An authenticator app on a phone"},
			{string(HardwareTOTP), "A hardware token that shows codes"},
			{string(FIDOKey), "A FIDO security key, or a passkey kept on that one device"},
			{string(SyncedPasskey), "A passkey synced to my other devices (phone, computer, password manager)"},
		}},
		{Key: "other_device", Flag: "--other-device", Bool: true, Text: "Is another MFA device registered to the same identity, and does it still work?",
			When: func(a Answers) bool { return recovering(a) && a["device"] != string(SyncedPasskey) }, Answers: yesNo()},
		{Key: "kept_seed", Flag: "--kept-seed", Bool: true, Text: "Did you keep a copy of the device's seed (a Sparekey backup, a paper backup or the setup QR code)?",
			When: func(a Answers) bool {
				d := Device(a["device"])
				return recovering(a) && a["other_device"] != "yes" && a["who"] != string(Admin) && (d == PhoneApp || d == HeldBySparekey)
			}, Answers: yesNo()},
		{Key: "org_root", Flag: "--org-central-root", Bool: true, Text: "Is this a member account of an AWS organization that manages root access centrally?",
			When: func(a Answers) bool { return rootAlone(a) }, Answers: yesNo()},
		{Key: "email_phone", Flag: "--email-phone", Text: "Can you read the account's email and answer its primary contact phone?",
			When: func(a Answers) bool { return rootAlone(a) && a["org_root"] != "yes" }, Answers: []Answer{
				{"both", "Yes, both"},
				{"phone-outdated", "The email yes, but the phone number is wrong or out of reach"},
				{"no-email", "No: the email is out of reach"},
			}},
		{Key: "admin", Flag: "--admin", Text: "Who can deactivate your device?",
			When: func(a Answers) bool { return iamAlone(a) }, Answers: []Answer{
				{"reachable", "An administrator I can reach"},
				{"spare-keys", "I have a second administrator identity or spare administrator access keys"},
				{"none", "Nobody: the administrator is out of reach, or I am the only one"},
			}},
	}
}

func rootAlone(a Answers) bool {
	return recovering(a) && a["who"] == string(Root) && a["other_device"] != "yes" && a["kept_seed"] != "yes" && a["device"] != string(SyncedPasskey)
}

func iamAlone(a Answers) bool {
	return recovering(a) && a["who"] == string(IAMUser) && a["other_device"] != "yes" && a["kept_seed"] != "yes" && a["device"] != string(SyncedPasskey)
}

// ErrNotApplicable is returned for combinations that cannot happen (a FIDO
// key never drifts out of sync), with a pointer to the right path.
var ErrNotApplicable = errors.New("this combination does not apply")

// ErrUnknownAnswer is returned for an answer the tree does not know.
var ErrUnknownAnswer = errors.New("unknown answer")

// Resolve returns the guide for a full set of answers, checking every
// answer against its question. Unanswered yes/no questions count as "no",
// and an unanswered email/phone question as "both reachable" only when the
// caller says so by answering it: Resolve never assumes it.
func Resolve(a Answers) (Guide, error) {
	known := map[string]Question{}
	for _, q := range Questions() {
		known[q.Key] = q
	}
	var bad []string
	for k, v := range a {
		q, ok := known[k]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("question %q", k))
		case v != "" && !q.Has(v):
			bad = append(bad, fmt.Sprintf("%s %q (%s)", k, v, answerList(q)))
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return Guide{}, fmt.Errorf("%w: %s", ErrUnknownAnswer, strings.Join(bad, "; "))
	}
	for _, q := range Questions() {
		if q.Applies(a) && a[q.Key] == "" && !q.Bool && q.Key != "admin" {
			return Guide{}, &MissingAnswerError{Question: q}
		}
	}
	f := Facts{
		OtherDevice:    a["other_device"] == "yes",
		KeptSeed:       a["kept_seed"] == "yes",
		OrgCentralRoot: a["org_root"] == "yes",
		NoEmailOrPhone: a["email_phone"] == "no-email",
		PhoneOutdated:  a["email_phone"] == "phone-outdated",
		SpareKeys:      a["admin"] == "spare-keys",
		NoAdmin:        a["admin"] == "none",
	}
	return For(Situation(a["situation"]), Who(a["who"]), Device(a["device"]), f)
}

// MissingAnswerError says which question still needs an answer.
type MissingAnswerError struct{ Question Question }

func (e *MissingAnswerError) Error() string {
	return fmt.Sprintf("%q is not answered yet (%s: %s)", e.Question.Text, e.Question.Flag, answerList(e.Question))
}

func answerList(q Question) string {
	vals := make([]string, len(q.Answers))
	for i, a := range q.Answers {
		vals[i] = a.Value
	}
	return "use " + strings.Join(vals, ", ")
}

// For returns the guide for these answers.
func For(s Situation, who Who, dev Device, f Facts) (Guide, error) {
	if err := validate(s, who, dev); err != nil {
		return Guide{}, err
	}
	switch s {
	case Planning:
		return planning(who), nil
	case OutOfSync:
		switch dev {
		case FIDOKey, SyncedPasskey:
			return Guide{}, fmt.Errorf("%w: security keys and passkeys never go out of sync; if one stops working, follow the \"broken\" guide", ErrNotApplicable)
		}
		return outOfSync(who, dev), nil
	}
	if who == Admin {
		return adminForUser(s, dev), nil
	}
	switch {
	case dev == SyncedPasskey:
		return syncedPasskey(s, who), nil
	case f.OtherDevice:
		return withOtherDevice(who, s, dev), nil
	case f.KeptSeed && (dev == PhoneApp || dev == HeldBySparekey):
		return restoreKeptSeed(s, who, dev), nil
	}
	if who == Root {
		switch {
		case f.OrgCentralRoot:
			return orgMemberRoot(s, dev), nil
		case f.NoEmailOrPhone:
			return rootSupport(s, dev), nil
		}
		return rootAlternativeFactors(s, dev, f.PhoneOutdated), nil
	}
	switch {
	case f.SpareKeys:
		return iamUserSpareKeys(s, dev), nil
	case f.NoAdmin:
		return iamUserNoAdmin(s, dev), nil
	}
	return iamUserLost(s, dev), nil
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
	case HeldBySparekey, PhoneApp, HardwareTOTP, FIDOKey, SyncedPasskey:
	default:
		if s != Planning {
			bad = append(bad, fmt.Sprintf("device %q (use sparekey, phone, hardware, fido or passkey)", dev))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: %s", ErrUnknownAnswer, strings.Join(bad, "; "))
	}
	return nil
}

// Leaves returns every guide the tree can reach, each once, sorted by ID.
func Leaves() []Guide {
	idx := leafIndex()
	out := make([]Guide, 0, len(idx))
	for _, g := range idx {
		out = append(out, clone(g))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// leafIndex walks the tree once: every answer combination, by leaf ID.
var leafIndex = sync.OnceValue(func() map[string]Guide {
	seen := map[string]Guide{}
	situations := []Situation{OutOfSync, Lost, Broken, Stolen, AppWiped, Planning}
	whos := []Who{Root, IAMUser, Admin}
	devices := []Device{HeldBySparekey, PhoneApp, HardwareTOTP, FIDOKey, SyncedPasskey}
	for _, s := range situations {
		for _, w := range whos {
			for _, d := range devices {
				for _, f := range AllFacts() {
					if g, err := For(s, w, d, f); err == nil {
						seen[g.ID] = g
					}
				}
			}
		}
	}
	return seen
})

// clone copies a guide's step list, so a caller's changes stay its own.
func clone(g Guide) Guide {
	g.Steps = slices.Clone(g.Steps)
	return g
}

// AllFacts lists each fact alone and none at all: enough to reach every
// leaf, because For checks the facts in a fixed order.
func AllFacts() []Facts {
	return []Facts{{}, {OtherDevice: true}, {KeptSeed: true}, {OrgCentralRoot: true}, {NoEmailOrPhone: true},
		{PhoneOutdated: true}, {SpareKeys: true}, {NoAdmin: true}}
}

// Lookup returns the leaf with this ID.
func Lookup(id string) (Guide, bool) {
	g, ok := leafIndex()[id]
	return clone(g), ok
}

// Binding is what Sparekey knows about the identity and device in trouble,
// used to fill commands and messages. It never holds a secret.
type Binding struct {
	AccountID   string `json:"account_id,omitempty"`
	UserName    string `json:"user_name,omitempty"`
	Serial      string `json:"serial,omitempty"`
	AccountName string `json:"account_name,omitempty"` // the vault account's name
	BackupFile  string `json:"backup_file,omitempty"`
	Profile     string `json:"profile,omitempty"` // the spare administrator's profile
}

// With lays what over gives (typed, passed as flags, or learnt from a
// step) over what b knew: each field over sets, trimmed, replaces b's.
func (b Binding) With(over Binding) Binding {
	set := func(dst *string, v string) {
		if v = strings.TrimSpace(v); v != "" {
			*dst = v
		}
	}
	set(&b.AccountID, over.AccountID)
	set(&b.UserName, over.UserName)
	set(&b.Serial, over.Serial)
	set(&b.AccountName, over.AccountName)
	set(&b.BackupFile, over.BackupFile)
	set(&b.Profile, over.Profile)
	return b
}

// Fill replaces the placeholders of a command or message with what b
// knows; unknown ones stay, so the reader sees what to put there.
func (b Binding) Fill(text string) string {
	pairs := []string{}
	add := func(ph, v string) {
		if v != "" {
			pairs = append(pairs, ph, v)
		}
	}
	add("ACCOUNT_ID", b.AccountID)
	add("SERIAL", b.Serial)
	add("USER", b.UserName)
	add("NAME", b.AccountName)
	add("FILE", b.BackupFile)
	add("PROFILE", b.Profile)
	if len(pairs) == 0 {
		return text
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// Wording reused across leaves. The facts behind each are in recovery.md.
const (
	twoCodesWarning = "Send the two codes straight away. Codes that have gone stale make the console look as if it worked while the device stays out of sync, and make the API refuse the request."
	mandatoryRoot   = "AWS now requires MFA on the root user (since 2024 for standalone and management accounts, since 2025 for Organizations members; checked 2026-11-28): after a recovery the root user must register a device before carrying on."
	supportPrepare  = "Have the account's sign-up and payment records ready: AWS Support uses them to check that you own the account."
)

func supportStep() Step {
	return Step{ID: "support-form", Kind: KindPerson, Title: "Ask AWS Support to remove the MFA device",
		Where:  "AWS's \"Lost or unusable MFA device\" page › \"I'm still having problems and would like to contact AWS Support\" › the form \"Request assistance with lost or unusable MFA device\" › Submit.",
		Labels: []string{"I'm still having problems and would like to contact AWS Support", "Request assistance with lost or unusable MFA device", "Submit"},
		Detail: supportPrepare + " The message Sparekey prepared below has the account details to paste.",
		Wait:   "AWS Support's answer",
		IfCant: []Branch{{Problem: "I don't have the sign-up or payment records", Then: "Send the form anyway with everything you do have (invoices, the card used, the sign-up email address); Support says what else it accepts."}}}
}

func supportMessage() Step {
	return Step{ID: "support-message", Kind: KindMessage, Title: "The text for AWS Support",
		Message: &Message{To: "AWS Support (lost or unusable MFA device form)", Subject: "Root user MFA device lost: account ACCOUNT_ID",
			Body: "I am the owner of AWS account ACCOUNT_ID and can no longer use the root user's only MFA device (SERIAL). " +
				"I cannot complete the sign-in with alternative factors: the account's email or phone is out of my reach, or the check ends in an error. " +
				"Please remove the MFA device so I can sign in and register a new one. I can provide the account's sign-up and payment records."}}
}

func outOfSync(who Who, dev Device) Guide {
	g := Guide{
		ID:       "out-of-sync/" + string(who) + "/" + string(dev),
		Title:    "Bring an out-of-sync MFA device back in step",
		Summary:  "The device works but its clock has drifted from what AWS expects (AWS's codes change every 30 seconds). Resynchronising tells AWS where the device is now, using two consecutive codes.",
		Warnings: []string{twoCodesWarning},
		Drill:    "drifted-device",
	}
	clock := Step{ID: "clock", Kind: KindPerson, Title: "Check this computer's clock", Detail: "Sparekey's codes are only as right as the system clock. Turn on automatic time (NTP) if it is off; often that alone fixes it."}
	rootResync := Step{ID: "console-resync", Kind: KindPerson, Title: "Open the root resync form",
		Where:  "Before signing in: after the password, \"Having problems with your authentication device? Click here\" (also worded \"Troubleshoot MFA\" or \"Sign in using MFA\"), then the \"Re-Sync With Our Servers\" section, \"MFA code 1\" and \"MFA code 2\", then \"Re-sync authentication device\". Already signed in: the account menu › \"Security credentials\" (older: \"My Security Credentials\") › the MFA section › Resync › the two codes › Continue.",
		Labels: []string{"Having problems with your authentication device? Click here", "Re-Sync With Our Servers", "MFA code 1", "MFA code 2", "Re-sync authentication device"},
		IfCant: []Branch{{Problem: "The form keeps refusing the codes", Then: "Sign in with alternative factors instead and replace the device.", Goto: "lost/root/" + string(dev)}}}
	switch {
	case dev == HeldBySparekey && who == Root:
		g.Steps = []Step{clock, rootResync,
			{ID: "two-codes", Kind: KindSparekey, Title: "Let Sparekey show two consecutive codes", Action: ActionShowTwoCodes, Command: "sparekey aws resync --console NAME",
				Detail: "Sparekey waits until both codes stay valid long enough, then shows them together: type the first into \"MFA code 1\" and the second into \"MFA code 2\" and submit at once."},
			{ID: "confirm", Kind: KindPerson, Title: "Sign in with a fresh code to confirm"}}
		g.Summary += " AWS accepts root MFA changes only in the console, so Sparekey prepares the codes and you submit them."
	case dev == HeldBySparekey:
		g.Steps = []Step{clock,
			{ID: "resync", Kind: KindSparekey, Title: "Resync from Sparekey", Action: ActionResync, Command: "sparekey aws resync NAME",
				Detail: "Sparekey waits for a safe moment, computes two consecutive codes itself and calls ResyncMFADevice. An IAM user allowed to manage their own MFA may do this before signing in with MFA: AWS's example policy for it allows listing devices and resyncing one's own, nothing else."},
			{ID: "verify", Kind: KindSparekey, Title: "Confirm with a fresh code", Action: ActionSession, Command: "sparekey aws session --fresh",
				Detail: "Sparekey asks STS for a session with the next code: if it is granted, the device authenticates again."}}
		if who == Admin {
			g.Steps[1].Command = "sparekey aws resync NAME"
			g.Steps[2] = Step{ID: "confirm", Kind: KindPerson, Title: "Have the user sign in with a fresh code", Detail: "A session proves only the caller's own device, so the user confirms it."}
		}
	default:
		g.Steps = []Step{{ID: "read-codes", Kind: KindPerson, Title: "Read two consecutive codes from the device",
			Detail: "Wait for a new code to appear, note it, wait for the next one and note that too. They must be one after the other, and used at once."}}
		switch who {
		case Root:
			g.Steps = append(g.Steps, rootResync)
		case IAMUser:
			g.Steps = append(g.Steps, Step{ID: "resync", Kind: KindSparekey, Title: "Send them with Sparekey, or in the console", Action: ActionResyncTyped,
				Command: "sparekey aws resync --serial SERIAL --code1 CODE1 --code2 CODE2",
				Detail:  "Sparekey checks both are six digits and different, then calls ResyncMFADevice (the same as 'aws iam resync-mfa-device'). It needs only the permissions of AWS's resync policy: list your devices and resync your own.",
				Where:   "Console: sign in with the account ID or alias, your user name and password › your user name (top right) › \"Security credentials\" (older: \"My Security Credentials\") › Multi-factor authentication › \"Manage MFA device\" › Resync › \"MFA code 1\" and \"MFA code 2\" › Continue.",
				Labels:  []string{"Security credentials", "My Security Credentials", "Manage MFA device", "Resync", "MFA code 1", "MFA code 2", "Continue"},
				IfCant:  []Branch{{Problem: "I don't know the account ID or alias", Then: "Ask your administrator: the IAM sign-in page needs it."}, {Problem: "Resync keeps failing", Then: "Ask your administrator to deactivate the device, then enroll a new one.", Goto: string(Lost) + "/iam-user/" + string(dev)}}})
		case Admin:
			g.Steps = append(g.Steps, Step{ID: "resync", Kind: KindSparekey, Title: "Send them for your user", Action: ActionResyncTyped,
				Command: "sparekey aws resync --user USER --serial SERIAL --code1 CODE1 --code2 CODE2",
				Detail:  "The user reads the two codes to you; they are useless once used.",
				Where:   "Console: Users › the user › \"Security credentials\" › next to the assigned MFA device, Manage › Resync › \"MFA code 1\" and \"MFA code 2\" › Continue.",
				Labels:  []string{"Users", "Security credentials", "Manage", "Resync", "MFA code 1", "MFA code 2", "Continue"},
				IfCant:  []Branch{{Problem: "Resync keeps failing", Then: "Deactivate the device and have the user enroll a new one.", Goto: string(Lost) + "/admin/" + string(dev)}}})
		}
		g.Steps = append(g.Steps, Step{ID: "confirm", Kind: KindPerson, Title: "Sign in with a fresh code to confirm"})
	}
	g.IfStuck = []string{"If resync keeps failing, deactivate the device and enroll it again (an administrator can do this for an IAM user; the root user does it in the console, after signing in with alternative factors if need be)."}
	return g
}

func changePassword(s Situation, who Who) []Step {
	if s != Lost && s != Stolen {
		return nil
	}
	title := "Change your password"
	switch who {
	case Root:
		title = "Change the root password"
	case Admin:
		title = "Have the user change their password"
	}
	return []Step{{ID: "password", Kind: KindPerson, Title: title, Detail: "Whoever has the missing device may also have the password."}}
}

func secondDevice() Step {
	return Step{ID: "second-device", Kind: KindSparekey, Title: "Register a second device this time", Action: ActionEnroll, Command: "sparekey aws enroll",
		Detail: "AWS allows up to eight MFA devices per identity, of any kind: with two, the next loss is a chore instead of a recovery."}
}

// rootAssign is the root user's console assignment of a new virtual
// device, with Sparekey as the authenticator: root MFA cannot be enabled
// through the API.
func rootAssign() []Step {
	return []Step{
		{ID: "assign", Kind: KindPerson, Title: "Assign a new MFA device in the console",
			Where:  "\"Security credentials\" (older: \"My Security Credentials\") › Multi-factor authentication (MFA) › \"Assign MFA device\" (older: \"Activate MFA\") › Authenticator app › \"Show QR code\".",
			Labels: []string{"Security credentials", "My Security Credentials", "Assign MFA device", "Activate MFA", "Show QR code"},
			Detail: "AWS does not let the root user's MFA be set up through the API, so this part is always in the console."},
		{ID: "keep-seed", Kind: KindSparekey, Title: "Give the setup key to Sparekey", Action: ActionAddSeed, Command: "sparekey add -",
			Detail: "Paste the setup key link (or the secret shown by \"Show secret key\") into Sparekey: it keeps the seed in the vault and its backups, so this device can be restored later."},
		{ID: "two-codes", Kind: KindSparekey, Title: "Type two consecutive codes from Sparekey", Action: ActionShowTwoCodes, Command: "sparekey code NAME --next",
			Labels: []string{"MFA code 1", "MFA code 2", "Assign MFA"},
			Detail: "Sparekey shows the current code and the next one: the first goes into \"MFA code 1\", the second into \"MFA code 2\"; then \"Assign MFA\" at once."},
	}
}

func withOtherDevice(who Who, s Situation, dev Device) Guide {
	g := Guide{
		ID:      string(s) + "/" + string(who) + "/" + string(dev) + "/other-device",
		Title:   "Sign in with your other MFA device, then retire the missing one",
		Summary: "You registered more than one MFA device (AWS allows up to eight per identity), so this is a chore rather than a recovery.",
		Steps:   []Step{{ID: "sign-in-other", Kind: KindPerson, Title: "Sign in with the device that still works", Detail: "At the MFA prompt, pick the working device if asked which one to use."}},
	}
	if who == Root {
		g.Drill = "root-second-device"
		g.Steps = append(g.Steps, Step{ID: "remove-old", Kind: KindPerson, Title: "Remove the missing device",
			Where:  "\"Security credentials\" › Multi-factor authentication (MFA) › the missing device › Remove.",
			Labels: []string{"Security credentials", "Remove"}})
		g.Steps = append(g.Steps, rootAssign()...)
	} else {
		g.Drill = "lost-phone-with-admin"
		g.Steps = append(g.Steps, Step{ID: "replace", Kind: KindSparekey, Title: "Replace the missing device with Sparekey", Action: ActionReplace, Command: "sparekey aws replace --old SERIAL",
			Detail: "Sparekey enrolls a new virtual device first and verifies it, and only then deactivates and deletes the old one, so you never hold zero working devices."})
	}
	g.Steps = append(g.Steps, changePassword(s, who)...)
	if dev == HeldBySparekey {
		g.Warnings = append(g.Warnings, "If this computer itself was lost or stolen, the seeds in it are protected by its keyring or passphrase; still replace every device whose seed it held.")
	}
	return g
}

func syncedPasskey(s Situation, who Who) Guide {
	g := Guide{
		ID:      string(s) + "/" + string(who) + "/passkey",
		Title:   "Sign in with the passkey on another of your devices",
		Summary: "A synced passkey lives on every device signed in to the same passkey provider, so losing one phone does not lose it.",
		Steps: []Step{
			{ID: "sign-in-other", Kind: KindPerson, Title: "Sign in from another device that has the passkey", Detail: "A computer or tablet signed in to the same account as the lost phone offers the same passkey at the MFA prompt.",
				IfCant: []Branch{{Problem: "No other device has the passkey", Then: "Follow the guide for a single lost security key.", Goto: string(s) + "/" + string(who) + "/" + string(FIDOKey)}}},
			{ID: "remove-old", Kind: KindPerson, Title: "Sign the lost phone out of the passkey provider", Detail: "So whoever has it cannot use the synced passkey."},
		},
		Warnings: []string{"Passkeys and security keys cannot give the command line an MFA session: AWS's answer for those is 'aws login' (AWS CLI 2.32 or later) or 'aws sso login'. Sparekey as a second, code-based device covers both."},
	}
	if who != Root {
		g.Steps = append(g.Steps, secondDevice())
	}
	g.Steps = append(g.Steps, changePassword(s, who)...)
	return g
}

func restoreKeptSeed(s Situation, who Who, dev Device) Guide {
	g := Guide{
		ID:      string(s) + "/" + string(who) + "/" + string(dev) + "/kept-seed",
		Title:   "Restore the seed you kept",
		Summary: "A kept seed (a Sparekey backup, a paper backup or the setup QR code) brings the very same device back: its codes work again at once, for root and IAM users alike. It is the fastest recovery there is.",
		Drill:   "restore-after-wipe",
		Steps: []Step{
			{ID: "restore", Kind: KindSparekey, Title: "Restore the account from the backup", Action: ActionRestore, Command: "sparekey backup restore FILE",
				Detail: "Sparekey shows what the backup holds before anything changes. From a paper backup or a saved QR code, add it instead with 'sparekey add -'.",
				IfCant: []Branch{{Problem: "The backup will not open", Then: "Try another copy (automatic backups keep several), or follow the path for a device with no kept seed.", Goto: string(s) + "/" + string(who) + "/" + string(dev)}}},
			{ID: "verify-code", Kind: KindSparekey, Title: "Check that the restored codes work", Action: ActionSession, Command: "sparekey aws session --fresh",
				Detail: "For an IAM user, Sparekey asks STS for a session with a fresh code; for the root user, sign in with a code from Sparekey."},
		},
	}
	if s == Lost || s == Stolen {
		g.Warnings = append(g.Warnings, "The lost or stolen phone still holds the same seed: treat the device as exposed and replace it now that you can sign in.")
		if who == Root {
			g.Steps = append(g.Steps, Step{ID: "remove-old", Kind: KindPerson, Title: "Remove the exposed device", Where: "\"Security credentials\" › Multi-factor authentication (MFA) › the device › Remove.", Labels: []string{"Security credentials", "Remove"}})
			g.Steps = append(g.Steps, rootAssign()...)
		} else {
			g.Steps = append(g.Steps, Step{ID: "replace", Kind: KindSparekey, Title: "Replace the exposed device", Action: ActionReplace, Command: "sparekey aws replace --old SERIAL",
				Detail: "A new device is enrolled and verified before the old one is removed."})
		}
	}
	g.Steps = append(g.Steps, changePassword(s, who)...)
	g.Steps = append(g.Steps, Step{ID: "backup", Kind: KindSparekey, Title: "Make and verify a fresh backup", Action: ActionBackup, Command: "sparekey backup create --vault-key --out FILE",
		Detail: "Then 'sparekey backup verify FILE' proves it opens: a backup never tried is only a hope."})
	return g
}

// altFactorSteps is the root's sign-in with alternative factors, in the
// console's order, with what to do at each place it can go wrong.
func altFactorSteps(dev Device) []Step {
	support := "lost/root/" + string(dev) + "/support"
	return []Step{
		{ID: "root-sign-in", Kind: KindPerson, Title: "Start the root sign-in",
			Where:  "AWS Management Console › \"Root user\" › the account's email address › the password.",
			Labels: []string{"Root user"},
			IfCant: []Branch{{Problem: "I see three boxes (account, user name, password)", Then: "That is the IAM user sign-in page: choose \"Sign in using root user email\" near the bottom."},
				{Problem: "I don't know the root password", Then: "Use \"Forgot password?\" on the password page: the reset link goes to the root email."}}},
		{ID: "troubleshoot", Kind: KindPerson, Title: "Open the troubleshooting page",
			Where:  "On \"Amazon Web Services Sign In With Authentication Device\": \"Having problems with your authentication device? Click here\" (it may read \"Troubleshoot MFA\", \"Troubleshoot your authentication device\" or \"Sign in using MFA\"). Type the password again if asked.",
			Labels: []string{"Amazon Web Services Sign In With Authentication Device", "Having problems with your authentication device? Click here"}},
		{ID: "alternative-factors", Kind: KindPerson, Title: "Choose alternative factors",
			Where:  "\"Sign In Using Alternative Factors of Authentication\" › \"Sign in using alternative factors\".",
			Labels: []string{"Sign In Using Alternative Factors of Authentication", "Sign in using alternative factors"},
			IfCant: []Branch{{Problem: "It says \"Authentication failed\"", Then: "One reader of AWS's own article met this right here, on choosing alternative factors, before any email or phone check. Close the page and start again from the sign-in page; if it happens again, ask AWS Support.", Goto: support}}},
		{ID: "verify-email", Kind: KindPerson, Title: "Step 1: confirm the email address",
			Where:  "Check that the address shown is the account's, then \"Send verification email\". Open the mail from no-reply-aws@amazon.com with the subject \"AWS Email Verification\" and choose \"Verify your email address\".",
			Labels: []string{"Send verification email", "AWS Email Verification", "Verify your email address"},
			IfCant: []Branch{{Problem: "No email arrives", Then: "Look in the spam folder, or go back to the page and choose \"Resend the email\". If it still does not come, AWS Support can confirm you own the account another way.", Goto: support},
				{Problem: "I can't read that mailbox", Then: "Only AWS Support can help: an administrator cannot change the root email for you.", Goto: support}}},
		{ID: "verify-phone", Kind: KindPerson, Title: "Step 2: confirm the phone",
			Where:  "Check that the number shown is right, then \"Call me now\". Answer, and key in the 6-digit number shown on the web page.",
			Labels: []string{"Call me now"},
			IfCant: []Branch{{Problem: "No call comes", Then: "Choose \"Sign in\" to start over, or ask AWS Support.", Goto: support},
				{Problem: "The number is wrong or out of date", Then: "An IAM user with administrator access can correct the account's primary contact phone first; then start again.", Goto: "lost/root/" + string(dev) + "/phone-outdated"}}},
		{ID: "console", Kind: KindPerson, Title: "Step 3: sign in", Where: "\"Sign in to the console\": you land on \"Security credentials\".", Labels: []string{"Sign in to the console", "Security credentials"}},
	}
}

func rootReplaceSteps(s Situation, dev Device) []Step {
	var steps []Step
	switch dev {
	case HeldBySparekey, PhoneApp:
		steps = append(steps,
			Step{ID: "remove-old", Kind: KindPerson, Title: "Remove the old virtual device",
				Detail: "Delete the old entry from the authenticator app if you still have it, then remove the device in the console.",
				Where:  "\"Security credentials\" › Multi-factor authentication (MFA) › the old device › Remove.", Labels: []string{"Security credentials", "Remove"}})
		steps = append(steps, rootAssign()...)
	case FIDOKey:
		steps = append(steps, Step{ID: "remove-old", Kind: KindPerson, Title: "Remove the old security key", Where: "\"Security credentials\" › MFA › the key › Remove.", Labels: []string{"Security credentials", "Remove"},
			Detail: "Until a new key arrives, assign Sparekey as a virtual device: the replacement does not have to be the same kind."})
		steps = append(steps, rootAssign()...)
	case HardwareTOTP:
		steps = append(steps, Step{ID: "vendor", Kind: KindPerson, Title: "Get a replacement token from its vendor", Wait: "the replacement token",
			Detail: "You can keep signing in with alternative factors until it arrives. Meanwhile a virtual device (Sparekey) keeps the root user protected."},
			Step{ID: "remove-old", Kind: KindPerson, Title: "Remove the old hardware device", Where: "\"Security credentials\" › MFA › the old token › Remove.", Labels: []string{"Security credentials", "Remove"}})
		steps = append(steps, rootAssign()...)
	}
	steps = append(steps, changePassword(s, Root)...)
	return steps
}

func rootAlternativeFactors(s Situation, dev Device, phoneOutdated bool) Guide {
	g := Guide{
		ID:       string(s) + "/root/" + string(dev),
		Title:    "Root user: sign in with alternative factors, then assign a new device",
		Summary:  "With its only MFA device gone, the root user proves who they are with the account's email address and primary contact phone instead.",
		Drill:    "root-single-device",
		Warnings: []string{mandatoryRoot},
	}
	if phoneOutdated {
		g.ID += "/phone-outdated"
		g.Title = "Root user: correct the phone number, then sign in with alternative factors"
		g.Steps = append(g.Steps,
			Step{ID: "admin-phone", Kind: KindPerson, Title: "Have an IAM administrator correct the primary contact phone",
				Detail: "An IAM user with administrator access can change the account's primary contact phone in the account settings. The root email cannot be changed this way.",
				IfCant: []Branch{{Problem: "There is no IAM administrator", Then: "Ask AWS Support.", Goto: "lost/root/" + string(dev) + "/support"}}, Wait: "the administrator"},
			Step{ID: "admin-message", Kind: KindMessage, Title: "The text for the administrator",
				Message: &Message{To: "an IAM administrator of account ACCOUNT_ID", Subject: "Please update the primary contact phone of account ACCOUNT_ID",
					Body: "The root user of AWS account ACCOUNT_ID has lost its MFA device and must verify the primary contact phone to sign in. The number on file is out of date. Please sign in with your administrator access and set the account's primary contact phone to: <the right number>. Thank you."}})
	}
	g.Steps = append(g.Steps, altFactorSteps(dev)...)
	g.Steps = append(g.Steps, rootReplaceSteps(s, dev)...)
	g.IfStuck = []string{"If alternative factors fail again and again, AWS Support can remove the device. " + supportPrepare}
	return g
}

func rootSupport(s Situation, dev Device) Guide {
	g := Guide{
		ID:       string(s) + "/root/" + string(dev) + "/support",
		Title:    "Root user: ask AWS Support to remove the device",
		Summary:  "Alternative factors need the account's email inbox first, and they do not always work. Without the email, or when they keep failing, only AWS Support can remove the MFA device; an IAM administrator can fix the phone number but not the root email.",
		Warnings: []string{mandatoryRoot},
		Steps:    []Step{supportMessage(), supportStep()},
	}
	g.Steps = append(g.Steps, Step{ID: "root-sign-in", Kind: KindPerson, Title: "Once Support has removed the device, sign in as root", Where: "AWS Management Console › \"Root user\" › email › password.", Labels: []string{"Root user"}})
	g.Steps = append(g.Steps, rootAssign()...)
	g.Steps = append(g.Steps, changePassword(s, Root)...)
	return g
}

func orgMemberRoot(s Situation, dev Device) Guide {
	alternative := string(s) + "/root/" + string(dev)
	g := Guide{
		ID:       string(s) + "/root/" + string(dev) + "/org-central",
		Title:    "Member account root: the organization removes the device",
		Summary:  "With centralized root access turned on, the organization's management account (or its delegated administrator) can remove a member account's root MFA device itself: no email or phone check and no AWS Support.",
		Warnings: []string{mandatoryRoot},
		Steps: []Step{
			{ID: "org-remove", Kind: KindSparekey, Title: "Remove the member root's MFA device from the management account", Action: ActionOrgRootMFA,
				Command: "sparekey aws root-mfa --account ACCOUNT_ID --deactivate",
				Detail: "Run this with the credentials of the organization's management account or its delegated administrator (pick them with --profile). " +
					"Sparekey opens a 15-minute root session in the member account, shows the root user's MFA devices and whether it has a password, " +
					"removes exactly those devices once you agree, then checks that none is left. If someone else holds those credentials, skip to the next step.",
				IfCant: []Branch{
					{Problem: "You have no access to the management account or its delegated administrator", Then: "Send its administrator the text of the next step and wait for them."},
					{Problem: "Sparekey says the organization does not manage root access centrally", Then: "Recover like any root user, with alternative factors.", Goto: alternative},
					{Problem: "Sparekey says the account is not a member of the organization", Then: "Check the 12-digit account ID on the sign-in page or in the organization's account list; an account outside the organization recovers with alternative factors.", Goto: alternative},
				}},
			{ID: "org-message", Kind: KindMessage, Title: "If someone else runs the management account: the text for them", Wait: "the organization's administrator",
				Message: &Message{To: "the administrator of the organization's management account", Subject: "Remove the root MFA device of member account ACCOUNT_ID",
					Body: "The root user of member account ACCOUNT_ID has lost its MFA device (SERIAL). Please remove it with centralized root access: " +
						"from the management account (or the delegated administrator), call sts:AssumeRoot with TargetPrincipal ACCOUNT_ID and the task policy " +
						"arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials, then in that session ListMFADevices and DeactivateMFADevice without a user name. " +
						"With Sparekey one command does all of it and checks the result: sparekey aws root-mfa --account ACCOUNT_ID --deactivate. Thank you."}},
			{ID: "org-removes", Kind: KindPerson, Title: "Wait for the administrator to confirm", Wait: "the organization's administrator",
				Detail: "Skip this step if you removed the device yourself.",
				IfCant: []Branch{{Problem: "The organization does not manage root access centrally after all", Then: "Recover like any root user, with alternative factors.", Goto: alternative}}},
			{ID: "root-sign-in", Kind: KindPerson, Title: "Sign in as root", Where: "AWS Management Console › \"Root user\" › email › password.", Labels: []string{"Root user"},
				Detail: "If the member's root has no password (Sparekey's check in step 1 says so), the administrator allows a password recovery by email " +
					"(the IAMCreateRootUserPassword task; with Sparekey, the same command with --allow-password-recovery); the root user then recovers its password by email from the sign-in page."},
		},
	}
	g.Steps = append(g.Steps, rootAssign()...)
	g.Steps = append(g.Steps, changePassword(s, Root)...)
	return g
}

func newDeviceForUser(dev Device) []Step {
	switch dev {
	case FIDOKey:
		return []Step{{ID: "enroll", Kind: KindSparekey, Title: "Enroll Sparekey until the new key arrives", Action: ActionEnroll, Command: "sparekey aws enroll",
			Detail: "The replacement need not be the same kind; a code-based device also works for command-line sessions, which security keys cannot give."},
			{ID: "vendor", Kind: KindPerson, Title: "Get a new security key and enable it", Wait: "the new security key"}}
	case HardwareTOTP:
		return []Step{{ID: "enroll", Kind: KindSparekey, Title: "Enroll Sparekey while the replacement token is on its way", Action: ActionEnroll, Command: "sparekey aws enroll"},
			{ID: "vendor", Kind: KindPerson, Title: "Get a replacement token from its vendor and enable it", Wait: "the replacement token"}}
	}
	return []Step{{ID: "remove-entry", Kind: KindPerson, Title: "Delete the old entry from the authenticator app, if you still have it"},
		{ID: "enroll", Kind: KindSparekey, Title: "Enroll Sparekey as your new virtual device", Action: ActionEnroll, Command: "sparekey aws enroll",
			Detail: "Sparekey creates the device, keeps its seed in the vault, enables it with two consecutive codes it computes itself and confirms with a fresh code that it works."}}
}

func iamUserLost(s Situation, dev Device) Guide {
	g := Guide{
		ID:      string(s) + "/iam-user/" + string(dev),
		Title:   "IAM user: ask an administrator, then enable a new device",
		Summary: "An IAM user cannot remove their own only MFA device without signing in. An administrator deactivates it; then you enroll a new one.",
		Drill:   "lost-phone-with-admin",
		Steps: []Step{
			{ID: "admin-message", Kind: KindMessage, Title: "Send your administrator the details", Wait: "the administrator",
				Message: &Message{To: "your AWS administrator", Subject: "Please deactivate my MFA device (user USER, account ACCOUNT_ID)",
					Body: "I can no longer use my MFA device. Please deactivate it so I can sign in and enroll a new one.\n\nAccount: ACCOUNT_ID\nUser name: USER\nDevice serial: SERIAL\n\n" +
						"With Sparekey: sparekey aws remove --user USER --serial SERIAL. In the console: Users › USER › Security credentials › the device › Remove. Please confirm it is me through a channel you already trust."},
				IfCant: []Branch{{Problem: "I can't reach any administrator", Then: "The root user can deactivate any IAM user's device.", Goto: string(s) + "/iam-user/" + string(dev) + "/no-admin"}}},
			{ID: "sign-in", Kind: KindPerson, Title: "Sign in once the device is deactivated",
				Detail: "The IAM sign-in page asks for the account ID or alias, your user name and your password. If your policy requires MFA, you can then only set up a new device until one is enabled.",
				IfCant: []Branch{{Problem: "I don't know the account ID or alias", Then: "Ask your administrator for it."}}},
		},
	}
	g.Steps = append(g.Steps, newDeviceForUser(dev)...)
	g.Steps = append(g.Steps, changePassword(s, IAMUser)...)
	if s == Stolen {
		g.Drill = "stolen-phone"
	}
	return g
}

func iamUserSpareKeys(s Situation, dev Device) Guide {
	g := Guide{
		ID:      string(s) + "/iam-user/" + string(dev) + "/spare-keys",
		Title:   "Reset the device with your spare administrator identity",
		Summary: "A second administrator, or an administrator's access key pair tested once and kept in a safe, can deactivate the device and enroll a new one without anyone else.",
		Drill:   "lost-phone-with-admin",
		Steps: []Step{
			{ID: "spare-profile", Kind: KindPerson, Title: "Make the spare keys available as an AWS profile", Detail: "Put them in ~/.aws/credentials under their own profile name (or sign in as the second administrator). Remove them again afterwards."},
			{ID: "deactivate", Kind: KindSparekey, Title: "Deactivate the lost device", Action: ActionDeactivate, Command: "sparekey aws remove --profile PROFILE --user USER --serial SERIAL",
				Detail: "Sparekey deactivates the device, deletes it if it is virtual, and checks that it is gone from the user's device list."},
			{ID: "enroll", Kind: KindSparekey, Title: "Enroll Sparekey as the user's new device", Action: ActionEnroll, Command: "sparekey aws enroll --profile PROFILE --user USER",
				Detail: "The seed goes into this vault; the user then signs in with Sparekey's codes."},
		},
	}
	g.Steps = append(g.Steps, changePassword(s, IAMUser)...)
	g.Steps = append(g.Steps, Step{ID: "rotate-spare", Kind: KindPerson, Title: "Put the spare keys back in the safe", Detail: "Or make new ones and test them once, if these were exposed."})
	return g
}

func iamUserNoAdmin(s Situation, dev Device) Guide {
	g := Guide{
		ID:      string(s) + "/iam-user/" + string(dev) + "/no-admin",
		Title:   "No administrator at hand: the root user deactivates the device",
		Summary: "The root user can deactivate any IAM user's MFA device from the console. If you are the only administrator, sign in as root to do it.",
		Steps: []Step{
			{ID: "root-deactivates", Kind: KindPerson, Title: "Sign in as root and remove the user's device",
				Where:  "AWS Management Console › \"Root user\" › email › password › IAM › Users › the user › \"Security credentials\" › the device › Remove.",
				Labels: []string{"Root user", "Users", "Security credentials", "Remove"},
				IfCant: []Branch{{Problem: "The root user is locked out too", Then: "Recover the root user first.", Goto: string(Lost) + "/root/" + string(PhoneApp)}}},
		},
	}
	g.Steps = append(g.Steps, newDeviceForUser(dev)...)
	g.Steps = append(g.Steps, changePassword(s, IAMUser)...)
	g.Steps = append(g.Steps, Step{ID: "second-admin", Kind: KindPerson, Title: "Create a second administrator", Detail: "On a different device, or as an access key pair tested once and locked away, so this never depends on one person again."})
	return g
}

func adminForUser(s Situation, dev Device) Guide {
	g := Guide{
		ID:      string(s) + "/admin/" + string(dev),
		Title:   "Administrator: reset a user's MFA device",
		Summary: "Deactivate the user's device, clear what would block a new enrollment, and let them (or Sparekey) enroll a new one.",
		Drill:   "lost-phone-with-admin",
		Steps: []Step{
			{ID: "confirm-identity", Kind: KindPerson, Title: "Confirm who is asking", Detail: "Check the request through a channel you already trust: resetting MFA for an impostor hands them the account."},
			{ID: "deactivate", Kind: KindSparekey, Title: "Deactivate the device", Action: ActionDeactivate, Command: "sparekey aws remove --user USER --serial SERIAL",
				Detail: "Sparekey deactivates the device, deletes the entity if it is virtual (an assigned one cannot be deleted), and checks that it is gone from the user's devices.",
				Where:  "Console: Users › the user › \"Security credentials\" › the MFA device › Remove.", Labels: []string{"Users", "Security credentials", "Remove"}},
			{ID: "orphans", Kind: KindSparekey, Title: "Remove orphaned virtual devices", Action: ActionOrphans, Command: "sparekey aws orphans --delete",
				Detail: "A device created but never enabled stays \"Unassigned\" and makes a new one with the same name fail with EntityAlreadyExists."},
			{ID: "enroll", Kind: KindSparekey, Title: "Have the user enroll a new device", Action: ActionEnroll, Command: "sparekey aws enroll --user USER",
				Detail: "Or enroll Sparekey for them here; the user then registers a second device of their own."},
			{ID: "audit", Kind: KindSparekey, Title: "Audit the account", Action: ActionAudit, Command: "sparekey aws audit", Detail: "See who else has a single device or none before the next loss."},
		},
	}
	if dev == FIDOKey || dev == HardwareTOTP {
		g.Steps[1].Detail = "Sparekey deactivates the device and checks that it is gone from the user's devices. A hardware token or security key has no entity to delete; the user gets a replacement from its vendor."
	}
	g.Steps = append(g.Steps, changePassword(s, Admin)...)
	return g
}

func planning(who Who) Guide {
	g := Guide{
		ID:      "planning/" + string(who),
		Title:   "Be ready before anything is lost",
		Summary: "Almost every lock-out is prevented by a second device, a kept seed and a rehearsal.",
		Drill:   "restore-after-wipe",
		Steps: []Step{
			{ID: "second-device", Kind: KindSparekey, Title: "Register more than one MFA device", Action: ActionEnroll, Command: "sparekey aws enroll",
				Detail: "AWS allows up to eight per identity, of any mix. Sparekey on this computer can be one of them."},
			{ID: "backup", Kind: KindSparekey, Title: "Keep the setup seed safe", Action: ActionBackup, Command: "sparekey backup create --vault-key --out FILE",
				Detail: "Sparekey keeps every enrollment seed in its encrypted vault and writes encrypted backups the plain age tool can open; verify one with 'sparekey backup verify FILE'."},
			{ID: "second-admin", Kind: KindPerson, Title: "Keep a second administrator", Detail: "On a different MFA device, or as an access key pair tested once and locked away."},
			{ID: "rehearse", Kind: KindPerson, Title: "Rehearse", Detail: "Run the drills on the practice account ('sparekey drill list'), so the real thing is familiar."},
			{ID: "audit", Kind: KindSparekey, Title: "Audit regularly", Action: ActionAudit, Command: "sparekey aws audit", Detail: "Find users without MFA, with a single device, and orphaned devices."},
		},
	}
	if who == Root {
		// Root MFA is assigned only in the console.
		second := rootAssign()
		second[0].ID, second[0].Title = "second-device", "Register more than one MFA device, in the console"
		second[0].Detail = "AWS allows up to eight per identity, of any mix; Sparekey on this computer can be one of them. " + second[0].Detail
		g.Steps = append(second, g.Steps[1:]...)
		g.Steps = append(g.Steps, Step{ID: "contacts", Kind: KindPerson, Title: "Keep the root email and primary contact phone current",
			Detail: "They are the alternative factors that recover a root user with a single lost device. " + supportPrepare})
	}
	return g
}
