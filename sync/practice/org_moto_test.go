package practice

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// TestOrganizationSameShapesAsMoto compares the output shapes of the
// Organizations and AssumeRole calls, as the aws CLI prints them, between
// moto_server and the practice Organization: every field moto produces,
// the practice server produces too.
func TestOrganizationSameShapesAsMoto(t *testing.T) {
	t.Parallel()
	moto := startMoto(t)
	a := newAWSCLI(t, func(o *Options) { o.MemberAccounts = 2 })
	motoCreds := Credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""}

	type target struct {
		name, endpoint string
		creds          Credentials
		member         string
	}
	on := func(tg *target, v any, args ...string) {
		t.Helper()
		saved := a.endpoint
		a.endpoint = tg.endpoint
		defer func() { a.endpoint = saved }()
		stdout, stderr, err := a.run(tg.creds, "us-east-1", args...)
		if err != nil {
			t.Fatalf("%s on %s: %v\n%s", strings.Join(args, " "), tg.name, err, stderr)
		}
		if v != nil {
			if err := json.Unmarshal([]byte(stdout), v); err != nil {
				t.Fatalf("%s on %s: %v", strings.Join(args, " "), tg.name, err)
			}
		}
	}
	motoT := &target{name: "moto", endpoint: moto, creds: motoCreds}
	mine := &target{name: "practice", endpoint: a.endpoint, creds: a.srv.AdminCredentials(), member: a.srv.MemberAccountIDs()[0]}
	// moto starts without an organization: make one with a member.
	on(motoT, nil, "organizations", "create-organization", "--feature-set", "ALL")
	on(motoT, nil, "organizations", "create-account", "--email", "member@practice.invalid", "--account-name", "member")
	var accts struct{ Accounts []struct{ Id, Name string } }
	on(motoT, &accts, "organizations", "list-accounts")
	for _, acct := range accts.Accounts {
		if acct.Name == "member" {
			motoT.member = acct.Id
		}
	}
	if motoT.member == "" {
		t.Fatalf("moto's accounts: %+v", accts)
	}

	for _, tc := range []struct {
		label string
		args  func(*target) []string
	}{
		{"list-accounts", func(*target) []string { return []string{"organizations", "list-accounts"} }},
		{"describe-organization", func(*target) []string { return []string{"organizations", "describe-organization"} }},
		{"describe-account", func(tg *target) []string {
			return []string{"organizations", "describe-account", "--account-id", tg.member}
		}},
		{"assume-role", func(tg *target) []string {
			return []string{"sts", "assume-role", "--role-arn", "arn:aws:iam::" + tg.member + ":role/" + OrganizationAccountAccessRole, "--role-session-name", "audit"}
		}},
	} {
		var shapes [2]map[string]bool
		for i, tg := range []*target{motoT, mine} {
			var v any
			on(tg, &v, tc.args(tg)...)
			shapes[i] = map[string]bool{}
			jsonPaths("", v, shapes[i])
		}
		var missing []string
		for p := range shapes[0] {
			// AWS sends PackedPolicySize only with session policies or
			// tags, which the practice server ignores.
			if !shapes[1][p] && p != "PackedPolicySize" {
				missing = append(missing, p)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("%s: the practice server lacks %v that moto sends", tc.label, missing)
		}
	}
}
