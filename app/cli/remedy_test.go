package cli

import (
	"strings"
	"testing"

	"github.com/sparekey/sparekey/vault"
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
		if remedyCommands[r] == "" {
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
