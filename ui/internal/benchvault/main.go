// Command benchvault makes a passphrase-mode vault full of made-up accounts
// for packaging/bench-ui.sh: the desktop app's start-up, idle and memory
// figures are taken against it.
//
//	go run ./ui/internal/benchvault -home DIR -n 1000 -passphrase-file FILE
//
// The vault goes where SPAREKEY_HOME=DIR puts it. -work-factor sets the
// scrypt cost of the passphrase (default 10: the benchmark times the window,
// not the KDF; the real default is vault.VaultScryptWorkFactor).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

func main() {
	home := flag.String("home", "", "the SPAREKEY_HOME folder to create the vault in")
	n := flag.Int("n", 1000, "number of accounts")
	passFile := flag.String("passphrase-file", "", "file holding the passphrase")
	workFactor := flag.Int("work-factor", 10, "scrypt work factor of the passphrase")
	plain := flag.Bool("plain-issuers", false, "issuers no brand icon matches (to measure the icons' cost)")
	flag.Parse()
	if *home == "" || *passFile == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*home, *n, *passFile, *workFactor, *plain); err != nil {
		fmt.Fprintln(os.Stderr, "benchvault:", err)
		os.Exit(1)
	}
}

func run(home string, n int, passFile string, workFactor int, plain bool) error {
	os.Setenv("SPAREKEY_HOME", home)
	os.Unsetenv("SPAREKEY_VAULT")
	paths, err := app.DefaultPaths()
	if err != nil {
		return err
	}
	pass, err := os.ReadFile(passFile)
	if err != nil {
		return err
	}
	pass = bytes.TrimSuffix(pass, []byte("\n"))
	v, err := vault.Create(paths.Vault, vault.ModePassphrase, vault.Options{
		Passphrase: func() ([]byte, error) { return bytes.Clone(pass), nil },
		WorkFactor: workFactor,
	})
	if err != nil {
		return err
	}
	issuers := []string{"GitHub", "Google", "AWS", "GitLab", "Dropbox", "Microsoft", "Slack", "Okta", "Atlassian", "Cloudflare"}
	if plain {
		issuers = []string{"Issuer"}
	}
	accts := make([]*vault.Account, 0, n)
	for i := 0; i < n; i++ {
		a, err := vault.NewAccount(vault.Account{
			Issuer:   fmt.Sprintf("%s %d", issuers[i%len(issuers)], i),
			Name:     fmt.Sprintf("user%d@example.com", i),
			Secret:   vault.SecretFromBytes([]byte(fmt.Sprintf("bench-secret-%08d", i))),
			Tags:     []string{[]string{"work", "personal", "cloud"}[i%3]},
			Favorite: i%50 == 0,
		})
		if err != nil {
			return err
		}
		accts = append(accts, a)
	}
	added, err := v.AddAll(accts)
	if err != nil {
		return err
	}
	fmt.Printf("%d accounts in %s\n", added, paths.Vault)
	return nil
}
