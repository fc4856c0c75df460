package app_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// The first run: try the keyring, fall back to a passphrase when it cannot
// be used, add an account and show its code.
func ExampleApp_CreateVault() {
	dir, _ := os.MkdirTemp("", "app-example")
	defer os.RemoveAll(dir)
	a := app.New(app.Options{
		Paths:      app.Paths{Config: filepath.Join(dir, "config"), Data: dir, Vault: filepath.Join(dir, "vault.age")},
		Keyring:    vault.UnavailableKeyring{Reason: errors.New("no D-Bus session")},
		Now:        func() time.Time { return time.Unix(59, 0) },
		WorkFactor: 10, // tests only
	})
	err := a.CreateVault(context.Background(), nil)
	if errors.Is(err, vault.ErrKeyringUnavailable) {
		fmt.Println(app.Explain(err))
		err = a.CreateVault(context.Background(), func() ([]byte, error) { return []byte("a passphrase"), nil })
	}
	if err != nil {
		panic(err)
	}
	acct, _ := a.AddURI("otpauth://totp/RFC:6238?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8")
	code, _ := a.CurrentCode(acct.ID)
	fmt.Println(code.Code, code.Remaining)
	// Output:
	// The system keyring cannot be used here (no D-Bus session). Sparekey can protect the vault with a passphrase instead.
	// 94287082 1s
}
