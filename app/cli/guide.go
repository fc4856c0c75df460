package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app/guide"
)

func init() { register(newGuideCommand) }

// actionCommands says which command carries out a guide step.
var actionCommands = map[guide.Action]string{
	guide.ActionResync:       "sparekey aws resync NAME",
	guide.ActionShowTwoCodes: "sparekey code NAME --next",
	guide.ActionEnroll:       "sparekey aws enroll",
	guide.ActionReplace:      "sparekey aws replace",
	guide.ActionOrphans:      "sparekey aws orphans --delete",
	guide.ActionDeactivate:   "sparekey aws devices --all",
	guide.ActionAudit:        "sparekey aws audit",
	guide.ActionBackup:       "sparekey backup create",
	guide.ActionSession:      "sparekey aws session",
}

func newGuideCommand(e *Env) *cobra.Command {
	var situation, who, device string
	var other, noContact bool
	cmd := &cobra.Command{
		Use:   "guide",
		Short: "Step-by-step recovery for a lost, broken, stolen or out-of-sync MFA device",
		Long: `Print the recovery path for your situation. Without flags, list the questions
and their answers.`,
		Example: `  sparekey guide --situation lost --who root --device phone
  sparekey guide --situation out-of-sync --who iam-user --device sparekey
  sparekey guide --situation planning --who root`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if situation == "" {
				if e.JSON {
					return e.printJSON(guide.Questions())
				}
				for _, q := range guide.Questions() {
					fmt.Fprintf(e.Out, "%s (--%s)\n", q.Text, strings.ReplaceAll(q.Key, "_", "-"))
					for _, a := range q.Answers {
						fmt.Fprintf(e.Out, "  %-12s %s\n", a.Value, a.Label)
					}
				}
				fmt.Fprintln(e.Out, "\nThen: sparekey guide --situation S --who W --device D [--other-device] [--no-email-or-phone]")
				return nil
			}
			g, err := guide.For(guide.Situation(situation), guide.Who(who), guide.Device(device),
				guide.Facts{OtherDevice: other, NoEmailOrPhone: noContact})
			if err != nil {
				return usagef("%v", err)
			}
			if e.JSON {
				return e.printJSON(g)
			}
			printGuide(e, g)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&situation, "situation", "", "out-of-sync, lost, broken, stolen, app-wiped or planning")
	f.StringVar(&who, "who", "iam-user", "root, iam-user or admin")
	f.StringVar(&device, "device", "phone", "sparekey, phone, hardware or fido")
	f.BoolVar(&other, "other-device", false, "another registered MFA device still works")
	f.BoolVar(&noContact, "no-email-or-phone", false, "root: the account's email or phone cannot be reached")
	return cmd
}

func printGuide(e *Env, g guide.Guide) {
	fmt.Fprintf(e.Out, "%s\n%s\n\n%s\n", g.Title, strings.Repeat("=", len([]rune(g.Title))), g.Summary)
	for _, w := range g.Warnings {
		fmt.Fprintf(e.Out, "\n! %s\n", w)
	}
	fmt.Fprintln(e.Out)
	for i, st := range g.Steps {
		fmt.Fprintf(e.Out, "%d. %s\n", i+1, st.Title)
		if st.Where != "" {
			fmt.Fprintf(e.Out, "   Where: %s\n", st.Where)
		}
		if st.Detail != "" {
			fmt.Fprintf(e.Out, "   %s\n", st.Detail)
		}
		if c, ok := actionCommands[st.Action]; ok {
			fmt.Fprintf(e.Out, "   Sparekey: %s\n", c)
		}
	}
	if len(g.IfStuck) > 0 {
		fmt.Fprintln(e.Out, "\nIf it does not work:")
		for _, s := range g.IfStuck {
			fmt.Fprintf(e.Out, "- %s\n", s)
		}
	}
	if g.Drill != "" {
		fmt.Fprintf(e.Out, "\nRehearse it: %s\n", g.Drill)
	}
}
