package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"filippo.io/age"
)

func TestCreateOpenPassphrase(t *testing.T) {
	accts := sampleAccounts(t, 8)
	v, path := newFileVault(t, accts...)
	if v.Mode() != ModePassphrase || v.Path() != path {
		t.Errorf("mode %v path %q", v.Mode(), v.Path())
	}
	if m, err := DetectMode(path); err != nil || m != ModePassphrase {
		t.Errorf("DetectMode = %v, %v", m, err)
	}
	for _, p := range []string{path, KeyFilePath(path), PreviousPath(path)} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), info.Mode().Perm())
		}
	}
	got, err := Open(path, testOptions("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Len() != len(accts) {
		t.Fatalf("reopened %d accounts, want %d", got.Len(), len(accts))
	}
	for _, a := range accts {
		b, err := got.Get(a.ID)
		if err != nil || !b.SameSeed(a) || b.Label() != a.Label() || b.Counter != a.Counter || !slicesEqual(b.Tags, a.Tags) {
			t.Errorf("account %s did not survive: %+v, %v", a.Label(), b, err)
		}
	}
	if got.Recipient().String() != v.Recipient().String() {
		t.Error("the key changed between create and open")
	}
	// Neither the secrets nor the key appear in clear on disk.
	for _, p := range []string{path, KeyFilePath(path), PreviousPath(path)} {
		data, _ := os.ReadFile(p)
		if bytes.Contains(data, []byte(accts[0].Secret)) || bytes.Contains(data, []byte("AGE-SECRET-KEY")) || bytes.Contains(data, []byte("correct horse")) {
			t.Errorf("%s holds a secret in clear", filepath.Base(p))
		}
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

func TestCreateOpenKeyring(t *testing.T) {
	kr := &MemoryKeyring{}
	path := filepath.Join(t.TempDir(), "sub", "vault.age")
	v, err := Create(path, ModeKeyring, Options{Keyring: kr})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(KeyFilePath(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a keyring-mode vault wrote a key file")
	}
	if err := v.Add(mustAccount(t, Account{Name: "k", Secret: uriSecret})); err != nil {
		t.Fatal(err)
	}
	if m, _ := DetectMode(path); m != ModeKeyring {
		t.Errorf("DetectMode = %v", m)
	}
	got, err := Open(path, Options{Keyring: kr})
	if err != nil || got.Len() != 1 {
		t.Fatalf("Open = %v, %v", got, err)
	}
	// Another keyring (another machine) has no key for it.
	if _, err := Open(path, Options{Keyring: &MemoryKeyring{}}); !errors.Is(err, ErrKeyNotInKeyring) {
		t.Errorf("Open with an empty keyring: %v", err)
	}
	if _, err := Open(path, Options{Keyring: UnavailableKeyring{}}); !errors.Is(err, ErrKeyringUnavailable) {
		t.Errorf("Open with no keyring: %v", err)
	}
	// A keyring entry that is not an age identity is damage, not a crash.
	kr.Set(keyringName(path), "not a key")
	if _, err := Open(path, Options{Keyring: kr}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open with a garbage key: %v", err)
	}
}

func TestCreateRefusals(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.age")
	// The keyring is unavailable: nothing is written, so passphrase mode can follow.
	if _, err := Create(path, ModeKeyring, Options{Keyring: UnavailableKeyring{Reason: errors.New("no bus")}}); !errors.Is(err, ErrKeyringUnavailable) {
		t.Fatalf("Create without a keyring: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed Create left files: %v", entries)
	}
	for name, opts := range map[string]Options{
		"no callback":      {WorkFactor: 10},
		"empty passphrase": {Passphrase: fixedPass(""), WorkFactor: 10},
	} {
		if _, err := Create(path, ModePassphrase, opts); !errors.Is(err, ErrNoPassphrase) {
			t.Errorf("%s: %v", name, err)
		}
	}
	cancelled := errors.New("cancelled by the user")
	if _, err := Create(path, ModePassphrase, Options{Passphrase: func() ([]byte, error) { return nil, cancelled }}); !errors.Is(err, cancelled) {
		t.Errorf("a failing passphrase callback: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused creates left files: %v", entries)
	}
	if _, err := Create(path, ModePassphrase, testOptions("pw")); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path, ModePassphrase, testOptions("pw")); !errors.Is(err, ErrVaultExists) {
		t.Errorf("Create over an existing vault: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing.age"), testOptions("pw")); !errors.Is(err, ErrVaultNotFound) {
		t.Errorf("Open of a missing vault: %v", err)
	}
	if _, err := DetectMode(filepath.Join(dir, "missing.age")); !errors.Is(err, ErrVaultNotFound) {
		t.Errorf("DetectMode of a missing vault: %v", err)
	}
}

func TestWrongPassphrase(t *testing.T) {
	_, path := newFileVault(t, sampleAccounts(t, 2)...)
	if _, err := Open(path, testOptions("wrong horse")); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if _, err := Open(path, Options{}); !errors.Is(err, ErrNoPassphrase) {
		t.Errorf("no passphrase callback: %v", err)
	}
	if _, err := Open(path, testOptions("")); !errors.Is(err, ErrNoPassphrase) {
		t.Errorf("empty passphrase: %v", err)
	}
	// A damaged key file is damage, not a wrong passphrase.
	flipByte(t, KeyFilePath(path), -5)
	if _, err := Open(path, testOptions("correct horse")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("damaged key file: %v", err)
	}
}

func flipByte(t *testing.T, path string, at int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if at < 0 {
		at += len(data)
	}
	data[at] ^= 0x01
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestCorruptVault flips every bit of a small vault file and truncates it
// at every length: each variant must be refused as ErrCorrupt, never opened
// with partial contents and never panic.
func TestCorruptVault(t *testing.T) {
	v, path := newFileVault(t, sampleAccounts(t, 3)...)
	id := v.Identity()
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeVault(good, id); err != nil {
		t.Fatalf("the intact file does not decode: %v", err)
	}
	check := func(what string, data []byte) {
		c, err := decodeVault(data, id)
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%s: got %v, error %v; want ErrCorrupt", what, c, err)
		}
		if c != nil {
			t.Fatalf("%s: returned accounts along with the error", what)
		}
	}
	// Every bit of the header (and the payload nonce after it); one bit in
	// every fifth byte of the encrypted payload, where any flip fails the
	// same AEAD tag, and every bit of its last 32 bytes (the tag itself).
	mac := bytes.Index(good, []byte("\n--- "))
	headerEnd := mac + bytes.IndexByte(good[mac+1:], '\n') + 2 + 16
	for i := range good {
		for bit := range 8 {
			if i >= headerEnd && i < len(good)-32 && (i%5 != 0 || bit != i%8) {
				continue
			}
			data := bytes.Clone(good)
			data[i] ^= 1 << bit
			check("bit "+itoa(bit)+" of byte "+itoa(i), data)
		}
	}
	for n := range len(good) {
		check("truncated to "+itoa(n)+" bytes", good[:n])
	}
	check("trailing garbage", append(bytes.Clone(good), 0))

	// Through Open, with the advice a person needs.
	flipByte(t, path, len(good)/2)
	_, err = Open(path, testOptions("correct horse"))
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open of a flipped file: %v", err)
	}
	os.WriteFile(path, good[:len(good)-10], 0o600)
	if _, err := Open(path, testOptions("correct horse")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open of a truncated file: %v", err)
	}
	// The previous version beside it still opens with the same key.
	prev, err := os.ReadFile(PreviousPath(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeVault(prev, id); err != nil {
		t.Errorf("vault.age.prev does not open: %v", err)
	}
}

// encryptDocument writes an arbitrary plaintext document as a vault file
// encrypted to v's key, as a newer (or older) Sparekey would.
func encryptDocument(t *testing.T, v *Vault, doc string) {
	t.Helper()
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, v.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, doc)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(v.Path(), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestNewerSchema(t *testing.T) {
	v, path := newFileVault(t)
	encryptDocument(t, v, `{"schema":99,"app":"sparekey","accounts":[{"future":"field"}]}`)
	_, err := Open(path, testOptions("correct horse"))
	var newer *NewerSchemaError
	if !errors.As(err, &newer) || newer.Found != 99 || newer.Supported != SchemaVersion {
		t.Fatalf("Open of a schema-99 vault: %v", err)
	}
	if !strings.Contains(err.Error(), "update Sparekey") {
		t.Errorf("message does not say what to do: %q", err)
	}
}

func TestDecodeDocument(t *testing.T) {
	valid := `{"id":"1","name":"a","secret":"JBSWY3DPEHPK3PXP","kind":"totp","algorithm":"SHA1","digits":6,"period":30}`
	for _, tc := range []struct {
		name, doc string
		ok        bool
		// damaged entries open read-only beside the valid ones
		accounts, damaged int
	}{
		{"empty vault", `{"schema":1,"app":"sparekey","accounts":[]}`, true, 0, 0},
		{"null accounts", `{"schema":1,"app":"sparekey","accounts":null}`, true, 0, 0},
		{"one account", `{"schema":1,"app":"sparekey","accounts":[` + valid + `]}`, true, 1, 0},
		{"format 2 with deletions", `{"schema":2,"app":"sparekey","accounts":[` + valid + `],"deleted":[{"id":"x","seed":"ab","deleted":"2026-01-02T03:04:05Z"}]}`, true, 1, 0},
		{"not json", `schema 1`, false, 0, 0},
		{"empty", ``, false, 0, 0},
		{"another app", `{"schema":1,"app":"other","accounts":[]}`, false, 0, 0},
		{"no app", `{"schema":1,"accounts":[]}`, false, 0, 0},
		{"schema 0", `{"schema":0,"app":"sparekey","accounts":[]}`, false, 0, 0},
		{"negative schema", `{"schema":-1,"app":"sparekey","accounts":[]}`, false, 0, 0},
		{"schema as a string", `{"schema":"1","app":"sparekey","accounts":[]}`, false, 0, 0},
		{"accounts not a list", `{"schema":1,"app":"sparekey","accounts":{}}`, false, 0, 0},
		{"null account", `{"schema":1,"app":"sparekey","accounts":[null,` + valid + `]}`, true, 1, 1},
		{"account not an object", `{"schema":1,"app":"sparekey","accounts":[7]}`, true, 0, 1},
		{"invalid account", `{"schema":1,"app":"sparekey","accounts":[{"name":"a","secret":"!!","kind":"totp"},` + valid + `]}`, true, 1, 1},
		{"digits out of range", `{"schema":1,"app":"sparekey","accounts":[` + strings.Replace(valid, `"digits":6`, `"digits":99`, 1) + `]}`, true, 0, 1},
	} {
		c, err := decodeDocument([]byte(tc.doc))
		if tc.ok != (err == nil) {
			t.Errorf("%s: %v, %v", tc.name, c, err)
		}
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("%s: %v is not ErrCorrupt", tc.name, err)
			}
			continue
		}
		if len(c.accounts) != tc.accounts || len(c.damaged) != tc.damaged {
			t.Errorf("%s: %d accounts and %d damaged entries; want %d and %d", tc.name, len(c.accounts), len(c.damaged), tc.accounts, tc.damaged)
		}
	}
}

// TestMigration upgrades a format-1 vault (no deletion records) to the
// current format, then pretends a next format exists whose previous one
// kept accounts under "entries", to prove that a document is upgraded step
// by step when read and written back in the current format.
func TestMigration(t *testing.T) {
	v, path := newFileVault(t)
	valid := `{"id":"1","issuer":"Old","name":"a","secret":"JBSWY3DPEHPK3PXP","kind":"totp","algorithm":"SHA1","digits":6,"period":30}`
	encryptDocument(t, v, `{"schema":1,"app":"sparekey","accounts":[`+valid+`]}`)
	got, err := Open(path, testOptions("correct horse"))
	if err != nil {
		t.Fatalf("Open of a format-1 vault: %v", err)
	}
	if got.Len() != 1 || len(got.Deleted()) != 0 {
		t.Fatalf("format 1: %v, %d deletions", labels(got.Accounts()), len(got.Deleted()))
	}
	if _, err := got.Remove("1"); err != nil {
		t.Fatal(err)
	}
	if again, err := Open(path, testOptions("correct horse")); err != nil || len(again.Deleted()) != 1 {
		t.Fatalf("the deletion of a migrated vault's account was not kept: %v", err)
	}

	saved := schemaVersion
	next := SchemaVersion + 1
	schemaVersion = next
	migrations[SchemaVersion] = func(doc map[string]any) error {
		entries, ok := doc["entries"]
		if !ok {
			return errors.New("document without entries")
		}
		doc["accounts"] = entries
		delete(doc, "entries")
		return nil
	}
	t.Cleanup(func() { schemaVersion = saved; delete(migrations, SchemaVersion) })

	encryptDocument(t, v, fmt.Sprintf(`{"schema":%d,"app":"sparekey","entries":[%s]}`, SchemaVersion, valid))
	got, err = Open(path, testOptions("correct horse"))
	if err != nil {
		t.Fatalf("Open of a format-%d vault: %v", SchemaVersion, err)
	}
	if got.Len() != 1 || got.Accounts()[0].Issuer != "Old" {
		t.Fatalf("migrated accounts: %v", labels(got.Accounts()))
	}
	if err := got.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	r, err := age.Decrypt(bytes.NewReader(data), v.Identity())
	if err != nil {
		t.Fatal(err)
	}
	var head struct{ Schema int }
	if err := json.NewDecoder(r).Decode(&head); err != nil || head.Schema != next {
		t.Errorf("saved schema = %d, %v; want %d", head.Schema, err, next)
	}

	// A step that fails, and a gap in the table, are both refused.
	if _, err := decodeDocument(fmt.Appendf(nil, `{"schema":%d,"app":"sparekey","accounts":[]}`, SchemaVersion)); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("format %d", SchemaVersion)) {
		t.Errorf("failing migration step: %v", err)
	}
	schemaVersion = next + 1
	if _, err := decodeDocument(fmt.Appendf(nil, `{"schema":%d,"app":"sparekey","entries":[]}`, SchemaVersion)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("missing migration step: %v", err)
	}
}

// failAfter lets n bytes through, then fails as a full disk does.
type failAfter struct {
	w io.Writer
	n int
}

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) <= f.n {
		f.n -= len(p)
		return f.w.Write(p)
	}
	n, _ := f.w.Write(p[:f.n])
	f.n = 0
	return n, syscall.ENOSPC
}

// TestSaveFailsHalfWay fails the write of the new file half-way through:
// the save reports it, memory is rolled back, and the file on disk is the
// old one, byte for byte, and still opens.
func TestSaveFailsHalfWay(t *testing.T) {
	v, path := newFileVault(t, sampleAccounts(t, 20)...)
	before, _ := os.ReadFile(path)
	prevBefore, _ := os.ReadFile(PreviousPath(path))
	v.store.wrapWriter = func(w io.Writer) io.Writer { return &failAfter{w: w, n: len(before) / 2} }
	err := v.Add(mustAccount(t, Account{Name: "one more", Secret: "GEZDGNBVGY3TQOJQ"}))
	var se *SaveError
	if !errors.As(err, &se) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("save on a full disk: %v", err)
	}
	if !strings.Contains(err.Error(), "disk is full") || !strings.Contains(err.Error(), "unchanged") {
		t.Errorf("message %q does not say what happened", err)
	}
	if v.Len() != 20 {
		t.Errorf("memory holds %d accounts after a failed save, want 20", v.Len())
	}
	assertUnchanged(t, path, before, prevBefore)
	if _, err := Open(path, testOptions("correct horse")); err != nil {
		t.Errorf("the vault no longer opens: %v", err)
	}
	// Once the disk has room again, the same vault saves.
	v.store.wrapWriter = nil
	if err := v.Add(mustAccount(t, Account{Name: "one more", Secret: "GEZDGNBVGY3TQOJQ"})); err != nil {
		t.Fatal(err)
	}
}

func assertUnchanged(t *testing.T, path string, before, prevBefore []byte) {
	t.Helper()
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the vault file changed")
	}
	if prevBefore != nil {
		if prev, _ := os.ReadFile(PreviousPath(path)); !bytes.Equal(prev, prevBefore) {
			t.Error("vault.age.prev changed")
		}
	}
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp-*"))
	if len(matches) > 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
}

func TestStaleTempsCleaned(t *testing.T) {
	v, path := newFileVault(t)
	dir := filepath.Dir(path)
	stale := filepath.Join(dir, ".vault.age.tmp-stale")
	fresh := filepath.Join(dir, ".vault.age.tmp-fresh") // may belong to a save in progress
	os.WriteFile(stale, []byte("x"), 0o600)
	os.WriteFile(fresh, []byte("x"), 0o600)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a stale temporary file was kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("a fresh temporary file was removed")
	}
}

func TestPreviousVersionKept(t *testing.T) {
	v, path := newFileVault(t)
	a := mustAccount(t, Account{Name: "first", Secret: uriSecret})
	if err := v.Add(a); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Remove(a.ID); err != nil {
		t.Fatal(err)
	}
	prev, _ := os.ReadFile(PreviousPath(path))
	c, err := decodeVault(prev, v.Identity())
	if err != nil || len(c.accounts) != 1 || c.accounts[0].Name != "first" {
		t.Errorf("vault.age.prev = %v, %v; want the removed account", c, err)
	}
}

func TestSetMode(t *testing.T) {
	kr := &MemoryKeyring{}
	opts := testOptions("first")
	opts.Keyring = kr
	v, path := newFileVault(t, sampleAccounts(t, 2)...)
	// The helper used another passphrase; change it.
	if err := v.SetMode(ModePassphrase, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, testOptions("correct horse")); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("the old passphrase still works: %v", err)
	}
	if _, err := Open(path, opts); err != nil {
		t.Fatalf("the new passphrase does not: %v", err)
	}
	// Into the keyring: the key file goes away.
	if err := v.SetMode(ModeKeyring, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(KeyFilePath(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the key file is still there")
	}
	if got, err := Open(path, Options{Keyring: kr}); err != nil || got.Len() != 2 || got.Mode() != ModeKeyring {
		t.Fatalf("Open from the keyring: %v", err)
	}
	// Out again: the keyring entry goes away.
	opts.Passphrase = fixedPass("second")
	if err := v.SetMode(ModePassphrase, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := kr.Get(keyringName(path)); !errors.Is(err, ErrKeyNotInKeyring) {
		t.Errorf("the keyring still holds the key: %v", err)
	}
	if _, err := Open(path, opts); err != nil {
		t.Fatal(err)
	}
	// A refused move changes nothing.
	if err := v.SetMode(ModeKeyring, Options{Keyring: UnavailableKeyring{}}); !errors.Is(err, ErrKeyringUnavailable) {
		t.Errorf("SetMode to an unavailable keyring: %v", err)
	}
	if v.Mode() != ModePassphrase {
		t.Error("a failed move changed the mode")
	}
	if _, err := Open(path, opts); err != nil {
		t.Errorf("after a failed move: %v", err)
	}
}

func TestOpenWithIdentity(t *testing.T) {
	v, path := newFileVault(t, sampleAccounts(t, 3)...)
	got, err := OpenWithIdentity(path, v.Identity())
	if err != nil || got.Len() != 3 || got.Mode() != ModePassphrase {
		t.Fatalf("OpenWithIdentity = %v, %v", got, err)
	}
	other, _ := age.GenerateX25519Identity()
	if _, err := OpenWithIdentity(path, other); !errors.Is(err, ErrCorrupt) {
		t.Errorf("another key: %v", err)
	}
	if _, err := OpenWithIdentity(path+".missing", v.Identity()); !errors.Is(err, ErrVaultNotFound) {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadLimited(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big")
	os.WriteFile(p, make([]byte, 2<<20+1), 0o600)
	if _, err := readLimited(p, 2<<20); !errors.Is(err, ErrCorrupt) {
		t.Errorf("an oversized file: %v", err)
	}
	if data, err := readLimited(p, 4<<20); err != nil || len(data) != 2<<20+1 {
		t.Errorf("a file within the limit: %d bytes, %v", len(data), err)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a", "b", "settings.json")
	for _, content := range []string{"one", "two, longer"} {
		if err := WriteFileAtomic(p, []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(p)
		info, _ := os.Stat(p)
		if string(got) != content || info.Mode().Perm() != 0o600 {
			t.Errorf("got %q mode %v", got, info.Mode().Perm())
		}
	}
	if _, err := os.Stat(PreviousPath(p)); err == nil {
		t.Error("WriteFileAtomic kept a previous version; only the vault does")
	}
}
