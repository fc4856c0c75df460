package app

// Readiness: how well each identity Sparekey can see (the root user of the
// connection's account, the connection's own IAM user, and every IAM user
// the vault holds a device for) would survive the loss of a device, folded
// together with the account audit into one score per identity and one next
// action. The action is typed: the CLI renders it as a command and the
// window as a button, and both carry it out through DoReadinessAction.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
)

// ReadinessWindow is how recent a restore drill of a backup and a recovery
// drill must be to count.
const ReadinessWindow = 90 * 24 * time.Hour

// DrillResultsFile is the drill log in the data folder (app/drill writes it).
const DrillResultsFile = "drill-results.json"

// ConfirmationsFile keeps what the person confirmed (root contacts, a
// second administrator), beside the vault. Nothing secret: dates only.
const ConfirmationsFile = "readiness-confirmed.json"

// Check is one item of an identity's checklist.
type Check string

const (
	CheckMFA            Check = "mfa"             // at least one MFA device
	CheckTwoDevices     Check = "two-devices"     // at least two, so one loss locks nobody out
	CheckVerifiedBackup Check = "verified-backup" // a seed held and in a backup verified within 90 days
	CheckNoOrphans      Check = "no-orphans"      // no unassigned device blocks a re-enrollment
	CheckSpareAdmin     Check = "spare-admin"     // a second administrator or spare keys
	CheckContacts       Check = "contacts"        // root email and phone confirmed by the person
	CheckDrill          Check = "drill"           // a recovery drill passed within 90 days
)

// checkWeights are each check's share of the score; an identity is scored
// over the checks that apply to it. Having no MFA at all weighs most, as in
// the account audit.
var checkWeights = map[Check]float64{
	CheckMFA: 30, CheckTwoDevices: 20, CheckVerifiedBackup: 20, CheckNoOrphans: 5,
	CheckSpareAdmin: 10, CheckContacts: 10, CheckDrill: 10,
}

// checkOrder is the order of the checklist and of urgency: the next action
// fixes the first failed check.
var checkOrder = []Check{CheckMFA, CheckTwoDevices, CheckVerifiedBackup, CheckNoOrphans, CheckSpareAdmin, CheckContacts, CheckDrill}

// ReadinessItem is one checked item.
type ReadinessItem struct {
	Check  Check   `json:"check"`
	OK     bool    `json:"ok"`
	Points float64 `json:"points"` // what it is worth for this identity
	// Unknown: Sparekey could not check it (no connection); it counts as
	// not done, and Detail says why.
	Unknown bool   `json:"unknown,omitempty"`
	Detail  string `json:"detail"`
}

// ActionKind is what a next action does.
type ActionKind string

const (
	// ActionEnrollDevice: enroll Sparekey as another virtual device of an
	// IAM user (its seed is kept, so it also counts as a held seed).
	ActionEnrollDevice ActionKind = "enroll"
	// ActionAssignRootDevice: the root user's devices are assigned in the
	// console only; the action is the guide's path for it.
	ActionAssignRootDevice ActionKind = "assign-root-device"
	// ActionBackupVerify: write a backup and verify it at once.
	ActionBackupVerify ActionKind = "backup"
	// ActionDeleteOrphans: delete unassigned virtual devices.
	ActionDeleteOrphans ActionKind = "delete-orphans"
	// ActionConfirmSpareAdmin: the person records that a second
	// administrator or spare keys exist (they create them themselves).
	ActionConfirmSpareAdmin ActionKind = "confirm-spare-admin"
	// ActionConfirmContacts: the person records today that the root email
	// and primary contact phone are right and reachable.
	ActionConfirmContacts ActionKind = "confirm-contacts"
	// ActionRunDrill: run a recovery drill on the practice account.
	ActionRunDrill ActionKind = "drill"
)

// ActionKinds lists every kind, for parsers and tests.
func ActionKinds() []ActionKind {
	return []ActionKind{ActionEnrollDevice, ActionAssignRootDevice, ActionBackupVerify, ActionDeleteOrphans,
		ActionConfirmSpareAdmin, ActionConfirmContacts, ActionRunDrill}
}

// NextAction is the one thing to do next for an identity.
type NextAction struct {
	Kind  ActionKind `json:"kind"`
	Title string     `json:"title"`
	// AccountID and UserName name whom it is for ("" user: root).
	AccountID string `json:"account_id,omitempty"`
	UserName  string `json:"user_name,omitempty"`
	// Drill names the drill of ActionRunDrill; Path the guide leaf of
	// ActionAssignRootDevice.
	Drill string `json:"drill,omitempty"`
	Path  string `json:"path,omitempty"`
	// Fixes is the check it fixes.
	Fixes Check `json:"fixes"`
}

// IdentityReadiness is one identity's checklist and score.
type IdentityReadiness struct {
	AccountID string `json:"account_id"`
	Root      bool   `json:"root,omitempty"`
	UserName  string `json:"user_name,omitempty"`
	// Devices is how many MFA devices AWS lists; -1 when unknown.
	Devices int `json:"devices"`
	// Held lists the serials whose seeds the vault holds.
	Held  []string        `json:"held,omitempty"`
	Items []ReadinessItem `json:"items"`
	Score int             `json:"score"`
	Next  *NextAction     `json:"next,omitempty"`
}

// Name is the identity as people say it.
func (r IdentityReadiness) Name() string {
	if r.Root {
		return "root"
	}
	return r.UserName
}

// Item returns the item of a check, if the identity has it.
func (r IdentityReadiness) Item(c Check) (ReadinessItem, bool) {
	for _, it := range r.Items {
		if it.Check == c {
			return it, true
		}
	}
	return ReadinessItem{}, false
}

// Readiness is the readiness of every identity Sparekey can see.
type Readiness struct {
	Generated  time.Time           `json:"generated"`
	Connection string              `json:"connection"`
	AccountID  string              `json:"account_id,omitempty"`
	Identities []IdentityReadiness `json:"identities"`
	// Audit is the account audit the scores fold in (nil offline).
	Audit *awsmfa.AuditReport `json:"audit,omitempty"`
	// Offline: AWS could not be reached; what is known comes from the vault.
	Offline  bool     `json:"offline,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

// Lowest returns the identity with the lowest score (the first of equals).
func (r *Readiness) Lowest() (IdentityReadiness, bool) {
	if len(r.Identities) == 0 {
		return IdentityReadiness{}, false
	}
	low := r.Identities[0]
	for _, id := range r.Identities[1:] {
		if id.Score < low.Score {
			low = id
		}
	}
	return low, true
}

// ReadinessOptions tune Readiness.
type ReadinessOptions struct {
	// Audit, if set, is used instead of running the audit again (the
	// `aws audit` command has just made one).
	Audit *awsmfa.AuditReport
}

// Readiness checks every identity Sparekey can see through conn and the
// vault. With no connection it still answers from the vault, the drill
// log and the confirmations, marking what it could not check.
func (a *App) Readiness(ctx context.Context, conn AWSConnection, opts ReadinessOptions) (*Readiness, error) {
	r := &Readiness{Generated: a.now().UTC(), Connection: conn.Label()}
	conf, err := a.ReadinessConfirmations()
	if err != nil {
		r.Warnings = append(r.Warnings, err.Error())
	}
	drills, err := a.drillResults()
	if err != nil {
		r.Warnings = append(r.Warnings, err.Error())
	}
	verified, _ := a.BackupVerifications()
	bindings := a.awsBindings(conn.Practice)

	// The caller first: it tells the account even when the audit is not
	// allowed (an IAM user without an administrator's rights).
	rep := opts.Audit
	caller, err := a.AWSWhoAmI(ctx, conn)
	gap := "" // why account-wide facts are unknown
	switch {
	case err != nil:
		r.Offline = true
		gap = "AWS could not be reached"
		r.Warnings = append(r.Warnings, "AWS could not be reached, so device counts come from the vault only: "+firstLineOf(ExplainAWS(err)))
		rep, caller = nil, nil
	case rep == nil:
		if rep, err = a.AWSAudit(ctx, conn, nil); err != nil {
			rep = nil
			gap = "the account audit was refused"
			r.Warnings = append(r.Warnings, "The account audit was refused, so only your own devices are counted: "+firstLineOf(ExplainAWS(err)))
		}
	}
	r.Audit = rep

	type key struct {
		account, user string
		root          bool
	}
	seen := map[key]bool{}
	var ids []key
	add := func(k key) {
		if !seen[k] {
			seen[k] = true
			ids = append(ids, k)
		}
	}
	if caller != nil {
		r.AccountID = caller.Account
		add(key{account: caller.Account, root: true})
		if caller.Kind == awsmfa.PrincipalUser && caller.UserName != "" {
			add(key{account: caller.Account, user: caller.UserName})
		}
	}
	for _, b := range bindings {
		if caller != nil && b.AccountID != caller.Account {
			continue // another account: check it through its own connection
		}
		add(key{account: b.AccountID, user: b.UserName, root: b.Root})
	}
	for _, k := range ids {
		id := IdentityReadiness{AccountID: k.account, Root: k.root, UserName: k.user, Devices: -1}
		var awsSerials []string
		if caller != nil {
			awsSerials, id.Devices = a.identityDevices(ctx, conn, rep, caller, k.root, k.user)
		}
		var held []*vault.Account
		for _, b := range bindings {
			if b.AccountID == k.account && b.Root == k.root && strings.EqualFold(b.UserName, k.user) {
				if awsSerials != nil && !slices.Contains(awsSerials, b.SerialNumber) {
					continue // the seed of a device AWS no longer has
				}
				held = append(held, b.acct)
				id.Held = append(id.Held, b.SerialNumber)
			}
		}
		id.Items = a.checkIdentity(id, held, rep, gap, conf, drills, verified)
		id.Score = scoreItems(id.Items)
		id.Next = nextAction(id, held)
		r.Identities = append(r.Identities, id)
	}
	sort.SliceStable(r.Identities, func(i, j int) bool {
		x, y := r.Identities[i], r.Identities[j]
		if x.AccountID != y.AccountID {
			return x.AccountID < y.AccountID
		}
		if x.Root != y.Root {
			return x.Root
		}
		return x.UserName < y.UserName
	})
	return r, nil
}

func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// binding is a vault account's AWS binding with the account itself.
type binding struct {
	vault.AWSBinding
	acct *vault.Account
}

// awsBindings are the vault's AWS devices; practice ones only when
// checking the practice account, so they never pose as a real account.
func (a *App) awsBindings(practice bool) []binding {
	v := a.vaultIfOpen()
	if v == nil {
		return nil
	}
	var out []binding
	for _, acct := range v.Accounts() {
		if IsPracticeAccount(acct) != practice {
			continue
		}
		if w := acct.AWS; w != nil && w.SerialNumber != "" && w.AccountID != "" {
			out = append(out, binding{AWSBinding: *w, acct: acct})
		}
	}
	return out
}

// identityDevices returns the serials AWS lists for an identity and their
// count; nil and -1 when it cannot be listed (root, seen by someone else).
func (a *App) identityDevices(ctx context.Context, conn AWSConnection, rep *awsmfa.AuditReport, caller *awsmfa.Identity, root bool, user string) ([]string, int) {
	if root {
		if caller.Kind != awsmfa.PrincipalRoot {
			if rep != nil && !rep.RootMFA {
				return nil, 0
			}
			return nil, -1
		}
		user = ""
	} else if caller.Kind == awsmfa.PrincipalUser && strings.EqualFold(caller.UserName, user) {
		user = "" // one's own devices: allowed without an administrator's rights
	}
	devs, err := a.AWSUserDevices(ctx, conn, user)
	if err != nil {
		if rep != nil {
			for _, u := range rep.Users {
				if u.UserName == user {
					return nil, u.Devices
				}
			}
		}
		return nil, -1
	}
	serials := []string{}
	for _, d := range devs {
		serials = append(serials, d.SerialNumber)
	}
	return serials, len(serials)
}

func (a *App) checkIdentity(id IdentityReadiness, held []*vault.Account, rep *awsmfa.AuditReport, gap string, conf Confirmations, drills []drillRecord, verified []backup.VerifyRecord) []ReadinessItem {
	now := a.now()
	var items []ReadinessItem
	add := func(c Check, ok bool, unknown bool, format string, args ...any) {
		items = append(items, ReadinessItem{Check: c, OK: ok, Unknown: unknown && !ok, Points: checkWeights[c], Detail: fmt.Sprintf(format, args...)})
	}
	devices, unknown := id.Devices, id.Devices < 0
	if unknown {
		devices = len(held) // at least these
	}
	switch {
	case unknown && devices == 0:
		add(CheckMFA, false, true, "unknown: %s", whyUnknown(id, gap))
	default:
		add(CheckMFA, devices > 0, false, "%d MFA device(s)%s", devices, atLeast(unknown))
	}
	if unknown && devices < 2 {
		add(CheckTwoDevices, false, true, "unknown: %s", whyUnknown(id, gap))
	} else {
		add(CheckTwoDevices, devices >= 2, false, "%d of the 2 devices that keep one loss from locking %s out%s", devices, id.Name(), atLeast(unknown))
	}

	switch {
	case len(held) == 0:
		add(CheckVerifiedBackup, false, false, "Sparekey holds no seed of %s's devices", id.Name())
	default:
		when, ok := lastVerifiedHolding(held, verified, now)
		if ok {
			add(CheckVerifiedBackup, true, false, "a backup holding the seed was verified on %s", when.Format(time.DateOnly))
		} else {
			add(CheckVerifiedBackup, false, false, "the seed is held, but no backup holding it was verified in the last 90 days")
		}
	}

	if !id.Root {
		switch {
		case rep == nil:
			add(CheckNoOrphans, false, true, "unknown: %s", gap)
		default:
			add(CheckNoOrphans, len(rep.Orphans) == 0, false, "%d unassigned virtual device(s) in the account", len(rep.Orphans))
		}
	}

	c := conf.Accounts[id.AccountID]
	if !c.SpareAdmin.IsZero() {
		add(CheckSpareAdmin, true, false, "a second administrator or spare keys, confirmed on %s", c.SpareAdmin.Format(time.DateOnly))
	} else {
		add(CheckSpareAdmin, false, false, "no second administrator or spare keys confirmed for account %s", id.AccountID)
	}
	if id.Root {
		switch {
		case c.Contacts.IsZero():
			add(CheckContacts, false, false, "the root email and primary contact phone were never confirmed")
		case now.Sub(c.Contacts) > 365*24*time.Hour:
			add(CheckContacts, false, false, "the root email and phone were last confirmed on %s, over a year ago", c.Contacts.Format(time.DateOnly))
		default:
			add(CheckContacts, true, false, "the root email and phone were confirmed on %s", c.Contacts.Format(time.DateOnly))
		}
	}

	names := ReadinessDrills(id.Root)
	if d, ok := lastPassedDrill(drills, names, now); ok {
		add(CheckDrill, true, false, "drill %s passed on %s", d.Drill, d.At.Format(time.DateOnly))
	} else {
		add(CheckDrill, false, false, "no recovery drill for %s passed in the last 90 days", map[bool]string{true: "the root user", false: "an IAM user"}[id.Root])
	}
	return items
}

func atLeast(unknown bool) string {
	if unknown {
		return " (at least: the ones whose seed the vault holds)"
	}
	return ""
}

func whyUnknown(id IdentityReadiness, gap string) string {
	switch {
	case gap != "" && !id.Root:
		return gap
	case id.Root:
		return "only the root user can list its own devices"
	}
	return "the user's devices could not be listed"
}

func scoreItems(items []ReadinessItem) int {
	var total, earned float64
	for _, it := range items {
		total += it.Points
		if it.OK {
			earned += it.Points
		}
	}
	if total == 0 {
		return 0
	}
	return int(math.Round(100 * earned / total))
}

// nextAction picks the action that fixes the first failed check.
func nextAction(id IdentityReadiness, held []*vault.Account) *NextAction {
	for _, c := range checkOrder {
		it, ok := id.Item(c)
		if !ok || it.OK {
			continue
		}
		n := &NextAction{AccountID: id.AccountID, UserName: id.UserName, Fixes: c}
		switch c {
		case CheckMFA, CheckTwoDevices:
			// Nobody but root can list root's devices: when unknown, one
			// more registered in the console makes sure of two.
			more := "another"
			if c == CheckMFA && !it.Unknown {
				more = "an"
			}
			switch {
			case id.Root:
				n.Kind, n.Path, n.Title = ActionAssignRootDevice, "planning/root", "Register "+more+" MFA device for root in the console, with Sparekey keeping its seed"
			case it.Unknown:
				continue
			default:
				n.Kind, n.Title = ActionEnrollDevice, "Enroll Sparekey as "+more+" MFA device of "+id.UserName
			}
		case CheckVerifiedBackup:
			switch {
			case len(held) > 0:
				n.Kind, n.Title = ActionBackupVerify, "Write a backup and verify it"
			case id.Root:
				n.Kind, n.Path, n.Title = ActionAssignRootDevice, "planning/root", "Register a device for root whose seed Sparekey keeps"
			default:
				n.Kind, n.Title = ActionEnrollDevice, "Enroll Sparekey as a device of "+id.UserName+", so its seed is kept"
			}
		case CheckNoOrphans:
			if it.Unknown {
				continue
			}
			n.Kind, n.Title = ActionDeleteOrphans, "Delete the unassigned virtual devices"
		case CheckSpareAdmin:
			n.Kind, n.Title = ActionConfirmSpareAdmin, "Set up a second administrator or spare keys, then record it"
		case CheckContacts:
			n.Kind, n.Title = ActionConfirmContacts, "Check the root email and primary contact phone, then record it"
		case CheckDrill:
			n.Kind, n.Drill = ActionRunDrill, ReadinessDrills(id.Root)[0]
			n.Title = "Run the " + n.Drill + " drill"
		}
		return n
	}
	return nil
}

// ReadinessDrills names the drills that count for a root or an IAM
// identity, the one to suggest first.
func ReadinessDrills(root bool) []string {
	if root {
		return []string{"root-single-device", "root-second-device", "root-authentication-failed", "root-missed-call", "root-no-email"}
	}
	return []string{"lost-phone-with-admin", "drifted-device", "stolen-phone", "orphan-blocking-enrollment", "restore-after-wipe"}
}

// lastVerifiedHolding returns when a backup that held every vault account
// at the time was last verified, if that was within the window and after
// one of the held seeds was created (so the backup holds it).
func lastVerifiedHolding(held []*vault.Account, recs []backup.VerifyRecord, now time.Time) (time.Time, bool) {
	for _, r := range recs { // newest first
		if !r.OK || !r.Complete || now.Sub(r.VerifiedAt) > ReadinessWindow {
			continue
		}
		for _, h := range held {
			if !h.Created.After(r.VerifiedAt) {
				return r.VerifiedAt, true
			}
		}
	}
	return time.Time{}, false
}

// drillRecord is the part of a drill result readiness uses.
type drillRecord struct {
	Drill  string    `json:"drill"`
	Broken bool      `json:"broken,omitempty"`
	Passed bool      `json:"passed"`
	At     time.Time `json:"at"`
}

// ParseDrillResults reads the drill log (a JSON list of results).
func ParseDrillResults(data []byte) ([]drillRecord, error) {
	var recs []drillRecord
	if err := json.Unmarshal(data, &recs); err != nil {
		return nil, fmt.Errorf("the drill log is not readable: %w", err)
	}
	return recs, nil
}

func (a *App) drillResults() ([]drillRecord, error) {
	p := filepath.Join(a.paths.Data, DrillResultsFile)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	recs, err := ParseDrillResults(data)
	if err != nil {
		return nil, fmt.Errorf("%w (%s): drills count as not done until the next drill starts a new log", err, p)
	}
	return recs, nil
}

func lastPassedDrill(recs []drillRecord, names []string, now time.Time) (drillRecord, bool) {
	var best drillRecord
	for _, r := range recs {
		if r.Passed && !r.Broken && slices.Contains(names, r.Drill) && now.Sub(r.At) <= ReadinessWindow && r.At.After(best.At) {
			best = r
		}
	}
	return best, !best.At.IsZero()
}

// Confirmations are what the person confirmed, per AWS account.
type Confirmations struct {
	Version  int                            `json:"version"`
	Accounts map[string]AccountConfirmation `json:"accounts"`
}

// AccountConfirmation holds the dates of the person's confirmations.
type AccountConfirmation struct {
	// Contacts: the root email and primary contact phone are right and reachable.
	Contacts time.Time `json:"contacts,omitzero"`
	// SpareAdmin: a second administrator or spare access keys exist.
	SpareAdmin time.Time `json:"spare_admin,omitzero"`
}

// confirmationsVersion is the format this Sparekey writes and reads.
const confirmationsVersion = 1

// ErrConfirmationsNewer: the file comes from a newer Sparekey; it is left alone.
var ErrConfirmationsNewer = errors.New("the readiness confirmations were written by a newer Sparekey")

// ParseConfirmations reads a confirmations file.
func ParseConfirmations(data []byte) (Confirmations, error) {
	var c Confirmations
	if err := json.Unmarshal(data, &c); err != nil {
		return Confirmations{}, fmt.Errorf("not a confirmations file: %w", err)
	}
	switch {
	case c.Version > confirmationsVersion:
		return Confirmations{}, fmt.Errorf("%w (format %d; this one reads %d)", ErrConfirmationsNewer, c.Version, confirmationsVersion)
	case c.Version < 1:
		return Confirmations{}, errors.New("not a confirmations file: no format version")
	}
	for id := range c.Accounts {
		if !validAccountID(id) {
			return Confirmations{}, fmt.Errorf("not a confirmations file: %q is not an AWS account ID", id)
		}
	}
	if c.Accounts == nil {
		c.Accounts = map[string]AccountConfirmation{}
	}
	return c, nil
}

func validAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ConfirmationsPath is where the confirmations are kept: beside the vault.
func (a *App) ConfirmationsPath() string {
	return filepath.Join(filepath.Dir(a.paths.Vault), ConfirmationsFile)
}

// ReadinessConfirmations reads the confirmations; none yet is no error.
func (a *App) ReadinessConfirmations() (Confirmations, error) {
	empty := Confirmations{Version: confirmationsVersion, Accounts: map[string]AccountConfirmation{}}
	data, err := os.ReadFile(a.ConfirmationsPath())
	if errors.Is(err, fs.ErrNotExist) {
		return empty, nil
	}
	if err != nil {
		return empty, err
	}
	c, err := ParseConfirmations(data)
	if err != nil {
		return empty, fmt.Errorf("%s: %w", a.ConfirmationsPath(), err)
	}
	return c, nil
}

// ErrBadAccountID: a confirmation needs the 12-digit AWS account ID.
var ErrBadAccountID = errors.New("an AWS account ID has 12 digits")

// ConfirmedKeptAsideError says the confirmations file was unreadable and was
// moved aside (never deleted) before the new confirmation was written.
type ConfirmedKeptAsideError struct{ KeptAs string }

func (e *ConfirmedKeptAsideError) Error() string {
	return "the old readiness confirmations could not be read; they were moved aside to " + e.KeptAs
}

// ConfirmReadiness records today's confirmation of a check (CheckContacts
// or CheckSpareAdmin) for an AWS account, under the file's lock so the
// window and the CLI cannot clobber each other. An unreadable file is moved
// aside (and reported with *ConfirmedKeptAsideError after the write); a
// newer one is left alone and nothing is written.
func (a *App) ConfirmReadiness(accountID string, c Check) (time.Time, error) {
	if !validAccountID(accountID) {
		return time.Time{}, fmt.Errorf("%w: %q", ErrBadAccountID, accountID)
	}
	if c != CheckContacts && c != CheckSpareAdmin {
		return time.Time{}, fmt.Errorf("only the root contacts and a second administrator are confirmed by hand, not %q", c)
	}
	p := a.ConfirmationsPath()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return time.Time{}, err
	}
	release, err := vault.LockFile(p+".lock", vault.DefaultLockTimeout)
	if err != nil {
		return time.Time{}, err
	}
	defer release()
	conf := Confirmations{Version: confirmationsVersion, Accounts: map[string]AccountConfirmation{}}
	var aside error
	if data, err := os.ReadFile(p); err == nil {
		parsed, perr := ParseConfirmations(data)
		switch {
		case errors.Is(perr, ErrConfirmationsNewer):
			return time.Time{}, perr
		case perr != nil:
			kept := p + ".unreadable-" + a.now().UTC().Format("20060102-150405")
			if err := os.Rename(p, kept); err != nil {
				return time.Time{}, fmt.Errorf("%w; and it could not be moved aside: %w", perr, err)
			}
			aside = &ConfirmedKeptAsideError{KeptAs: kept}
		default:
			conf = parsed
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, err
	}
	now := a.now().UTC().Truncate(time.Second)
	ac := conf.Accounts[accountID]
	if c == CheckContacts {
		ac.Contacts = now
	} else {
		ac.SpareAdmin = now
	}
	conf.Accounts[accountID] = ac
	data, err := json.MarshalIndent(conf, "", "  ")
	if err != nil {
		return time.Time{}, err
	}
	if err := vault.WriteFileAtomic(p, append(data, '\n')); err != nil {
		return time.Time{}, err
	}
	return now, aside
}

// ReadinessActionOptions are what DoReadinessAction needs besides the action.
type ReadinessActionOptions struct {
	Conn AWSConnection
	// RunDrill runs and records a drill (app/drill is above this package).
	RunDrill func(ctx context.Context, name string) (passed bool, err error)
	// Passphrase for a passphrase backup (nil: the vault's own key).
	Passphrase func() ([]byte, error)
	// BackupFile is where the backup goes ("" = the data folder).
	BackupFile string
}

// ErrPersonAction: the action is the person's to do (in the console, or
// with colleagues); Sparekey can only record it or show the steps.
var ErrPersonAction = errors.New("this is done by you, not by Sparekey")

// DoReadinessAction carries out a next action and says what it did.
// ActionAssignRootDevice returns ErrPersonAction: the console steps are the
// guide's (n.Path) and the UIs show them.
func (a *App) DoReadinessAction(ctx context.Context, n NextAction, o ReadinessActionOptions) (string, error) {
	switch n.Kind {
	case ActionEnrollDevice:
		res, err := a.AWSEnroll(ctx, o.Conn, awsmfa.EnrollRequest{UserName: n.UserName})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("Enrolled %s for %s; its seed is in the vault as %q.", res.Device.SerialNumber, or(res.Device.UserName, n.UserName), res.Label), nil
	case ActionBackupVerify:
		out, err := a.DoRecoveryStep(ctx, guide.Step{ID: "backup", Action: guide.ActionBackup}, RecoveryTarget{Conn: o.Conn, Binding: guide.Binding{BackupFile: o.BackupFile}, Passphrase: o.Passphrase})
		if err != nil {
			return "", err
		}
		return out.Did + " " + out.Verified, nil
	case ActionDeleteOrphans:
		out, err := a.DoRecoveryStep(ctx, guide.Step{ID: "orphans", Action: guide.ActionOrphans}, RecoveryTarget{Conn: o.Conn})
		if err != nil {
			return "", err
		}
		return out.Did + " " + out.Verified, nil
	case ActionConfirmContacts, ActionConfirmSpareAdmin:
		c := CheckContacts
		if n.Kind == ActionConfirmSpareAdmin {
			c = CheckSpareAdmin
		}
		when, err := a.ConfirmReadiness(n.AccountID, c)
		var aside *ConfirmedKeptAsideError
		if err != nil && !errors.As(err, &aside) {
			return "", err
		}
		did := fmt.Sprintf("Recorded for account %s on %s.", n.AccountID, when.Format(time.DateOnly))
		if aside != nil {
			did += " Note: " + aside.Error() + "."
		}
		return did, nil
	case ActionRunDrill:
		if o.RunDrill == nil {
			return "", errors.New("no drill runner was given")
		}
		passed, err := o.RunDrill(ctx, n.Drill)
		if err != nil {
			return "", err
		}
		if !passed {
			return "", fmt.Errorf("the %s drill failed; its log says why", n.Drill)
		}
		return "The " + n.Drill + " drill passed and was recorded.", nil
	case ActionAssignRootDevice:
		return "", fmt.Errorf("%w: follow the guide's path %s", ErrPersonAction, n.Path)
	}
	return "", fmt.Errorf("unknown readiness action %q", n.Kind)
}
