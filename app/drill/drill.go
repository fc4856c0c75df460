// Package drill rehearses recoveries on the in-process practice account.
// A drill sets up its scenario (a drifted clock, a lost phone, an orphan,
// a wiped phone, a lost root device), walks the very run a real recovery
// would (app/recovery over app/guide's path), does the Sparekey steps for
// real against the practice account, simulates the console-only steps with
// the same wording, and then checks the end state the way AWS would see it.
// It ends with pass or fail and the reasons, which are recorded for the
// readiness score.
//
// Each drill runs in a throwaway home of its own (vault, keyring, practice
// account), so the person's vault and practice account are never touched.
package drill

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/app/recovery"
	"github.com/sparekey/sparekey/sync/practice"
	"github.com/sparekey/sparekey/vault"
)

// Drill is one rehearsal.
type Drill struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	// Path is the guide leaf it walks.
	Path string `json:"path"`
	// Broken describes the deliberately broken variant, which must fail.
	Broken string `json:"broken"`
	setup  func(*env) error
	// person simulates the person's steps that need more than "done".
	person map[string]func(*env) error
	check  func(*env) error
}

// Result is a drill's outcome.
type Result struct {
	Drill   string   `json:"drill"`
	Broken  bool     `json:"broken,omitempty"`
	Passed  bool     `json:"passed"`
	Reasons []string `json:"reasons,omitempty"`
	// Path is the leaf the run ended on; Earlier the leaves it left
	// through "What if I can't…" branches.
	Path    string                  `json:"path"`
	Earlier []string                `json:"earlier,omitempty"`
	Steps   []recovery.StepState    `json:"steps"`
	Log     []string                `json:"log"`
	At      time.Time               `json:"at"`
	Took    time.Duration           `json:"took_ns"`
	Binding guide.Binding           `json:"binding"`
	Notes   []recovery.Note         `json:"notes,omitempty"`
	Counts  map[recovery.Status]int `json:"counts,omitempty"`
}

// ErrUnknownDrill is returned for a name List does not have.
var ErrUnknownDrill = errors.New("no such drill")

// List returns the drills, sorted by name.
func List() []Drill {
	ds := []Drill{drifted(), lostPhoneWithAdmin(), stolenPhone(), orphanBlocking(), restoreAfterWipe(), rootSingleDevice(), rootSecondDevice(),
		rootAuthenticationFailed(), rootMissedCall(), rootNoEmail(), memberRoot()}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Name < ds[j].Name })
	return ds
}

// Find returns the drill with this name.
func Find(name string) (Drill, error) {
	for _, d := range List() {
		if d.Name == name {
			return d, nil
		}
	}
	names := []string{}
	for _, d := range List() {
		names = append(names, d.Name)
	}
	return Drill{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownDrill, name, strings.Join(names, ", "))
}

// clock is the drill's time: it moves only when the drill moves it, so
// every step has fresh codes without waiting for real periods to pass.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// next moves to 10 s into a later period: codes of the steps before are
// spent, and the current one has 20 s left.
func (c *clock) next() {
	c.mu.Lock()
	c.t = c.t.Truncate(30 * time.Second).Add(60*time.Second + 10*time.Second)
	c.mu.Unlock()
}

// env is one drill's world.
type env struct {
	ctx    context.Context
	app    *app.App
	srv    *practice.Server
	clock  *clock
	conn   app.AWSConnection
	bind   guide.Binding
	target app.RecoveryTarget
	broken bool
	run    *recovery.Run
	log    []string
	// console is the simulated AWS console of the root drills.
	console *console
	// skip lists steps the broken variant leaves out.
	skip map[string]bool
}

func (e *env) logf(format string, args ...any) { e.log = append(e.log, fmt.Sprintf(format, args...)) }

// Run runs the named drill (its broken variant when broken is set).
func Run(ctx context.Context, name string, broken bool) (*Result, error) {
	d, err := Find(name)
	if err != nil {
		return nil, err
	}
	home, err := os.MkdirTemp("", "sparekey-drill-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(home)
	start := time.Now()
	clk := &clock{t: time.Now().Truncate(30 * time.Second).Add(10 * time.Second)}
	a := app.New(app.Options{Paths: app.PathsUnder(home), Keyring: &vault.MemoryKeyring{}, Now: clk.Now, WorkFactor: 10})
	defer a.StopPractice()
	if err := a.CreateVault(ctx, nil); err != nil {
		return nil, err
	}
	srv, _, err := a.PracticeServer()
	if err != nil {
		return nil, err
	}
	e := &env{ctx: ctx, app: a, srv: srv, clock: clk, broken: broken, skip: map[string]bool{}}
	res := &Result{Drill: d.Name, Broken: broken, Path: d.Path, At: time.Now().UTC()}
	fail := func(reason string) {
		res.Reasons = append(res.Reasons, reason)
	}
	if err := d.setup(e); err != nil {
		return nil, fmt.Errorf("setting up drill %s: %w", d.Name, err)
	}
	leaf, ok := guide.Lookup(d.Path)
	if !ok {
		return nil, fmt.Errorf("drill %s walks unknown path %s", d.Name, d.Path)
	}
	store := a.RecoveryStore()
	e.run, err = store.StartOn(leaf, nil, e.bind)
	if err != nil {
		return nil, err
	}
	e.run.Drill = d.Name
	if err := e.walk(d); err != nil {
		fail(err.Error())
	}
	if len(res.Reasons) == 0 {
		e.clock.next()
		if err := d.check(e); err != nil {
			fail("end state: " + err.Error())
		}
	}
	if len(res.Reasons) == 0 && e.run.Complete() {
		_ = store.Close(e.run, recovery.Finished, "drill passed")
	} else if e.run.State == recovery.Open {
		_ = store.Close(e.run, recovery.Abandoned, "drill failed")
	}
	res.Passed = len(res.Reasons) == 0
	res.Steps, res.Log, res.Binding, res.Notes, res.Counts = e.run.Steps, e.log, e.run.Binding, e.run.Notes, e.run.Counts()
	res.Path, res.Earlier = e.run.Path, e.run.Earlier
	res.Took = time.Since(start)
	return res, nil
}

// walk goes through the run's steps in order, as a person would. A person
// step the scenario makes impossible answers with the guide's own "What if
// I can't…" problem (cantError): the walk does what the branch says first
// (try again, resend, start over) and, when the same thing fails again,
// follows the branch to its leaf and walks that one to its end. A branch
// with nowhere to go fails the drill.
func (e *env) walk(d Drill) error {
	store := e.app.RecoveryStore()
	tries := map[string]int{}
	for {
		leaf, err := e.run.Guide()
		if err != nil {
			return err
		}
		cur := e.run.Current()
		if cur == nil {
			return nil
		}
		st, _ := leaf.Step(cur.ID)
		now := e.clock.Now()
		if e.skip[st.ID] {
			e.run.Mark(st.ID, recovery.Skipped, "left out by the broken variant", now)
			e.logf("%s: skipped (broken variant)", st.ID)
			store.Save(e.run)
			continue
		}
		e.run.Mark(st.ID, recovery.Doing, "", now)
		store.Save(e.run)
		reason, err := e.doStep(st, d)
		var cant *cantError
		if errors.As(err, &cant) {
			br := cant.branch
			key := leaf.ID + "/" + st.ID + "/" + br.Problem
			tries[key]++
			e.logf("%s: what if I can't: %s → %s", st.ID, br.Problem, br.Then)
			if tries[key] == 1 {
				e.logf("%s: tried again, as the guide says", st.ID)
				continue
			}
			if br.Goto == "" {
				e.run.Mark(st.ID, recovery.Failed, "what if I can't: "+br.Problem, e.clock.Now())
				store.Save(e.run)
				return fmt.Errorf("step %q (%s): %s (%q), again after doing what the guide says (%s), and the branch goes nowhere further", st.Title, st.ID, cant.what, br.Problem, br.Then)
			}
			e.run.Mark(st.ID, recovery.Failed, "what if I can't: "+br.Problem, e.clock.Now())
			if err := e.run.Follow(br.Goto, br.Problem, e.clock.Now()); err != nil {
				return fmt.Errorf("step %q (%s): its branch %q leads to %s: %w", st.Title, st.ID, br.Problem, br.Goto, err)
			}
			store.Save(e.run)
			e.logf("%s: followed the branch to %s", st.ID, br.Goto)
			continue
		}
		if err != nil {
			e.run.Mark(st.ID, recovery.Failed, err.Error(), e.clock.Now())
			store.Save(e.run)
			e.logf("%s: failed: %v", st.ID, err)
			return fmt.Errorf("step %q (%s) failed: %s", st.Title, st.ID, err)
		}
		e.run.Mark(st.ID, recovery.Done, reason, e.clock.Now())
		e.run.Binding = e.bind
		store.Save(e.run)
		e.logf("%s: done: %s", st.ID, reason)
	}
}

// cantError is a person step that went wrong in one of the ways its "What
// if I can't…" list names.
type cantError struct {
	branch guide.Branch
	what   string // what happened, in the drill's words
}

func (c *cantError) Error() string { return c.what + ": " + c.branch.Problem }

// cant finds the step's branch whose problem mentions keyword: the drill
// uses the guide's wording, so a changed guide fails the drill instead of
// drifting from it.
func cant(st guide.Step, keyword, what string) error {
	for _, br := range st.IfCant {
		if strings.Contains(br.Problem, keyword) {
			return &cantError{branch: br, what: what}
		}
	}
	return fmt.Errorf("%s, and step %q has no \"What if I can't\" answer mentioning %q", what, st.ID, keyword)
}

func (e *env) doStep(st guide.Step, d Drill) (string, error) {
	switch st.Kind {
	case guide.KindPerson:
		if f := d.person[st.ID]; f != nil {
			if err := f(e); err != nil {
				return "", err
			}
			return "simulated: " + st.Title, nil
		}
		if e.console != nil {
			return e.console.do(st)
		}
		return "simulated: " + st.Title, nil
	case guide.KindMessage:
		body := e.bind.Fill(st.Message.Body + st.Message.Subject)
		for _, ph := range []string{"ACCOUNT_ID", "USER", "SERIAL"} {
			if strings.Contains(st.Message.Body+st.Message.Subject, ph) && strings.Contains(body, ph) {
				return "", fmt.Errorf("the message still has %s to fill: the vault's bindings did not provide it", ph)
			}
		}
		return "message ready for " + st.Message.To, nil
	}
	e.clock.next()
	t := e.target
	t.Conn, t.Binding = e.conn, e.bind
	e.logf("%s: %s", st.ID, app.RecoveryPlan(st, t))
	out, err := e.app.DoRecoveryStep(e.ctx, st, t)
	if err != nil {
		return "", errors.New(app.ExplainAWS(err))
	}
	e.bind = mergeBinding(e.bind, out.Binding)
	if len(out.Codes) == 2 {
		if err := e.typeCodes(out.Codes); err != nil {
			return "", err
		}
	}
	return strings.TrimSpace(out.Did + " " + out.Verified), nil
}

// mergeBinding keeps what a step learnt without losing what was known.
func mergeBinding(old, learnt guide.Binding) guide.Binding {
	if learnt.Serial != "" {
		old.Serial = learnt.Serial
	}
	if learnt.AccountName != "" {
		old.AccountName = learnt.AccountName
	}
	if learnt.BackupFile != "" {
		old.BackupFile = learnt.BackupFile
	}
	return old
}

// typeCodes is the person typing Sparekey's two codes into "MFA code 1"
// and "MFA code 2": the simulated console checks them against the device.
func (e *env) typeCodes(codes []string) error {
	if e.console == nil {
		return nil
	}
	return e.console.assignCodes(codes[0], codes[1])
}

// Record appends results to the drill log in dir (0600, atomic), newest
// last, for the readiness score.
func Record(dir string, results ...*Result) error {
	path := filepath.Join(dir, app.DrillResultsFile)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// Two drills finishing at once must not drop each other's result.
	release, err := vault.LockFile(path+".lock", vault.DefaultLockTimeout)
	if err != nil {
		return err
	}
	defer release()
	var all []*Result
	if data, err := os.ReadFile(path); err == nil {
		if jsonUnmarshal(data, &all) != nil {
			// A damaged log is kept aside, and a new one started.
			all = nil
			_ = os.Rename(path, path+".unreadable")
		}
	}
	all = append(all, results...)
	if len(all) > 200 {
		all = all[len(all)-200:]
	}
	data, err := jsonMarshal(all)
	if err != nil {
		return err
	}
	return vault.WriteFileAtomic(path, data)
}
