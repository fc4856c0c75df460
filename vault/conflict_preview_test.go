package vault

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"testing"
)

// TestPreviewConflictCopy: the preview names what the merge then does,
// item by item, and changes neither the vault nor the copy.
func TestPreviewConflictCopy(t *testing.T) {
	both := mustAccount(t, Account{Issuer: "Both", Name: "me", Secret: "GEZDGNBVGY3TQOJQ"})
	counter := mustAccount(t, Account{Issuer: "Counter", Name: "me", Secret: "JBSWY3DPEHPK3PXP", Kind: KindHOTP})
	v, path := newFileVault(t, both, counter)
	other, comeBack := splitVault(t, v, path)
	if err := other.Add(mustAccount(t, Account{Issuer: "NewThere", Name: "me", Secret: "ONSWG4TFOQ"})); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := other.IssueHOTP(counter.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.Add(mustAccount(t, Account{Issuer: "Twin", Name: "me", Secret: "MZXW6YTBOI"})); err != nil {
		t.Fatal(err)
	}
	if err := other.Add(mustAccount(t, Account{Issuer: "Twin", Name: "me", Secret: "MFRGGZDFMZTWQ2LK"})); err != nil {
		t.Fatal(err)
	}
	c := comeBack("vault (conflicted copy 2026-11-28 101530).age")
	before, _ := os.ReadFile(path)
	copyBefore, _ := os.ReadFile(c.Path)

	preview, err := v.PreviewConflictCopy(c)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) || v.Len() != 3 {
		t.Fatalf("the preview changed the vault (%d accounts)", v.Len())
	}
	if after, _ := os.ReadFile(c.Path); !bytes.Equal(copyBefore, after) {
		t.Fatal("the preview changed the copy")
	}
	if h, _ := v.Get(counter.ID); h.Counter != 0 {
		t.Errorf("the preview raised the counter in memory to %d", h.Counter)
	}
	merged, err := v.MergeConflictCopy(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(preview.Items) != len(merged.Items) {
		t.Fatalf("preview %+v, merge %+v", preview.Items, merged.Items)
	}
	for i := range preview.Items {
		p, m := preview.Items[i], merged.Items[i]
		if p.Status != m.Status || p.Account.Label() != m.Account.Label() || p.Reason != m.Reason {
			t.Errorf("item %d: preview %s %s, merge %s %s", i, p.Status, p.Account.Label(), m.Status, m.Account.Label())
		}
	}
	for _, tc := range []struct {
		status ConflictStatus
		want   int
	}{{ConflictAdded, 1}, {ConflictUpdated, 1}, {ConflictSame, 1}, {ConflictUndecided, 1}} {
		if n := preview.Count(tc.status); n != tc.want {
			t.Errorf("preview: %d %s, want %d", n, tc.status, tc.want)
		}
	}
	if _, err := v.PreviewConflictCopy(ConflictCopy{Path: path + ".gone"}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a copy merged meanwhile: %v, want not-exist", err)
	}
}
