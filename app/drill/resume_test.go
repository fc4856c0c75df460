package drill

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/app/recovery"
	"github.com/sparekey/sparekey/sync/practice"
	"github.com/sparekey/sparekey/vault"
)

// worldAt is a drill's world in a home that outlives the process: the
// practice account keeps its state there, and runs are kept beside the
// vault's place.
func worldAt(t *testing.T, home string) *env {
	clk := &clock{t: time.Now().Truncate(30 * time.Second).Add(10 * time.Second)}
	a := app.New(app.Options{Paths: app.PathsUnder(home), Keyring: &vault.MemoryKeyring{}, Now: clk.Now, WorkFactor: 10})
	srv, _, err := a.PracticeServer()
	if err != nil {
		t.Fatal(err)
	}
	return &env{ctx: context.Background(), app: a, srv: srv, clock: clk, skip: map[string]bool{}}
}

// TestResumeAfterSIGKILLMidStep: an administrator's recovery is killed with
// SIGKILL in the middle of the deactivation (marked as being done, AWS not
// yet told). A new process finds the step interrupted, sees from AWS that it
// did not happen, does it and walks the rest of the run to a passing end.
func TestResumeAfterSIGKILLMidStep(t *testing.T) {
	if home := os.Getenv("DRILL_KILL_HELPER"); home != "" {
		e := worldAt(t, home)
		lost := e.srv.DeviceSerial(practice.AliceUser)
		if err := e.srv.LoseDevice(lost); err != nil {
			t.Fatal(err)
		}
		leaf, _ := guide.Lookup("lost/admin/phone")
		store := e.app.RecoveryStore()
		r, err := store.StartOn(leaf, nil, guide.Binding{AccountID: e.srv.AccountID(), UserName: practice.AliceUser, Serial: lost})
		if err != nil {
			t.Fatal(err)
		}
		r.Mark("confirm-identity", recovery.Done, "checked by phone", e.clock.Now())
		r.Mark("deactivate", recovery.Doing, "", e.clock.Now())
		if err := store.Save(r); err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString(r.ID + "\n")
		os.Stdout.Sync()
		time.Sleep(time.Hour) // killed here, before AWS hears of it
		return
	}
	home := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestResumeAfterSIGKILLMidStep$")
	cmd.Env = append(os.Environ(), "DRILL_KILL_HELPER="+home)
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
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if !recovery.ValidID(id) {
		t.Fatalf("the helper did not start a run: %q", id)
	}

	e := worldAt(t, home)
	t.Cleanup(e.app.StopPractice)
	if err := e.app.CreateVault(e.ctx, nil); err != nil {
		t.Fatal(err)
	}
	store := e.app.RecoveryStore()
	r, err := store.Load(id)
	if err != nil {
		t.Fatalf("the run after SIGKILL: %v", err)
	}
	st, interrupted := r.Interrupted()
	if !interrupted || st.ID != "deactivate" || r.Steps[0].Status != recovery.Done {
		t.Fatalf("after SIGKILL: interrupted=%v at %+v, first step %s", interrupted, st, r.Steps[0].Status)
	}
	// Check before doing it again: AWS still lists the lost device.
	devs, err := devicesOf(e, adminConn, practice.AliceUser)
	if err != nil || !has(devs, r.Binding.Serial) {
		t.Fatalf("the interrupted step should not have reached AWS: %v %v", devs, err)
	}
	d := lostPhoneWithAdmin()
	e.run, e.conn, e.bind = r, adminConn, r.Binding
	e.target.DeviceName = "alice-after-kill"
	if err := e.walk(d); err != nil {
		t.Fatalf("resuming: %v\n%s", err, strings.Join(e.log, "\n"))
	}
	e.clock.next()
	if err := d.check(e); err != nil {
		t.Fatalf("end state after resuming: %v\n%s", err, strings.Join(e.log, "\n"))
	}
	if !r.Complete() {
		t.Errorf("the resumed run is not complete: %+v", r.Steps)
	}
	if err := store.Close(r, recovery.Finished, "resumed after a kill"); err != nil {
		t.Fatal(err)
	}
}
