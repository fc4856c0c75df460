package practice

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// rootOwner marks a device owned by the root user. '<' cannot appear in an
// IAM user name, so it never collides with one.
const rootOwner = "<root_account>"

// stateVersion is bumped when the JSON layout changes incompatibly.
const stateVersion = 1

// state is everything the practice account remembers. It is what the state
// file holds, so every field is exported for encoding/json.
type state struct {
	Version   int                   `json:"version"`
	AccountID string                `json:"account_id"`
	Created   time.Time             `json:"created"`
	Users     map[string]*iamUser   `json:"users"`   // by user name
	Devices   map[string]*mfaDevice `json:"devices"` // by serial number
	Keys      map[string]*accessKey `json:"keys"`    // by access key id
	Report    *credentialReport     `json:"report,omitempty"`
	Roles     map[string]*iamRole   `json:"roles,omitempty"` // by role name
	// LoginProfiles are the IAM users with a console password, by name.
	LoginProfiles map[string]*loginProfile `json:"login_profiles,omitempty"`
	// RootWithoutPassword: the root user's password was deleted (root has
	// one unless this says otherwise, so older state files keep theirs).
	RootWithoutPassword bool `json:"root_without_password,omitempty"`
	// Org is the practice Organization, on the management account only.
	Org *orgState `json:"organization,omitempty"`
	// Membership is set on member accounts only.
	Membership *membership `json:"membership,omitempty"`
}

type loginProfile struct {
	Created       time.Time `json:"created"`
	ResetRequired bool      `json:"reset_required,omitempty"`
}

// loginProfileOf is a principal's console password, nil for none. Root's
// creation date is the account's: AWS does not say when it was set.
func (st *state) loginProfileOf(principal string) *loginProfile {
	if principal == rootOwner {
		if st.RootWithoutPassword {
			return nil
		}
		if lp := st.LoginProfiles[rootOwner]; lp != nil {
			return lp
		}
		return &loginProfile{Created: st.Created}
	}
	return st.LoginProfiles[principal]
}

// setLoginProfile gives a principal a password made at created, or takes it
// away when created is zero.
func (st *state) setLoginProfile(principal string, created time.Time) {
	if created.IsZero() {
		delete(st.LoginProfiles, principal)
		if principal == rootOwner {
			st.RootWithoutPassword = true
		}
		return
	}
	if st.LoginProfiles == nil {
		st.LoginProfiles = map[string]*loginProfile{}
	}
	st.LoginProfiles[principal] = &loginProfile{Created: created.UTC().Truncate(time.Second)}
	if principal == rootOwner {
		st.RootWithoutPassword = false
	}
}

type iamUser struct {
	Name    string    `json:"name"`
	Path    string    `json:"path"`
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	// Admin users may do everything; others carry the self-manage-MFA
	// policy (see policy.go).
	Admin bool  `json:"admin,omitempty"`
	Tags  []tag `json:"tags,omitempty"`
}

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type mfaDevice struct {
	Serial  string    `json:"serial"`
	Name    string    `json:"name"`
	Path    string    `json:"path"`
	Seed    string    `json:"seed"` // base32, 64 characters, as AWS hands out
	Created time.Time `json:"created"`
	// Owner is "" while the device is Unassigned, else a user name or
	// rootOwner.
	Owner      string    `json:"owner,omitempty"`
	EnableDate time.Time `json:"enable_date,omitzero"`
	// Drift is how many 30 s steps the device's clock is believed to be off,
	// as recorded by Enable/Resync (or set by a drill).
	Drift int `json:"drift,omitempty"`
	// UsedSteps are recently accepted steps, kept to reject replays.
	UsedSteps []int64 `json:"used_steps,omitempty"`
	// Lost marks a drill's lost phone: AWS keeps the device, but its seed is
	// no longer available to Sparekey (Server.Seed refuses it).
	Lost bool  `json:"lost,omitempty"`
	Tags []tag `json:"tags,omitempty"`
}

type accessKey struct {
	ID        string    `json:"id"`
	Secret    string    `json:"secret"`
	Principal string    `json:"principal"` // user name or rootOwner
	Created   time.Time `json:"created"`
	// Session credentials (GetSessionToken) carry a token and expire.
	SessionToken string    `json:"session_token,omitempty"`
	Expiration   time.Time `json:"expiration,omitzero"`
	// MFAPresent is aws:MultiFactorAuthPresent for requests signed with this
	// key: true only for sessions obtained with a valid MFA code.
	MFAPresent bool   `json:"mfa_present,omitempty"`
	MFASerial  string `json:"mfa_serial,omitempty"`
	// Role sessions (AssumeRole) name their role and session; Principal
	// is then rolePrincipal(Role).
	Role        string `json:"role,omitempty"`
	RoleSession string `json:"role_session,omitempty"`
	// Chained marks a role session made by another role session: AWS
	// caps those at an hour.
	Chained bool `json:"chained,omitempty"`
	// TaskPolicy is the root-task policy of an AssumeRoot session (its
	// Principal is rootOwner); the session may do only what it allows.
	TaskPolicy string    `json:"task_policy,omitempty"`
	LastUsed   time.Time `json:"last_used,omitzero"`
	// Where the key was last used, for the credential report.
	LastUsedRegion  string `json:"last_used_region,omitempty"`
	LastUsedService string `json:"last_used_service,omitempty"`
}

func (k *accessKey) isSession() bool { return k.SessionToken != "" }

// rolePrefix marks role principals; '<' cannot appear in a user name.
const rolePrefix = "<role>"

func rolePrincipal(role string) string { return rolePrefix + role }

func (k *accessKey) isRoleSession() bool { return k.Role != "" }

type credentialReport struct {
	Started  time.Time `json:"started"`
	Complete bool      `json:"complete,omitempty"`
	CSV      string    `json:"csv"`
}

// newState builds a preset. Keys and seeds are fresh random values.
func newState(accountID string, now time.Time, preset Preset) (*state, error) {
	st := &state{
		Version:   stateVersion,
		AccountID: accountID,
		Created:   now.UTC().Truncate(time.Second),
		Users:     map[string]*iamUser{},
		Devices:   map[string]*mfaDevice{},
		Keys:      map[string]*accessKey{},
	}
	switch preset {
	case PresetDefault, PresetRootWithDevice, "":
	default:
		return nil, fmt.Errorf("%w %q (known: %s, %s)", ErrUnknownPreset, preset, PresetDefault, PresetRootWithDevice)
	}
	st.addKey(rootOwner, now)
	admin := st.addUser(AdminUser, "/", now)
	admin.Admin = true
	st.addKey(AdminUser, now)
	st.addUser(AliceUser, "/", now)
	st.addKey(AliceUser, now)
	st.addUser(BobUser, "/", now)
	st.addKey(BobUser, now)

	d := st.addDevice(AliceUser, "/", now)
	d.Owner, d.EnableDate = AliceUser, st.Created
	if preset == PresetRootWithDevice {
		d := st.addDevice(RootDeviceName, "/", now)
		d.Owner, d.EnableDate = rootOwner, st.Created
	}
	return st, nil
}

func (st *state) addUser(name, path string, now time.Time) *iamUser {
	u := &iamUser{Name: name, Path: path, ID: "AIDA" + randomID(17), Created: now.UTC().Truncate(time.Second)}
	st.Users[name] = u
	return u
}

func (st *state) addKey(principal string, now time.Time) *accessKey {
	k := &accessKey{ID: "AKIA" + randomID(16), Secret: randomSecret(), Principal: principal, Created: now.UTC().Truncate(time.Second)}
	st.Keys[k.ID] = k
	return k
}

func (st *state) addDevice(name, path string, now time.Time) *mfaDevice {
	d := &mfaDevice{
		Serial:  st.deviceSerial(name, path),
		Name:    name,
		Path:    path,
		Seed:    newSeed(),
		Created: now.UTC().Truncate(time.Second),
	}
	st.Devices[d.Serial] = d
	return d
}

// deviceSerial is the virtual device ARN: the path without its leading slash,
// then the name.
func (st *state) deviceSerial(name, path string) string {
	return "arn:aws:iam::" + st.AccountID + ":mfa" + path + name
}

func (st *state) userArn(u *iamUser) string {
	return "arn:aws:iam::" + st.AccountID + ":user" + u.Path + u.Name
}

func (st *state) rootArn() string { return "arn:aws:iam::" + st.AccountID + ":root" }

// principalArn is the ARN of a user name or rootOwner.
func (st *state) principalArn(principal string) string {
	if principal == rootOwner {
		return st.rootArn()
	}
	if u := st.Users[principal]; u != nil {
		return st.userArn(u)
	}
	return "arn:aws:iam::" + st.AccountID + ":user/" + principal
}

// callerArn is the ARN a key's requests act as: a user, root, or for role
// sessions the assumed-role ARN.
func (st *state) callerArn(k *accessKey) string {
	if k.isRoleSession() {
		return "arn:aws:sts::" + st.AccountID + ":assumed-role/" + k.Role + "/" + k.RoleSession
	}
	return st.principalArn(k.Principal)
}

// devicesOf lists a principal's assigned devices by enable date, then serial.
func (st *state) devicesOf(principal string) []*mfaDevice {
	var out []*mfaDevice
	for _, d := range st.Devices {
		if d.Owner == principal {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].EnableDate.Equal(out[j].EnableDate) {
			return out[i].EnableDate.Before(out[j].EnableDate)
		}
		return out[i].Serial < out[j].Serial
	})
	return out
}

func (st *state) sortedDevices() []*mfaDevice {
	out := make([]*mfaDevice, 0, len(st.Devices))
	for _, d := range st.Devices {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Serial < out[j].Serial })
	return out
}

func (st *state) sortedUsers() []*iamUser {
	out := make([]*iamUser, 0, len(st.Users))
	for _, u := range st.Users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// longTermKey is a principal's first long-term access key.
func (st *state) longTermKey(principal string) *accessKey {
	var best *accessKey
	for _, k := range st.Keys {
		if k.Principal != principal || k.isSession() {
			continue
		}
		if best == nil || k.Created.Before(best.Created) || (k.Created.Equal(best.Created) && k.ID < best.ID) {
			best = k
		}
	}
	return best
}

// dropExpiredSessions forgets sessions that expired, so the state file does
// not grow without end.
func (st *state) dropExpiredSessions(now time.Time) {
	for id, k := range st.Keys {
		if k.isSession() && now.After(k.Expiration.Add(24*time.Hour)) {
			delete(st.Keys, id)
		}
	}
}

func (st *state) check() error {
	if st.Version != stateVersion {
		return fmt.Errorf("state version %d is not supported (want %d)", st.Version, stateVersion)
	}
	if len(st.AccountID) != 12 || strings.Trim(st.AccountID, "0123456789") != "" {
		return fmt.Errorf("account id %q is not 12 digits", st.AccountID)
	}
	if st.Users == nil || st.Devices == nil || st.Keys == nil {
		return fmt.Errorf("users, devices or keys are missing")
	}
	for serial, d := range st.Devices {
		if d == nil || d.Serial != serial {
			return fmt.Errorf("device entry %q is inconsistent", serial)
		}
		if _, err := seedBytes(d.Seed); err != nil {
			return fmt.Errorf("device %q: %w", serial, err)
		}
	}
	for id, k := range st.Keys {
		if k == nil || k.ID != id {
			return fmt.Errorf("access key entry %q is inconsistent", id)
		}
	}
	for name, u := range st.Users {
		if u == nil || u.Name != name {
			return fmt.Errorf("user entry %q is inconsistent", name)
		}
	}
	for name, r := range st.Roles {
		if r == nil || r.Name != name {
			return fmt.Errorf("role entry %q is inconsistent", name)
		}
	}
	if st.Org != nil {
		if st.Membership != nil {
			return fmt.Errorf("account %s is both a member and the management account", st.AccountID)
		}
		for id, m := range st.Org.Members {
			if m == nil || m.AccountID != id || m.Membership == nil || m.Org != nil || id == st.AccountID {
				return fmt.Errorf("member account entry %q is inconsistent", id)
			}
			if err := m.check(); err != nil {
				return fmt.Errorf("member account %s: %w", id, err)
			}
		}
		if d := st.Org.DelegatedAdmin; d != "" && st.Org.Members[d] == nil {
			return fmt.Errorf("delegated administrator %q is not a member account", d)
		}
		for _, f := range st.Org.Features {
			if f != FeatureRootCredentialsManagement && f != FeatureRootSessions {
				return fmt.Errorf("unknown root access feature %q", f)
			}
		}
	} else if st.Membership != nil && (st.Membership.Status != AccountActive && st.Membership.Status != AccountSuspended) {
		return fmt.Errorf("account status %q is neither %s nor %s", st.Membership.Status, AccountActive, AccountSuspended)
	}
	return nil
}

// loadState reads the state file; a missing file is (nil, nil).
func loadState(path string) (*state, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("practice: reading state: %w", err)
	}
	st, err := parseState(b)
	if err != nil {
		return nil, fmt.Errorf("practice: state file %s %w", path, err)
	}
	return st, nil
}

// parseState decodes and checks a state file's contents; its errors read
// after the file's name.
func parseState(b []byte) (*state, error) {
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("is not valid JSON (move it away to start a fresh practice account): %w", err)
	}
	if err := st.check(); err != nil {
		return nil, fmt.Errorf("is damaged (move it away to start a fresh practice account): %w", err)
	}
	return &st, nil
}

// saveState writes the state file with writeSecretFile: a crash leaves
// either the old or the new state.
func saveState(path string, st *state) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("practice: encoding state: %w", err)
	}
	if err := writeSecretFile(path, append(b, '\n')); err != nil {
		return fmt.Errorf("practice: saving state: %w", err)
	}
	return nil
}

// writeSecretFile writes a file of practice secrets atomically: a 0600
// temporary file in the same folder, fsync, rename.
func writeSecretFile(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the rename durable; not all file systems support it
		d.Close()
	}
	return nil
}

// newSeed returns a 40-byte random seed as 64 base32 characters, the shape
// of AWS's Base32StringSeed.
func newSeed() string {
	b := make([]byte, 40)
	rand.Read(b)
	return base32.StdEncoding.EncodeToString(b)
}

func seedBytes(seed string) ([]byte, error) {
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(seed, "="))
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("seed is not base32")
	}
	return b, nil
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// randomID is n characters of AWS-style id alphabet (upper case and digits).
func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

// randomSecret is a 40-character secret access key, as AWS issues them.
func randomSecret() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	b := make([]byte, 40)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
