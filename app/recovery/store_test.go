package recovery

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/guide"
)

func newStore(t *testing.T) *Store {
	now := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	return &Store{Dir: filepath.Join(t.TempDir(), DirName), Now: func() time.Time { now = now.Add(time.Second); return now }}
}

var rootLost = guide.Answers{"situation": "lost", "who": "root", "device": "phone", "email_phone": "both"}

func TestRunLifecycle(t *testing.T) {
	s := newStore(t)
	r, err := s.Start(rootLost, guide.Binding{AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Path != "lost/root/phone" || r.Current().ID != "root-sign-in" {
		t.Fatalf("new run: %s at %s", r.Path, r.Current().ID)
	}
	st, err := os.Stat(s.path(r.ID))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("run file mode: %v %v", st.Mode(), err)
	}
	if dir, _ := os.Stat(s.Dir); dir.Mode().Perm() != 0o700 {
		t.Errorf("runs folder mode %v", dir.Mode())
	}
	now := s.now()
	for _, step := range []struct {
		id     string
		status Status
		reason string
	}{
		{"root-sign-in", Done, ""},
		{"troubleshoot", Done, ""},
		{"alternative-factors", Failed, "Authentication failed"},
	} {
		if err := r.Mark(step.id, step.status, step.reason, now); err != nil {
			t.Fatal(err)
		}
	}
	if r.Current().ID != "alternative-factors" || r.Current().Status != Failed {
		t.Fatalf("current after a failure: %+v", r.Current())
	}
	if err := r.Follow("lost/root/phone/support", "Authentication failed twice", now); err != nil {
		t.Fatal(err)
	}
	if err := r.Mark("support-form", Waiting, "AWS Support's answer", now); err != nil {
		t.Fatal(err)
	}
	if err := r.Mark("nonsense", Done, "", now); !errors.Is(err, ErrNoSuchStep) {
		t.Errorf("unknown step: %v", err)
	}
	if err := s.Save(r); err != nil {
		t.Fatal(err)
	}
	back, err := s.Load(r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if back.Path != "lost/root/phone/support" || len(back.Earlier) != 1 || len(back.Waiting()) != 1 || back.Waiting()[0].WaitingFor != "AWS Support's answer" {
		t.Fatalf("reloaded: %+v", back)
	}
	open, problems := s.Unfinished()
	if len(open) != 1 || len(problems) != 0 {
		t.Fatalf("unfinished: %d %v", len(open), problems)
	}
	if err := s.Close(back, Abandoned, "found the phone"); err != nil {
		t.Fatal(err)
	}
	if err := back.Mark("support-form", Done, "", now); !errors.Is(err, ErrClosed) {
		t.Errorf("marking a closed run: %v", err)
	}
	if open, _ := s.Unfinished(); len(open) != 0 {
		t.Errorf("an abandoned run is still unfinished")
	}
	if all, _ := s.List(); len(all) != 1 {
		t.Errorf("the abandoned run's record is gone")
	}
}

func TestDamagedAndNewerRunsAreKeptAside(t *testing.T) {
	tests := []struct {
		name, content string
		newer         bool
	}{
		{"truncated", `{"version":1,"id":"20261128-060000-abcdef","path":"lost/r`, false},
		{"unknown status", `{"version":1,"id":"20261128-060000-abcdef","state":"open","path":"lost/root/phone","steps":[{"id":"x","status":"maybe"}]}`, false},
		{"newer", `{"version":7,"id":"20261128-060000-abcdef","future":"field"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			os.MkdirAll(s.Dir, 0o700)
			p := s.path("20261128-060000-abcdef")
			os.WriteFile(p, []byte(tt.content), 0o600)
			_, err := s.Load("20261128-060000-abcdef")
			var de *DamagedRunError
			if !errors.As(err, &de) {
				t.Fatalf("want a DamagedRunError, got %v", err)
			}
			if (de.Newer > 0) != tt.newer {
				t.Errorf("newer = %d", de.Newer)
			}
			kept, rerr := os.ReadFile(de.KeptAs)
			if rerr != nil || string(kept) != tt.content {
				t.Fatalf("the file was not kept aside intact: %v", rerr)
			}
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Error("the damaged file is still in the way")
			}
			if !strings.Contains(err.Error(), "moved aside") || (tt.newer && !strings.Contains(err.Error(), "newer Sparekey")) {
				t.Errorf("message: %v", err)
			}
			runs, problems := s.List()
			if len(runs) != 0 || len(problems) != 0 {
				t.Errorf("after setting aside: %d runs, %v", len(runs), problems)
			}
		})
	}
}

// TestResumeAfterKill kills a process in the middle of a step (after it
// saved "doing") and checks the next process sees the step as interrupted.
func TestResumeAfterKill(t *testing.T) {
	if os.Getenv("RECOVERY_KILL_HELPER") != "" {
		s := &Store{Dir: os.Getenv("RECOVERY_KILL_HELPER")}
		r, err := s.Start(guide.Answers{"situation": "lost", "who": "admin", "device": "phone"}, guide.Binding{UserName: "alice"})
		if err != nil {
			os.Exit(3)
		}
		r.Mark("confirm-identity", Done, "", time.Now())
		r.Mark("deactivate", Doing, "", time.Now())
		if err := s.Save(r); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString(r.ID + "\n")
		os.Stdout.Sync()
		time.Sleep(time.Hour) // killed here, mid-step
		return
	}
	dir := filepath.Join(t.TempDir(), DirName)
	cmd := exec.Command(os.Args[0], "-test.run=^TestResumeAfterKill$")
	cmd.Env = append(os.Environ(), "RECOVERY_KILL_HELPER="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := out.Read(buf)
	id := strings.TrimSpace(string(buf[:n]))
	cmd.Process.Kill()
	cmd.Wait()

	s := &Store{Dir: dir}
	r, err := s.Load(id)
	if err != nil {
		t.Fatalf("loading %q after the kill: %v", id, err)
	}
	st, interrupted := r.Interrupted()
	if !interrupted || st.ID != "deactivate" || r.Current().ID != "deactivate" {
		t.Fatalf("after the kill: interrupted=%v %+v", interrupted, r.Current())
	}
	if r.Steps[0].Status != Done || r.Binding.UserName != "alice" {
		t.Errorf("progress before the kill was lost: %+v", r)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(matches) > 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

func TestGuideReconcilesSteps(t *testing.T) {
	g, _ := guide.Resolve(rootLost)
	r := NewRun("20261128-060000-abcdef", rootLost, g, guide.Binding{}, time.Now())
	r.Steps = r.Steps[:2] // an older tree had fewer steps
	if _, err := r.Guide(); err != nil {
		t.Fatal(err)
	}
	if len(r.Steps) != len(g.Steps) || r.Steps[5].Status != Todo {
		t.Errorf("steps not reconciled: %+v", r.Steps)
	}
	r.Path = "gone/leaf"
	if _, err := r.Guide(); !errors.Is(err, ErrUnknownPath) {
		t.Errorf("unknown path: %v", err)
	}
}

func FuzzParseRun(f *testing.F) {
	f.Add([]byte(`{"version":1,"id":"20261128-060000-abcdef","state":"open","path":"lost/root/phone","steps":[{"id":"root-sign-in","status":"done"}]}`))
	f.Add([]byte(`{"version":99}`))
	f.Add([]byte(`{"version":1,"id":"../../etc/passwd","path":"x","state":"open"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRun(data)
		if err != nil {
			return
		}
		if !ValidID(r.ID) || r.Path == "" || r.Version < 1 || r.Version > Version {
			t.Fatalf("accepted a bad run: %+v", r)
		}
		if strings.ContainsAny(r.ID, `/\.`) {
			t.Fatalf("run ID %q could escape the folder", r.ID)
		}
	})
}
