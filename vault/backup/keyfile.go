package backup

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// KeyFileName is the passphrase-protected copy of the vault key that
// automatic backups keep beside themselves (AutoConfig.KeyFile). Backups
// are encrypted to the vault key, which otherwise lives only on the
// computer (keyring, or vault.age.key beside the vault): with this copy and
// the vault passphrase, every backup in the folder restores on a new
// computer, in Sparekey or with "age -d -i sparekey-vault-key.age FILE".
const KeyFileName = "sparekey-vault-key.age"

const maxKeyFileSize = 1 << 20

// KeyFileError is a problem with a passphrase-protected identity file.
type KeyFileError struct {
	Path string
	Err  error
}

func (e *KeyFileError) Error() string {
	return fmt.Sprintf("the key file %s: %v", filepath.Base(e.Path), e.Err)
}
func (e *KeyFileError) Unwrap() error { return e.Err }

// IsEncryptedIdentityFile reports whether the file at path is an age file
// (binary or armored), as a passphrase-protected identity file is.
func IsEncryptedIdentityFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	head = bytes.TrimLeft(head[:n], " \t\r\n")
	return bytes.HasPrefix(head, []byte(ageMagic)) || bytes.HasPrefix(head, []byte(armorHeader))
}

// DecryptIdentityFile opens a passphrase-protected identity file (an age
// file holding AGE-SECRET-KEY-… lines, like vault.age.key) and parses the
// identities inside. Errors are *KeyFileError; a wrong passphrase wraps
// ErrWrongPassphrase.
func DecryptIdentityFile(path string, passphrase func() ([]byte, error), maxWorkFactor int) ([]age.Identity, error) {
	fail := func(err error) ([]age.Identity, error) { return nil, &KeyFileError{Path: path, Err: err} }
	data, err := os.ReadFile(path)
	if err != nil {
		return fail(fmt.Errorf("cannot read it: %w", err))
	}
	if len(data) > maxKeyFileSize {
		return fail(errors.New("it is too large to be a key file"))
	}
	if passphrase == nil {
		return fail(ErrNoPassphrase)
	}
	pass, err := passphrase()
	if err != nil {
		return fail(err)
	}
	defer wipe(pass)
	if len(pass) == 0 {
		return fail(ErrNoPassphrase)
	}
	id, err := age.NewScryptIdentity(string(pass))
	if err != nil {
		return fail(err)
	}
	if maxWorkFactor <= 0 || maxWorkFactor > MaxWorkFactor {
		maxWorkFactor = MaxWorkFactor
	}
	id.SetMaxWorkFactor(maxWorkFactor)
	var src io.Reader = bytes.NewReader(data)
	if bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte(armorHeader)) {
		src = armor.NewReader(src)
	}
	r, err := age.Decrypt(src, id)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			if slices.Contains(noMatch.StanzaTypes, "scrypt") {
				return fail(ErrWrongPassphrase)
			}
			return fail(errors.New("it is not protected by a passphrase"))
		}
		return fail(fmt.Errorf("%w: %v", ErrDamaged, err))
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxKeyFileSize))
	defer wipe(plain)
	if err != nil {
		return fail(fmt.Errorf("%w: %v", ErrDamaged, err))
	}
	ids, err := ParseIdentities(bytes.NewReader(plain), nil)
	if err != nil {
		return fail(err)
	}
	return ids, nil
}

// keyFileIdentity decrypts a passphrase-protected identity file only when
// a backup turns out to need a key (not for passphrase backups, and not if
// an identity given directly matched first: age tries those before this
// non-native identity).
type keyFileIdentity struct {
	path          string
	ask           func(path string) ([]byte, error)
	maxWorkFactor int
	progress      ProgressFunc
	ids           []age.Identity
}

func (k *keyFileIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	if !slices.ContainsFunc(stanzas, func(s *age.Stanza) bool { return s.Type != "scrypt" }) {
		return nil, fmt.Errorf("%w: a passphrase backup", age.ErrIncorrectIdentity)
	}
	if k.ids == nil {
		k.progress.Report(StageDeriveKey, 0, 0)
		ids, err := DecryptIdentityFile(k.path, func() ([]byte, error) { return k.ask(k.path) }, k.maxWorkFactor)
		if err != nil {
			return nil, err
		}
		k.ids = ids
	}
	for _, id := range k.ids {
		key, err := id.Unwrap(stanzas)
		if err == nil || !errors.Is(err, age.ErrIncorrectIdentity) {
			return key, err
		}
	}
	return nil, fmt.Errorf("%w: the key in %s does not match", age.ErrIncorrectIdentity, filepath.Base(k.path))
}

// syncKeyFile keeps dir/KeyFileName identical to src, atomically.
func syncKeyFile(src, dir string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if len(data) > maxKeyFileSize {
		return errors.New("the vault key file is too large")
	}
	dst := filepath.Join(dir, KeyFileName)
	if cur, err := os.ReadFile(dst); err == nil && bytes.Equal(cur, data) {
		return nil
	}
	return WriteAtomic(dst, data)
}
