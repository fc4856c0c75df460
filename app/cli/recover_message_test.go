package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecoverMessages saves a run's message to a file at the start, prints
// and saves it later by run ID, and refuses what cannot be done.
func TestRecoverMessages(t *testing.T) {
	te := newAWSCLIEnv(t)
	first := filepath.Join(te.dir, "to-admin.txt")
	out := te.ok("recover", "--situation", "lost", "--who", "iam-user", "--device", "phone", "--user", "alice",
		"--account-id", "123456789012", "--serial", "GAHT12345678", "--save-message", first, "--json")
	var run struct{ ID string }
	json.Unmarshal([]byte(out), &run)
	data, err := os.ReadFile(first)
	if err != nil || !strings.Contains(string(data), "User name: alice") || !strings.Contains(string(data), "Subject: Please deactivate my MFA device (user alice, account 123456789012)") {
		t.Fatalf("saved message: %v\n%s", err, data)
	}
	if st, _ := os.Stat(first); st.Mode().Perm() != 0o600 {
		t.Errorf("message file mode %v", st.Mode())
	}
	if printed := te.ok("recover", "message", run.ID); printed != string(data) {
		t.Errorf("printed message differs from the saved one:\n%s", printed)
	}
	second := filepath.Join(te.dir, "again.txt")
	te.ok("recover", "message", run.ID, "admin-message", "--out", second)
	if again, _ := os.ReadFile(second); string(again) != string(data) {
		t.Errorf("second save:\n%s", again)
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"recover", "message", run.ID, "sign-in"}, 2, "not a message"},
		{[]string{"recover", "message", run.ID, "--out", first}, 1, "already exists"},
		{[]string{"recover", "message", "20261128-070000-abcdef"}, 1, "no such recovery run"},
		{[]string{"recover", "--situation", "out-of-sync", "--who", "iam-user", "--device", "sparekey", "--save-message", filepath.Join(te.dir, "x.txt")}, 2, "no message"},
	}
	for _, tt := range tests {
		out, errOut, code := te.run(tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s%s", tt.args, code, tt.code, tt.want, out, errOut)
		}
	}
	if data, _ := os.ReadFile(first); !strings.Contains(string(data), "User name: alice") {
		t.Error("a refused save changed the existing file")
	}
}

// TestRecoverWalkSavesMessage: the interactive walk offers to save a
// message step to a file.
func TestRecoverWalkSavesMessage(t *testing.T) {
	te := newAWSCLIEnv(t)
	out := te.ok("recover", "--situation", "lost", "--who", "iam-user", "--device", "phone", "--user", "alice",
		"--account-id", "123456789012", "--serial", "GAHT12345678", "--json")
	var run struct{ ID string }
	json.Unmarshal([]byte(out), &run)
	file := filepath.Join(te.dir, "walk.txt")
	// 2: save the message; then the file name; 7: stop here.
	te.e.In = strings.NewReader("2\n" + file + "\n7\n")
	out = te.ok("recover", "--resume", run.ID)
	if !strings.Contains(out, "2) Save the message to a file") || !strings.Contains(out, "Progress saved") {
		t.Fatalf("walk:\n%s", out)
	}
	data, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(data), "Device serial: GAHT12345678") {
		t.Fatalf("saved from the walk: %v\n%s", err, data)
	}
}
