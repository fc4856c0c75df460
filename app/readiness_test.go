package app

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/vault"
)

func newReadinessApp(t *testing.T) (*App, context.Context) {
	t.Helper()
	a := New(Options{Paths: PathsUnder(t.TempDir()), Keyring: &vault.MemoryKeyring{}, WorkFactor: 10})
	t.Cleanup(a.StopPractice)
	ctx := context.Background()
	if err := a.CreateVault(ctx, nil); err != nil {
		t.Fatal(err)
	}
	return a, ctx
}

func identity(t *testing.T, r *Readiness, name string) IdentityReadiness {
	t.Helper()
	for _, id := range r.Identities {
		if id.Name() == name {
			return id
		}
	}
	t.Fatalf("no identity %s in %+v", name, r.Identities)
	return IdentityReadiness{}
}

// recordDrill writes a drill log entry as app/drill does (the drills
// themselves are run end to end in app/drill and app/cli).
func recordDrill(t *testing.T, a *App, name string, passed bool, at time.Time) {
	t.Helper()
	p := filepath.Join(a.paths.Data, DrillResultsFile)
	var all []drillRecord
	if data, err := os.ReadFile(p); err == nil {
		json.Unmarshal(data, &all)
	}
	all = append(all, drillRecord{Drill: name, Passed: passed, At: at})
	data, _ := json.Marshal(all)
	if err := vault.WriteFileAtomic(p, data); err != nil {
		t.Fatal(err)
	}
}

// TestReadinessNextActionsReachFullScore follows each next action for the
// practice administrator, doing it for real against the practice account,
// until nothing is left: every action must raise the score and fix its check.
func TestReadinessNextActionsReachFullScore(t *testing.T) {
	a, ctx := newReadinessApp(t)
	conn := AWSConnection{Practice: true}
	want := []struct {
		kind  ActionKind
		fixes Check
	}{
		{ActionEnrollDevice, CheckMFA},
		{ActionEnrollDevice, CheckTwoDevices},
		{ActionBackupVerify, CheckVerifiedBackup},
		{ActionConfirmSpareAdmin, CheckSpareAdmin},
		{ActionRunDrill, CheckDrill},
	}
	drillRunner := func(ctx context.Context, name string) (bool, error) {
		recordDrill(t, a, name, true, a.now())
		return true, nil
	}
	last := -1
	for i, w := range want {
		r, err := a.Readiness(ctx, conn, ReadinessOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r.Offline || r.AccountID == "" {
			t.Fatalf("the practice account was not reached: %+v", r)
		}
		me := identity(t, r, "practice-admin")
		if me.Score <= last {
			t.Errorf("step %d: the score did not rise: %d after %d", i, me.Score, last)
		}
		last = me.Score
		if me.Next == nil || me.Next.Kind != w.kind || me.Next.Fixes != w.fixes {
			t.Fatalf("step %d: next action %+v, want %s fixing %s\n%+v", i, me.Next, w.kind, w.fixes, me.Items)
		}
		did, err := a.DoReadinessAction(ctx, *me.Next, ReadinessActionOptions{Conn: conn, RunDrill: drillRunner})
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, w.kind, err)
		}
		if did == "" {
			t.Errorf("step %d: the action says nothing of what it did", i)
		}
	}
	r, err := a.Readiness(ctx, conn, ReadinessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	me := identity(t, r, "practice-admin")
	if me.Score != 100 || me.Next != nil || me.Devices != 2 || len(me.Held) != 2 {
		t.Errorf("after every action: %+v", me)
	}
	root := identity(t, r, "root")
	if root.Next == nil || root.Next.Kind != ActionAssignRootDevice || root.Next.Path == "" {
		t.Errorf("root without MFA: next %+v", root.Next)
	}
	if _, err := a.DoReadinessAction(ctx, *root.Next, ReadinessActionOptions{Conn: conn}); !errors.Is(err, ErrPersonAction) {
		t.Errorf("root's console-only action: %v", err)
	}
	if _, ok := root.Item(CheckContacts); !ok {
		t.Error("root has no contacts check")
	}
	if _, ok := me.Item(CheckContacts); ok {
		t.Error("an IAM user has the root contacts check")
	}
}

func TestReadinessChecks(t *testing.T) {
	a, ctx := newReadinessApp(t)
	conn := AWSConnection{Practice: true}
	now := a.now()
	recordDrill(t, a, "root-single-device", true, now.Add(-100*24*time.Hour)) // too old
	recordDrill(t, a, "lost-phone-with-admin", false, now)                    // failed
	r, err := a.Readiness(ctx, conn, ReadinessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	root := identity(t, r, "root")
	acct := r.AccountID
	tests := []struct {
		name  string
		id    IdentityReadiness
		check Check
		ok    bool
		want  string
	}{
		{"root without MFA", root, CheckMFA, false, "0 MFA device"},
		{"an old drill does not count", root, CheckDrill, false, "last 90 days"},
		{"a failed drill does not count", identity(t, r, "practice-admin"), CheckDrill, false, "last 90 days"},
		{"contacts never confirmed", root, CheckContacts, false, "never confirmed"},
	}
	if _, err := a.ConfirmReadiness(acct, CheckContacts); err != nil {
		t.Fatal(err)
	}
	recordDrill(t, a, "root-second-device", true, now)
	r, _ = a.Readiness(ctx, conn, ReadinessOptions{})
	root = identity(t, r, "root")
	tests = append(tests,
		[]struct {
			name  string
			id    IdentityReadiness
			check Check
			ok    bool
			want  string
		}{
			{"contacts confirmed today", root, CheckContacts, true, now.UTC().Format(time.DateOnly)},
			{"a recent root drill", root, CheckDrill, true, "root-second-device"},
		}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, ok := tt.id.Item(tt.check)
			if !ok {
				t.Fatalf("no %s item", tt.check)
			}
			if it.OK != tt.ok || !strings.Contains(it.Detail, tt.want) {
				t.Errorf("%s: %+v, want ok=%v and %q", tt.check, it, tt.ok, tt.want)
			}
		})
	}
}

// TestReadinessOffline: with AWS out of reach the checklist still comes
// from the vault and the files beside it, marking what it cannot know.
func TestReadinessOffline(t *testing.T) {
	a, ctx := newReadinessApp(t)
	acct, err := a.AddURI("otpauth://totp/AWS:bob?secret=JBSWY3DPEHPK3PXP&issuer=AWS")
	if err != nil {
		t.Fatal(err)
	}
	acct.AWS = &vault.AWSBinding{Partition: "aws", AccountID: "123456789012", UserName: "bob", SerialNumber: "arn:aws:iam::123456789012:mfa/bob"}
	if err := a.UpdateAccount(acct); err != nil {
		t.Fatal(err)
	}
	// A closed port: nothing answers.
	conn := AWSConnection{EndpointURL: "http://127.0.0.1:1", Profile: "nowhere"}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret-just-a-test-value-000000000")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	conn.Profile = ""
	r, err := a.Readiness(ctx, conn, ReadinessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Offline || len(r.Warnings) == 0 {
		t.Fatalf("not reported offline: %+v", r)
	}
	bob := identity(t, r, "bob")
	mfa, _ := bob.Item(CheckMFA)
	two, _ := bob.Item(CheckTwoDevices)
	if !mfa.OK || two.OK || !two.Unknown || !strings.Contains(mfa.Detail, "at least") {
		t.Errorf("offline device checks: %+v %+v", mfa, two)
	}
	if bob.Next == nil || bob.Next.Kind != ActionBackupVerify {
		t.Errorf("offline next action: %+v (unknown checks are skipped for the next one that can be done)", bob.Next)
	}
}

func TestConfirmReadinessFaults(t *testing.T) {
	a, _ := newReadinessApp(t)
	const acct = "123456789012"
	if _, err := a.ConfirmReadiness("12345", CheckContacts); !errors.Is(err, ErrBadAccountID) {
		t.Errorf("short account ID: %v", err)
	}
	if _, err := a.ConfirmReadiness(acct, CheckDrill); err == nil {
		t.Error("a drill cannot be confirmed by hand")
	}
	p := a.ConfirmationsPath()
	if err := os.WriteFile(p, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ReadinessConfirmations(); err == nil {
		t.Error("a damaged file read as empty")
	}
	_, err := a.ConfirmReadiness(acct, CheckSpareAdmin)
	var aside *ConfirmedKeptAsideError
	if !errors.As(err, &aside) {
		t.Fatalf("damaged file: %v", err)
	}
	if data, err := os.ReadFile(aside.KeptAs); err != nil || string(data) != "{not json" {
		t.Errorf("the damaged file was not kept: %q %v", data, err)
	}
	c, err := a.ReadinessConfirmations()
	if err != nil || c.Accounts[acct].SpareAdmin.IsZero() {
		t.Errorf("after the damaged file: %+v %v", c, err)
	}
	if st, _ := os.Stat(p); st == nil || st.Mode().Perm() != 0o600 {
		t.Errorf("confirmations file mode: %v", st)
	}
	newer := []byte(`{"version":9,"accounts":{}}`)
	os.WriteFile(p, newer, 0o600)
	if _, err := a.ConfirmReadiness(acct, CheckContacts); !errors.Is(err, ErrConfirmationsNewer) {
		t.Errorf("newer file: %v", err)
	}
	if data, _ := os.ReadFile(p); string(data) != string(newer) {
		t.Error("a newer file was overwritten")
	}
}

func FuzzParseConfirmations(f *testing.F) {
	f.Add([]byte(`{"version":1,"accounts":{"123456789012":{"contacts":"2026-11-28T08:00:00Z"}}}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"accounts":{"../x":{}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfirmations(data)
		if err != nil {
			return
		}
		if c.Version != confirmationsVersion || c.Accounts == nil {
			t.Fatalf("accepted %+v", c)
		}
		for id := range c.Accounts {
			if !validAccountID(id) {
				t.Fatalf("accepted account %q", id)
			}
		}
	})
}

func FuzzParseDrillResults(f *testing.F) {
	f.Add([]byte(`[{"drill":"drifted-device","passed":true,"at":"2026-11-28T08:00:00Z"}]`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ParseDrillResults(data)
		if err != nil {
			return
		}
		lastPassedDrill(recs, ReadinessDrills(false), time.Now())
	})
}

// TestReadinessWithoutAuditRights: an IAM user who may not audit the
// account still gets their own checklist, with the account-wide facts
// marked unknown and why.
func TestReadinessWithoutAuditRights(t *testing.T) {
	a, ctx := newReadinessApp(t)
	r, err := a.Readiness(ctx, AWSConnection{Practice: true, PracticeUser: "alice"}, ReadinessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Offline || r.Audit != nil || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "audit was refused") {
		t.Fatalf("offline=%v audit=%v warnings=%q", r.Offline, r.Audit != nil, r.Warnings)
	}
	alice := identity(t, r, "alice")
	orphans, _ := alice.Item(CheckNoOrphans)
	if alice.Devices != 1 || !orphans.Unknown || !strings.Contains(orphans.Detail, "refused") {
		t.Errorf("alice: %d devices, orphans %+v", alice.Devices, orphans)
	}
	if alice.Next == nil || alice.Next.Kind != ActionEnrollDevice {
		t.Errorf("alice's next action: %+v", alice.Next)
	}
	root := identity(t, r, "root")
	if mfa, _ := root.Item(CheckMFA); !mfa.Unknown {
		t.Errorf("root's MFA seen by alice: %+v", mfa)
	}
}
