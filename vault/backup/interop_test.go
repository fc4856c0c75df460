//go:build unix

package backup

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/creack/pty"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
)

// runWithPassphrase runs the age CLI on a pseudo-terminal (it reads
// passphrases only from a terminal) and types pass at every prompt.
func runWithPassphrase(t *testing.T, pass string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	tty, err := pty.Start(cmd)
	if err != nil {
		t.Fatalf("starting %s on a pty: %v", name, err)
	}
	defer tty.Close()
	var out bytes.Buffer
	var mu sync.Mutex
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		buf := make([]byte, 1024)
		typed := 0
		for {
			n, err := tty.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			prompts := strings.Count(strings.ToLower(out.String()), "passphrase")
			mu.Unlock()
			for ; typed < prompts; typed++ {
				tty.Write([]byte(pass + "\r"))
			}
			if err != nil {
				return
			}
		}
	}()
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			<-readDone
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("%s %v: %v\n%s", name, args, err, out.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("%s %v timed out; terminal said:\n%s", name, args, out.String())
	}
}

func urisOf(t *testing.T, plain []byte) []string {
	t.Helper()
	c, err := Decode(plain)
	if err != nil {
		t.Fatalf("age CLI output is not a backup document: %v", err)
	}
	var uris []string
	for _, a := range c.Accounts {
		uris = append(uris, a.URI())
	}
	return uris
}

func TestAgeCLIDecryptsRecipientBackup(t *testing.T) {
	ageBin := testenv.Tool(t, "age")
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	keyFile := filepath.Join(dir, "key.txt")
	os.WriteFile(keyFile, []byte("# test key\n"+id.String()+"\n"), 0o600)
	accts := sampleAccounts(t)
	for _, armor := range []bool{false, true} {
		path := filepath.Join(dir, "b.age")
		if _, err := WriteFile(path, accts, Target{Recipients: []age.Recipient{id.Recipient()}, Armor: armor}, nil); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(ageBin, "-d", "-i", keyFile, path).Output()
		if err != nil {
			t.Fatalf("age -d (armor %v): %v", armor, err)
		}
		checkSameURIs(t, urisOf(t, out), accts)
	}
}

func checkSameURIs(t *testing.T, uris []string, accts []*vault.Account) {
	t.Helper()
	if len(uris) != len(accts) {
		t.Fatalf("got %d URIs, want %d", len(uris), len(accts))
	}
	for i, u := range uris {
		a, err := vault.ParseURI(u)
		if err != nil {
			t.Fatal(err)
		}
		if !a.SameSeed(accts[i]) {
			t.Errorf("account %d: different codes after the round trip", i)
		}
	}
}

func TestAgeCLIDecryptsPassphraseBackup(t *testing.T) {
	ageBin := testenv.Tool(t, "age")
	dir := t.TempDir()
	path := filepath.Join(dir, "b.age")
	accts := sampleAccounts(t)
	const pass = "interop passphrase 7"
	// The default work factor: this is the file users actually get (the
	// race detector makes scrypt several times slower, so it uses less).
	wf := DefaultWorkFactor
	if raceEnabled {
		wf = 14
	}
	if _, err := WriteFile(path, accts, Target{Passphrase: passphrase(pass), WorkFactor: wf}, nil); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "plain.json")
	runWithPassphrase(t, pass, ageBin, "-d", "-o", out, path)
	plain, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkSameURIs(t, urisOf(t, plain), accts)
}

func TestRestoreFilesMadeByAgeCLI(t *testing.T) {
	ageBin := testenv.Tool(t, "age")
	dir := t.TempDir()
	accts := sampleAccounts(t)
	plain, err := Encode(accts, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	plainFile := filepath.Join(dir, "plain.json")
	os.WriteFile(plainFile, plain, 0o600)
	id, _ := age.GenerateX25519Identity()

	t.Run("age -e -r", func(t *testing.T) {
		for _, armor := range []string{"", "-a"} {
			out := filepath.Join(dir, "r"+armor+".age")
			args := []string{"-e", "-r", id.Recipient().String(), "-o", out}
			if armor != "" {
				args = append(args, armor)
			}
			if b, err := exec.Command(ageBin, append(args, plainFile)...).CombinedOutput(); err != nil {
				t.Fatalf("age -e: %v\n%s", err, b)
			}
			o, err := OpenFile(out, Unlock{Identities: []age.Identity{id}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			sameAccounts(t, o.Accounts, accts)
		}
	})
	t.Run("age -p", func(t *testing.T) {
		const pass = "typed at a terminal 3"
		out := filepath.Join(dir, "p.age")
		runWithPassphrase(t, pass, ageBin, "-p", "-o", out, plainFile)
		o, err := OpenFile(out, Unlock{Passphrase: passphrase(pass)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		sameAccounts(t, o.Accounts, accts)
		if _, err := OpenFile(out, Unlock{Passphrase: passphrase("not it")}, nil); !errors.Is(err, ErrWrongPassphrase) {
			t.Errorf("wrong passphrase: err = %v", err)
		}
	})
	t.Run("age -e of a non-backup", func(t *testing.T) {
		out := filepath.Join(dir, "other.age")
		cmd := exec.Command(ageBin, "-e", "-r", id.Recipient().String(), "-o", out)
		cmd.Stdin = strings.NewReader("just some notes\n")
		if err := cmd.Run(); err != nil {
			t.Fatal(err)
		}
		_, err := OpenFile(out, Unlock{Identities: []age.Identity{id}}, nil)
		if !errors.Is(err, ErrNotBackup) || !strings.Contains(err.Error(), "other.age") {
			t.Errorf("err = %v", err)
		}
	})
}

// An automatic backup plus the passphrase-protected key copy beside it
// restore with the age CLI alone: age accepts encrypted identity files.
func TestAgeCLIDecryptsWithKeyFileCopy(t *testing.T) {
	ageBin := testenv.Tool(t, "age")
	dir := t.TempDir()
	id, _ := age.GenerateX25519Identity()
	keyFile := filepath.Join(dir, KeyFileName)
	writeKeyFile(t, keyFile, id, "vault passphrase 5")
	accts := sampleAccounts(t)
	path := filepath.Join(dir, "sparekey-backup-20260101T000000.000Z.age")
	if _, err := WriteFile(path, accts, Target{Recipients: []age.Recipient{id.Recipient()}}, nil); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "plain.json")
	runWithPassphrase(t, "vault passphrase 5", ageBin, "-d", "-i", keyFile, "-o", out, path)
	plain, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkSameURIs(t, urisOf(t, plain), accts)
}
