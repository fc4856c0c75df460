package paper_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/paper"
)

// Print every AWS-bound account on Letter paper.
func ExampleWriteFile() {
	dir, _ := os.MkdirTemp("", "paper-example")
	defer os.RemoveAll(dir)
	acct, err := vault.NewAccount(vault.Account{Issuer: "Amazon Web Services", Name: "alice@123456789012", Secret: "JBSWY3DPEHPK3PXP",
		AWS: &vault.AWSBinding{AccountID: "123456789012", UserName: "alice"}})
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(dir, "paper.pdf")
	if err := paper.WriteFile(path, []*vault.Account{acct}, paper.Options{Page: paper.Letter}); err != nil {
		log.Fatal(err)
	}
	info, _ := os.Stat(path)
	fmt.Println(info.Mode().Perm(), paper.GroupSecret(acct.Secret))
	// Output: -rw------- JBSW Y3DP EHPK 3PXP
}
