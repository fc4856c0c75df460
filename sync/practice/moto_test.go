package practice

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app/testenv"
)

// TestSameShapesAsMoto runs one aws CLI session against moto_server (an
// independent implementation of the same protocol) and against the practice
// account, and checks that every output field moto produces, the practice
// account produces too, at the same place. moto is no model of AWS's
// behaviour (see the reference), only of its shapes.
func TestSameShapesAsMoto(t *testing.T) {
	t.Parallel()
	moto := startMoto(t)
	a := newAWSCLI(t)
	mine := a.srv.AdminCredentials()
	motoCreds := Credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""}

	// runBoth runs a command against both servers; argsFor may differ per
	// server (serials carry each server's account id).
	type target struct {
		name     string
		endpoint string
		creds    Credentials
		serial   string
		seedFile string
	}
	targets := []*target{{name: "moto", endpoint: moto, creds: motoCreds, seedFile: "moto-seed.txt"}, {name: "practice", endpoint: a.endpoint, creds: mine, seedFile: "practice-seed.txt"}}
	shapes := map[string][2]map[string]bool{}
	runBoth := func(label string, args func(*target) []string) {
		t.Helper()
		var got [2]map[string]bool
		for i, tg := range targets {
			saved := a.endpoint
			a.endpoint = tg.endpoint
			stdout, stderr, err := a.run(tg.creds, "us-east-1", args(tg)...)
			a.endpoint = saved
			if err != nil {
				t.Fatalf("%s on %s: %v\n%s", label, tg.name, err, stderr)
			}
			got[i] = map[string]bool{}
			if strings.TrimSpace(stdout) != "" {
				var v any
				if err := json.Unmarshal([]byte(stdout), &v); err != nil {
					t.Fatalf("%s on %s: %v", label, tg.name, err)
				}
				jsonPaths("", v, got[i])
			}
		}
		shapes[label] = got
	}
	fixed := func(args ...string) func(*target) []string { return func(*target) []string { return args } }

	runBoth("create-user", fixed("iam", "create-user", "--user-name", "drill"))
	runBoth("create-virtual-mfa-device", func(tg *target) []string {
		return []string{"iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "drill", "--outfile", tg.seedFile, "--bootstrap-method", "Base32StringSeed"}
	})
	// Each server has its own account id, so its own serial.
	for _, tg := range targets {
		var id struct{ Account string }
		saved := a.endpoint
		a.endpoint = tg.endpoint
		a.ok(tg.creds, &id, "sts", "get-caller-identity")
		a.endpoint = saved
		tg.serial = "arn:aws:iam::" + id.Account + ":mfa/drill"
	}
	runBoth("enable-mfa-device", func(tg *target) []string {
		seed, err := os.ReadFile(a.dir + "/" + tg.seedFile)
		if err != nil {
			t.Fatal(err)
		}
		c := a.codes(string(seed), -1, 2)
		return []string{"iam", "enable-mfa-device", "--user-name", "drill", "--serial-number", tg.serial, "--authentication-code1", c[0], "--authentication-code2", c[1]}
	})
	runBoth("list-mfa-devices", fixed("iam", "list-mfa-devices", "--user-name", "drill"))
	runBoth("list-virtual-mfa-devices", fixed("iam", "list-virtual-mfa-devices", "--assignment-status", "Assigned"))
	runBoth("get-user", fixed("iam", "get-user", "--user-name", "drill"))
	runBoth("list-users", fixed("iam", "list-users"))
	runBoth("get-caller-identity", fixed("sts", "get-caller-identity"))
	runBoth("get-session-token", fixed("sts", "get-session-token", "--duration-seconds", "900"))
	runBoth("generate-credential-report", fixed("iam", "generate-credential-report"))
	runBoth("generate-credential-report again", fixed("iam", "generate-credential-report"))
	runBoth("get-credential-report", fixed("iam", "get-credential-report"))
	runBoth("get-account-summary", fixed("iam", "get-account-summary"))
	runBoth("deactivate-mfa-device", func(tg *target) []string {
		return []string{"iam", "deactivate-mfa-device", "--user-name", "drill", "--serial-number", tg.serial}
	})
	runBoth("delete-virtual-mfa-device", func(tg *target) []string {
		return []string{"iam", "delete-virtual-mfa-device", "--serial-number", tg.serial}
	})

	// Fields moto sends that AWS does not (or that the practice account
	// deliberately leaves out): its list leaks seeds, and it sends empty
	// placeholders.
	motoOnly := map[string]bool{
		"VirtualMFADevices[].Base32StringSeed": true, "VirtualMFADevices[].QRCodePNG": true,
		"VirtualMFADevices[].User.PasswordLastUsed": true, "VirtualMFADevices[].User.Tags": true,
		"VirtualMFADevices[].User.PermissionsBoundary": true, "VirtualMFADevices[].Tags": true,
		"Description": true,
	}
	for label, s := range shapes {
		if testing.Verbose() {
			t.Logf("%s: moto %d fields, practice %d", label, len(s[0]), len(s[1]))
		}
		var missing []string
		for p := range s[0] {
			if !s[1][p] && !motoOnly[p] && !strings.HasPrefix(p, "SummaryMap.") {
				missing = append(missing, p)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s: the practice account lacks %v that moto sends", label, missing)
		}
	}
	for _, key := range []string{"MFADevices", "MFADevicesInUse", "AccountMFAEnabled", "Users"} {
		if !shapes["get-account-summary"][1]["SummaryMap."+key] {
			t.Errorf("get-account-summary lacks %s", key)
		}
	}
}

// jsonPaths records the paths of all leaves and containers of v, with list
// indices collapsed to [].
func jsonPaths(prefix string, v any, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out[p] = true
			jsonPaths(p, child, out)
		}
	case []any:
		for _, child := range v {
			jsonPaths(prefix+"[]", child, out)
		}
	}
}

// startMoto runs moto_server on a free port until the test ends.
func startMoto(t *testing.T) string { return testenv.StartMoto(t) }
