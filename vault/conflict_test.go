package vault

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConflictCopyNames(t *testing.T) {
	vaultPath := filepath.Join("/data", "vault.age")
	for _, tc := range []struct {
		name string
		tool string // "" = not a conflict copy of the vault
	}{
		{"vault.sync-conflict-20261128-101530-ABCDEF7.age", "Syncthing"},
		{"vault (Alice's conflicted copy 2026-11-28).age", "Dropbox or Nextcloud"},
		{"vault (conflicted copy 2026-11-28).age", "Dropbox or Nextcloud"},
		{"vault (conflicted copy 2026-11-28 101530).age", "Dropbox or Nextcloud"},
		{"vault.age", ""},
		{"vault.age.prev", ""},
		{"vault.age.lock", ""},
		{"vault.age.sync-conflict-20261128-101530-ABCDEF7.key", ""}, // the key file's, not the vault's
		{"vault.sync-conflict-2026112-101530-ABCDEF7.age", ""},
		{"vault.sync-conflict-20261128-101530-abcdef7.age", ""},
		{"other (conflicted copy 2026-11-28).age", ""},
		{"vault (copy).age", ""},
		{".vault.age.tmp-123", ""},
	} {
		c, ok := ConflictCopyOf(vaultPath, tc.name)
		if ok != (tc.tool != "") || c.Tool != tc.tool {
			t.Errorf("%q: %v %q, want tool %q", tc.name, ok, c.Tool, tc.tool)
		}
		if ok && c.Path != filepath.Join("/data", tc.name) {
			t.Errorf("%q: path %q", tc.name, c.Path)
		}
	}
}

// splitVault makes a second copy of the vault at path, as another computer
// holds it once the sync tool has copied it there; the two then change
// apart, and the other's version comes back as a conflict copy.
func splitVault(t *testing.T, v *Vault, path string) (*Vault, func(name string) ConflictCopy) {
	t.Helper()
	otherPath := filepath.Join(t.TempDir(), "vault.age")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(otherPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	other, err := OpenWithIdentity(otherPath, v.Identity())
	if err != nil {
		t.Fatal(err)
	}
	comeBack := func(name string) ConflictCopy {
		dst := filepath.Join(filepath.Dir(path), name)
		if err := os.Rename(otherPath, dst); err != nil {
			t.Fatal(err)
		}
		c, ok := ConflictCopyOf(path, name)
		if !ok {
			t.Fatalf("%s is not recognised", name)
		}
		return c
	}
	return other, comeBack
}

func byLabel(v *Vault) map[string]*Account {
	m := map[string]*Account{}
	for _, a := range v.Accounts() {
		m[a.Label()] = a
	}
	return m
}

func TestMergeConflictCopy(t *testing.T) {
	acct := func(issuer, secret string, kind Kind) *Account {
		return mustAccount(t, Account{Issuer: issuer, Name: "me", Secret: secret, Kind: kind})
	}
	both := acct("Both", "GEZDGNBVGY3TQOJQ", KindTOTP)
	hotp := acct("Counter", "JBSWY3DPEHPK3PXP", KindHOTP)
	goneHere := acct("GoneHere", "MZXW6YTBOI", KindTOTP)
	goneThere := acct("GoneThere", "MFRGGZDFMZTWQ2LK", KindTOTP)
	editedThere := acct("EditedThere", "KRSXG5CTMVRXEZLU", KindTOTP)
	v, path := newFileVault(t, both, hotp, goneHere, goneThere, editedThere)
	// Made an hour ago, so that changes in this test come after.
	v.mu.Lock()
	for _, a := range v.accounts {
		a.Updated = a.Updated.Add(-time.Hour)
	}
	v.mu.Unlock()
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	ids := byLabel(v)
	other, comeBack := splitVault(t, v, path)

	// Here: a deletion, two codes, a new account.
	if _, err := v.Remove(ids[goneHere.Label()].ID); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := v.IssueHOTP(ids[hotp.Label()].ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.Add(acct("NewHere", "ONSWG4TFOQ", KindTOTP)); err != nil {
		t.Fatal(err)
	}
	// There: another deletion, four codes, an edit, another new account.
	if _, err := other.Remove(ids[goneThere.Label()].ID); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := other.IssueHOTP(ids[hotp.Label()].ID); err != nil {
			t.Fatal(err)
		}
	}
	e := ids[editedThere.Label()]
	e.Note = "edited on the laptop"
	if err := other.Update(e); err != nil {
		t.Fatal(err)
	}
	if err := other.Add(acct("NewThere", "GEZDGNBVGY3TQOJRGEZA", KindTOTP)); err != nil {
		t.Fatal(err)
	}

	c := comeBack("vault.sync-conflict-20261128-101530-ABCDEF7.age")
	res, err := v.MergeConflictCopy(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Removed || res.Count(ConflictUndecided) != 0 {
		t.Fatalf("removed %v, %d undecided: %+v", res.Removed, res.Count(ConflictUndecided), res.Items)
	}
	if _, err := os.Stat(c.Path); !os.IsNotExist(err) {
		t.Errorf("the conflict copy is still there: %v", err)
	}
	reopened, err := Open(path, testOptions("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	got := byLabel(reopened)
	var labels []string
	for l := range got {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	want := []string{"Both (me)", "Counter (me)", "EditedThere (me)", "NewHere (me)", "NewThere (me)"}
	if !slices.Equal(labels, want) {
		t.Fatalf("merged vault: %v, want %v", labels, want)
	}
	if h := got["Counter (me)"]; h.Counter != 4 {
		t.Errorf("HOTP counter after the merge = %d, want 4 (the higher of 2 and 4)", h.Counter)
	}
	if n := got["EditedThere (me)"].Note; n != "edited on the laptop" {
		t.Errorf("the edit made there was lost: note %q", n)
	}
	if d := reopened.Deleted(); len(d) != 2 {
		t.Errorf("deletion records after the merge: %+v", d)
	}
}

func TestMergeConflictCopyUndecided(t *testing.T) {
	kept := mustAccount(t, Account{Issuer: "Kept", Name: "me", Secret: "MZXW6YTBOI"})
	v, path := newFileVault(t, kept)
	other, comeBack := splitVault(t, v, path)

	// Deleted here an hour ago; changed there since.
	if _, err := v.Remove(kept.ID); err != nil {
		t.Fatal(err)
	}
	v.mu.Lock()
	v.deleted[0].Deleted = v.deleted[0].Deleted.Add(-time.Hour)
	v.mu.Unlock()
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	k, _ := other.Get(kept.ID)
	k.Note = "still in use"
	if err := other.Update(k); err != nil {
		t.Fatal(err)
	}
	// And one name with two different secrets.
	if err := v.Add(mustAccount(t, Account{Issuer: "Twin", Name: "me", Secret: "ONSWG4TFOQ"})); err != nil {
		t.Fatal(err)
	}
	if err := other.Add(mustAccount(t, Account{Issuer: "Twin", Name: "me", Secret: "GEZDGNBVGY3TQOJQ"})); err != nil {
		t.Fatal(err)
	}
	c := comeBack("vault (Alice's conflicted copy 2026-11-28).age")

	res, err := v.MergeConflictCopy(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed || res.Count(ConflictUndecided) != 2 {
		t.Fatalf("removed %v with %d undecided; want the copy kept with 2: %+v", res.Removed, res.Count(ConflictUndecided), res.Items)
	}
	if _, err := os.Stat(c.Path); err != nil {
		t.Fatalf("a copy with undecided accounts was removed: %v", err)
	}
	if v.Len() != 1 {
		t.Errorf("undecided accounts changed the vault: %d accounts", v.Len())
	}

	// The person keeps both.
	res, err = v.MergeConflictCopy(c, func(ConflictItem) ConflictChoice { return ConflictKeep })
	if err != nil {
		t.Fatal(err)
	}
	if !res.Removed || v.Len() != 3 {
		t.Errorf("after keeping both: removed %v, %d accounts", res.Removed, v.Len())
	}
}

func TestMergeConflictCopyWrongKey(t *testing.T) {
	v, path := newFileVault(t)
	_, strangerPath := newFileVault(t)
	name := "vault.sync-conflict-20261128-101530-ABCDEF7.age"
	data, _ := os.ReadFile(strangerPath)
	os.WriteFile(filepath.Join(filepath.Dir(path), name), data, 0o600)
	c, _ := ConflictCopyOf(path, name)
	if _, err := v.MergeConflictCopy(c, nil); err == nil {
		t.Fatal("a copy of another vault was merged")
	}
	if _, err := os.Stat(c.Path); err != nil {
		t.Errorf("a copy that could not be read was removed: %v", err)
	}
}

// FuzzConflictCopyOf: whatever a sync tool (or anyone) names a file, the
// matcher never takes the vault itself or its companions for a copy, and a
// copy it recognises stays in the vault's folder.
func FuzzConflictCopyOf(f *testing.F) {
	for _, name := range []string{
		"vault.sync-conflict-20261128-101530-ABCDEF7.age", "vault (Alice's conflicted copy 2026-11-28).age",
		"vault (conflicted copy 2026-11-28 101530).age", "vault.age", "vault.age.prev", "vault.age.lock",
		"vault (conflicted copy (2)).age", "../vault (conflicted copy).age",
	} {
		f.Add(name)
	}
	vaultPath := filepath.Join("data", "vault.age")
	f.Fuzz(func(t *testing.T, name string) {
		c, ok := ConflictCopyOf(vaultPath, name)
		if !ok {
			return
		}
		if name == "vault.age" || strings.HasPrefix(name, "vault.age.") {
			t.Fatalf("%q taken for a conflict copy", name)
		}
		if filepath.Dir(c.Path) != "data" || strings.ContainsAny(name, "/\x00") {
			t.Fatalf("%q: a copy outside the vault's folder: %s", name, c.Path)
		}
	})
}
