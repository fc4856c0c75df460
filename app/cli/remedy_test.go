package cli

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
	"github.com/sparekey/sparekey/vault/transfer"
)

// TestRemedyCommands checks that the command line, and only the command
// line, turns an error's remedy into a command: the explanation above it
// names none.
func TestRemedyCommands(t *testing.T) {
	c := newCoreEnv(t)
	c.ok(nil, "init")
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"a web link pasted as a key link", "https://example.com/login\n", []string{"add", "-"}, "sparekey add --issuer ISSUER --name NAME --secret-stdin"},
		{"a Google export", "otpauth-migration://offline?data=AAAA\n", []string{"add", "-"}, "sparekey import FILE"},
		{"an unknown account", "", []string{"code", "nobody-has-this"}, "sparekey list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := c.run(strings.NewReader(tt.stdin), tt.args...)
			if code != 1 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			explanation, remedy, _ := strings.Cut(errOut, "\n")
			if strings.Contains(explanation, "sparekey ") || strings.Contains(explanation, "--") {
				t.Errorf("the explanation names a command: %q", explanation)
			}
			if want := "To fix this, run: " + tt.want + "\n"; remedy != want {
				t.Errorf("remedy line = %q, want %q", remedy, want)
			}
		})
	}
}

func TestEveryRemedyHasACommand(t *testing.T) {
	for r := vault.RemedyNone + 1; r.String() != "unknown"; r++ {
		if remedyHints[r] == nil {
			t.Errorf("remedy %v has no command", r)
		}
	}
}

func TestAccountCommandsSayWhatIsMissing(t *testing.T) {
	c := newCoreEnv(t)
	c.ok(nil, "init")
	for _, cmd := range []string{"code", "show", "edit", "remove"} {
		_, errOut, code := c.run(nil, cmd)
		if code != 2 || strings.Contains(errOut, "arg(s)") || !strings.Contains(errOut, cmd+" needs the account") {
			t.Errorf("%s with no account: exit %d, %q", cmd, code, errOut)
		}
	}
}

// TestWhoAmIPracticeSaysPractice is issue #13 item 6: `aws whoami
// --practice` never said it was talking to the practice account.
func TestWhoAmIPracticeSaysPractice(t *testing.T) {
	c := newCoreEnv(t)
	c.ok(nil, "init")
	out := c.ok(nil, "aws", "whoami", "--practice")
	if !strings.HasPrefix(out, "Practice account") {
		t.Fatalf("whoami --practice:\n%s", out)
	}
}

// TestRemedyHintsFillInWhatTheErrorKnows: a remedy that carries the file or
// the device prints a command for that file or device, quoted for a shell;
// what the error does not know stays a placeholder.
func TestRemedyHintsFillInWhatTheErrorKnows(t *testing.T) {
	serial := "arn:aws:iam::123456789012:mfa/alice"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a device to replace", vault.WithRemedyArgs(errors.New("x"), vault.RemedyReplaceDevice, vault.RemedyArgs{Serial: serial}),
			"run: sparekey aws replace --old " + serial},
		{"no device known", vault.WithRemedy(errors.New("x"), vault.RemedyReplaceDevice), "run: sparekey aws replace --old SERIAL"},
		{"an encrypted export", &transfer.Error{File: "/home/al ice/it's.json", Err: transfer.ErrPasswordRequired},
			`run: sparekey import --password-file PASSWORD-FILE '/home/al ice/it'\''s.json' (or run it in a terminal to be asked)`},
		{"a backup for another key", &backup.FileError{Path: "/b/x.age", Err: backup.ErrNoIdentity},
			"run: sparekey backup restore --identity KEY-FILE /b/x.age"},
		{"a user to enroll", vault.WithRemedyArgs(errors.New("x"), vault.RemedyEnroll, vault.RemedyArgs{User: "bob"}), "run: sparekey aws enroll --user bob"},
		{"an AWS device that will not resync", fmt.Errorf("resync: %w", &awsmfa.Error{Op: "ResyncMFADevice", Kind: awsmfa.ErrInvalidCode, Err: awsmfa.ErrInvalidCode,
			Fix: vault.RemedyReplaceDevice, Args: vault.RemedyArgs{User: "alice", Serial: serial}}), "run: sparekey aws replace --old " + serial},
		{"nothing to do", errors.New("x"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := remedyHint(tt.err); got != tt.want {
				t.Errorf("hint = %q\nwant   %q", got, tt.want)
			}
		})
	}
}

// TestNoCommandLineOutsideTheCLI is issue #13 item 7: the packages under
// the front ends (app, vault, sync) say what happened and name a remedy;
// only this package turns a remedy into a command. It fails on any string
// in them that names a sparekey command or one of its flags.
func TestNoCommandLineOutsideTheCLI(t *testing.T) {
	root := NewRoot(&Env{})
	commands := map[string]bool{}
	flags := map[string]bool{}
	var collect func(c *cobra.Command)
	collect = func(c *cobra.Command) {
		commands[c.Name()] = true
		c.LocalFlags().VisitAll(func(f *pflag.Flag) { flags[f.Name] = true })
		c.PersistentFlags().VisitAll(func(f *pflag.Flag) { flags[f.Name] = true })
		for _, sub := range c.Commands() {
			collect(sub)
		}
	}
	collect(root)
	delete(commands, "sparekey")
	delete(flags, "help")
	commandRe := regexp.MustCompile(`\bsparekey ([a-z-]+)`) // "Sparekey backup" is the product's name
	flagRe := regexp.MustCompile(`(?:^|[\s(` + "`" + `'"])--([a-z][a-z0-9-]*)`)

	// Not scanned: app/cli (the command line itself), app/drill (it drives
	// and checks the command line), app/guide (its steps keep commands
	// as data, in Step.Command, for the command line to print) and
	// sync/practice (a server started and addressed only from the command
	// line, `sparekey practice serve`).
	skip := map[string]bool{"app/cli": true, "app/drill": true, "app/guide": true, "sync/practice": true}
	// Commands that are data for another program, not text for a person.
	allowed := map[string]bool{
		"sync/awsprofile/setup.go| aws credentials --profile ": true, // the credential_process line the AWS tools run
	}
	fset := token.NewFileSet()
	for _, top := range []string{"app", "vault", "sync"} {
		err := filepath.WalkDir(filepath.Join("..", "..", top), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(filepath.Join("..", ".."), path)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if skip[rel] || d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.Field:
					if n.Tag != nil {
						n.Tag = nil // struct tags are not text
					}
				case *ast.BasicLit:
					if n.Kind != token.STRING {
						return true
					}
					s, err := strconv.Unquote(n.Value)
					if err != nil || !strings.Contains(strings.TrimSpace(s), " ") || allowed[rel+"|"+s] {
						return true // one word is an argument for a program, not a sentence
					}
					for _, m := range commandRe.FindAllStringSubmatch(s, -1) {
						if commands[strings.ToLower(m[1])] {
							t.Errorf("%s: names the command %q: %q", fset.Position(n.Pos()), "sparekey "+m[1], s)
						}
					}
					for _, m := range flagRe.FindAllStringSubmatch(s, -1) {
						if flags[m[1]] {
							t.Errorf("%s: names the flag --%s: %q", fset.Position(n.Pos()), m[1], s)
						}
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
