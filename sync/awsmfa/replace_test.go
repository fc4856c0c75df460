package awsmfa

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sparekey/sparekey/sync/practice"
)

// enrolledBob gives bob one Sparekey-held device, enrolled by the admin.
func enrolledBob(t *testing.T, e *practiceEnv) string {
	t.Helper()
	res, err := e.admin(t).Enroll(context.Background(), e.v, EnrollRequest{UserName: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(30 * time.Second)
	return res.Device.SerialNumber
}

// onlyDevice checks the user ended with exactly one device, held by the vault.
func onlyDevice(t *testing.T, e *practiceEnv, user, want string) {
	t.Helper()
	devs := e.checkInvariants(t, user, false)
	if len(devs) != 1 || (want != "" && devs[0].SerialNumber != want) || !devs[0].Held {
		t.Fatalf("%s's devices = %+v, want only %s", user, devs, want)
	}
}

func TestPracticeReplace(t *testing.T) {
	ctx := context.Background()
	t.Run("admin replaces a user's device", func(t *testing.T) {
		e := startPractice(t)
		old := enrolledBob(t, e)
		journal := filepath.Join(t.TempDir(), JournalFile)
		res, err := e.admin(t).Replace(ctx, e.v, ReplaceRequest{UserName: "bob", OldSerial: old, JournalPath: journal})
		if err != nil {
			t.Fatal(err)
		}
		if !res.OldDeactivated || !res.OldDeleted || res.OldVault != "removed" {
			t.Fatalf("result = %+v", res)
		}
		onlyDevice(t, e, "bob", res.NewSerial)
		if _, err := os.Stat(journal); !os.IsNotExist(err) {
			t.Fatalf("journal left behind: %v", err)
		}
	})
	t.Run("a user replaces their phone under the MFA policy", func(t *testing.T) {
		e := startPractice(t)
		alice := e.user(t, practice.AliceUser)
		phone := e.srv.DeviceSerial(practice.AliceUser)
		res, err := alice.Replace(ctx, e.v, ReplaceRequest{OldSerial: phone, JournalPath: filepath.Join(t.TempDir(), JournalFile)})
		if err != nil {
			t.Fatal(err)
		}
		if !res.OldDeleted || res.OldVault != "" {
			t.Fatalf("result = %+v", res)
		}
		onlyDevice(t, e, "alice", res.NewSerial)
	})
	t.Run("unknown old device", func(t *testing.T) {
		e := startPractice(t)
		_, err := e.admin(t).Replace(ctx, e.v, ReplaceRequest{UserName: "bob", OldSerial: "GAHT00000001", JournalPath: filepath.Join(t.TempDir(), JournalFile)})
		if !errors.Is(err, ErrNoSuchEntity) {
			t.Fatalf("err = %v", err)
		}
		e.checkInvariants(t, "bob", false)
	})
}

// TestPracticeReplaceFaults makes each AWS step of a replacement fail for
// good: bob always keeps a working device, nothing is orphaned silently,
// and Resume, once AWS is back, leaves exactly one device.
func TestPracticeReplaceFaults(t *testing.T) {
	tests := []struct {
		op          string
		rolledAhead bool // after Resume the new device remains
	}{
		{"CreateVirtualMFADevice", false},
		{"EnableMFADevice", false},
		{"DeactivateMFADevice", true},
		{"DeleteVirtualMFADevice", true},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			e := startPractice(t)
			ctx := context.Background()
			old := enrolledBob(t, e)
			admin := e.admin(t)
			journal := filepath.Join(t.TempDir(), JournalFile)
			e.srv.InjectFault(tt.op, practice.FaultServerError, 100)
			_, err := admin.Replace(ctx, e.v, ReplaceRequest{UserName: "bob", OldSerial: old, JournalPath: journal})
			e.srv.InjectFault(tt.op, "", 0)
			if err == nil {
				t.Fatal("replace succeeded despite the fault")
			}
			if GuidanceOf(err) == "" {
				t.Errorf("no guidance: %v", err)
			}
			noSecrets(t, e.v, err.Error())
			var inc *IncompleteError
			reported := errors.As(err, &inc) && len(inc.Left) > 0
			if devs := e.checkInvariants(t, "bob", reported); len(devs) == 0 {
				t.Fatal("bob was left without any MFA device")
			}
			res, err := e.admin(t).Resume(ctx, e.v, journal)
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			if tt.rolledAhead {
				if res == nil || res.RolledBack || !res.OldDeleted {
					t.Fatalf("resume = %+v", res)
				}
				onlyDevice(t, e, "bob", res.NewSerial)
			} else {
				if res != nil {
					t.Fatalf("nothing should be left to resume: %+v", res)
				}
				onlyDevice(t, e, "bob", old)
			}
			if j, _ := ReadJournal(journal); j != nil {
				t.Fatalf("journal left: %+v", j)
			}
		})
	}
}

// TestPracticeReplaceCrash kills a replacement after each journaled phase
// and resumes it from the journal with a fresh client.
func TestPracticeReplaceCrash(t *testing.T) {
	tests := []struct {
		phase      string
		self       bool
		lagging    bool // the crash hit between CreateVirtualMFADevice and the journal write
		rolledBack bool
	}{
		{PhaseStarted, false, false, true},
		{PhaseCreated, false, false, true},
		{PhaseCreated, false, true, true},
		{PhaseEnabled, false, false, false},
		{PhaseEnabled, true, false, false},
		{PhaseOldDeactivated, false, false, false},
		{PhaseDone, false, false, false},
	}
	for _, tt := range tests {
		name := tt.phase
		if tt.self {
			name += "/self"
		}
		if tt.lagging {
			name += "/journal-lagging"
		}
		t.Run(name, func(t *testing.T) {
			e := startPractice(t)
			ctx := context.Background()
			user, client := "bob", e.admin(t)
			var old string
			if tt.self {
				user, client, old = "alice", e.user(t, "alice"), e.srv.DeviceSerial("alice")
			} else {
				old = enrolledBob(t, e)
			}
			journal := filepath.Join(t.TempDir(), JournalFile)
			client.hookPhase = func(p string) error {
				if p == tt.phase {
					return errCrash
				}
				return nil
			}
			req := ReplaceRequest{OldSerial: old, JournalPath: journal}
			if !tt.self {
				req.UserName = user
			}
			if _, err := client.Replace(ctx, e.v, req); !errors.Is(err, errCrash) {
				t.Fatalf("replace: %v", err)
			}
			if tt.lagging {
				j, _ := ReadJournal(journal)
				j.Phase, j.NewSerial, j.NewVaultID = PhaseStarted, "", ""
				if err := writeJournal(journal, j); err != nil {
					t.Fatal(err)
				}
			}
			if info, err := os.Stat(journal); err != nil || info.Mode().Perm() != 0o600 {
				t.Fatalf("journal: %v %v", info, err)
			}
			if devs := e.checkInvariants(t, user, true); len(devs) == 0 {
				t.Fatal("no device left after the crash")
			}
			// The next start: a new client, the same vault and journal.
			e.clock.Advance(30 * time.Second)
			next := e.admin(t)
			if tt.self {
				next = e.user(t, "alice")
			}
			res, err := next.Resume(ctx, e.v, journal)
			if err != nil {
				t.Fatalf("resume: %v", err)
			}
			if res == nil || res.RolledBack != tt.rolledBack {
				t.Fatalf("resume = %+v", res)
			}
			if tt.rolledBack {
				if tt.self {
					e.checkInvariants(t, user, false)
				} else {
					onlyDevice(t, e, user, old)
				}
			} else {
				onlyDevice(t, e, user, "")
			}
			if j, _ := ReadJournal(journal); j != nil {
				t.Fatalf("journal left: %+v", j)
			}
		})
	}
}

func TestJournalRefusesSecondReplace(t *testing.T) {
	e := startPractice(t)
	ctx := context.Background()
	old := enrolledBob(t, e)
	journal := filepath.Join(t.TempDir(), JournalFile)
	admin := e.admin(t)
	admin.hookPhase = func(p string) error {
		if p == PhaseEnabled {
			return errCrash
		}
		return nil
	}
	if _, err := admin.Replace(ctx, e.v, ReplaceRequest{UserName: "bob", OldSerial: old, JournalPath: journal}); !errors.Is(err, errCrash) {
		t.Fatal(err)
	}
	_, err := e.admin(t).Replace(ctx, e.v, ReplaceRequest{UserName: "bob", OldSerial: old, JournalPath: journal})
	if !errors.Is(err, ErrReplaceInProgress) || GuidanceOf(err) == "" {
		t.Fatalf("err = %v", err)
	}
	other := e.admin(t)
	other.opts.Label = "someone-else"
	if _, err := other.Resume(ctx, e.v, journal); !errors.Is(err, ErrReplaceInProgress) {
		t.Fatalf("resume through another connection: %v", err)
	}
}
