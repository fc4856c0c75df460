package cli

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
)

// Issue #11, part 4, through the command line: with --keep 3, add four
// accounts and remove each, then use an HOTP account many times; every
// removed account must still be in a backup.
func TestBackupCLIKeepsRemovedAccounts(t *testing.T) {
	te := newBackupEnv(t, false)
	dir := t.TempDir()
	te.mustRun("backup", "auto", "--dir", dir, "--keep", "3")
	for i := range 4 {
		secret := vault.SecretFromBytes(fmt.Appendf(nil, "seed-%d-padding!", i))
		te.mustRun("add", fmt.Sprintf("otpauth://totp/Site%d:me?secret=%s&issuer=Site%d", i, secret, i))
	}
	for i := range 4 {
		te.mustRun("remove", "--yes", fmt.Sprintf("Site%d", i))
	}
	te.mustRun("add", "otpauth://hotp/Counter:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Counter&counter=0")
	before, _ := backup.ListAuto(dir)
	for range 12 {
		te.mustRun("code", "Counter")
	}
	after, _ := backup.ListAuto(dir)
	if len(after) != len(before) {
		t.Errorf("12 HOTP codes changed the number of backups from %d to %d", len(before), len(after))
	}

	v, err := te.e.OpenVault()
	if err != nil {
		t.Fatal(err)
	}
	held := map[string]bool{}
	var counter uint64
	for _, f := range after {
		o, err := backup.OpenFile(f.Path, backup.Unlock{Identities: []age.Identity{v.Identity()}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, acct := range o.Accounts {
			held[acct.Issuer] = true
			if acct.Issuer == "Counter" && f.Name == after[len(after)-1].Name {
				counter = acct.Counter
			}
		}
	}
	for i := range 4 {
		if site := fmt.Sprintf("Site%d", i); !held[site] {
			t.Errorf("no backup holds the removed account %s (backups: %d)", site, len(after))
		}
	}
	if counter != 12 {
		t.Errorf("the newest backup has the HOTP counter at %d, want 12", counter)
	}
	names := make([]string, len(after))
	for i, f := range after {
		names[i] = filepath.Base(f.Path)
	}
	if !slices.IsSorted(names) {
		t.Errorf("backups out of order: %v", names)
	}
	t.Logf("%d backups kept with --keep 3", len(after))
	if status := te.mustRun("backup", "status"); !strings.Contains(status, "last copy of a removed account") {
		t.Errorf("status does not say which backups hold removed accounts:\n%s", status)
	}
}
