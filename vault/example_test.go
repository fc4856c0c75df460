package vault_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sparekey/sparekey/vault"
)

func ExampleParseURI() {
	a, err := vault.ParseURI("otpauth://totp/Example:alice@example.com?secret=jbsw+y3dp+ehpk+3pxp&issuer=Example&digits=8")
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Label(), a.Kind, a.Algorithm, a.Digits, a.Period, a.Secret)

	_, err = vault.ParseURI("otpauth://totp/Example:bob?secret=JBSWY3DPEHPK3PX1")
	fmt.Println(err)
	// Output:
	// Example (alice@example.com) totp SHA1 8 30 JBSWY3DPEHPK3PXP
	// secret: has characters no key contains ('1'); a key uses only the letters A–Z and the digits 2–7 (0, 1 and 8 are probably the letters O, I and B)
}

func ExampleAccount_CodeAt() {
	a, err := vault.NewAccount(vault.Account{Issuer: "RFC 6238", Secret: vault.SecretFromBytes([]byte("12345678901234567890")), Digits: 8})
	if err != nil {
		panic(err)
	}
	at := time.Unix(1111111109, 0)
	code, _ := a.CodeAt(at)
	fmt.Println(vault.GroupCode(code), a.Remaining(at))
	// Output: 0708 1804 1s
}

func ExampleCreate() {
	dir, _ := os.MkdirTemp("", "vault-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "vault.age")
	opts := vault.Options{
		Passphrase: func() ([]byte, error) { return []byte("correct horse battery staple"), nil },
		WorkFactor: 10, // tests only: the default costs about a second
	}
	v, err := vault.Create(path, vault.ModePassphrase, opts)
	if err != nil {
		panic(err)
	}
	a, _ := vault.ParseURI("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")
	if err := v.Add(a); err != nil { // saved at once, atomically
		panic(err)
	}

	again, err := vault.Open(path, opts)
	if err != nil {
		panic(err)
	}
	fmt.Println(again.Len(), again.Mode())

	opts.Passphrase = func() ([]byte, error) { return []byte("wrong"), nil }
	_, err = vault.Open(path, opts)
	fmt.Println(errors.Is(err, vault.ErrWrongPassphrase))
	// Output:
	// 1 passphrase
	// true
}

func ExampleVault_Find() {
	v := vault.NewMemory()
	for _, uri := range []string{
		"otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQ",
		"otpauth://totp/GitHub:bob?secret=GEZDGNBVGY3TQOJR",
		"otpauth://totp/Google:alice@gmail.com?secret=GEZDGNBVGY3TQOJS",
	} {
		a, _ := vault.ParseURI(uri)
		v.Add(a)
	}
	a, _ := v.Find("gmail")
	fmt.Println(a.Label())
	_, err := v.Find("github")
	fmt.Println(err)
	// Output:
	// Google (alice@gmail.com)
	// "github" matches 2 accounts: GitHub (alice), GitHub (bob); be more specific
}

func ExamplePlanMerge() {
	a, _ := vault.ParseURI("otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&counter=40")
	v := vault.NewMemory(a)
	older := a.Clone()
	older.Counter, older.Note = 10, "from an old backup"
	items := vault.PlanMerge(v.Accounts(), []*vault.Account{older})
	fmt.Println(items[0].Status, items[0].Differences)
	res, _ := v.ApplyMerge(items, func(vault.MergeItem) vault.MergeChoice { return vault.ChooseUpdate })
	got, _ := v.Find("bank")
	fmt.Println(res, "- counter", got.Counter)
	// Output:
	// changed [note counter]
	// 0 added, 1 updated, 0 left as they were - counter 40
}
