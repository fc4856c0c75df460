package recovery

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/guide"
)

var adminLost = guide.Answers{"situation": "lost", "who": "admin", "device": "phone"}

// TestSaveRefusesAStaleCopy: the window and the terminal each read the run;
// the second to save must not undo the first's change.
func TestSaveRefusesAStaleCopy(t *testing.T) {
	s := newStore(t)
	r, err := s.Start(adminLost, guide.Binding{UserName: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	window, _ := s.Load(r.ID)
	terminal, _ := s.Load(r.ID)
	window.Mark("confirm-identity", Done, "checked by phone", time.Now())
	if err := s.Save(window); err != nil {
		t.Fatal(err)
	}
	terminal.AddNote("from the terminal", time.Now())
	if err := s.Save(terminal); !errors.Is(err, ErrRunChanged) {
		t.Fatalf("a stale copy was saved over the window's change: %v", err)
	}
	got, err := s.Update(r.ID, func(r *Run) error { r.AddNote("from the terminal", time.Now()); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if got.Steps[0].Status != Done || len(got.Notes) != 1 {
		t.Errorf("after Update: %+v %+v", got.Steps[0], got.Notes)
	}
	again, _ := s.Load(r.ID)
	if again.Revision != got.Revision || again.Steps[0].Status != Done || len(again.Notes) != 1 {
		t.Errorf("saved: %+v", again)
	}
	if _, err := s.Update(r.ID, func(*Run) error { return errors.New("changed my mind") }); err == nil {
		t.Error("a failed change was saved")
	}
}

// TestUpdatesFromTwoProcesses: another process and this one add notes to
// the same run at the same time; none may be lost.
func TestUpdatesFromTwoProcesses(t *testing.T) {
	const each = 40
	if dir := os.Getenv("RECOVERY_UPDATE_HELPER"); dir != "" {
		s := &Store{Dir: dir}
		id := os.Getenv("RECOVERY_UPDATE_RUN")
		for i := 0; i < each; i++ {
			if _, err := s.Update(id, func(r *Run) error { r.AddNote("helper "+strconv.Itoa(i), time.Now()); return nil }); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(3)
			}
		}
		os.Exit(0)
	}
	dir := filepath.Join(t.TempDir(), DirName)
	s := &Store{Dir: dir}
	r, err := s.Start(adminLost, guide.Binding{})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestUpdatesFromTwoProcesses$")
	cmd.Env = append(os.Environ(), "RECOVERY_UPDATE_HELPER="+dir, "RECOVERY_UPDATE_RUN="+r.ID)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < each; i++ {
		if _, err := s.Update(r.ID, func(r *Run) error { r.AddNote("parent "+strconv.Itoa(i), time.Now()); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v %s", err, stderr.String())
	}
	final, err := s.Load(r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(final.Notes) != 2*each || final.Revision != 2*each+1 {
		t.Errorf("%d notes at revision %d, want %d at %d: updates were lost", len(final.Notes), final.Revision, 2*each, 2*each+1)
	}
}

func TestMessages(t *testing.T) {
	s := newStore(t)
	b := guide.Binding{AccountID: "123456789012", UserName: "alice", Serial: "arn:aws:iam::123456789012:mfa/alice"}
	r, err := s.Start(guide.Answers{"situation": "lost", "who": "iam-user", "device": "phone"}, b)
	if err != nil {
		t.Fatal(err)
	}
	st, m, err := r.Message("")
	if err != nil || st.ID != "admin-message" {
		t.Fatalf("first message: %v %v", st.ID, err)
	}
	for _, want := range []string{b.AccountID, "User name: alice", b.Serial} {
		if !strings.Contains(m.Subject+m.Body, want) {
			t.Errorf("the message lacks %q:\n%s", want, MessageText(m))
		}
	}
	if strings.Contains(m.Body, "ACCOUNT_ID") || strings.Contains(m.Body, "SERIAL") {
		t.Errorf("placeholders left:\n%s", m.Body)
	}
	p := filepath.Join(t.TempDir(), "to-admin.txt")
	if err := SaveMessage(p, m); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 || string(data) != MessageText(m) || !strings.HasPrefix(string(data), "To: your AWS administrator\nSubject: ") {
		t.Errorf("saved %v:\n%s", st.Mode(), data)
	}
	if err := SaveMessage(p, m); !errors.Is(err, ErrFileExists) {
		t.Errorf("a second save replaced the file: %v", err)
	}
	tests := []struct {
		step string
		want error
	}{
		{"sign-in", ErrNotAMessage},
		{"nonsense", ErrNoSuchStep},
	}
	for _, tt := range tests {
		if _, _, err := r.Message(tt.step); !errors.Is(err, tt.want) {
			t.Errorf("Message(%q): %v, want %v", tt.step, err, tt.want)
		}
	}
	drift, _ := s.Start(guide.Answers{"situation": "out-of-sync", "who": "iam-user", "device": "sparekey"}, b)
	if _, _, err := drift.Message(""); !errors.Is(err, ErrNoMessage) {
		t.Errorf("a path without messages: %v", err)
	}
}
