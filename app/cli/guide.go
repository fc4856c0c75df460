package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/vault"
)

func init() { register(newGuideCommand) }

// answerFlags are the decision tree's answers as flags, shared by `guide`
// and `recover`: each question's Flag, yes/no ones as plain booleans.
type answerFlags struct {
	values map[string]*string
	bools  map[string]*bool
	// legacy --no-email-or-phone, kept for scripts written against it.
	noEmailOrPhone bool
}

func addAnswerFlags(cmd *cobra.Command) *answerFlags {
	af := &answerFlags{values: map[string]*string{}, bools: map[string]*bool{}}
	f := cmd.Flags()
	for _, q := range guide.Questions() {
		name := strings.TrimPrefix(q.Flag, "--")
		vals := make([]string, len(q.Answers))
		for i, a := range q.Answers {
			vals[i] = a.Value
		}
		if q.Bool {
			af.bools[q.Key] = f.Bool(name, false, q.Text)
			continue
		}
		af.values[q.Key] = f.String(name, "", q.Text+" ("+strings.Join(vals, ", ")+")")
	}
	f.BoolVar(&af.noEmailOrPhone, "no-email-or-phone", false, "same as --email-phone no-email")
	_ = f.MarkHidden("no-email-or-phone")
	return af
}

// answers returns the flags given; a boolean flag left out is not an
// answer (the tree counts it as "no").
func (af *answerFlags) answers(*cobra.Command) guide.Answers {
	a := guide.Answers{}
	for k, v := range af.values {
		if *v != "" {
			a[k] = *v
		}
	}
	for k, v := range af.bools {
		if *v {
			a[k] = "yes"
		}
	}
	if af.noEmailOrPhone {
		a["email_phone"] = "no-email"
	}
	return a
}

func (af *answerFlags) any(cmd *cobra.Command) bool { return len(af.answers(cmd)) > 0 }

// printQuestions lists the questions with the flag that answers each.
func printQuestions(e *Env) {
	for _, q := range guide.Questions() {
		if q.Bool {
			fmt.Fprintf(e.Out, "%s\n  %-18s yes (leave it out for no)\n", q.Text, q.Flag)
			continue
		}
		fmt.Fprintf(e.Out, "%s (%s)\n", q.Text, q.Flag)
		for _, a := range q.Answers {
			fmt.Fprintf(e.Out, "  %-18s %s\n", a.Value, a.Label)
		}
	}
}

func newGuideCommand(e *Env) *cobra.Command {
	var af *answerFlags
	cmd := &cobra.Command{
		Use:   "guide",
		Short: "Print the recovery path for a lost, broken, stolen or out-of-sync MFA device",
		Long: `Print the recovery path for your situation. Without flags, list the questions
and the flags that answer them. 'sparekey recover' walks the same path with
you, step by step, and keeps your progress.`,
		Example: `  sparekey guide --situation lost --who root --device phone --email-phone both
  sparekey guide --situation out-of-sync --who iam-user --device sparekey
  sparekey guide --situation lost --who iam-user --device phone --kept-seed
  sparekey guide --situation planning --who root`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !af.any(cmd) {
				if e.JSON {
					return e.printJSON(guide.Questions())
				}
				printQuestions(e)
				fmt.Fprintln(e.Out, "\nThen: sparekey guide --situation S --who W --device D [more answers], or 'sparekey recover' to be asked.")
				return nil
			}
			g, err := guide.Resolve(af.answers(cmd))
			if err != nil {
				return usagef("%v", err)
			}
			if e.JSON {
				return e.printJSON(g)
			}
			printGuide(e, g, guide.Binding{})
			return nil
		},
	}
	af = addAnswerFlags(cmd)
	return cmd
}

func stepKindLabel(k guide.StepKind) string {
	switch k {
	case guide.KindSparekey:
		return "Sparekey does it"
	case guide.KindMessage:
		return "A message to send"
	}
	return "You do it"
}

// printStep prints one step, filled from b. What b holds came from the
// vault or a run file, so it is escaped before it reaches the terminal.
func printStep(e *Env, n int, st guide.Step, b guide.Binding) {
	fill := func(s string) string { return vault.EscapeText(b.Fill(s)) }
	fmt.Fprintf(e.Out, "%d. %s  [%s]\n", n, st.Title, stepKindLabel(st.Kind))
	if st.Where != "" {
		fmt.Fprintf(e.Out, "   Where: %s\n", st.Where)
	}
	if st.Detail != "" {
		fmt.Fprintf(e.Out, "   %s\n", st.Detail)
	}
	if st.Command != "" {
		fmt.Fprintf(e.Out, "   Command: %s\n", fill(st.Command))
	}
	if st.Message != nil {
		fmt.Fprintf(e.Out, "   To: %s\n   Subject: %s\n", fill(st.Message.To), fill(st.Message.Subject))
		for _, line := range strings.Split(b.Fill(st.Message.Body), "\n") {
			line = vault.EscapeText(line)
			fmt.Fprintf(e.Out, "   | %s\n", line)
		}
	}
	if st.Wait != "" {
		fmt.Fprintf(e.Out, "   This may take days: waiting for %s is normal.\n", st.Wait)
	}
	for _, br := range st.IfCant {
		fmt.Fprintf(e.Out, "   What if: %s? %s", br.Problem, br.Then)
		if br.Goto != "" {
			fmt.Fprintf(e.Out, " (sparekey recover --path %s)", br.Goto)
		}
		fmt.Fprintln(e.Out)
	}
}

func printGuide(e *Env, g guide.Guide, b guide.Binding) {
	fmt.Fprintf(e.Out, "%s\n%s\n\n%s\n", g.Title, strings.Repeat("=", len([]rune(g.Title))), g.Summary)
	for _, w := range g.Warnings {
		fmt.Fprintf(e.Out, "\n! %s\n", w)
	}
	fmt.Fprintln(e.Out)
	for i, st := range g.Steps {
		printStep(e, i+1, st, b)
	}
	if len(g.IfStuck) > 0 {
		fmt.Fprintln(e.Out, "\nIf it does not work:")
		for _, s := range g.IfStuck {
			fmt.Fprintf(e.Out, "- %s\n", s)
		}
	}
	if g.Drill != "" {
		fmt.Fprintf(e.Out, "\nRehearse it on the practice account: sparekey drill run %s\n", g.Drill)
	}
	fmt.Fprintf(e.Out, "\nPath %s. Walk it with progress kept: sparekey recover --path %s\n", g.ID, g.ID)
}
