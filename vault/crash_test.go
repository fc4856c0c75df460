package vault

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const crashChildEnv = "SPAREKEY_TEST_CRASH_DIR"

// crashStates are the two contents the child alternates between: different
// sizes, so a torn write would show as a short or mixed file.
func crashStates(t testing.TB) (a, b []*Account) {
	all := sampleAccounts(t, 60)
	for i, acct := range all {
		acct.ID = fmt.Sprintf("acct-%02d", i) // stable across processes
		acct.Note = strings.Repeat("n", 200)
	}
	return all[:3], all
}

func accountIDs(accts []*Account) []string {
	ids := make([]string, len(accts))
	for i, a := range accts {
		ids[i] = a.ID
	}
	slices.Sort(ids)
	return ids
}

// TestCrashSafety kills a process that keeps saving the vault, hundreds of
// times at random moments, and checks that the vault always opens and holds
// one of the two states written, never anything less.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 300 processes; skipped with -short")
	}
	stateA, stateB := crashStates(t)
	idsA, idsB := accountIDs(stateA), accountIDs(stateB)
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.age")
	v, err := Create(path, ModePassphrase, testOptions("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.AddAll(stateA); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "identity.txt"), []byte(v.Identity().String()), 0o600); err != nil {
		t.Fatal(err)
	}
	id := v.Identity()

	iterations := 300
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 7))
	t.Logf("random seed %d", seed)
	seen := map[string]int{}
	deadline := time.Now().Add(45 * time.Second)
	for i := range iterations {
		if time.Now().After(deadline) {
			t.Logf("stopping after %d iterations to stay within the time budget", i)
			break
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashSafetyChild$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		var saveTime time.Duration
		if _, serr := fmt.Sscanf(line, "saving %d", &saveTime); err != nil || serr != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("iteration %d: the child did not start saving: %q, %v", i, line, err)
		}
		// 0-20 ms, stretched on a disk whose fsync is slower than that so
		// that kills still land between saves and not only in the first.
		maxDelay := max(20*time.Millisecond, 3*saveTime)
		time.Sleep(time.Duration(rng.Int64N(int64(maxDelay))))
		cmd.Process.Kill() // SIGKILL: no deferred cleanup runs
		cmd.Wait()

		c, _, err := readVault(path, id)
		if err != nil {
			t.Fatalf("iteration %d: the vault does not open after a kill: %v", i, err)
		}
		got := accountIDs(c.accounts)
		switch {
		case slices.Equal(got, idsA):
			seen["A"]++
		case slices.Equal(got, idsB):
			seen["B"]++
		default:
			t.Fatalf("iteration %d: the vault holds %d accounts, neither state A (%d) nor B (%d)", i, len(got), len(idsA), len(idsB))
		}
		if prev, err := os.ReadFile(PreviousPath(path)); err == nil {
			if _, err := decodeVault(prev, id); err != nil {
				t.Fatalf("iteration %d: vault.age.prev is damaged: %v", i, err)
			}
		}
	}
	t.Logf("after each kill the vault held state A %d times and state B %d times", seen["A"], seen["B"])
	if seen["A"] == 0 || seen["B"] == 0 {
		t.Errorf("the kills never landed between saves of different states (%v); the test proves little", seen)
	}
}

// TestCrashSafetyChild is the process TestCrashSafety kills: it saves the
// two states alternately until it dies. It does nothing in a normal run.
func TestCrashSafetyChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		return
	}
	v := childVault(t, dir)
	stateA, stateB := crashStates(t)
	start := time.Now()
	if err := v.Save(); err != nil { // state A again: times one save for the parent
		t.Fatal(err)
	}
	fmt.Printf("saving %d\n", time.Since(start))
	for i := 0; ; i++ {
		next := stateA
		if i%2 == 0 {
			next = stateB
		}
		v.mu.Lock()
		v.accounts = next
		v.mu.Unlock()
		if err := v.Save(); err != nil {
			t.Fatal(err)
		}
	}
}
