package backup

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
)

// fuzzIdentity is a throwaway key used only by the fuzz targets and their
// checked-in corpus (which holds files encrypted to it). It protects nothing.
const fuzzIdentity = "AGE-SECRET-KEY-15NC5FPTK3PRY0NJ7FF4ZZ4K0807F22JRKE4XSV7T3N0UA5EEUXSQG4VJHL"

const fuzzPassphrase = "fuzz passphrase"

// fuzzMaxWorkFactor keeps hostile scrypt stanzas from stalling the fuzzer.
const fuzzMaxWorkFactor = 12

func fuzzSeeds(t testing.TB) (files [][]byte, docs [][]byte) {
	id, err := age.ParseX25519Identity(fuzzIdentity)
	if err != nil {
		t.Fatal(err)
	}
	accts := sampleAccounts(t)
	for _, target := range []Target{
		{Recipients: []age.Recipient{id.Recipient()}},
		{Recipients: []age.Recipient{id.Recipient()}, Armor: true},
		{Passphrase: passphrase(fuzzPassphrase), WorkFactor: MinWorkFactor},
	} {
		data, err := Encrypt(accts, target, nil)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, data, data[:len(data)/2])
	}
	plain, err := Encode(accts, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	docs = [][]byte{
		plain,
		[]byte(`{"format":"sparekey-backup","version":1,"accounts":[]}`),
		[]byte(`{"format":"sparekey-backup","version":2,"accounts":[]}`),
		[]byte(`{"format":"sparekey-backup","version":1,"accounts":[null,{"secret":"!!"},{"uri":"otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=3"}]}`),
		[]byte(`{"format":"sparekey-backup","version":1,"accounts":[{"issuer":1,"digits":"6"}]}`),
		[]byte(`[]`),
	}
	files = append(files, encryptPlain(t, docs[3], id.Recipient()), []byte("age-encryption.org/v1\n-> X25519 AAAA\n--- AAAA\n"), []byte("-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----\n"))
	return files, docs
}

// checkOpened holds whatever Open accepted to the invariants a restore relies on.
func checkOpened(t *testing.T, o *Opened) {
	for i, a := range o.Accounts {
		if err := a.Validate(); err != nil {
			t.Fatalf("account %d accepted but invalid: %v", i, err)
		}
	}
	for _, inv := range o.Invalid {
		if inv.Reason == "" {
			t.Fatalf("invalid entry %d without a reason", inv.Index)
		}
	}
}

func FuzzOpen(f *testing.F) {
	files, _ := fuzzSeeds(f)
	for _, s := range files {
		f.Add(s)
	}
	id, _ := age.ParseX25519Identity(fuzzIdentity)
	f.Fuzz(func(t *testing.T, data []byte) {
		u := Unlock{Identities: []age.Identity{id}, Passphrase: passphrase(fuzzPassphrase), MaxWorkFactor: fuzzMaxWorkFactor}
		o, err := Open(data, u, nil)
		if err != nil {
			if o != nil {
				t.Fatal("an error with a result")
			}
			known := []error{ErrWrongPassphrase, ErrNoPassphrase, ErrNoIdentity, ErrDamaged, ErrNotAge, ErrNotBackup, ErrMalformed, ErrTooLarge}
			var newer *NewerVersionError
			isKnown := errors.As(err, &newer)
			for _, k := range known {
				isKnown = isKnown || errors.Is(err, k)
			}
			if !isKnown {
				t.Fatalf("unclassified error: %v", err)
			}
			if strings.Contains(err.Error(), fuzzPassphrase) || strings.Contains(err.Error(), fuzzIdentity) {
				t.Fatalf("error leaks a secret: %v", err)
			}
			return
		}
		checkOpened(t, o)
	})
}

func FuzzDecode(f *testing.F) {
	_, docs := fuzzSeeds(f)
	for _, d := range docs {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, plain []byte) {
		c, err := Decode(plain)
		if err != nil {
			return
		}
		checkOpened(t, &Opened{Contents: c})
		// Whatever was accepted survives a round trip unchanged.
		again, err := Encode(c.Accounts, c.Created)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := Decode(again)
		if err != nil {
			t.Fatalf("re-encoded document rejected: %v", err)
		}
		if len(c2.Accounts) != len(c.Accounts) || len(c2.Invalid) != 0 {
			t.Fatalf("round trip: %d accounts, %d invalid; want %d, 0", len(c2.Accounts), len(c2.Invalid), len(c.Accounts))
		}
		for i := range c.Accounts {
			if !c.Accounts[i].SameSeed(c2.Accounts[i]) {
				t.Fatalf("account %d changed codes in a round trip", i)
			}
		}
	})
}

// TestWriteFuzzCorpus regenerates the checked-in seed corpus:
// SPAREKEY_WRITE_FUZZ_CORPUS=1 go test -run TestWriteFuzzCorpus ./vault/backup
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("SPAREKEY_WRITE_FUZZ_CORPUS") == "" {
		t.Skip("set SPAREKEY_WRITE_FUZZ_CORPUS=1 to rewrite testdata/fuzz seeds")
	}
	files, docs := fuzzSeeds(t)
	write := func(target string, inputs [][]byte) {
		dir := filepath.Join("testdata", "fuzz", target)
		os.MkdirAll(dir, 0o755)
		for i, in := range inputs {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", in)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("FuzzOpen", files)
	write("FuzzDecode", docs)
}
