package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/app/recovery"
	"github.com/sparekey/sparekey/vault"
)

func init() { register(newRecoverCommand) }

// recoverFlags are what every recover subcommand shares: the connection
// for Sparekey steps and what is known of the identity in trouble.
type recoverFlags struct {
	conn       app.AWSConnection
	bind       guide.Binding
	code1      string
	code2      string
	setupURI   string
	deviceName string
}

func (rf *recoverFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&rf.conn.Profile, "profile", "", "AWS profile for the steps Sparekey does")
	f.StringVar(&rf.conn.EndpointURL, "endpoint-url", "", "IAM and STS endpoint to use instead of AWS")
	f.BoolVar(&rf.conn.Practice, "practice", false, "use the built-in practice account")
	f.StringVar(&rf.conn.PracticeUser, "practice-user", "", "practice identity (practice-admin, root, alice, bob)")
	f.StringVar(&rf.bind.AccountID, "account-id", "", "the AWS account ID")
	f.StringVar(&rf.bind.UserName, "user", "", "the IAM user whose device is in trouble")
	f.StringVar(&rf.bind.Serial, "serial", "", "the device's serial number")
	f.StringVar(&rf.bind.AccountName, "name", "", "the vault account holding the device's seed")
	f.StringVar(&rf.bind.BackupFile, "backup-file", "", "the backup to restore from, or to write")
	f.StringVar(&rf.bind.Profile, "spare-profile", "", "the AWS profile holding spare administrator keys")
}

func (rf *recoverFlags) addStepInputs(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&rf.code1, "code1", "", "first of two consecutive codes read from the device")
	f.StringVar(&rf.code2, "code2", "", "the next code")
	f.StringVar(&rf.deviceName, "device-name", "", "name of a new virtual device")
}

// connection applies the "practice when nothing is configured" default,
// as the aws commands do.
func (rf *recoverFlags) connection(e *Env) app.AWSConnection {
	c := rf.conn
	if rf.bind.Profile != "" && c.Profile == "" {
		c.Profile = rf.bind.Profile
	}
	if c.PracticeUser != "" {
		c.Practice = true
	}
	if !c.Practice && c.Profile == "" && c.EndpointURL == "" && !app.HaveAWSCredentials() {
		c.Practice = true
		fmt.Fprintln(e.Err, "No AWS configuration found: Sparekey steps use the built-in practice account (nothing reaches AWS).")
	}
	return c
}

// binding fills what the flags leave out from the vault's AWS bindings,
// when the vault opens; person steps work without it.
func (rf *recoverFlags) binding(e *Env, answers guide.Answers, a *app.App) guide.Binding {
	b := rf.bind
	if st, _ := a.State(); st == app.StateMissing {
		return b
	}
	if _, err := e.OpenVault(); err != nil {
		return b
	}
	return a.RecoveryBinding(b, answers["who"] == string(guide.Root))
}

func newRecoverCommand(e *Env) *cobra.Command {
	var rf recoverFlags
	var af *answerFlags
	var resume bool
	var path, saveMessage string
	cmd := &cobra.Command{
		Use:   "recover",
		Short: "Walk through a recovery step by step, keeping your progress",
		Long: `Walk through the recovery of a lost, broken, stolen or out-of-sync MFA
device: Sparekey asks what happened (numbered choices, no arrow keys needed),
then takes you through the path one step at a time. Steps Sparekey can do, it
does and checks; steps you do in the AWS console are spelled out with their
labels, with what to do if you can't; messages to an administrator or AWS
Support are written for you.

Progress is saved beside the vault after every step (no secrets), so you can
stop and come back days later: 'sparekey recover --resume'.

With the answers as flags (see 'sparekey guide'), the run is started without
questions and its path printed: for scripts, with --json.`,
		Example: `  sparekey recover
  sparekey recover --resume
  sparekey recover list
  sparekey recover --situation lost --who iam-user --device phone --json
  sparekey recover do RUN-ID deactivate --user alice --serial arn:aws:iam::123456789012:mfa/alice`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.App()
			if err != nil {
				return err
			}
			store := a.RecoveryStore()
			if resume || len(args) == 1 {
				id := ""
				if len(args) == 1 {
					id = args[0]
				}
				r, err := findRun(store, id)
				if err != nil {
					return err
				}
				if e.JSON {
					return printRunJSON(e, r)
				}
				return walk(e, a, store, r, &rf)
			}
			answers := af.answers(cmd)
			if path != "" || len(answers) > 0 {
				var g guide.Guide
				if path != "" {
					var ok bool
					if g, ok = guide.Lookup(path); !ok {
						return usagef("no recovery path %q (the paths are printed by 'sparekey guide')", path)
					}
				} else if g, err = guide.Resolve(answers); err != nil {
					return usagef("%v", err)
				}
				if saveMessage != "" && !slices.ContainsFunc(g.Steps, func(st guide.Step) bool { return st.Kind == guide.KindMessage }) {
					return usagef("%v (%s): nothing to save to %s", recovery.ErrNoMessage, g.ID, saveMessage)
				}
				r, err := store.StartOn(g, answers, rf.binding(e, answers, a))
				if err != nil {
					return err
				}
				if saveMessage != "" {
					if err := saveRunMessage(e, r, "", saveMessage); err != nil {
						return err
					}
				}
				if e.JSON {
					return printRunJSON(e, r)
				}
				printGuide(e, g, r.Binding)
				fmt.Fprintf(e.Out, "\nStarted recovery run %s. Walk it: sparekey recover --resume %s\n", r.ID, r.ID)
				return nil
			}
			in := bufio.NewReader(e.In)
			if open, problems := store.Unfinished(); len(open) > 0 || len(problems) > 0 {
				reportDamaged(e, problems)
				if len(open) > 0 {
					labels := []string{}
					for _, r := range open {
						labels = append(labels, runLine(r))
					}
					labels = append(labels, "Start a new recovery")
					n, err := choose(e, in, "You have unfinished recoveries:", labels)
					if err != nil {
						return err
					}
					if n < len(open) {
						return walkWith(e, a, store, open[n], &rf, in)
					}
				}
			}
			answers, err = ask(e, in)
			if err != nil {
				return err
			}
			r, err := store.Start(answers, rf.binding(e, answers, a))
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Out, "\nRecovery run %s: %s\n", r.ID, r.Path)
			return walkWith(e, a, store, r, &rf, in)
		},
	}
	rf.add(cmd)
	rf.addStepInputs(cmd)
	af = addAnswerFlags(cmd)
	cmd.Flags().BoolVar(&resume, "resume", false, "carry on with an unfinished run (the latest, or RUN-ID)")
	cmd.Flags().StringVar(&path, "path", "", "start on this path ID instead of answering questions")
	cmd.Flags().StringVar(&saveMessage, "save-message", "", "with the answers as flags: save the path's first message (to an administrator or AWS Support) to this file")
	cmd.AddCommand(newRecoverList(e), newRecoverClose(e, recovery.Abandoned), newRecoverClose(e, recovery.Finished),
		newRecoverMark(e), newRecoverDo(e), newRecoverMessage(e))
	return cmd
}

// loadRun opens the app's recovery store and finds the run id names.
func (e *Env) loadRun(id string) (*app.App, *recovery.Store, *recovery.Run, error) {
	a, err := e.App()
	if err != nil {
		return nil, nil, nil, err
	}
	store := a.RecoveryStore()
	r, err := findRun(store, id)
	return a, store, r, err
}

func findRun(store *recovery.Store, id string) (*recovery.Run, error) {
	if id != "" {
		r, err := store.Load(id)
		if errors.Is(err, recovery.ErrNoSuchRun) {
			return nil, fmt.Errorf("%w\nSee 'sparekey recover list' for the runs kept.", err)
		}
		return r, explainRunErr(err)
	}
	open, problems := store.Unfinished()
	if len(open) == 0 {
		if len(problems) > 0 {
			return nil, explainRunErr(problems[0])
		}
		return nil, errors.New("no unfinished recovery; start one with 'sparekey recover'")
	}
	return open[0], nil
}

func explainRunErr(err error) error {
	if errors.Is(err, recovery.ErrRunChanged) {
		return fmt.Errorf("%w\nThe window or another terminal changed it meanwhile; run the command again to work on the latest.", err)
	}
	var de *recovery.DamagedRunError
	if errors.As(err, &de) {
		return fmt.Errorf("%w\nStart a new run with 'sparekey recover'; the old file can be read or sent for help as it is.", err)
	}
	return err
}

func reportDamaged(e *Env, problems []error) {
	for _, p := range problems {
		fmt.Fprintf(e.Err, "Note: %v\n", explainRunErr(p))
	}
}

func runLine(r *recovery.Run) string {
	c := r.Counts()
	line := fmt.Sprintf("%s  %-9s %-40s %d/%d done", r.ID, r.State, r.Path, c[recovery.Done]+c[recovery.Skipped], len(r.Steps))
	if w := r.Waiting(); len(w) > 0 {
		line += ", waiting for " + w[0].WaitingFor
	}
	if r.Drill != "" {
		line += " (drill)"
	}
	return line
}

type runJSON struct {
	*recovery.Run
	Guide   guide.Guide `json:"guide"`
	Current string      `json:"current_step,omitempty"`
}

func printRunJSON(e *Env, r *recovery.Run) error {
	g, err := r.Guide()
	if err != nil {
		return err
	}
	out := runJSON{Run: r, Guide: g}
	if cur := r.Current(); cur != nil {
		out.Current = cur.ID
	}
	return e.printJSON(out)
}

func newRecoverList(e *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List recovery runs, unfinished first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.App()
			if err != nil {
				return err
			}
			runs, problems := a.RecoveryStore().List()
			reportDamaged(e, problems)
			if e.JSON {
				if runs == nil {
					runs = []*recovery.Run{}
				}
				return e.printJSON(runs)
			}
			if len(runs) == 0 {
				fmt.Fprintln(e.Out, "No recovery runs.")
				return nil
			}
			for _, r := range runs {
				fmt.Fprintln(e.Out, runLine(r))
			}
			return nil
		},
	}
}

func newRecoverClose(e *Env, st recovery.State) *cobra.Command {
	verb := "abandon"
	short := "Give up a recovery run (its record stays)"
	if st == recovery.Finished {
		verb, short = "finish", "Mark a recovery run as finished"
	}
	var reason string
	cmd := &cobra.Command{
		Use:   verb + " RUN-ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, store, r, err := e.loadRun(args[0])
			if err != nil {
				return err
			}
			if err := store.Close(r, st, reason); err != nil {
				return err
			}
			fmt.Fprintf(e.Out, "Recovery run %s is %s.\n", r.ID, st)
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "a note on why")
	return cmd
}

func newRecoverMark(e *Env) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "mark RUN-ID STEP STATUS",
		Short: "Record a step's status: done, skipped, failed, waiting or todo",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, store, r, err := e.loadRun(args[0])
			if err != nil {
				return err
			}
			if _, err := r.Guide(); err != nil {
				return err
			}
			st := recovery.Status(args[2])
			switch st {
			case recovery.Done, recovery.Skipped, recovery.Failed, recovery.Waiting, recovery.Todo:
			default:
				return usagef("status %q: use done, skipped, failed, waiting or todo", args[2])
			}
			if err := r.Mark(args[1], st, reason, a.Now()); err != nil {
				return usagef("%v", err)
			}
			if err := store.Save(r); err != nil {
				return err
			}
			if e.JSON {
				return printRunJSON(e, r)
			}
			fmt.Fprintf(e.Out, "%s: %s is %s.\n", r.ID, args[1], st)
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why (failed, skipped) or what it waits for (waiting)")
	return cmd
}

func newRecoverDo(e *Env) *cobra.Command {
	var rf recoverFlags
	cmd := &cobra.Command{
		Use:   "do RUN-ID STEP",
		Short: "Carry out one of a run's Sparekey steps now, and check it",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, store, r, err := e.loadRun(args[0])
			if err != nil {
				return err
			}
			g, err := r.Guide()
			if err != nil {
				return err
			}
			st, ok := g.Step(args[1])
			if !ok {
				return usagef("path %s has no step %q", g.ID, args[1])
			}
			if st.Kind != guide.KindSparekey {
				return usagef("step %q is one you do; record it with 'sparekey recover mark %s %s done'", st.ID, r.ID, st.ID)
			}
			if st.Action == guide.ActionAddSeed {
				// A setup link holds the seed: it comes on standard input,
				// never as an argument other users can see in ps.
				line, err := bufio.NewReader(e.In).ReadString('\n')
				if rf.setupURI = strings.TrimSpace(line); rf.setupURI == "" {
					return usagef("paste the setup key link (otpauth://…) on standard input: %v", err)
				}
			}
			out, err := doStep(e, a, store, r, st, &rf)
			if e.JSON {
				if jerr := printRunJSON(e, r); jerr != nil {
					return jerr
				}
				if err != nil {
					return &quietError{err}
				}
				return nil
			}
			if err != nil {
				return err
			}
			printOutcome(e, out)
			return nil
		},
	}
	rf.add(cmd)
	rf.addStepInputs(cmd)
	return cmd
}

// quietError fails the command after its JSON was printed, with the
// reason on stderr.
type quietError struct{ err error }

func (q *quietError) Error() string { return app.ExplainAWS(q.err) }
func (q *quietError) Unwrap() error { return q.err }

func printOutcome(e *Env, out app.RecoveryOutcome) {
	fmt.Fprintln(e.Out, "Done: "+out.Did)
	if len(out.Codes) == 2 {
		fmt.Fprintf(e.Out, "  MFA code 1: %s\n  MFA code 2: %s\nType both and submit at once.\n", out.Codes[0], out.Codes[1])
	}
	if out.Verified != "" {
		fmt.Fprintln(e.Out, "Checked: "+out.Verified)
	}
}

// doStep runs a Sparekey step, recording "doing" first so a crash leaves
// the step marked as interrupted, then done or failed with the reason.
func doStep(e *Env, a *app.App, store *recovery.Store, r *recovery.Run, st guide.Step, rf *recoverFlags) (app.RecoveryOutcome, error) {
	if _, err := e.OpenVault(); err != nil {
		return app.RecoveryOutcome{}, err
	}
	b := r.Binding.With(rf.bind)
	t := app.RecoveryTarget{Conn: rf.connection(e), Binding: b, Code1: rf.code1, Code2: rf.code2, SetupURI: rf.setupURI, DeviceName: rf.deviceName}
	if err := r.Mark(st.ID, recovery.Doing, "", a.Now()); err != nil {
		return app.RecoveryOutcome{}, err
	}
	if err := store.Save(r); err != nil {
		return app.RecoveryOutcome{}, err
	}
	out, err := a.DoRecoveryStep(e.Context(), st, t)
	if err != nil {
		_ = r.Mark(st.ID, recovery.Failed, firstLineOf(app.ExplainAWS(err)), a.Now())
		_ = store.Save(r)
		return out, wrapAWS(err)
	}
	r.Binding = b.With(out.Binding)
	_ = r.Mark(st.ID, recovery.Done, strings.TrimSpace(out.Did+" "+out.Verified), a.Now())
	return out, store.Save(r)
}

func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// errStopped ends an interactive walk whose input ran out: progress is saved.
var errStopped = errors.New("stopped")

// choose prints numbered choices and reads a number (1-based on screen).
func choose(e *Env, in *bufio.Reader, prompt string, labels []string) (int, error) {
	fmt.Fprintln(e.Out, prompt)
	for i, l := range labels {
		fmt.Fprintf(e.Out, "  %d) %s\n", i+1, l)
	}
	for tries := 0; tries < 5; tries++ {
		fmt.Fprintf(e.Out, "Choose 1-%d: ", len(labels))
		line, err := in.ReadString('\n')
		line = strings.TrimSpace(line)
		if n, cerr := strconv.Atoi(line); cerr == nil && n >= 1 && n <= len(labels) {
			return n - 1, nil
		}
		if err != nil {
			fmt.Fprintln(e.Out)
			return 0, errStopped
		}
		fmt.Fprintf(e.Out, "%q is not one of the numbers above.\n", line)
	}
	return 0, errStopped
}

func readLine(e *Env, in *bufio.Reader, prompt string) (string, error) {
	fmt.Fprint(e.Out, prompt)
	line, err := in.ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", errStopped
	}
	return strings.TrimSpace(line), nil
}

// ask puts the tree's questions one at a time.
func ask(e *Env, in *bufio.Reader) (guide.Answers, error) {
	a := guide.Answers{}
	for _, q := range guide.Questions() {
		if !q.Applies(a) {
			continue
		}
		labels := make([]string, len(q.Answers))
		for i, ans := range q.Answers {
			labels[i] = ans.Label
		}
		fmt.Fprintln(e.Out)
		n, err := choose(e, in, q.Text, labels)
		if err != nil {
			return nil, errors.New("no answer given; nothing was started")
		}
		a[q.Key] = q.Answers[n].Value
		if _, err := guide.Resolve(a); errors.Is(err, guide.ErrNotApplicable) {
			return nil, usagef("%v", err)
		}
	}
	return a, nil
}

func walk(e *Env, a *app.App, store *recovery.Store, r *recovery.Run, rf *recoverFlags) error {
	return walkWith(e, a, store, r, rf, bufio.NewReader(e.In))
}

// walkWith takes the person through the run's steps until it is complete,
// they stop, or a step waits on someone.
func walkWith(e *Env, a *app.App, store *recovery.Store, r *recovery.Run, rf *recoverFlags, in *bufio.Reader) error {
	stopped := func() error {
		fmt.Fprintf(e.Out, "\nProgress saved. Carry on later: sparekey recover --resume %s\n", r.ID)
		return nil
	}
	if r.State != recovery.Open {
		return fmt.Errorf("recovery run %s is %s; start a new one with 'sparekey recover'", r.ID, r.State)
	}
	for {
		g, err := r.Guide()
		if err != nil {
			return err
		}
		cur := r.Current()
		if cur == nil {
			return finishWalk(e, store, r, g)
		}
		st, _ := g.Step(cur.ID)
		idx := 0
		for i := range g.Steps {
			if g.Steps[i].ID == st.ID {
				idx = i
			}
		}
		fmt.Fprintf(e.Out, "\n%s  (step %d of %d, %s)\n", g.Title, idx+1, len(g.Steps), cur.Status)
		if cur.Status == recovery.Doing {
			fmt.Fprintln(e.Out, "! Sparekey stopped in the middle of this step last time: check whether it happened before doing it again.")
		}
		if cur.Status == recovery.Failed && cur.Reason != "" {
			fmt.Fprintf(e.Out, "! Last time it failed: %s\n", vault.EscapeText(cur.Reason))
		}
		printStep(e, idx+1, st, r.Binding.With(rf.bind))
		type option struct {
			label string
			run   func() (bool, error) // true: stop walking
		}
		var opts []option
		now := a.Now
		save := func() error { return store.Save(r) }
		if st.Kind == guide.KindSparekey {
			t := app.RecoveryTarget{Binding: r.Binding.With(rf.bind)}
			opts = append(opts, option{"Do it: " + app.RecoveryPlan(st, t), func() (bool, error) {
				if err := gatherInputs(e, in, st, r, rf); err != nil {
					return true, err
				}
				out, err := doStep(e, a, store, r, st, rf)
				if err != nil {
					fmt.Fprintf(e.Out, "It did not work: %s\n", app.ExplainAWS(err))
					if st.Where != "" {
						fmt.Fprintf(e.Out, "You can retry, or do it by hand: %s\n", st.Where)
					}
					return false, nil
				}
				printOutcome(e, out)
				return false, nil
			}})
		} else {
			opts = append(opts, option{"Done", func() (bool, error) { return false, firstErr(r.Mark(st.ID, recovery.Done, "", now()), save()) }})
		}
		if st.Kind == guide.KindMessage {
			opts = append(opts, option{"Save the message to a file", func() (bool, error) {
				file, err := readLine(e, in, "File name: ")
				if err != nil || file == "" {
					return err != nil, nil
				}
				if err := saveRunMessage(e, r, st.ID, file); err != nil {
					fmt.Fprintf(e.Out, "Not saved: %v\n", err)
				}
				return false, nil
			}})
		}
		if len(st.IfCant) > 0 {
			opts = append(opts, option{"What if I can't…", func() (bool, error) {
				labels := []string{}
				for _, b := range st.IfCant {
					labels = append(labels, b.Problem)
				}
				labels = append(labels, "Back")
				n, err := choose(e, in, "What is in the way?", labels)
				if err != nil || n == len(st.IfCant) {
					return err != nil, nil
				}
				b := st.IfCant[n]
				fmt.Fprintln(e.Out, b.Then)
				if b.Goto == "" {
					return false, nil
				}
				other, _ := guide.Lookup(b.Goto)
				m, err := choose(e, in, "Switch to \""+other.Title+"\"?", []string{"Yes, follow that path", "No, stay here"})
				if err != nil || m == 1 {
					return err != nil, nil
				}
				return false, firstErr(r.Follow(b.Goto, b.Problem, now()), save())
			}})
		}
		if st.Wait != "" {
			opts = append(opts, option{"I'm waiting for " + st.Wait, func() (bool, error) {
				if err := firstErr(r.Mark(st.ID, recovery.Waiting, st.Wait, now()), save()); err != nil {
					return true, err
				}
				fmt.Fprintf(e.Out, "Noted: waiting for %s.\n", st.Wait)
				return true, nil
			}})
		}
		opts = append(opts,
			option{"Skip this step", func() (bool, error) {
				why, err := readLine(e, in, "Why (optional): ")
				if err != nil {
					return true, nil
				}
				return false, firstErr(r.Mark(st.ID, recovery.Skipped, why, now()), save())
			}},
			option{"Add a note", func() (bool, error) {
				text, err := readLine(e, in, "Note (no passwords or codes): ")
				if err != nil || text == "" {
					return err != nil, nil
				}
				r.AddNote(text, now())
				return false, save()
			}},
			option{"Stop here (progress is saved)", func() (bool, error) { return true, nil }},
			option{"Abandon this recovery", func() (bool, error) {
				return true, store.Close(r, recovery.Abandoned, "abandoned by the person")
			}},
		)
		labels := make([]string, len(opts))
		for i, o := range opts {
			labels[i] = o.label
		}
		n, err := choose(e, in, "", labels)
		if err != nil {
			return stopped()
		}
		stop, err := opts[n].run()
		if err != nil {
			return err
		}
		if stop {
			if r.State == recovery.Open {
				return stopped()
			}
			fmt.Fprintf(e.Out, "Recovery run %s is %s.\n", r.ID, r.State)
			return nil
		}
	}
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// gatherInputs asks for what a Sparekey step needs and the run lacks.
func gatherInputs(e *Env, in *bufio.Reader, st guide.Step, r *recovery.Run, rf *recoverFlags) error {
	b := r.Binding.With(rf.bind)
	need := func(dst *string, have, prompt string) error {
		if have != "" {
			return nil
		}
		v, err := readLine(e, in, prompt)
		if err != nil {
			return err
		}
		*dst = v
		return nil
	}
	var err error
	switch st.Action {
	case guide.ActionResyncTyped:
		err = firstErr(need(&rf.bind.Serial, b.Serial, "Device serial number: "),
			need(&rf.code1, rf.code1, "First code shown by the device: "),
			need(&rf.code2, rf.code2, "Wait for the next code, then type it: "))
	case guide.ActionDeactivate, guide.ActionReplace:
		err = need(&rf.bind.Serial, b.Serial, "Serial number of the device: ")
	case guide.ActionRestore:
		err = need(&rf.bind.BackupFile, b.BackupFile, "Backup file: ")
	case guide.ActionAddSeed:
		err = need(&rf.setupURI, rf.setupURI, "Paste the setup key link (otpauth://…): ")
	case guide.ActionShowTwoCodes, guide.ActionResync:
		err = need(&rf.bind.AccountName, b.AccountName, "Name of the account in Sparekey: ")
	case guide.ActionOrgRootMFA:
		err = need(&rf.bind.AccountID, b.AccountID, "The member account's 12-digit ID: ")
	}
	return err
}

// finishWalk prints the summary and closes the run as finished.
func finishWalk(e *Env, store *recovery.Store, r *recovery.Run, g guide.Guide) error {
	c := r.Counts()
	fmt.Fprintf(e.Out, "\nAll steps of %q are through: %d done, %d skipped.\n", g.Title, c[recovery.Done], c[recovery.Skipped])
	for _, s := range r.Steps {
		if s.Status == recovery.Done && s.Reason != "" {
			fmt.Fprintf(e.Out, "  %s: %s\n", s.ID, s.Reason)
		}
		if s.Status == recovery.Skipped {
			fmt.Fprintf(e.Out, "  %s was skipped%s\n", s.ID, map[bool]string{true: ": " + s.Reason}[s.Reason != ""])
		}
	}
	if _, ok := g.Step("second-device"); !ok {
		fmt.Fprintln(e.Out, "Next: register a second MFA device, so a future loss is a chore, not a recovery.")
	}
	fmt.Fprintf(e.Out, "Rehearse it: sparekey drill list\n")
	if err := store.Close(r, recovery.Finished, ""); err != nil {
		return err
	}
	fmt.Fprintf(e.Out, "Recovery run %s is finished.\n", r.ID)
	return nil
}

// saveRunMessage writes a message step of the run to file, filled from
// what the run knows.
func saveRunMessage(e *Env, r *recovery.Run, stepID, file string) error {
	st, m, err := r.Message(stepID)
	if errors.Is(err, recovery.ErrNoMessage) || errors.Is(err, recovery.ErrNotAMessage) || errors.Is(err, recovery.ErrNoSuchStep) {
		return usagef("%v", err)
	}
	if err != nil {
		return err
	}
	if err := recovery.SaveMessage(file, m); err != nil {
		return err
	}
	fmt.Fprintf(e.Err, "Saved %q for %s to %s.\n", st.Title, m.To, file)
	return nil
}

func newRecoverMessage(e *Env) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "message RUN-ID [STEP]",
		Short: "Print a run's ready-to-send message, or save it to a file",
		Long: `Print the text for your administrator or AWS Support that the run's path
prepares (STEP names one; without it, the first), filled with the account ID,
user name and device serial the run knows. With --out it is saved to a new
file (0600) instead; an existing file is never replaced.`,
		Example: `  sparekey recover message 20261128-080000-abcdef
  sparekey recover message 20261128-080000-abcdef support-message --out to-support.txt`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, _, r, err := e.loadRun(args[0])
			if err != nil {
				return explainRunErr(err)
			}
			step := ""
			if len(args) == 2 {
				step = args[1]
			}
			if out != "" {
				return saveRunMessage(e, r, step, out)
			}
			_, m, err := r.Message(step)
			if err != nil {
				return usagef("%v", err)
			}
			if e.JSON {
				return e.printJSON(m)
			}
			_, err = io.WriteString(e.Out, recovery.MessageText(m))
			return err
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "save the message to this new file instead of printing it")
	return cmd
}
