// Package cli is Sparekey's command line: the same binary as the desktop
// app, chosen when arguments are given. It is built on cobra and talks only
// to package app (and the vault types app hands out).
//
// Each feature registers its commands from its own file with register, so
// the root knows nothing about backups, imports or AWS. Nothing here touches
// a GUI toolkit: `sparekey code X` must start as fast as a tiny C tool.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// Env is what every command gets: its streams, the global flags and lazy
// access to the app and the vault.
type Env struct {
	In       io.Reader
	Out, Err io.Writer
	// JSON asks for machine-readable output (--json).
	JSON bool

	vaultPath      string
	passFile       string
	passCommand    string
	noKeyring      bool
	ctx            context.Context
	app            *app.App
	appOpts        *app.Options // tests inject a keyring and a clock here
	passphraseHook func() ([]byte, error)
	warnedDamaged  bool
	// conflictHintShown: the conflict-copy hint was said, or is not wanted.
	conflictHintShown bool
}

// Context is cancelled on Ctrl-C.
func (e *Env) Context() context.Context {
	if e.ctx == nil {
		return context.Background()
	}
	return e.ctx
}

// App returns the app (settings loaded, vault not opened).
func (e *Env) App() (*app.App, error) {
	if e.app != nil {
		return e.app, nil
	}
	var opts app.Options
	if e.appOpts != nil {
		opts = *e.appOpts
	}
	if opts.Paths.Vault == "" {
		p, err := app.DefaultPaths()
		if err != nil {
			return nil, err
		}
		opts.Paths = p
	}
	if e.vaultPath != "" {
		opts.Paths.Vault = e.vaultPath
	}
	if e.noKeyring {
		opts.Keyring = vault.UnavailableKeyring{Reason: errors.New("disabled with --no-keyring")}
	}
	e.app = app.New(opts)
	return e.app, nil
}

// OpenVault unlocks the selected vault, reading the passphrase as configured.
func (e *Env) OpenVault() (*vault.Vault, error) {
	a, err := e.App()
	if err != nil {
		return nil, err
	}
	if err := a.Unlock(e.Context(), e.Passphrase("Passphrase for "+a.Paths().Vault)); err != nil {
		return nil, err
	}
	v, err := a.Vault()
	if err == nil && !e.warnedDamaged {
		if damaged := v.Damaged(); len(damaged) > 0 {
			// Said on every command, so it is not missed, but codes still work.
			e.warnedDamaged = true
			fmt.Fprintln(e.Err, "Warning: "+app.Explain(&vault.ReadOnlyError{Damaged: damaged}))
		}
	}
	if err == nil {
		e.hintConflictCopies(v)
	}
	return v, err
}

// Passphrase returns a callback that reads a passphrase from, in order:
// --passphrase-file, --passphrase-command, SPAREKEY_PASSPHRASE_FILE,
// SPAREKEY_PASSPHRASE_COMMAND, or the terminal without echo.
func (e *Env) Passphrase(prompt string) func() ([]byte, error) {
	if e.passphraseHook != nil {
		return e.passphraseHook
	}
	return func() ([]byte, error) {
		file, command := e.passFile, e.passCommand
		if file == "" && command == "" {
			file, command = os.Getenv("SPAREKEY_PASSPHRASE_FILE"), os.Getenv("SPAREKEY_PASSPHRASE_COMMAND")
		}
		switch {
		case file != "":
			return readPassphraseFile(file)
		case command != "":
			return runPassphraseCommand(e.Context(), command)
		}
		return readPassphraseTerminal(prompt, e.Err)
	}
}

var builders []func(*Env) *cobra.Command

// register adds a top-level command; feature files call it from init.
func register(build func(*Env) *cobra.Command) { builders = append(builders, build) }

// NewRoot builds the command tree for env.
func NewRoot(e *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "sparekey",
		Short: "Sparekey: one-time codes, safe seeds and AWS MFA chores",
		Long: `Sparekey keeps your one-time-password accounts in an encrypted vault and
shows their codes. Run it without arguments to open the desktop app.`,
		Version:       app.Version + " (commit " + app.BuildCommit() + ")",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(e.In)
	root.SetOut(e.Out)
	root.SetErr(e.Err)
	pf := root.PersistentFlags()
	pf.StringVar(&e.vaultPath, "vault", "", "vault file to use (default: $SPAREKEY_VAULT or the standard location)")
	pf.BoolVar(&e.JSON, "json", false, "print machine-readable JSON")
	pf.StringVar(&e.passFile, "passphrase-file", "", "read the vault passphrase from this file (passphrase mode)")
	pf.StringVar(&e.passCommand, "passphrase-command", "", "run this command and use its output as the vault passphrase")
	pf.BoolVar(&e.noKeyring, "no-keyring", false, "do not use the system keyring")
	root.SetVersionTemplate("sparekey {{.Version}}\n")
	for _, build := range builders {
		root.AddCommand(build(e))
	}
	return root
}

// Main runs the command line and returns the process exit code: 0 success,
// 1 failure, 2 usage error.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &Env{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, ctx: ctx}
	return Run(e, args)
}

// Run executes args against env; tests call it with their own streams.
func Run(e *Env, args []string) int {
	root := NewRoot(e)
	root.SetArgs(args)
	err := root.ExecuteContext(e.Context())
	if e.app != nil {
		// A change made by this command is backed up before the process ends.
		if ferr := e.app.FlushAutoBackup(); ferr != nil {
			fmt.Fprintf(e.Err, "sparekey: warning: the automatic backup failed: %s\n", app.Explain(ferr))
		}
	}
	if err == nil {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintf(e.Err, "sparekey: %s\nRun 'sparekey --help' for usage.\n", vault.EscapeText(err.Error()))
		return 2
	}
	// Errors may quote names and typed values; whatever slipped through
	// unescaped upstream is escaped here, the last step before a terminal.
	fmt.Fprintf(e.Err, "sparekey: %s\n", vault.EscapeText(app.Explain(err)))
	printRemedy(e.Err, err)
	return 1
}

type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// isCobraUsage recognises cobra's and pflag's own argument errors, which
// all begin with one of these phrases; an error that merely contains them
// (EINVAL's "invalid argument") is not a usage error.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "requires exactly", "flag needs an argument", "invalid argument \"", "if any flags in the group"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// printJSON writes v as indented JSON followed by a newline.
func (e *Env) printJSON(v any) error {
	enc := json.NewEncoder(e.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
