package backup_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"filippo.io/age"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
)

func exampleAccounts() []*vault.Account {
	a, err := vault.NewAccount(vault.Account{Issuer: "Example", Name: "alice", Secret: "JBSWY3DPEHPK3PXP"})
	if err != nil {
		log.Fatal(err)
	}
	return []*vault.Account{a}
}

// A backup to a passphrase, opened again. The passphrase callback is asked
// only because the file needs it.
func ExampleWriteFile() {
	dir, _ := os.MkdirTemp("", "backup-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "sparekey.age")

	pass := func() ([]byte, error) { return []byte("correct horse battery staple"), nil }
	// WorkFactor 10 keeps the example fast; real backups keep the default 18.
	if _, err := backup.WriteFile(path, exampleAccounts(), backup.Target{Passphrase: pass, WorkFactor: 10}, nil); err != nil {
		log.Fatal(err)
	}

	opened, err := backup.OpenFile(path, backup.Unlock{Passphrase: pass}, nil)
	if err != nil {
		log.Fatal(err) // wrong passphrase, damaged file, …: the error names the file
	}
	for _, a := range opened.Accounts {
		fmt.Println(a.Label())
	}
	// Output: Example (alice)
}

// A backup to an age recipient needs no secret to write, which is what
// automatic backups use; the matching identity opens it.
func ExampleEncrypt() {
	id, _ := age.GenerateX25519Identity()
	data, err := backup.Encrypt(exampleAccounts(), backup.Target{Recipients: []age.Recipient{id.Recipient()}, Armor: true}, nil)
	if err != nil {
		log.Fatal(err)
	}
	opened, err := backup.Open(data, backup.Unlock{Identities: []age.Identity{id}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(opened.Armored, len(opened.Accounts), opened.Accounts[0].URI())
	// Output: true 1 otpauth://totp/Example:alice?algorithm=SHA1&digits=6&issuer=Example&period=30&secret=JBSWY3DPEHPK3PXP
}

// Automatic backups: hook Changed to the vault, and read Status for the UI.
func ExampleStartAuto() {
	dir, _ := os.MkdirTemp("", "auto-example")
	defer os.RemoveAll(dir)
	v := vault.NewMemory(exampleAccounts()...)
	id, _ := age.GenerateX25519Identity() // in the app: the vault's own Recipient()

	auto, err := backup.StartAuto(backup.AutoConfig{Dir: dir, Keep: 10, Recipients: []age.Recipient{id.Recipient()}}, v.Accounts)
	if err != nil {
		log.Fatal(err)
	}
	v.OnChange(auto.Changed)
	if err := auto.Flush(); err != nil { // write what is pending now
		log.Fatal(err)
	}
	files, _ := backup.ListAuto(dir)
	fmt.Println(auto.Status().State, len(files))
	auto.Close()
	// Output: ok 1
}
