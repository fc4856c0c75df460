package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"filippo.io/age"
	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

func init() {
	register(newKeyCommand)
	register(newLockCommand)
	register(newUnlockCommand)
}

func newKeyCommand(e *Env) *cobra.Command {
	key := &cobra.Command{
		Use:   "key",
		Short: "Manage the vault key: where it is kept, export and import",
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Say where the vault key is kept",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.App()
			if err != nil {
				return err
			}
			state, mode := a.State()
			if state == app.StateMissing {
				return vault.ErrVaultNotFound
			}
			if e.JSON {
				return e.printJSON(map[string]string{"vault": a.Paths().Vault, "mode": mode.String()})
			}
			fmt.Fprintf(e.Out, "%s: key kept %s.\n", a.Paths().Vault, modeWords(mode))
			return nil
		},
	}
	var out string
	var force bool
	export := &cobra.Command{
		Use:   "export",
		Short: "Write the vault's age identity, so the vault opens with the age CLI alone",
		Long: `Write the vault's private age identity (AGE-SECRET-KEY-1…). With it,
"age -d -i identity.txt vault.age" decrypts the vault without Sparekey.
Anyone holding it can read every secret: keep it offline.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, err := e.OpenVault()
			if err != nil {
				return err
			}
			text := fmt.Sprintf("# Sparekey vault key for %s\n# public key: %s\n%s\n", v.Path(), v.Recipient(), v.Identity())
			if out == "" || out == "-" {
				fmt.Fprint(e.Out, text)
				return nil
			}
			if _, err := os.Lstat(out); err == nil && !force {
				return usagef("%s already exists; choose another file or add --force to replace it", out)
			}
			if err := vault.WriteFileAtomic(out, []byte(text)); err != nil {
				return err
			}
			fmt.Fprintf(e.Err, "Wrote the vault key to %s (mode 0600). Anyone holding it can read your secrets.\n", out)
			return nil
		},
	}
	export.Flags().StringVarP(&out, "out", "o", "", "file to write (default: standard output)")
	export.Flags().BoolVar(&force, "force", false, "replace an existing file")
	importCmd := &cobra.Command{
		Use:   "import IDENTITY-FILE",
		Short: "Put an exported vault key into the system keyring (a vault moved from another computer)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.App()
			if err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			ids, err := age.ParseIdentities(f)
			if err != nil {
				return fmt.Errorf("%s holds no age identity: %w", args[0], err)
			}
			id, ok := ids[0].(*age.X25519Identity)
			if !ok {
				return errors.New("the identity is not an X25519 age key")
			}
			v, err := vault.OpenWithIdentity(a.Paths().Vault, id)
			if err != nil {
				return err
			}
			if err := v.SetMode(vault.ModeKeyring, a.VaultOptions(nil)); err != nil {
				return err
			}
			fmt.Fprintf(e.Out, "The key of %s is now in the system keyring.\n", v.Path())
			return nil
		},
	}
	var newPassFile string
	passphrase := &cobra.Command{
		Use:   "passphrase",
		Short: "Protect the vault key with a (new) passphrase instead of the keyring",
		Long: `Protect the vault key with a passphrase instead of the keyring, or change the
passphrase. In a script, give the current passphrase with --passphrase-file
(or --passphrase-command) and the new one with --new-passphrase-file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.App()
			if err != nil {
				return err
			}
			newPass := e.newPassphrase()
			if newPassFile != "" {
				newPass = func() ([]byte, error) { return readPassphraseFile(newPassFile) }
			} else if _, mode := a.State(); mode == vault.ModePassphrase && e.scriptedPassphrase() {
				// Otherwise the "new" passphrase would be read from the same
				// file or command as the current one, and nothing would change.
				return usagef("the current passphrase comes from a file or command; give the new one with --new-passphrase-file")
			}
			v, err := e.OpenVault()
			if err != nil {
				return err
			}
			if err := v.SetMode(vault.ModePassphrase, e.app.VaultOptions(newPass)); err != nil {
				return err
			}
			fmt.Fprintln(e.Out, "The vault key is now protected by your passphrase.")
			return nil
		},
	}
	passphrase.Flags().StringVar(&newPassFile, "new-passphrase-file", "", "read the new passphrase from this file")
	keyring := &cobra.Command{
		Use:   "keyring",
		Short: "Move the vault key into the system keyring",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, err := e.OpenVault()
			if err != nil {
				return err
			}
			if err := v.SetMode(vault.ModeKeyring, e.app.VaultOptions(nil)); err != nil {
				return err
			}
			fmt.Fprintln(e.Out, "The vault key is now kept in the system keyring.")
			return nil
		},
	}
	key.AddCommand(status, export, importCmd, passphrase, keyring)
	return key
}

func newLockCommand(e *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "lock",
		Short: "Lock the running Sparekey window",
		Long: `Lock the running desktop app (for a screen-lock hook or a hotkey). The
command line itself never keeps the vault unlocked between commands.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.App()
			if err != nil {
				return err
			}
			if err := a.SendInstance(app.InstanceLock); err != nil {
				if errors.Is(err, app.ErrNotRunning) {
					fmt.Fprintln(e.Out, "No Sparekey window is running; nothing is unlocked.")
					return nil
				}
				return err
			}
			fmt.Fprintln(e.Out, "Locked.")
			return nil
		},
	}
}

func newUnlockCommand(e *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "unlock",
		Short: "Check that the vault opens, and bring the running window forward",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, err := e.OpenVault()
			if err != nil {
				return err
			}
			msg := fmt.Sprintf("The vault opens (%d accounts, key kept %s).", v.Len(), modeWords(v.Mode()))
			if e.app.SendInstance(app.InstanceShow) == nil {
				msg += " The Sparekey window was brought forward; unlock it there."
			}
			fmt.Fprintln(e.Out, strings.TrimSpace(msg))
			return nil
		},
	}
}
