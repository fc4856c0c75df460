package drill

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/sync/practice"
	"github.com/sparekey/sparekey/vault"
)

// newWorld is a drill's world without a drill: a throwaway vault and the
// in-process practice account, on the drill clock.
func newWorld(t *testing.T) *env {
	t.Helper()
	clk := &clock{t: time.Now().Truncate(30 * time.Second).Add(10 * time.Second)}
	a := app.New(app.Options{Paths: app.PathsUnder(t.TempDir()), Keyring: &vault.MemoryKeyring{}, Now: clk.Now, WorkFactor: 10})
	t.Cleanup(a.StopPractice)
	ctx := context.Background()
	if err := a.CreateVault(ctx, nil); err != nil {
		t.Fatal(err)
	}
	srv, _, err := a.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	return &env{ctx: ctx, app: a, srv: srv, clock: clk, skip: map[string]bool{}}
}

// actionCase is one action as the leaves use it: who acts, through which
// connection, on whose device.
type actionCase struct {
	action guide.Action
	who    guide.Who
	spare  bool // the spare administrator keys of a spare-keys leaf
}

func (c actionCase) String() string {
	s := string(c.action) + " as " + string(c.who)
	if c.spare {
		s += " with spare keys"
	}
	return s
}

// prepare sets the scene an action needs, as the leaf's earlier steps
// would have left it, and returns what the step acts on.
func (c actionCase) prepare(t *testing.T, e *env) app.RecoveryTarget {
	t.Helper()
	tg := app.RecoveryTarget{Conn: aliceConn, Binding: guide.Binding{AccountID: e.srv.AccountID(), UserName: practice.AliceUser}}
	switch {
	case c.action == guide.ActionOrgRootMFA:
		// The organization's management account removes a member root's
		// device: practice-admin of the practice Organization acts.
		members, ok := any(e.srv).(interface{ MemberAccountIDs() []string })
		if !ok || len(members.MemberAccountIDs()) == 0 {
			t.Skip("this practice account is no Organization")
		}
		tg.Conn, tg.Binding = adminConn, guide.Binding{AccountID: members.MemberAccountIDs()[0]}
		return tg
	case c.who == guide.Root:
		if err := e.srv.Reset(practice.PresetRootWithDevice); err != nil {
			t.Fatal(err)
		}
		tg.Conn, tg.Binding.UserName = rootConn, ""
	case c.who == guide.Admin || c.spare:
		tg.Conn = adminConn
	case c.action == guide.ActionAudit:
		// Planning ahead, an IAM user audits the account only with an
		// administrator's rights (practice-admin is such an IAM user);
		// without them the audit says to ask one, which alice's run shows.
		tg.Conn = adminConn
		if _, err := e.app.AWSAudit(e.ctx, aliceConn, nil); err == nil || !strings.Contains(app.ExplainAWS(err), "administrator") {
			t.Errorf("an IAM user without the rights to audit is not told to ask an administrator: %v", err)
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("setting up %s: %v", c, err)
		}
	}
	// heldDevice gives the identity a device whose seed the vault holds.
	heldDevice := func() {
		if c.who == guide.Root {
			serial := e.srv.DeviceSerial(practice.RootDeviceName)
			must((&console{e: e}).keepRootSeed(serial, practice.RootDeviceName))
			tg.Binding.Serial, tg.Binding.AccountName = serial, practice.RootDeviceName
			return
		}
		res, err := enrollForAlice(e, "alice-held")
		must(err)
		tg.Binding.Serial, tg.Binding.AccountName = res.Device.SerialNumber, res.Label
	}
	switch c.action {
	case guide.ActionResync:
		heldDevice()
		must(e.srv.SetDrift(tg.Binding.Serial, 4))
	case guide.ActionResyncTyped:
		// A phone's device: the person reads two codes from it.
		serial := e.srv.DeviceSerial(practice.AliceUser)
		seed, err := e.srv.Seed(serial)
		must(err)
		e.clock.next()
		step := uint64(e.clock.Now().Unix() / 30)
		o := hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
		tg.Code1, _ = hotp.GenerateCodeCustom(seed, step-1, o)
		tg.Code2, _ = hotp.GenerateCodeCustom(seed, step, o)
		tg.Binding.Serial = serial
	case guide.ActionReplace, guide.ActionSession, guide.ActionShowTwoCodes:
		heldDevice()
	case guide.ActionDeactivate:
		tg.Binding.Serial = e.srv.DeviceSerial(practice.AliceUser)
	case guide.ActionOrphans:
		must(createOrphan(e, "left-behind"))
	case guide.ActionRestore:
		heldDevice()
		file := filepath.Join(e.app.Paths().Data, "kept.age")
		_, err := e.app.CreateBackup(e.ctx, file, app.BackupOptions{ToVaultKey: true})
		must(err)
		v, _ := e.app.Vault()
		acct, err := v.Find(tg.Binding.AccountName)
		must(err)
		_, err = e.app.RemoveAccount(acct.ID) // the wipe
		must(err)
		tg.Binding.BackupFile = file
	case guide.ActionAddSeed:
		serial, err := e.srv.EnableRootDevice("root-new")
		must(err)
		seed, err := e.srv.Seed(serial)
		must(err)
		tg.SetupURI = practice.EnrollmentURI("root-new", e.srv.AccountID(), seed)
	case guide.ActionBackup:
		tg.Binding.BackupFile = filepath.Join(e.app.Paths().Data, "fresh.age")
	}
	return tg
}

// TestEveryLeafActionRuns carries out every action any guide leaf names,
// the way that leaf's identity would (root, an IAM user for themselves, an
// administrator, spare keys), against the in-process practice account. The
// scene is the one the leaf's earlier steps leave; no action may fail.
func TestEveryLeafActionRuns(t *testing.T) {
	leavesOf := map[actionCase][]string{}
	steps := map[actionCase]guide.Step{}
	for _, g := range guide.Leaves() {
		parts := strings.Split(g.ID, "/")
		c := actionCase{who: guide.Who(parts[1]), spare: strings.HasSuffix(g.ID, "/spare-keys")}
		for _, st := range g.Steps {
			if st.Kind != guide.KindSparekey {
				continue
			}
			if st.Action == guide.ActionNone {
				t.Errorf("%s/%s: a Sparekey step with no action", g.ID, st.ID)
				continue
			}
			c.action = st.Action
			if _, ok := steps[c]; !ok {
				steps[c] = st
			}
			leavesOf[c] = append(leavesOf[c], g.ID+"/"+st.ID)
		}
	}
	cases := make([]actionCase, 0, len(steps))
	for c := range steps {
		cases = append(cases, c)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].String() < cases[j].String() })
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.String(), " ", "-"), func(t *testing.T) {
			e := newWorld(t)
			tg := c.prepare(t, e)
			e.clock.next()
			out, err := e.app.DoRecoveryStep(e.ctx, steps[c], tg)
			if err != nil {
				t.Fatalf("named by %d step(s), first %s: %s", len(leavesOf[c]), leavesOf[c][0], app.ExplainAWS(err))
			}
			if out.Did == "" && len(out.Codes) == 0 {
				t.Errorf("%s says nothing of what it did: %+v", leavesOf[c][0], out)
			}
			if c.action == guide.ActionBackup {
				if st, err := os.Stat(tg.Binding.BackupFile); err != nil || st.Mode().Perm() != 0o600 {
					t.Errorf("backup file: %v %v", st, err)
				}
			}
		})
	}
}
