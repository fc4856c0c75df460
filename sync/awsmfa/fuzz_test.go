package awsmfa

import (
	"strings"
	"testing"
)

func FuzzParseCredentialReport(f *testing.F) {
	f.Add([]byte("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_2_active\n" +
		"<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,false\n" +
		"alice,arn:aws:iam::123456789012:user/alice,2020-01-01T00:00:00+00:00,true,N/A,N/A,N/A,false,true,false\n"))
	f.Add([]byte("mfa_active,user\ntrue,x\n"))
	f.Add([]byte("user,mfa_active\n\"a,b\",true\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseCredentialReport(data)
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.AccessKeys < 0 || r.AccessKeys > 2 {
				t.Fatalf("access keys %d", r.AccessKeys)
			}
		}
	})
}

func FuzzParseJournal(f *testing.F) {
	f.Add([]byte(`{"version":1,"phase":"enabled","connection":"practice","user_name":"bob","old_serial":"arn:aws:iam::123456789012:mfa/a","new_device_name":"b","new_device_path":"/","new_serial":"arn:aws:iam::123456789012:mfa/b"}`))
	f.Add([]byte(`{"version":1,"phase":"started","connection":"default","user_name":"bob","old_serial":"GAHT1"}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := parseJournal(data)
		if err != nil {
			return
		}
		if j.Version != JournalVersion || j.UserName == "" || j.OldSerial == "" {
			t.Fatalf("accepted an incomplete journal: %+v", j)
		}
		if (j.Phase == PhaseCreated || j.Phase == PhaseEnabled || j.Phase == PhaseOldDeactivated) && j.NewSerial == "" {
			t.Fatalf("phase %s without a new serial", j.Phase)
		}
	})
}

func FuzzParseARN(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/a/b/c", "arn:aws:sts::1:assumed-role/R/s", "arn:::::", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arn string) {
		_, _, kind, user := ParseARN(arn)
		if user != "" && kind != PrincipalUser {
			t.Fatalf("user name %q for kind %s", user, kind)
		}
		if strings.Contains(user, "/") {
			t.Fatalf("user name %q keeps a path", user)
		}
		_ = TypeOfSerial(arn)
	})
}

func FuzzRedact(f *testing.F) {
	f.Add("Value '123456' at 'authenticationCode1' failed to satisfy constraint")
	f.Add("secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	f.Add("The user with name bob cannot be found.")
	f.Fuzz(func(t *testing.T, msg string) {
		out := redact(msg)
		if otpLike.MatchString(out) {
			t.Fatalf("a code-like number survived: %q", out)
		}
		if base32Like.MatchString(out) {
			t.Fatalf("a seed-like string survived: %q", out)
		}
	})
}
