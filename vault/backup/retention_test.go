package backup

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/sparekey/sparekey/vault"
)

func TestRetentionPlan(t *testing.T) {
	now := time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	at := func(ago time.Duration) AutoFile {
		ts := now.Add(-ago)
		return AutoFile{Name: AutoFilePrefix + ts.Format("20060102T150405.000Z") + ".age", Time: ts}
	}
	const day = 24 * time.Hour
	tests := []struct {
		name   string
		r      Retention
		files  []AutoFile
		held   func(files []AutoFile) map[string][]string
		kept   []int // indexes into files
		reason map[int]string
	}{
		{
			name:  "keep last only",
			r:     Retention{KeepLast: 2},
			files: []AutoFile{at(4 * time.Hour), at(3 * time.Hour), at(2 * time.Hour), at(time.Hour)},
			kept:  []int{2, 3},
		},
		{
			name:   "newest of each day, days without backups do not count",
			r:      Retention{KeepLast: 1, KeepDaily: 3},
			files:  []AutoFile{at(40 * day), at(20*day + time.Hour), at(20 * day), at(10 * day), at(time.Hour), at(0)},
			kept:   []int{2, 3, 5},
			reason: map[int]string{2: KeptDaily, 5: KeptLast},
		},
		{
			name:   "newest of each week",
			r:      Retention{KeepWeekly: 2},
			files:  []AutoFile{at(21 * day), at(15 * day), at(14 * day), at(day)},
			kept:   []int{2, 3},
			reason: map[int]string{2: KeptWeekly},
		},
		{
			name:  "last holder of a removed account stays 30 days",
			r:     Retention{KeepLast: 1, KeepDeletedFor: 30 * day},
			files: []AutoFile{at(3 * time.Hour), at(2 * time.Hour), at(time.Hour), at(0)},
			held: func(f []AutoFile) map[string][]string {
				return map[string][]string{f[0].Name: {"a"}, f[1].Name: {"a", "b"}, f[2].Name: {"b"}, f[3].Name: {"b"}}
			},
			kept:   []int{1, 3},
			reason: map[int]string{1: KeptDeleted},
		},
		{
			name:  "a removal older than the window is not protected",
			r:     Retention{KeepLast: 1, KeepDeletedFor: 30 * day},
			files: []AutoFile{at(50 * day), at(40 * day), at(0)},
			held: func(f []AutoFile) map[string][]string {
				return map[string][]string{f[0].Name: {"a"}, f[1].Name: {}, f[2].Name: {}}
			},
			kept: []int{2},
		},
		{
			name:  "an account removed today after a long quiet spell is dated by today's backup",
			r:     Retention{KeepLast: 1, KeepDeletedFor: 30 * day},
			files: []AutoFile{at(60 * day), at(0)},
			held: func(f []AutoFile) map[string][]string {
				return map[string][]string{f[0].Name: {"a", "b"}, f[1].Name: {"b"}}
			},
			kept: []int{0, 1},
		},
		{
			name:  "unknown contents are kept for the window, then go",
			r:     Retention{KeepLast: 1, KeepDeletedFor: 30 * day},
			files: []AutoFile{at(31 * day), at(29 * day), at(0)},
			held: func(f []AutoFile) map[string][]string {
				return map[string][]string{f[2].Name: {"b"}}
			},
			kept:   []int{1, 2},
			reason: map[int]string{1: KeptUnknown},
		},
		{
			name: "empty folder",
			r:    DefaultRetention(3),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			held := map[string][]string{}
			if tt.held != nil {
				held = tt.held(tt.files)
			} else {
				for _, f := range tt.files {
					held[f.Name] = nil
				}
			}
			plan := tt.r.Plan(tt.files, held, now)
			var kept []int
			for i, d := range plan {
				if d.Keep {
					kept = append(kept, i)
				}
				if d.Keep != (len(d.Reasons) > 0) {
					t.Errorf("file %d: keep %v with reasons %v", i, d.Keep, d.Reasons)
				}
			}
			if !slices.Equal(kept, tt.kept) {
				t.Errorf("kept %v, want %v (plan %+v)", kept, tt.kept, plan)
			}
			for i, why := range tt.reason {
				if !slices.Contains(plan[i].Reasons, why) {
					t.Errorf("file %d kept for %v, want %q among them", i, plan[i].Reasons, why)
				}
			}
		})
	}
}

// holding lists the account issuers each automatic backup in dir holds.
func holding(t *testing.T, dir string, id age.Identity) [][]string {
	t.Helper()
	var out [][]string
	for _, f := range decryptAll(t, dir, id) {
		o, err := OpenFile(f.Path, Unlock{Identities: []age.Identity{id}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range o.Accounts {
			names = append(names, a.Issuer)
		}
		out = append(out, names)
	}
	return out
}

// The scenario of issue #11: with --keep 3, add four accounts and remove
// each. Every removed account must still be in some backup.
func TestAutoKeepsRemovedAccounts(t *testing.T) {
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	v := vault.NewMemory()
	a, err := StartAuto(AutoConfig{Dir: dir, Keep: 3, Recipients: []age.Recipient{id.Recipient()}, Debounce: time.Hour, Now: clock.Now}, v.Accounts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var ids []string
	for i := range 4 {
		acct := mustAccount(t, vault.Account{Issuer: fmt.Sprintf("Site %d", i), Name: "me", Secret: vault.SecretFromBytes(fmt.Appendf(nil, "seed-%d-padding!", i))})
		if err := v.Add(acct); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, acct.ID)
		a.Changed()
		if err := a.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	for _, removed := range ids {
		if _, err := v.Remove(removed); err != nil {
			t.Fatal(err)
		}
		a.Changed()
		if err := a.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	// Ten more changes after the removals push nothing out either.
	for i := range 10 {
		if err := v.Add(mustAccount(t, vault.Account{Issuer: fmt.Sprintf("Later %d", i), Name: "me", Secret: vault.SecretFromBytes(fmt.Appendf(nil, "later-%d-padding", i))})); err != nil {
			t.Fatal(err)
		}
		a.Changed()
		if err := a.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	held := holding(t, dir, id)
	for i := range 4 {
		site := fmt.Sprintf("Site %d", i)
		if !slices.ContainsFunc(held, func(names []string) bool { return slices.Contains(names, site) }) {
			t.Errorf("no backup holds the removed account %s; backups hold %v", site, held)
		}
	}
	t.Logf("%d backups kept: %v", len(held), held)

	// 31 days later the removals are old news: the next change lets the
	// folder shrink back to the newest three plus the daily and weekly ones.
	clock.Advance(31 * 24 * time.Hour)
	if err := v.Add(mustAccount(t, vault.Account{Issuer: "Much later", Name: "me", Secret: "JBSWY3DPEHPK3PXP"})); err != nil {
		t.Fatal(err)
	}
	a.Changed()
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	if files, _ := ListAuto(dir); len(files) != 3 {
		t.Errorf("after the window, %d backups remain, want the newest 3 (they include the newest of each day and week)", len(files))
	}
}

func TestAutoHOTPCountersDoNotRotate(t *testing.T) {
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	hotp := mustAccount(t, vault.Account{Issuer: "Counter Co", Name: "bob", Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Kind: vault.KindHOTP, Counter: 7})
	v := vault.NewMemory(hotp)
	start := func() *Auto {
		a, err := StartAuto(AutoConfig{Dir: dir, Keep: 2, Recipients: []age.Recipient{id.Recipient()}, Debounce: time.Hour, Now: clock.Now}, v.Accounts)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := start()
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := v.IssueHOTP(hotp.ID); err != nil {
			t.Fatal(err)
		}
		a.Changed()
		if err := a.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	// A new process (the command line) must recognise it too.
	a = start()
	defer a.Close()
	if _, err := v.IssueHOTP(hotp.ID); err != nil {
		t.Fatal(err)
	}
	a.Changed()
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	files := decryptAll(t, dir, id)
	if len(files) != 1 {
		t.Fatalf("HOTP codes made %d backups, want the one updated in place", len(files))
	}
	o, err := OpenFile(files[0].Path, Unlock{Identities: []age.Identity{id}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Accounts[0].Counter; got != 13 {
		t.Errorf("the backup's counter is %d, want 13 (the vault's)", got)
	}
	// A real change still makes a new file.
	if err := v.Add(mustAccount(t, vault.Account{Issuer: "New", Name: "me", Secret: "JBSWY3DPEHPK3PXP"})); err != nil {
		t.Fatal(err)
	}
	a.Changed()
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	if files, _ := ListAuto(dir); len(files) != 2 {
		t.Errorf("a new account made %d backups in all, want 2", len(files))
	}
}

func TestIndexHoldsNoSecrets(t *testing.T) {
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	v := vault.NewMemory(sampleAccounts(t)...)
	a, err := StartAuto(AutoConfig{Dir: dir, Recipients: []age.Recipient{id.Recipient()}, Debounce: time.Hour}, v.Accounts)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, IndexFileName))
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(filepath.Join(dir, IndexFileName)); info.Mode().Perm() != 0o600 {
		t.Errorf("index mode %v", info.Mode())
	}
	for _, acct := range sampleAccounts(t) {
		for _, s := range []string{acct.Secret, acct.Issuer, acct.Name} {
			if strings.Contains(string(data), s) {
				t.Errorf("the index holds %q", s)
			}
		}
	}
	for _, acct := range v.Accounts() {
		if !strings.Contains(string(data), acct.ID) {
			t.Errorf("the index lacks account ID %s", acct.ID)
		}
	}
}

func TestPruneCleansStaleTemps(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	stale := filepath.Join(dir, "."+AutoFilePrefix+"20260101T000000.000Z.age.tmp-123")
	fresh := filepath.Join(dir, "."+AutoFilePrefix+"20260101T000001.000Z.age.tmp-456")
	for _, p := range []string{stale, fresh} {
		os.WriteFile(p, []byte("partial"), 0o600)
	}
	os.Chtimes(stale, old, old)
	if err := Prune(dir, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("a stale partial backup was left behind")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a write under way was removed")
	}
}

// A status write killed half-way leaves .backup-status.json.tmp-*; the next
// write of the same file clears it, as vault saves clear theirs.
func TestWriteAtomicCleansItsStaleTemps(t *testing.T) {
	dir := t.TempDir()
	status := filepath.Join(dir, "backup-status.json")
	stale := filepath.Join(dir, ".backup-status.json.tmp-111")
	fresh := filepath.Join(dir, ".backup-status.json.tmp-222")
	other := filepath.Join(dir, ".settings.json.tmp-333")
	old := time.Now().Add(-time.Hour)
	for _, p := range []string{stale, fresh, other} {
		os.WriteFile(p, []byte("{"), 0o600)
	}
	os.Chtimes(stale, old, old)
	os.Chtimes(other, old, old)
	if err := WriteAutoStatus(status, AutoStatus{State: StateOK}); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{stale: false, fresh: true, other: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}
