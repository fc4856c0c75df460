package backup

import (
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"filippo.io/age"
	"golang.org/x/crypto/scrypt"

	"github.com/sparekey/sparekey/vault"
)

// The passphrase benchmarks are meant to be compared with
// BenchmarkScryptAlone: everything but the key derivation should be noise
// (target: within 10%). scrypt at work factor 18 touches 256 MiB and takes
// about a second, so on a busy machine its own run-to-run spread exceeds
// 10%; the Recipient benchmarks measure the same work without scrypt, which
// is the overhead itself. Run them with a fixed count:
//
//	go test -run=^$ -bench=. -benchtime=5x ./vault/backup

func BenchmarkScryptAlone(b *testing.B) {
	salt := make([]byte, 16)
	rand.Read(salt)
	for b.Loop() {
		if _, err := scrypt.Key([]byte("benchmark passphrase"), salt, 1<<DefaultWorkFactor, 8, 1, 32); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBackup1000Passphrase(b *testing.B) {
	accts := manyAccounts(b, 1000)
	for b.Loop() {
		if _, err := Encrypt(accts, Target{Passphrase: passphrase("benchmark passphrase")}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRestore1000Passphrase(b *testing.B) {
	data, err := Encrypt(manyAccounts(b, 1000), Target{Passphrase: passphrase("benchmark passphrase")}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		o, err := Open(data, Unlock{Passphrase: passphrase("benchmark passphrase")}, nil)
		if err != nil || len(o.Accounts) != 1000 {
			b.Fatal(err)
		}
	}
}

// Without scrypt: the cost of the format itself.
func BenchmarkBackup1000Recipient(b *testing.B) {
	id, _ := age.GenerateX25519Identity()
	accts := manyAccounts(b, 1000)
	for b.Loop() {
		if _, err := Encrypt(accts, Target{Recipients: []age.Recipient{id.Recipient()}}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRestore1000Recipient(b *testing.B) {
	id, _ := age.GenerateX25519Identity()
	data, err := Encrypt(manyAccounts(b, 1000), Target{Recipients: []age.Recipient{id.Recipient()}}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Open(data, Unlock{Identities: []age.Identity{id}}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// The caller's cost of automatic backups is the difference between these
// two: a real vault file saved on every Update, with and without the hook.
func benchmarkVaultSave(b *testing.B, withAuto bool) {
	dir := b.TempDir()
	v, err := vault.Create(filepath.Join(dir, "vault.age"), vault.ModeKeyring, vault.Options{Keyring: &vault.MemoryKeyring{}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := v.AddAll(manyAccounts(b, 100)); err != nil {
		b.Fatal(err)
	}
	if withAuto {
		backups := filepath.Join(dir, "backups")
		if err := mkdir(backups); err != nil {
			b.Fatal(err)
		}
		a, err := StartAuto(AutoConfig{Dir: backups, Recipients: []age.Recipient{v.Recipient()}, Debounce: 50 * time.Millisecond}, v.Accounts)
		if err != nil {
			b.Fatal(err)
		}
		defer a.Close()
		v.OnChange(a.Changed)
	}
	acct := v.Accounts()[0]
	for b.Loop() {
		acct.Note = time.Now().String()
		if err := v.Update(acct); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVaultSaveWithoutAutoBackup(b *testing.B) { benchmarkVaultSave(b, false) }
func BenchmarkVaultSaveWithAutoBackup(b *testing.B)    { benchmarkVaultSave(b, true) }

// BenchmarkAutoChanged is the hook alone, as vault.Vault.OnChange calls it.
func BenchmarkAutoChanged(b *testing.B) {
	id, _ := age.GenerateX25519Identity()
	a, err := StartAuto(AutoConfig{Dir: b.TempDir(), Recipients: []age.Recipient{id.Recipient()}, Debounce: time.Hour}, func() []*vault.Account { return nil })
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	for b.Loop() {
		a.Changed()
	}
}

func mkdir(dir string) error { return os.Mkdir(dir, 0o700) }
