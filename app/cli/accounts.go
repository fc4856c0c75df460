package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/transfer/qr"
)

func init() {
	register(newInitCommand)
	register(newAddCommand)
	register(newListCommand)
	register(newCodeCommand)
	register(newShowCommand)
	register(newEditCommand)
	register(newRemoveCommand)
}

// accountView is an account as scripts see it: everything but the secret.
type accountView struct {
	ID        string            `json:"id"`
	Issuer    string            `json:"issuer"`
	Name      string            `json:"name"`
	Label     string            `json:"label"`
	Kind      vault.Kind        `json:"kind"`
	Algorithm vault.Algorithm   `json:"algorithm"`
	Digits    int               `json:"digits"`
	Period    int               `json:"period,omitempty"`
	Counter   *uint64           `json:"counter,omitempty"`
	Tags      []string          `json:"tags"`
	Note      string            `json:"note,omitempty"`
	Favorite  bool              `json:"favorite"`
	Created   time.Time         `json:"created"`
	Updated   time.Time         `json:"updated"`
	AWS       *vault.AWSBinding `json:"aws,omitempty"`
	Secret    string            `json:"secret,omitempty"` // only with --reveal
}

func viewOf(a *vault.Account) accountView {
	v := accountView{ID: a.ID, Issuer: a.Issuer, Name: a.Name, Label: a.Label(), Kind: a.Kind, Algorithm: a.Algorithm,
		Digits: a.Digits, Period: a.Period, Tags: a.Tags, Note: a.Note, Favorite: a.Favorite,
		Created: a.Created, Updated: a.Updated, AWS: a.AWS}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	if a.Kind == vault.KindHOTP {
		c := a.Counter
		v.Counter = &c
		v.Period = 0
	}
	return v
}

func newInitCommand(e *Env) *cobra.Command {
	var usePassphrase bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a new, empty vault",
		Long: `Create a new vault. Its key goes into the system keyring; with --passphrase
(or when no keyring can be used) the key is protected by a passphrase instead.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := e.App()
			if err != nil {
				return err
			}
			if err := e.createVault(a, usePassphrase); err != nil {
				return err
			}
			_, mode := a.State()
			fmt.Fprintf(e.Out, "Created %s (key kept %s).\n", a.Paths().Vault, modeWords(mode))
			return nil
		},
	}
	cmd.Flags().BoolVar(&usePassphrase, "passphrase", false, "protect the vault with a passphrase instead of the keyring")
	return cmd
}

func modeWords(m vault.Mode) string {
	if m == vault.ModePassphrase {
		return "behind your passphrase"
	}
	return "in the system keyring"
}

// createVault tries the keyring first (unless a passphrase was asked for)
// and falls back to a passphrase, saying why.
func (e *Env) createVault(a *app.App, usePassphrase bool) error {
	if !usePassphrase {
		err := a.CreateVault(e.Context(), nil)
		if err == nil || !errors.Is(err, vault.ErrKeyringUnavailable) {
			return err
		}
		fmt.Fprintf(e.Err, "%s\nUsing a passphrase instead.\n", app.Explain(err))
	}
	return a.CreateVault(e.Context(), e.newPassphrase())
}

// openOrCreateVault opens the vault, creating it first when there is none,
// so that `sparekey add` works on a fresh machine.
func (e *Env) openOrCreateVault() (*vault.Vault, error) {
	a, err := e.App()
	if err != nil {
		return nil, err
	}
	if state, _ := a.State(); state == app.StateMissing {
		if err := e.createVault(a, false); err != nil {
			return nil, err
		}
		fmt.Fprintf(e.Err, "Created a new vault at %s.\n", a.Paths().Vault)
	}
	return e.OpenVault()
}

// addSecretWarning is printed when a link arrives as an argument: it still
// works (scripts rely on it), but the secret has already leaked.
const addSecretWarning = `sparekey: warning: a link given as an argument shows its secret to every user of this
computer (in the process list, ps) and stays in your shell history. Next time use
'sparekey add -' (paste, then Ctrl-D), 'sparekey add --paste' or 'sparekey add --qr FILE'.`

func newAddCommand(e *Env) *cobra.Command {
	var in vault.Account
	var kind, algorithm, qrFile string
	var secretStdin, paste bool
	cmd := &cobra.Command{
		Use:   "add [- | OTPAUTH-URI]",
		Short: "Add an account from an otpauth link, a QR picture, the clipboard or flags",
		Long: `Add an account from an otpauth:// link, a QR code picture, the clipboard, or
fields with the secret on standard input.

Give the link on standard input ('add -'), from the clipboard (--paste) or as a
QR picture (--qr FILE). A link typed as an argument holds the secret in plain
text: every user of this computer can read arguments in the process list (ps),
and your shell keeps them in its history. An argument still works, for older
scripts, but add warns when it gets one.

Control characters and text-direction marks in a name are removed: they could
rewrite your terminal or disguise one name as another.`,
		Example: `  sparekey add -                   # paste the otpauth:// link, then Ctrl-D
  sparekey add --paste             # the link (or QR picture) on the clipboard
  sparekey add --qr enrollment.png
  sparekey add --issuer Example --name alice --secret-stdin < secret.txt`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sources := 0
			for _, given := range []bool{len(args) > 0, qrFile != "", secretStdin, paste} {
				if given {
					sources++
				}
			}
			if sources > 1 {
				return usagef("give one of a link, -, --qr, --paste or --secret-stdin, not several")
			}
			var candidates []*vault.Account
			switch {
			case paste:
				accts, err := e.accountsFromClipboard()
				if err != nil {
					return err
				}
				candidates = accts
			case qrFile != "":
				texts, err := qr.DecodeFile(qrFile)
				if err != nil {
					return err
				}
				for _, t := range texts {
					acct, err := vault.ParseURI(t)
					if errors.Is(err, vault.ErrMigrationURI) {
						return fmt.Errorf("%s holds a Google Authenticator export; bring it in with 'sparekey import %s'", qrFile, qrFile)
					}
					if err != nil {
						return fmt.Errorf("the QR code in %s: %w", qrFile, err)
					}
					candidates = append(candidates, acct)
				}
			case len(args) == 1:
				uri := args[0]
				if uri == "-" {
					line, err := readStdinValue(e.In)
					if err != nil {
						return err
					}
					uri = line
				} else {
					fmt.Fprintln(e.Err, addSecretWarning)
				}
				acct, err := vault.ParseURI(uri)
				if err != nil {
					return err
				}
				candidates = append(candidates, acct)
			case secretStdin:
				secret, err := readStdinValue(e.In)
				if err != nil {
					return err
				}
				in.Secret = secret
				var perr error
				if in.Kind, perr = vault.ParseKind(kind); perr != nil {
					return perr
				}
				if in.Algorithm, perr = vault.ParseAlgorithm(algorithm); perr != nil {
					return perr
				}
				acct, err := vault.NewAccount(in)
				if err != nil {
					return err
				}
				candidates = append(candidates, acct)
			default:
				return usagef("add needs a link on standard input (add -), --paste, --qr FILE, or --secret-stdin with --issuer/--name; a link as an argument works too, but shows its secret in ps and your shell history (see 'sparekey add --help')")
			}
			v, err := e.openOrCreateVault()
			if err != nil {
				return err
			}
			for _, acct := range candidates {
				if !secretStdin {
					// Flags describe what a URI cannot carry.
					acct.Tags = append(acct.Tags, in.Tags...)
					acct.Note = in.Note
					acct.Favorite = in.Favorite
				}
				if err := v.Add(acct); err != nil {
					return err
				}
				if e.JSON {
					if err := e.printJSON(viewOf(acct)); err != nil {
						return err
					}
					continue
				}
				fmt.Fprintf(e.Out, "Added %s.\n", vault.EscapeLabel(acct.Label()))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&qrFile, "qr", "", "read the account from a QR code image (PNG, JPEG, GIF)")
	f.BoolVar(&paste, "paste", false, "read the otpauth link (or a QR picture) from the clipboard")
	f.BoolVar(&secretStdin, "secret-stdin", false, "read the base32 secret from standard input")
	f.StringVar(&in.Issuer, "issuer", "", "issuer (the service), e.g. GitHub")
	f.StringVar(&in.Name, "name", "", "account name, e.g. alice@example.com")
	f.StringVar(&kind, "type", "totp", "totp, hotp or steam")
	f.StringVar(&algorithm, "algorithm", "SHA1", "SHA1, SHA256 or SHA512")
	f.IntVar(&in.Digits, "digits", 0, "code length, 5 to 10 (default 6; Steam 5)")
	f.IntVar(&in.Period, "period", 0, "seconds each code lasts (default 30)")
	f.Uint64Var(&in.Counter, "counter", 0, "HOTP: counter of the next code")
	f.StringSliceVar(&in.Tags, "tag", nil, "tag (repeat or comma-separate)")
	f.StringVar(&in.Note, "note", "", "a note")
	f.BoolVar(&in.Favorite, "favorite", false, "pin to the top")
	return cmd
}

// maxStdinValue bounds what add reads from standard input: the longest
// link the parser takes. A longer input is the wrong input.
const maxStdinValue = 64 << 10

// readStdinValue reads one link or secret: all of r, never a prefix, since
// a cut secret would be saved and give wrong codes without any warning.
func readStdinValue(r io.Reader) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxStdinValue+1))
	if err != nil {
		return "", fmt.Errorf("cannot read standard input: %w", err)
	}
	if len(data) > maxStdinValue {
		return "", fmt.Errorf("standard input holds more than %d KiB, far more than a link or a secret; nothing was added (is it the right input?)", maxStdinValue>>10)
	}
	text := strings.TrimSpace(string(data))
	if text == "" {
		return "", errors.New("nothing was given on standard input")
	}
	if strings.ContainsAny(text, "\n\r") {
		return "", errors.New("standard input holds several lines; give one link or secret (for a list of links use 'sparekey import -')")
	}
	return text, nil
}

func newListCommand(e *Env) *cobra.Command {
	return &cobra.Command{
		Use:     "list [SEARCH]",
		Aliases: []string{"ls"},
		Short:   "List accounts (optionally only those matching SEARCH)",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := e.OpenVault()
			if err != nil {
				return err
			}
			accts := v.Accounts()
			if len(args) == 1 {
				accts = v.Search(args[0])
			}
			if e.JSON {
				views := make([]accountView, len(accts))
				for i, a := range accts {
					views[i] = viewOf(a)
				}
				return e.printJSON(views)
			}
			if len(accts) == 0 {
				if len(args) == 1 {
					fmt.Fprintf(e.Out, "No account matches %s.\n", vault.QuoteShort(args[0]))
				} else {
					fmt.Fprintln(e.Out, "The vault is empty. Add an account with 'sparekey add' or 'sparekey import'.")
				}
				return nil
			}
			tw := tabwriter.NewWriter(e.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ACCOUNT\tTYPE\tTAGS")
			for _, a := range accts {
				star := ""
				if a.Favorite {
					star = "★ "
				}
				fmt.Fprintf(tw, "%s%s\t%s\t%s\n", star, vault.EscapeLabel(a.Label()), a.Kind, vault.EscapeLabel(strings.Join(a.Tags, ", ")))
			}
			return tw.Flush()
		},
	}
}

func newCodeCommand(e *Env) *cobra.Command {
	var next bool
	cmd := &cobra.Command{
		Use:   "code NAME",
		Short: "Print the current code of an account",
		Long: `Print the current code of the account NAME matches (exact name first, then a
unique part of it). For a counter-based (HOTP) account this uses up a code:
the counter advances and is saved before the code is printed.`,
		Args: needAccount("code"),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, acct, err := e.findAccount(args[0])
			if err != nil {
				return err
			}
			a, _ := e.App()
			code, err := a.CurrentCode(acct.ID)
			if err != nil {
				return err
			}
			if e.JSON {
				out := map[string]any{"account": acct.Label(), "code": code.Code}
				if acct.Kind == vault.KindHOTP {
					out["counter"] = code.Counter
				} else {
					out["seconds_left"] = int(code.Remaining.Round(time.Second) / time.Second)
					if next {
						out["next"] = code.Next
					}
				}
				return e.printJSON(out)
			}
			if next && acct.Kind != vault.KindHOTP {
				fmt.Fprintf(e.Out, "%s\n%s in %ds\n", code.Code, code.Next, int(code.Remaining.Round(time.Second)/time.Second))
				return nil
			}
			fmt.Fprintln(e.Out, code.Code)
			return nil
		},
	}
	cmd.Flags().BoolVar(&next, "next", false, "also print the following code and the seconds until it is valid")
	return cmd
}

func newShowCommand(e *Env) *cobra.Command {
	var reveal, uri bool
	var qrOut string
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show an account's details (the secret only with --reveal)",
		Args:  needAccount("show"),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, acct, err := e.findAccount(args[0])
			if err != nil {
				return err
			}
			if (uri || qrOut != "") && !reveal {
				return usagef("--uri and --qr-out contain the secret; add --reveal to confirm")
			}
			if qrOut != "" {
				if err := writeQRFile(qrOut, acct.URI()); err != nil {
					return err
				}
				fmt.Fprintf(e.Err, "Wrote the enrollment QR code to %s (it contains the secret; delete it when done).\n", qrOut)
			}
			if uri {
				fmt.Fprintln(e.Out, acct.URI())
				return nil
			}
			view := viewOf(acct)
			if reveal {
				view.Secret = acct.Secret
			}
			if e.JSON {
				return e.printJSON(view)
			}
			tw := tabwriter.NewWriter(e.Out, 0, 4, 2, ' ', 0)
			// Older vaults may hold names with control characters: escaped
			// here, never printed raw.
			row := func(k, v string) {
				if v != "" {
					fmt.Fprintf(tw, "%s\t%s\n", k, vault.EscapeLabel(v))
				}
			}
			row("Issuer", acct.Issuer)
			row("Name", acct.Name)
			row("Type", string(acct.Kind))
			row("Algorithm", string(acct.Algorithm))
			row("Digits", fmt.Sprint(acct.Digits))
			if acct.Kind == vault.KindHOTP {
				row("Counter", fmt.Sprint(acct.Counter))
			} else {
				row("Period", fmt.Sprintf("%ds", acct.Period))
			}
			row("Tags", strings.Join(acct.Tags, ", "))
			if acct.Note != "" {
				fmt.Fprintf(tw, "Note\t%s\n", vault.EscapeText(acct.Note))
			}
			if acct.Favorite {
				row("Favourite", "yes")
			}
			if b := acct.AWS; b != nil {
				who := b.UserName
				if b.Root {
					who = "root user"
				}
				row("AWS device", b.SerialNumber)
				row("AWS account", strings.TrimSpace(b.AccountID+" "+who))
			}
			row("Created", acct.Created.Local().Format(time.DateTime))
			row("Updated", acct.Updated.Local().Format(time.DateTime))
			if reveal {
				row("Secret", vault.GroupSecret(acct.Secret))
			} else {
				row("Secret", "hidden (use --reveal)")
			}
			row("ID", acct.ID)
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&reveal, "reveal", false, "include the secret")
	cmd.Flags().BoolVar(&uri, "uri", false, "print the otpauth URI (needs --reveal)")
	cmd.Flags().StringVar(&qrOut, "qr-out", "", "write the enrollment QR code as a PNG (needs --reveal)")
	return cmd
}

func newEditCommand(e *Env) *cobra.Command {
	var issuer, name, note string
	var tags, addTags, removeTags []string
	var favorite bool
	var counter uint64
	cmd := &cobra.Command{
		Use:   "edit NAME",
		Short: "Change an account's issuer, name, tags, note, favourite or HOTP counter",
		Args:  needAccount("edit"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, acct, err := e.findAccount(args[0])
			if err != nil {
				return err
			}
			f := cmd.Flags()
			if f.NFlag() == 0 {
				return usagef("nothing to change: give --issuer, --name, --tag, --add-tag, --remove-tag, --note, --favorite or --counter")
			}
			if f.Changed("issuer") {
				acct.Issuer = vault.CleanLabel(issuer)
			}
			if f.Changed("name") {
				acct.Name = vault.CleanLabel(name)
			}
			if f.Changed("note") {
				acct.Note = vault.CleanNote(note)
			}
			if f.Changed("favorite") {
				acct.Favorite = favorite
			}
			if f.Changed("tag") {
				acct.Tags = tags
			}
			acct.Tags = append(acct.Tags, addTags...)
			for _, r := range removeTags {
				acct.Tags = removeString(acct.Tags, r)
			}
			if f.Changed("counter") {
				if acct.Kind != vault.KindHOTP {
					return usagef("--counter applies only to HOTP accounts")
				}
				acct.Counter = counter
			}
			if err := v.Update(acct); err != nil {
				return err
			}
			if saved, err := v.Get(acct.ID); err == nil {
				acct = saved // as stored: tags de-duplicated, timestamps set
			}
			if e.JSON {
				return e.printJSON(viewOf(acct))
			}
			fmt.Fprintf(e.Out, "Updated %s.\n", vault.EscapeLabel(acct.Label()))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&issuer, "issuer", "", "new issuer")
	f.StringVar(&name, "name", "", "new account name")
	f.StringVar(&note, "note", "", "new note")
	f.StringSliceVar(&tags, "tag", nil, "replace all tags")
	f.StringSliceVar(&addTags, "add-tag", nil, "add a tag")
	f.StringSliceVar(&removeTags, "remove-tag", nil, "remove a tag")
	f.BoolVar(&favorite, "favorite", false, "pin to the top (--favorite=false to unpin)")
	f.Uint64Var(&counter, "counter", 0, "set an HOTP counter (after a desync)")
	return cmd
}

func removeString(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if !strings.EqualFold(x, s) {
			out = append(out, x)
		}
	}
	return out
}

func newRemoveCommand(e *Env) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:     "remove NAME",
		Aliases: []string{"rm"},
		Short:   "Remove an account (asks first unless --yes)",
		Args:    needAccount("remove"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, acct, err := e.findAccount(args[0])
			if err != nil {
				return err
			}
			if acct.AWS != nil && !yes {
				fmt.Fprintf(e.Err, "Warning: %s is the seed of AWS MFA device %s. Without it you may be locked out of that identity.\n", vault.EscapeLabel(acct.Label()), vault.EscapeLabel(acct.AWS.SerialNumber))
			}
			if !yes {
				ok, err := confirm(e, fmt.Sprintf("Remove %s?", vault.EscapeLabel(acct.Label())))
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(e.Out, "Nothing was removed.")
					return nil
				}
			}
			if _, err := v.Remove(acct.ID); err != nil {
				return err
			}
			fmt.Fprintf(e.Out, "Removed %s. The previous vault version (%s) and your backups still hold it.\n", vault.EscapeLabel(acct.Label()), vault.PreviousPath(v.Path()))
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask")
	return cmd
}

// confirm asks a yes/no question on the terminal; without one it refuses,
// so a script never deletes by accident.
func confirm(e *Env, question string) (bool, error) {
	f, ok := e.In.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, usagef("%s needs confirmation: run it in a terminal or add --yes", strings.TrimSuffix(question, "?"))
	}
	fmt.Fprintf(e.Err, "%s [y/N] ", question)
	line, _ := bufio.NewReader(f).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}

// findAccount opens the vault and resolves the name a person typed.
func (e *Env) findAccount(name string) (*vault.Vault, *vault.Account, error) {
	v, err := e.OpenVault()
	if err != nil {
		return nil, nil, err
	}
	acct, err := v.Find(name)
	if err != nil {
		return nil, nil, err
	}
	return v, acct, nil
}
