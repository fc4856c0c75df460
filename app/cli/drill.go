package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app/drill"
)

func init() { register(newDrillCommand) }

// drillFailed makes `drill run` exit 1 after printing its result: a failed
// drill is an answer, not a crash.
type drillFailed struct{ name string }

func (d *drillFailed) Error() string { return "drill " + d.name + " failed" }

func newDrillCommand(e *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "drill",
		Short: "Rehearse a recovery on the practice account: pass or fail",
		Long: `Drills rehearse the recovery paths on a practice account that runs inside
Sparekey, in a throwaway vault of their own: your vault and AWS are never
touched. Each drill sets up its scenario, walks the same steps as the real
recovery (console-only steps are simulated with the console's wording), then
checks the end state. Results are kept for the readiness score.`,
	}
	cmd.AddCommand(newDrillList(e), newDrillRun(e))
	return cmd
}

func newDrillList(e *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the drills",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ds := drill.List()
			if e.JSON {
				return e.printJSON(ds)
			}
			for _, d := range ds {
				fmt.Fprintf(e.Out, "%-28s %s\n%-28s path %s\n", d.Name, d.Title, "", d.Path)
			}
			return nil
		},
	}
}

func newDrillRun(e *Env) *cobra.Command {
	var broken bool
	cmd := &cobra.Command{
		Use:   "run NAME",
		Short: "Run a drill; exit 0 when it passes, 1 when it fails",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := drill.Find(args[0]); err != nil {
				return usagef("%v", err)
			}
			res, err := drill.Run(e.Context(), args[0], broken)
			if err != nil {
				return err
			}
			if a, aerr := e.App(); aerr == nil {
				if rerr := drill.Record(a.Paths().Data, res); rerr != nil {
					fmt.Fprintf(e.Err, "warning: the result was not recorded: %v\n", rerr)
				}
			}
			if e.JSON {
				if err := e.printJSON(res); err != nil {
					return err
				}
			} else {
				for _, line := range res.Log {
					fmt.Fprintln(e.Out, "  "+line)
				}
				verdict := "PASS"
				if !res.Passed {
					verdict = "FAIL"
				}
				fmt.Fprintf(e.Out, "%s %s (%s)\n", verdict, res.Drill, res.Took.Round(time.Millisecond))
				for _, r := range res.Reasons {
					fmt.Fprintf(e.Out, "  because %s\n", r)
				}
			}
			if !res.Passed {
				return &quietExit{&drillFailed{res.Drill}}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&broken, "broken", false, "run the deliberately broken variant (it must fail)")
	return cmd
}

// quietExit exits 1 with a one-line reason on stderr.
type quietExit struct{ err error }

func (q *quietExit) Error() string { return q.err.Error() }
func (q *quietExit) Unwrap() error { return q.err }
