package cli

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app"
)

type readyOut struct {
	AccountID  string                  `json:"account_id"`
	Identities []app.IdentityReadiness `json:"identities"`
	Commands   map[string]string       `json:"commands"`
}

func (te *awsCLIEnv) ready(args ...string) readyOut {
	te.t.Helper()
	var r readyOut
	out := te.ok(append([]string{"ready", "--practice", "--json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		te.t.Fatalf("ready --json: %v\n%s", err, out)
	}
	return r
}

func (r readyOut) identity(name string) (app.IdentityReadiness, string) {
	for _, id := range r.Identities {
		if id.Name() == name {
			return id, r.Commands[id.AccountID+"/"+name]
		}
	}
	return app.IdentityReadiness{}, ""
}

// TestReadyCommandsRun follows the next action of the practice
// administrator by running the very command `sparekey ready` prints, until
// nothing is left: every printed command must run and raise the score.
func TestReadyCommandsRun(t *testing.T) {
	te := newAWSCLIEnv(t)
	te.ok("init")
	seen := map[app.ActionKind]bool{}
	last := -1
	for i := 0; ; i++ {
		te.clock.Advance(60 * time.Second)
		r := te.ready()
		me, command := r.identity("practice-admin")
		if me.Next == nil {
			if me.Score != 100 {
				t.Fatalf("no next action at score %d: %+v", me.Score, me.Items)
			}
			break
		}
		if i > 8 {
			t.Fatalf("next actions never end: %+v", me.Next)
		}
		if me.Score <= last {
			t.Errorf("the score did not rise after the last command: %d", me.Score)
		}
		last = me.Score
		args := strings.Fields(command)
		if len(args) < 2 || args[0] != "sparekey" {
			t.Fatalf("next action %+v printed as %q", me.Next, command)
		}
		if out, errOut, code := te.run(args[1:]...); code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", command, code, out, errOut)
		}
		seen[me.Next.Kind] = true
	}
	for _, k := range []app.ActionKind{app.ActionEnrollDevice, app.ActionBackupVerify, app.ActionConfirmSpareAdmin, app.ActionRunDrill} {
		if !seen[k] {
			t.Errorf("the walk never ran a %s action", k)
		}
	}

	// Root: its device is assigned in the console, so the command starts the
	// guide's path for it; the contacts are confirmed by hand.
	r := te.ready()
	root, command := r.identity("root")
	if root.Next == nil || root.Next.Kind != app.ActionAssignRootDevice {
		t.Fatalf("root's next action: %+v", root.Next)
	}
	if out := te.ok(strings.Fields(command)[1:]...); !strings.Contains(out, "Assign MFA device") {
		t.Errorf("%s does not show the console steps:\n%s", command, out)
	}
	if out := te.ok("ready", "--practice", "confirm", "contacts"); !strings.Contains(out, r.AccountID) {
		t.Errorf("confirm contacts: %s", out)
	}
	root, _ = te.ready().identity("root")
	if it, _ := root.Item(app.CheckContacts); !it.OK || !strings.Contains(it.Detail, te.clock.Now().UTC().Format(time.DateOnly)) {
		t.Errorf("contacts after confirming: %+v", it)
	}
}

func TestReadyFormatsAndAudit(t *testing.T) {
	te := newAWSCLIEnv(t)
	te.ok("init")
	text := te.ok("ready", "--practice")
	for _, want := range []string{"root", "practice-admin", "Next:", "sparekey aws --practice enroll --user practice-admin", "Account audit:"} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
	md := te.ok("ready", "--practice", "--format", "md")
	if !strings.Contains(md, "| Identity | Account | Score |") || !strings.Contains(md, "- [ ] **two-devices**") {
		t.Errorf("markdown:\n%s", md)
	}
	rows, err := csv.NewReader(strings.NewReader(te.ok("ready", "--practice", "--format", "csv"))).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "account" || len(rows[1]) != 8 {
		t.Errorf("csv: %v %v", rows, err)
	}
	audit := te.ok("aws", "--practice", "audit")
	r := te.ready()
	root, _ := r.identity("root")
	if !strings.Contains(audit, "## Readiness per identity") || !strings.Contains(audit, "| root | "+r.AccountID+" | "+itoa(root.Score)+" |") {
		t.Errorf("aws audit lacks the readiness scores:\n%s", audit)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestReadyBadInput(t *testing.T) {
	te := newAWSCLIEnv(t)
	te.ok("init")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ready", "confirm", "weather"}, 2, "contacts or spare-admin"},
		{[]string{"ready", "confirm", "contacts", "--account", "12"}, 2, "12 digits"},
		{[]string{"ready", "do", "juggling"}, 2, "no readiness action"},
		{[]string{"ready", "do", "enroll"}, 2, "--user"},
		{[]string{"ready", "do", "drill", "--drill", "juggling"}, 2, "no such drill"},
		{[]string{"ready", "do", "assign-root-device"}, 2, "sparekey recover --path planning/root"},
		{[]string{"ready", "--format", "pdf"}, 2, "--format"},
	}
	for _, tt := range tests {
		out, errOut, code := te.run(tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s%s", tt.args, code, tt.code, tt.want, out, errOut)
		}
	}
}
