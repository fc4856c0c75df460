package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runGuideCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &Env{In: strings.NewReader(""), Out: &out, Err: &errOut}
	code = Run(e, args)
	return out.String(), errOut.String(), code
}

func TestGuideCommand(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"guide"}, 0, []string{"What happened?", "out-of-sync", "--situation", "--email-phone", "--other-device     yes (leave it out for no)"}},
		{[]string{"guide", "--situation", "lost", "--who", "root", "--device", "phone", "--email-phone", "both"}, 0,
			[]string{"alternative factors", "Call me now", "Command: sparekey code NAME --next", "What if: It says \"Authentication failed\"", "sparekey drill run root-single-device"}},
		{[]string{"guide", "--situation", "out-of-sync", "--who", "iam-user", "--device", "sparekey"}, 0,
			[]string{"Command: sparekey aws resync NAME", "Send the two codes straight away"}},
		{[]string{"guide", "--situation", "out-of-sync", "--who", "iam-user", "--device", "hardware"}, 0,
			[]string{"Command: sparekey aws resync --serial SERIAL --code1 CODE1 --code2 CODE2"}},
		{[]string{"guide", "--situation", "lost", "--who", "admin", "--device", "phone"}, 0,
			[]string{"Command: sparekey aws remove --user USER --serial SERIAL"}},
		{[]string{"guide", "--situation", "lost", "--who", "root", "--device", "phone", "--no-email-or-phone"}, 0,
			[]string{"Request assistance with lost or unusable MFA device", "Path lost/root/phone/support"}},
		{[]string{"guide", "--situation", "lost", "--who", "root", "--device", "phone"}, 2, nil},
		{[]string{"guide", "--situation", "out-of-sync", "--who", "root", "--device", "fido"}, 2, nil},
		{[]string{"guide", "--situation", "misplaced"}, 2, nil},
	}
	for _, tt := range tests {
		out, errOut, code := runGuideCLI(t, tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tt.args, code, tt.code, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", tt.args, w, out)
			}
		}
	}
	out, _, code := runGuideCLI(t, "guide", "--json", "--situation", "planning", "--who", "root")
	var g struct{ Steps []struct{ Title string } }
	if code != 0 || json.Unmarshal([]byte(out), &g) != nil || len(g.Steps) == 0 {
		t.Fatalf("--json guide: exit %d, %q", code, out)
	}
}
