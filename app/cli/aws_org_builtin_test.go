package cli

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/practice"
)

// The organization chores work on the built-in practice account as they
// come, with no `practice serve --accounts N` started first.
func TestAWSOrgChoresOnBuiltInPractice(t *testing.T) {
	te := newAWSCLIEnv(t)
	te.ok("init")
	a, _ := te.e.App()
	srv, _, err := a.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	members := srv.MemberAccountIDs()
	if len(members) != app.PracticeMembers {
		t.Fatalf("members %v", members)
	}

	out := te.ok("aws", "--practice", "audit", "--organization", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != app.PracticeMembers+2 {
		t.Fatalf("csv: %v\n%s", err, out)
	}
	for _, r := range rows[1:] {
		if r[4] != string(awsmfa.AccountAudited) {
			t.Errorf("row %v", r)
		}
	}

	serial := srv.DeviceSerialIn(members[0], practice.RootDeviceName)
	out = te.ok("aws", "--practice", "root-mfa", "--account", members[0])
	if !strings.Contains(out, serial) || !strings.Contains(out, "Nothing was changed") {
		t.Fatalf("preview:\n%s", out)
	}
	// Without a terminal to ask in, nothing happens without --yes.
	if out, errOut, code := te.run("aws", "--practice", "root-mfa", "--account", members[0], "--deactivate"); code != 2 || !strings.Contains(errOut, "--yes") {
		t.Fatalf("unconfirmed: exit %d\n%s%s", code, out, errOut)
	}
	out = te.ok("aws", "--practice", "root-mfa", "--account", members[0], "--deactivate", "--yes")
	if !strings.Contains(out, "Deactivated "+serial) || !strings.Contains(out, "no MFA device left") {
		t.Fatalf("deactivate:\n%s", out)
	}
	var plan awsmfa.RootMFAPlan
	if err := json.Unmarshal([]byte(te.ok("aws", "--practice", "root-mfa", "--account", members[0], "--json")), &plan); err != nil || len(plan.Devices) != 0 {
		t.Errorf("after: %+v %v", plan, err)
	}
}

// The guide's member-root leaf, walked from the command line: its Sparekey
// step removes the device and records what it did and how it checked.
func TestRecoverDoMemberRoot(t *testing.T) {
	te := newAWSCLIEnv(t)
	te.ok("init")
	a, _ := te.e.App()
	srv, _, err := a.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	member := srv.MemberAccountIDs()[0]
	serial := srv.DeviceSerialIn(member, practice.RootDeviceName)
	var raw map[string]any
	json.Unmarshal([]byte(te.ok("recover", "--situation", "lost", "--who", "root", "--device", "phone", "--org-central-root", "--account-id", member, "--json")), &raw)
	if raw["path"] != "lost/root/phone/org-central" {
		t.Fatalf("path: %v", raw)
	}
	id := raw["id"].(string)

	// A root user may not start root sessions: the run records why.
	if _, errOut, code := te.run("recover", "do", id, "org-remove", "--practice-user", "root"); code != 1 || strings.Contains(errOut, "operation error") {
		t.Fatalf("refused step: exit %d\n%s", code, errOut)
	}
	out := te.ok("recover", "do", id, "org-remove", "--practice")
	if !strings.Contains(out, "Deactivated "+serial) || !strings.Contains(out, "lists no MFA device") {
		t.Fatalf("org-remove:\n%s", out)
	}
	json.Unmarshal([]byte(te.ok("recover", "--resume", id, "--json")), &raw)
	if st := raw["steps"].([]any)[0].(map[string]any); st["id"] != "org-remove" || st["status"] != "done" {
		t.Fatalf("step not recorded as done: %v", st)
	}
}
