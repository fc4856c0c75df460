package transfer_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/transfer"
)

func ExampleImportBytes() {
	export := []byte(`# codes copied from another app
otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub
otpauth://totp/Broken:bob?secret=not-base32!
otpauth://hotp/Bank:carol?secret=KRSXG5DTMVRXEZLU&counter=7
`)
	res, err := transfer.ImportBytes("codes.txt", export, transfer.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Format)
	for _, a := range res.Accounts {
		fmt.Println("read:", a.Label())
	}
	for _, p := range res.Skipped {
		fmt.Println("skipped:", p)
	}
	// Output:
	// otpauth URI list
	// read: GitHub (alice)
	// read: Bank (carol)
	// skipped: codes.txt: line 3 (Broken:bob): secret has characters no key contains ('!'); a key uses only the letters A–Z and the digits 2–7
}

func ExampleImportFile() {
	res, err := transfer.ImportFile("aegis-export.json", transfer.Options{
		// Asked only if the file turns out to be encrypted.
		Password: func() ([]byte, error) { return []byte("the export's password"), nil },
	})
	switch {
	case errors.Is(err, transfer.ErrWrongPassword):
		fmt.Println("wrong password; try again")
		return
	case err != nil:
		fmt.Println(err) // names the file and the problem
		return
	}
	// Compare with the vault before changing anything.
	v := vault.NewMemory()
	plan := vault.PlanMerge(v.Accounts(), res.Accounts)
	fmt.Println(vault.MergeCounts(plan)[vault.MergeNew], "new accounts")
}

func ExampleGoogleMigration() {
	deno, _ := vault.NewAccount(vault.Account{Issuer: "Deno", Name: "Mason", Secret: "4SJHB4GSD43FZBAI7C2HLRJGPQ"})
	steam, _ := vault.NewAccount(vault.Account{Issuer: "Steam", Name: "me", Secret: "JRZCL47CMXVOQMNPZR2F7J4RGI", Kind: vault.KindSteam})
	exp, err := transfer.GoogleMigration([]*vault.Account{deno, steam}, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(exp.URIs), "QR code(s) to scan")
	for _, p := range exp.NotExportable {
		fmt.Println("left out:", p.Entry, p.Reason)
	}
	// Output:
	// 1 QR code(s) to scan
	// left out: account 2 (Steam / me) is a Steam account; Google Authenticator cannot show Steam codes
}

func ExampleExportAegis() {
	v := vault.NewMemory() // the unlocked vault
	var buf bytes.Buffer
	if err := transfer.ExportAegis(&buf, v.Accounts()); err != nil {
		fmt.Println(err)
		return
	}
	// The file holds every secret unencrypted: 0600, written atomically.
	if err := vault.WriteFileAtomic("aegis-export.json", buf.Bytes()); err != nil {
		fmt.Println(err)
	}
}
