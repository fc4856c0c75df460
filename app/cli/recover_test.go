package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"

	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/app/recovery"
	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/sync/practice"
)

func TestDrillCommand(t *testing.T) {
	te := newAWSCLIEnv(t)
	if out := te.ok("drill", "list"); !strings.Contains(out, "root-single-device") || !strings.Contains(out, "path lost/root/phone") {
		t.Fatalf("drill list:\n%s", out)
	}
	out := te.ok("drill", "run", "drifted-device", "--json")
	var res struct {
		Passed bool
		Steps  []recovery.StepState
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || !res.Passed || len(res.Steps) == 0 {
		t.Fatalf("drill run --json: %v\n%s", err, out)
	}
	out, _, code := te.run("drill", "run", "drifted-device", "--broken")
	if code != 1 || !strings.Contains(out, "FAIL drifted-device") || !strings.Contains(out, "because") {
		t.Fatalf("broken drill: exit %d\n%s", code, out)
	}
	if _, errOut, code := te.run("drill", "run", "juggling"); code != 2 || !strings.Contains(errOut, "root-second-device") {
		t.Fatalf("unknown drill: exit %d %s", code, errOut)
	}
	a, _ := te.e.App()
	data, err := os.ReadFile(filepath.Join(a.Paths().Data, "drill-results.json"))
	if err != nil || strings.Count(string(data), `"drill": "drifted-device"`) != 2 {
		t.Fatalf("drill results not recorded: %v\n%s", err, data)
	}
}

func TestRecoverNonInteractiveAndRuns(t *testing.T) {
	te := newAWSCLIEnv(t)
	out := te.ok("recover", "--situation", "lost", "--who", "iam-user", "--device", "phone", "--user", "alice", "--account-id", "123456789012", "--serial", "GAHT12345678", "--json")
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	id, _ := raw["id"].(string)
	if raw["path"] != "lost/iam-user/phone" || raw["current_step"] != "admin-message" || !recovery.ValidID(id) {
		t.Fatalf("run: %v", raw)
	}
	// The printed form carries the filled message.
	out = te.ok("recover", "--situation", "lost", "--who", "iam-user", "--device", "phone", "--user", "alice", "--account-id", "123456789012", "--serial", "GAHT12345678")
	for _, want := range []string{"User name: alice", "Account: 123456789012", "sparekey aws remove --user alice --serial GAHT12345678", "Started recovery run"} {
		if !strings.Contains(out, want) {
			t.Errorf("recover output lacks %q:\n%s", want, out)
		}
	}
	te.ok("recover", "mark", id, "admin-message", "waiting", "--reason", "the administrator")
	if out := te.ok("recover", "list"); !strings.Contains(out, id) || !strings.Contains(out, "waiting for the administrator") {
		t.Fatalf("list:\n%s", out)
	}
	if _, errOut, code := te.run("recover", "mark", id, "no-such-step", "done"); code != 2 || !strings.Contains(errOut, "no such step") {
		t.Errorf("unknown step: %d %s", code, errOut)
	}
	if _, errOut, code := te.run("recover", "--situation", "lost", "--who", "root", "--device", "phone"); code != 2 || !strings.Contains(errOut, "--email-phone") {
		t.Errorf("unanswered email question: %d %s", code, errOut)
	}
	if _, errOut, code := te.run("recover", "--situation", "misplaced"); code != 2 || !strings.Contains(errOut, "unknown answer") {
		t.Errorf("unknown answer: %d %s", code, errOut)
	}
	// The "what if" pointers the guide prints start a run on that path.
	if out := te.ok("recover", "--path", "lost/root/phone/support"); !strings.Contains(out, "Request assistance with lost or unusable MFA device") {
		t.Errorf("recover --path:\n%s", out)
	}
	if _, errOut, code := te.run("recover", "--path", "lost/nowhere"); code != 2 || !strings.Contains(errOut, "no recovery path") {
		t.Errorf("unknown path: %d %s", code, errOut)
	}
	te.ok("recover", "abandon", id)
	if out := te.ok("recover", "list"); !strings.Contains(out, "abandoned") {
		t.Fatalf("list after abandon:\n%s", out)
	}

	// A damaged run file: a clear message, the file kept aside.
	a, _ := te.e.App()
	dir := a.RecoveryStore().Dir
	bad := filepath.Join(dir, "20261128-070000-abcdef.json")
	os.WriteFile(bad, []byte(`{"version":1,"id":"20261128-07`), 0o600)
	_, errOut, code := te.run("recover", "--resume", "20261128-070000-abcdef")
	if code != 1 || !strings.Contains(errOut, "damaged") || !strings.Contains(errOut, "moved aside") || !strings.Contains(errOut, "sparekey recover") {
		t.Fatalf("damaged run: %d %s", code, errOut)
	}
	if kept, _ := filepath.Glob(bad + ".unreadable-*"); len(kept) != 1 {
		t.Fatalf("damaged run not kept aside: %v", kept)
	}
}

// TestRecoverInteractive answers with numbers on standard input, as over
// SSH, stops when the input ends, and resumes.
func TestRecoverInteractive(t *testing.T) {
	te := newAWSCLIEnv(t)
	// lost (2), root (1), phone (2), other device: no (2), kept seed: no
	// (2), org: no (2), email and phone: both (1); then "Done" on the
	// first step, and the input ends.
	te.e.In = strings.NewReader("2\n1\n2\n2\n2\n2\n1\n1\n")
	out := te.ok("recover")
	for _, want := range []string{"What happened?", "1) The root user", "Recovery run", "step 1 of", "step 2 of", "Progress saved. Carry on later: sparekey recover --resume"} {
		if !strings.Contains(out, want) {
			t.Errorf("interactive recover lacks %q:\n%s", want, out)
		}
	}
	id := regexp.MustCompile(`--resume (\S+)`).FindStringSubmatch(out)[1]
	// Resume: "What if I can't…" on step 2 is not there; on the third
	// step (alternative factors) it leads to AWS Support.
	te.e.In = strings.NewReader("1\n2\n1\n1\n")
	out = te.ok("recover", "--resume", id)
	if !strings.Contains(out, "Authentication failed") || !strings.Contains(out, "Root user: ask AWS Support to remove the device") || !strings.Contains(out, "The text for AWS Support") {
		t.Fatalf("resume and what-if:\n%s", out)
	}
	te.e.In = strings.NewReader("")
	var raw map[string]any
	json.Unmarshal([]byte(te.ok("recover", "--resume", id, "--json")), &raw)
	if raw["path"] != "lost/root/phone/support" || raw["earlier"] == nil {
		t.Fatalf("after following the branch: %v", raw)
	}
}

// TestEveryGuideCommandRuns runs every 'sparekey …' command any leaf names,
// filled as the leaf would fill it, against the practice account. Each may
// fail only for a reason of the scenario, never because it does not exist.
func TestEveryGuideCommandRuns(t *testing.T) {
	te := newAWSCLIEnv(t)
	te.ok("init")
	a, _ := te.e.App()
	srv, endpoint, err := a.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	// A profile holding spare administrator keys, pointing at the practice account.
	admin := srv.AdminCredentials()
	cfg := filepath.Join(te.dir, "aws-config")
	creds := filepath.Join(te.dir, "aws-credentials")
	os.WriteFile(cfg, []byte("[profile spare]\nregion = us-east-1\nendpoint_url = "+endpoint+"\n"), 0o600)
	os.WriteFile(creds, []byte(fmt.Sprintf("[spare]\naws_access_key_id = %s\naws_secret_access_key = %s\n", admin.AccessKeyID, admin.SecretAccessKey)), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)

	step := func() { te.clock.Advance(60 * time.Second) }
	var enrolled awsmfa.EnrollResult
	json.Unmarshal([]byte(te.ok("aws", "--practice", "enroll", "--user", "bob", "--json")), &enrolled)
	bob := guide.Binding{UserName: "bob", Serial: enrolled.Device.SerialNumber, AccountName: enrolled.Label, AccountID: srv.AccountID()}
	aliceSerial := srv.DeviceSerial(practice.AliceUser)
	seed, _ := srv.Seed(aliceSerial)
	typed := func() (string, string) {
		now := te.clock.Now().Unix() / 30
		o := hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
		c1, _ := hotp.GenerateCodeCustom(seed, uint64(now-1), o)
		c2, _ := hotp.GenerateCodeCustom(seed, uint64(now), o)
		return c1, c2
	}
	backupFile := filepath.Join(te.dir, "kept.age")

	type run struct {
		args []string // after "sparekey", with --practice added for aws commands
		in   string
	}
	// For each command template: how this test fills and runs it.
	cases := map[string]func() run{
		"sparekey aws resync --console NAME": func() run { return run{args: []string{"aws", "--practice", "resync", "--console", bob.AccountName}} },
		"sparekey aws resync NAME":           func() run { return run{args: []string{"aws", "--practice", "resync", bob.AccountName}} },
		"sparekey aws session --fresh":       func() run { return run{args: []string{"aws", "--practice-user", "bob", "session", "--fresh"}} },
		"sparekey aws resync --serial SERIAL --code1 CODE1 --code2 CODE2": func() run {
			c1, c2 := typed()
			return run{args: []string{"aws", "--practice-user", "alice", "resync", "--serial", aliceSerial, "--code1", c1, "--code2", c2}}
		},
		"sparekey aws resync --user USER --serial SERIAL --code1 CODE1 --code2 CODE2": func() run {
			c1, c2 := typed()
			return run{args: []string{"aws", "--practice", "resync", "--user", "alice", "--serial", aliceSerial, "--code1", c1, "--code2", c2}}
		},
		"sparekey code NAME --next":       func() run { return run{args: []string{"code", bob.AccountName, "--next"}} },
		"sparekey aws enroll":             func() run { return run{args: []string{"aws", "--practice-user", "alice", "enroll"}} },
		"sparekey aws enroll --user USER": func() run { return run{args: []string{"aws", "--practice", "enroll", "--user", "bob"}} },
		"sparekey aws replace --old SERIAL": func() run {
			return run{args: []string{"aws", "--practice", "replace", "--user", "bob", "--old", bob.Serial}}
		},
		"sparekey add -": func() run {
			return run{args: []string{"add", "-"}, in: practice.EnrollmentURI("root-new", srv.AccountID(), seed) + "\n"}
		},
		"sparekey backup create --vault-key --out FILE": func() run { return run{args: []string{"backup", "create", "--vault-key", "--out", backupFile}} },
		"sparekey backup restore FILE":                  func() run { return run{args: []string{"backup", "restore", backupFile}} },
		"sparekey aws orphans --delete":                 func() run { return run{args: []string{"aws", "--practice", "orphans", "--delete"}} },
		"sparekey aws audit":                            func() run { return run{args: []string{"aws", "--practice", "audit"}} },
		"sparekey aws enroll --profile PROFILE --user USER": func() run {
			return run{args: []string{"aws", "--profile", "spare", "enroll", "--user", "bob"}}
		},
		"sparekey aws remove --profile PROFILE --user USER --serial SERIAL": func() run {
			return run{args: []string{"aws", "--profile", "spare", "remove", "--user", "alice", "--serial", aliceSerial}}
		},
		// The built-in practice account is an Organization whose first
		// member's root has a device; --yes answers the confirmation.
		"sparekey aws root-mfa --account ACCOUNT_ID --deactivate": func() run {
			return run{args: []string{"aws", "--practice", "root-mfa", "--account", srv.MemberAccountIDs()[0], "--deactivate", "--yes"}}
		},
		"sparekey aws remove --user USER --serial SERIAL": func() run {
			var devs struct{ Devices []awsmfa.Device }
			json.Unmarshal([]byte(te.ok("aws", "--practice", "devices", "--all", "--json")), &devs)
			for _, d := range devs.Devices {
				if d.UserName == "bob" {
					return run{args: []string{"aws", "--practice", "remove", "--user", "bob", "--serial", d.SerialNumber}}
				}
			}
			t.Fatal("bob has no device left to remove")
			return run{}
		},
	}
	// The order matters where one command needs another's result.
	order := []string{
		"sparekey aws resync --console NAME", "sparekey aws resync NAME", "sparekey aws session --fresh",
		"sparekey aws resync --serial SERIAL --code1 CODE1 --code2 CODE2", "sparekey aws resync --user USER --serial SERIAL --code1 CODE1 --code2 CODE2",
		"sparekey code NAME --next", "sparekey aws enroll", "sparekey aws enroll --user USER",
		"sparekey backup create --vault-key --out FILE", "sparekey backup restore FILE",
		"sparekey aws replace --old SERIAL", "sparekey add -", "sparekey aws orphans --delete", "sparekey aws audit",
		"sparekey aws enroll --profile PROFILE --user USER", "sparekey aws remove --user USER --serial SERIAL",
		"sparekey aws remove --profile PROFILE --user USER --serial SERIAL",
		"sparekey aws root-mfa --account ACCOUNT_ID --deactivate",
	}
	named := map[string][]string{}
	pointer := regexp.MustCompile(`sparekey [a-z][^'"\n.]*`)
	for _, g := range guide.Leaves() {
		for _, st := range g.Steps {
			if st.Command != "" {
				named[st.Command] = append(named[st.Command], g.ID+"/"+st.ID)
			}
			// Commands quoted in the text (e.g. 'sparekey backup verify FILE').
			for _, text := range []string{st.Detail, st.Where} {
				for _, m := range pointer.FindAllString(text, -1) {
					named[strings.TrimSpace(m)] = append(named[strings.TrimSpace(m)], g.ID+"/"+st.ID+" (text)")
				}
			}
			if st.Message != nil {
				for _, m := range pointer.FindAllString(st.Message.Body, -1) {
					named[strings.TrimSpace(m)] = append(named[strings.TrimSpace(m)], g.ID+"/"+st.ID+" (message)")
				}
			}
		}
	}
	extra := map[string]func() run{
		"sparekey backup verify FILE":                     func() run { return run{args: []string{"backup", "verify", backupFile}} },
		"sparekey drill list":                             func() run { return run{args: []string{"drill", "list"}} },
		"sparekey aws remove --user USER --serial SERIAL": nil, // in the table above
	}
	var missing []string
	for c := range named {
		if _, ok := cases[c]; !ok {
			if _, ok := extra[c]; !ok {
				missing = append(missing, c+" (named by "+named[c][0]+")")
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("the guide names commands this test does not run:\n%s", strings.Join(missing, "\n"))
	}
	for _, c := range order {
		if _, ok := named[c]; !ok {
			t.Errorf("no leaf names %q any more: drop it from the test", c)
			continue
		}
		step()
		r := cases[c]()
		te.e.In = strings.NewReader(r.in)
		out, errOut, code := te.run(r.args...)
		if code != 0 {
			t.Errorf("%s (as sparekey %s): exit %d\n%s%s", c, strings.Join(r.args, " "), code, out, errOut)
		}
	}
	for c, f := range extra {
		if f == nil {
			continue
		}
		if _, ok := named[c]; !ok {
			continue
		}
		r := f()
		if out, errOut, code := te.run(r.args...); code != 0 {
			t.Errorf("%s: exit %d\n%s%s", c, code, out, errOut)
		}
	}
}

// TestRecoverDo carries out an administrator's Sparekey steps of a run from
// the command line: each is checked, and a failure is recorded with
// guidance instead of SDK text.
func TestRecoverDo(t *testing.T) {
	te := newAWSCLIEnv(t)
	te.ok("init")
	a, _ := te.e.App()
	srv, _, err := a.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	serial := srv.DeviceSerial(practice.AliceUser)
	var raw map[string]any
	json.Unmarshal([]byte(te.ok("recover", "--situation", "lost", "--who", "admin", "--device", "phone", "--user", "alice", "--serial", serial, "--json")), &raw)
	id := raw["id"].(string)

	// bob may not deactivate alice's device: the run records why.
	_, errOut, code := te.run("recover", "do", id, "deactivate", "--practice-user", "bob")
	if code != 1 || strings.Contains(errOut, "operation error") {
		t.Fatalf("refused step: exit %d\n%s", code, errOut)
	}
	json.Unmarshal([]byte(te.ok("recover", "--resume", id, "--json")), &raw)
	steps := raw["steps"].([]any)
	if st := steps[1].(map[string]any); st["status"] != "failed" || st["reason"] == "" {
		t.Fatalf("failed step not recorded: %v", st)
	}

	out := te.ok("recover", "do", id, "deactivate", "--practice")
	if !strings.Contains(out, "Deactivated "+serial) || !strings.Contains(out, "Checked: "+serial+" is gone from alice's devices") {
		t.Fatalf("deactivate:\n%s", out)
	}
	te.clock.Advance(time.Minute)
	out = te.ok("recover", "do", id, "enroll", "--practice")
	if !strings.Contains(out, "Checked: AWS lists the device as enabled") {
		t.Fatalf("enroll:\n%s", out)
	}
	if _, errOut, code := te.run("recover", "do", id, "confirm-identity"); code != 2 || !strings.Contains(errOut, "recover mark") {
		t.Errorf("a person's step: %d %s", code, errOut)
	}
}
