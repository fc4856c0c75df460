package cli

import "github.com/spf13/cobra"

// needAccount is cobra.ExactArgs(1) for the commands that act on one
// account, in words: cobra's "accepts 1 arg(s), received 0" says nothing
// about what was missing.
func needAccount(command string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return usagef("%s needs the account to use: its name, or part of its issuer or name (sparekey list shows them all)", command)
		case len(args) > 1:
			return usagef("%s takes one account; put a name with spaces in quotes", command)
		}
		return nil
	}
}
