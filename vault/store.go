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
	"time"

	"filippo.io/age"
)

// Mode says where a vault's key lives.
type Mode int

const (
	ModeKeyring Mode = iota
	ModePassphrase
)

func (m Mode) String() string {
	if m == ModePassphrase {
		return "passphrase"
	}
	return "keyring"
}

// SchemaVersion is the version of the JSON document this build writes.
// Format 2 added deletion records (Tombstone).
const SchemaVersion = 2

// schemaVersion is SchemaVersion as the code reads it; tests raise it to
// exercise the migration path before a real second schema exists.
var schemaVersion = SchemaVersion

// Size limits keep a corrupt or hostile file from exhausting memory.
const (
	maxVaultSize = 256 << 20
	maxKeyFile   = 64 << 10
)

// VaultScryptWorkFactor is the scrypt cost for the passphrase-protected key
// file: age's default, about a second here. It is paid once per unlock, never
// per save, because saves encrypt to the X25519 identity.
const VaultScryptWorkFactor = 18

var (
	ErrVaultNotFound   = errors.New("no vault at this location")
	ErrVaultExists     = errors.New("a vault already exists at this location")
	ErrWrongPassphrase = errors.New("wrong passphrase")
	ErrNoPassphrase    = errors.New("this vault is protected by a passphrase, and none was given")
	// ErrCorrupt covers truncated, bit-flipped and otherwise unreadable files.
	ErrCorrupt = errors.New("the vault file is damaged or incomplete")
)

// NewerSchemaError is returned for a vault written by a newer Sparekey.
type NewerSchemaError struct{ Found, Supported int }

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("this vault was written by a newer Sparekey (format %d; this version reads up to %d): update Sparekey to open it", e.Found, e.Supported)
}

// Options are what Open and Create need from the caller.
type Options struct {
	// Keyring holds keyring-mode keys; nil means the OS keyring.
	Keyring Keyring
	// Passphrase is asked for only when needed (passphrase mode). It returns
	// a fresh slice the vault wipes after use.
	Passphrase func() ([]byte, error)
	// WorkFactor overrides VaultScryptWorkFactor (tests use a low one).
	WorkFactor int
}

func (o Options) keyring() Keyring {
	if o.Keyring == nil {
		return SystemKeyring{}
	}
	return o.Keyring
}

type store struct {
	path     string
	mode     Mode
	identity *age.X25519Identity
	// seen is the version of the file this process last read or wrote;
	// a file that no longer matches it was replaced by another process.
	seen fileVersion
	// lockTimeout overrides DefaultLockTimeout (tests).
	lockTimeout time.Duration
	// wrapWriter lets tests fail a write half-way (a full disk).
	wrapWriter func(io.Writer) io.Writer
}

func (s *store) lockWait() time.Duration {
	if s.lockTimeout > 0 {
		return s.lockTimeout
	}
	return DefaultLockTimeout
}

// fileVersion identifies one saved version of the vault file: its stat,
// and the start of its age header, which holds a share of a key made anew
// for every save. The stat alone is not enough: a file system reuses a
// freed inode at once, and its times are only as fine as the kernel's
// clock tick, so two quick saves of the same size can look alike.
type fileVersion struct {
	info os.FileInfo
	head []byte
}

// versionHeadSize covers the age header's X25519 stanza.
const versionHeadSize = 128

func newFileVersion(info os.FileInfo, data []byte) fileVersion {
	return fileVersion{info: info, head: bytes.Clone(data[:min(len(data), versionHeadSize)])}
}

// sameStat reports whether info may be the version v; sameVersion then
// needs the head.
func (v fileVersion) sameStat(info os.FileInfo) bool {
	a := v.info
	return a != nil && info != nil && os.SameFile(a, info) && a.Size() == info.Size() && a.ModTime().Equal(info.ModTime())
}

// KeyFilePath is where a passphrase-mode vault keeps its wrapped key.
func KeyFilePath(vaultPath string) string { return vaultPath + ".key" }

// PreviousPath is where the version before the last save is kept.
func PreviousPath(vaultPath string) string { return vaultPath + ".prev" }

func keyringName(vaultPath string) string {
	abs, err := filepath.Abs(vaultPath)
	if err != nil {
		abs = vaultPath
	}
	return "vault:" + abs
}

// DetectMode reports how the vault at path is protected.
func DetectMode(path string) (Mode, error) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return 0, fmt.Errorf("%w: %s", ErrVaultNotFound, path)
		}
		return 0, fmt.Errorf("cannot read the vault: %w", err)
	}
	if _, err := os.Stat(KeyFilePath(path)); err == nil {
		return ModePassphrase, nil
	}
	if m, ok := readModeMarker(path); ok {
		return m, nil // passphrase here means the key file is lost
	}
	return ModeKeyring, nil
}

// Create makes a new, empty vault at path. In keyring mode the key goes to
// the keyring; if that fails the error wraps ErrKeyringUnavailable and
// nothing is written, so the caller can offer passphrase mode instead.
func Create(path string, mode Mode, opts Options) (*Vault, error) {
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrVaultExists, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the vault's folder: %w", err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("cannot generate a vault key: %w", err)
	}
	st := &store{path: path, mode: mode, identity: id}
	if err := st.storeKey(opts); err != nil {
		return nil, err
	}
	v := &Vault{store: st}
	lock, err := acquireLock(path, st.lockWait())
	if err != nil {
		st.forgetKey(opts)
		return nil, err
	}
	defer lock.release()
	// Another process may have created the vault while this one made a key.
	if _, err := os.Lstat(path); err == nil {
		st.forgetKey(opts)
		return nil, fmt.Errorf("%w: %s", ErrVaultExists, path)
	}
	if err := st.save(&contents{}); err != nil {
		st.forgetKey(opts)
		return nil, err
	}
	_ = writeModeMarker(path, mode) // without it, only a lost key file goes unexplained
	return v, nil
}

// Open reads and decrypts the vault at path.
func Open(path string, opts Options) (*Vault, error) {
	mode, err := DetectMode(path)
	if err != nil {
		return nil, err
	}
	id, err := loadKey(path, mode, opts)
	if err != nil {
		return nil, err
	}
	return openWith(path, mode, id)
}

func openWith(path string, mode Mode, id *age.X25519Identity) (*Vault, error) {
	c, seen, err := readVault(path, id)
	if err != nil {
		return nil, err
	}
	v := &Vault{store: &store{path: path, mode: mode, identity: id, seen: seen}}
	v.setContents(c)
	return v, nil
}

// Path is the vault file's location ("" for an in-memory vault).
func (v *Vault) Path() string {
	if v.store == nil {
		return ""
	}
	return v.store.path
}

// Mode says where this vault's key lives.
func (v *Vault) Mode() Mode {
	if v.store == nil {
		return ModeKeyring
	}
	return v.store.mode
}

// Recipient is the public half of the vault key: backups made to it can be
// restored by anyone holding the vault's key.
func (v *Vault) Recipient() *age.X25519Recipient {
	if v.store == nil {
		return nil
	}
	return v.store.identity.Recipient()
}

// Identity returns the vault's private key, for "sparekey key export" and
// for decrypting backups made to Recipient. Handle with care.
func (v *Vault) Identity() *age.X25519Identity {
	if v.store == nil {
		return nil
	}
	return v.store.identity
}

// SetMode moves the vault key to the keyring or behind a (new) passphrase.
// Calling it with the current passphrase mode changes the passphrase.
func (v *Vault) SetMode(mode Mode, opts Options) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.store == nil {
		return errors.New("an in-memory vault has no key to move")
	}
	old := v.store.mode
	next := &store{path: v.store.path, mode: mode, identity: v.store.identity}
	if err := next.storeKey(opts); err != nil {
		return err
	}
	v.store.mode = mode
	_ = writeModeMarker(v.store.path, mode)
	if old == ModeKeyring && mode == ModePassphrase {
		_ = opts.keyring().Delete(keyringName(v.store.path))
	}
	if old == ModePassphrase && mode == ModeKeyring {
		if err := os.Remove(KeyFilePath(v.store.path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("the key is now in the keyring, but the old key file could not be removed: %w", err)
		}
	}
	return nil
}

// Save writes the vault as it is now (mutations save by themselves).
func (v *Vault) Save() error {
	return v.mutate(func() error { return nil })
}

func (s *store) storeKey(opts Options) error {
	secret := s.identity.String()
	switch s.mode {
	case ModeKeyring:
		if err := opts.keyring().Set(keyringName(s.path), secret); err != nil {
			return fmt.Errorf("cannot store the vault key in the keyring: %w", err)
		}
		return nil
	case ModePassphrase:
		if opts.Passphrase == nil {
			return ErrNoPassphrase
		}
		pass, err := opts.Passphrase()
		if err != nil {
			return err
		}
		defer wipe(pass)
		if len(pass) == 0 {
			return ErrNoPassphrase
		}
		r, err := age.NewScryptRecipient(string(pass))
		if err != nil {
			return err
		}
		wf := opts.WorkFactor
		if wf == 0 {
			wf = VaultScryptWorkFactor
		}
		r.SetWorkFactor(wf)
		var buf bytes.Buffer
		w, err := age.Encrypt(&buf, r)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, secret+"\n"); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		return WriteFileAtomic(KeyFilePath(s.path), buf.Bytes())
	}
	return fmt.Errorf("unknown vault mode %d", s.mode)
}

func (s *store) forgetKey(opts Options) {
	if s.mode == ModeKeyring {
		_ = opts.keyring().Delete(keyringName(s.path))
	} else {
		_ = os.Remove(KeyFilePath(s.path))
	}
}

func loadKey(path string, mode Mode, opts Options) (*age.X25519Identity, error) {
	var text string
	switch mode {
	case ModeKeyring:
		s, err := opts.keyring().Get(keyringName(path))
		if err != nil {
			return nil, err
		}
		text = s
	case ModePassphrase:
		if _, err := os.Stat(KeyFilePath(path)); errors.Is(err, fs.ErrNotExist) {
			return nil, keyFileMissing(path) // before asking for a passphrase that cannot help
		}
		if opts.Passphrase == nil {
			return nil, ErrNoPassphrase
		}
		data, err := readLimited(KeyFilePath(path), maxKeyFile)
		if err != nil {
			return nil, fmt.Errorf("cannot read the vault's key file: %w", err)
		}
		pass, err := opts.Passphrase()
		if err != nil {
			return nil, err
		}
		defer wipe(pass)
		if len(pass) == 0 {
			return nil, ErrNoPassphrase
		}
		id, err := age.NewScryptIdentity(string(pass))
		if err != nil {
			return nil, err
		}
		r, err := age.Decrypt(bytes.NewReader(data), id)
		if err != nil {
			var noMatch *age.NoIdentityMatchError
			if errors.As(err, &noMatch) {
				return nil, ErrWrongPassphrase
			}
			return nil, fmt.Errorf("%w: the key file %s cannot be decrypted (%w)", ErrCorrupt, filepath.Base(KeyFilePath(path)), err)
		}
		plain, err := io.ReadAll(io.LimitReader(r, maxKeyFile))
		if err != nil {
			return nil, fmt.Errorf("%w: the key file is damaged", ErrCorrupt)
		}
		text = string(plain)
		ensureModeMarker(path, ModePassphrase) // a vault older than markers gets one
	}
	id, err := age.ParseX25519Identity(strings.TrimSpace(text))
	if err != nil {
		return nil, fmt.Errorf("%w: the stored vault key is not a valid age identity", ErrCorrupt)
	}
	return id, nil
}

type document struct {
	Schema   int         `json:"schema"`
	App      string      `json:"app"`
	Saved    time.Time   `json:"saved"`
	Accounts []*Account  `json:"accounts"`
	Deleted  []Tombstone `json:"deleted"`
}

// contents is what a vault file holds, decoded.
type contents struct {
	accounts []*Account
	deleted  []Tombstone
	// damaged lists entries that could not be read; a vault with any is
	// opened read-only so the file keeps them for a repair.
	damaged []DamagedEntry
}

// readVault reads the vault file and the version it read.
func readVault(path string, id age.Identity) (*contents, fileVersion, error) {
	c, version, _, err := readVaultIfChanged(path, id, fileVersion{})
	return c, version, err
}

// readVaultIfChanged reads the vault file unless it is the version known;
// changed says which. The open file is the one read and compared, even if
// another process renames a newer one into place meanwhile.
func readVaultIfChanged(path string, id age.Identity, known fileVersion) (c *contents, version fileVersion, changed bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, known, false, fmt.Errorf("%w: %s", ErrVaultNotFound, path)
		}
		return nil, known, false, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, known, false, err
	}
	var data []byte
	if known.sameStat(info) {
		head := make([]byte, versionHeadSize)
		n, err := io.ReadFull(f, head)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return nil, known, false, err
		}
		if bytes.Equal(head[:n], known.head) {
			return nil, known, false, nil
		}
		rest, err := readAllLimited(f, path, maxVaultSize-int64(n))
		if err != nil {
			return nil, known, false, err
		}
		data = append(head[:n], rest...)
	} else if data, err = readAllLimited(f, path, maxVaultSize); err != nil {
		return nil, known, false, err
	}
	c, err = decodeVault(data, id)
	if err != nil {
		return nil, known, false, err
	}
	return c, newFileVersion(info, data), true, nil
}

// decodeVault authenticates the whole stream before trusting a byte of it:
// age checks each chunk, and a truncated file fails at the last one.
func decodeVault(data []byte, id age.Identity) (*contents, error) {
	r, err := age.Decrypt(bytes.NewReader(data), id)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			// With a single recipient, a damaged header stanza and a file
			// from another vault look the same: both need the .prev file or
			// a backup, so both are ErrCorrupt.
			return nil, fmt.Errorf("%w: the vault key does not open this vault (its header is damaged, or the file was replaced by another vault)", ErrCorrupt)
		}
		// age's messages quote the line they stopped at, and a plain file
		// given as the vault by mistake may be full of secrets: say what
		// is wrong, never repeat its bytes.
		if !bytes.HasPrefix(data, []byte("age-encryption.org/")) {
			return nil, fmt.Errorf("%w: this is not an encrypted vault file (it does not begin as age files do; check the path)", ErrCorrupt)
		}
		return nil, fmt.Errorf("%w: its encrypted header is damaged", ErrCorrupt)
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxVaultSize))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	defer wipe(plain)
	return decodeDocument(plain)
}

// decodeDocument checks the schema version, migrates older documents and
// validates every account. An entry that cannot be read is listed in
// damaged rather than failing the whole vault: the others stay usable.
func decodeDocument(plain []byte) (*contents, error) {
	var head struct {
		Schema int    `json:"schema"`
		App    string `json:"app"`
	}
	if err := json.Unmarshal(plain, &head); err != nil {
		return nil, fmt.Errorf("%w: the contents are not a vault document", ErrCorrupt)
	}
	if head.App != "sparekey" {
		return nil, fmt.Errorf("%w: the contents are not a Sparekey vault", ErrCorrupt)
	}
	if head.Schema > schemaVersion {
		return nil, &NewerSchemaError{Found: head.Schema, Supported: schemaVersion}
	}
	plain, err := migrate(plain, head.Schema)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Accounts []json.RawMessage `json:"accounts"`
		Deleted  []Tombstone       `json:"deleted"`
	}
	if err := json.Unmarshal(plain, &doc); err != nil {
		return nil, fmt.Errorf("%w: the vault document is malformed", ErrCorrupt)
	}
	c := &contents{deleted: doc.Deleted}
	ids := make(map[string]bool, len(doc.Accounts))
	for i, raw := range doc.Accounts {
		var a *Account
		if err := json.Unmarshal(raw, &a); err != nil || a == nil {
			c.damaged = append(c.damaged, DamagedEntry{Number: i + 1, Reason: "the entry is not an account"})
			continue
		}
		if err := a.Validate(); err != nil {
			c.damaged = append(c.damaged, DamagedEntry{Number: i + 1, Label: a.Label(), Reason: err.Error()})
			continue
		}
		// IDs are how edits find an account; a repeated one (a hand-edited
		// file) would make edits land on the wrong twin, so it is renewed.
		// Nothing is lost: both accounts stay.
		if a.ID == "" || ids[a.ID] {
			a.ID = NewID()
		}
		ids[a.ID] = true
		c.accounts = append(c.accounts, a)
	}
	return c, nil
}

// migrations[n] turns a schema-n document into schema n+1. A format change
// adds an entry here and bumps SchemaVersion, and older vaults upgrade on
// their next save.
var migrations = map[int]func(map[string]any) error{
	// Format 2 keeps deletion records beside the accounts.
	1: func(doc map[string]any) error {
		if _, ok := doc["deleted"]; !ok {
			doc["deleted"] = []any{}
		}
		return nil
	},
}

func migrate(plain []byte, from int) ([]byte, error) {
	if from < 1 {
		return nil, fmt.Errorf("%w: unknown vault format %d", ErrCorrupt, from)
	}
	if from == schemaVersion {
		return plain, nil
	}
	var doc map[string]any
	if err := json.Unmarshal(plain, &doc); err != nil {
		return nil, fmt.Errorf("%w: the vault document is malformed", ErrCorrupt)
	}
	for v := from; v < schemaVersion; v++ {
		step, ok := migrations[v]
		if !ok {
			return nil, fmt.Errorf("%w: no upgrade from vault format %d", ErrCorrupt, v)
		}
		if err := step(doc); err != nil {
			return nil, fmt.Errorf("upgrading the vault from format %d: %w", v, err)
		}
		doc["schema"] = v + 1
	}
	return json.Marshal(doc)
}

func encodeDocument(c *contents) ([]byte, error) {
	doc := document{Schema: schemaVersion, App: "sparekey", Saved: time.Now().UTC(), Accounts: c.accounts, Deleted: c.deleted}
	if doc.Accounts == nil {
		doc.Accounts = []*Account{}
	}
	if doc.Deleted == nil {
		doc.Deleted = []Tombstone{}
	}
	return json.Marshal(doc)
}

// save writes c as the new version of the vault. The caller holds the
// vault's lock, so the version written is the one this process has seen.
func (s *store) save(c *contents) error {
	plain, err := encodeDocument(c)
	if err != nil {
		return err
	}
	defer wipe(plain)
	var buf bytes.Buffer
	buf.Grow(len(plain) + 512)
	w, err := age.Encrypt(&buf, s.identity.Recipient())
	if err != nil {
		return err
	}
	if _, err := w.Write(plain); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := writeAtomicWith(s.path, buf.Bytes(), true, s.wrapWriter); err != nil {
		return err
	}
	// Nobody else can replace the file while the lock is held, so this stat
	// is of the version just written.
	info, err := os.Stat(s.path)
	if err != nil {
		info = nil
	}
	s.seen = newFileVersion(info, buf.Bytes())
	return nil
}

// WriteFileAtomic replaces path with data (mode 0600) so that a crash at any
// point leaves either the old file or the new one: temp file in the same
// folder, fsync, rename, fsync the folder. Every file Sparekey writes that
// matters (vault, key file, settings, journals, backups) goes through it.
func WriteFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return saveError(path, err)
	}
	return writeAtomicWith(path, data, false, nil)
}

// writeAtomicWith replaces path with data so that a crash at any point leaves
// either the old file or the new one under that name.
func writeAtomicWith(path string, data []byte, keepPrevious bool, wrap func(io.Writer) io.Writer) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return saveError(path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return saveError(path, err)
	}
	var w io.Writer = tmp
	if wrap != nil {
		w = wrap(tmp)
	}
	if _, err = w.Write(data); err != nil {
		return saveError(path, err)
	}
	if err = tmp.Sync(); err != nil {
		return saveError(path, err)
	}
	if err = tmp.Close(); err != nil {
		return saveError(path, err)
	}
	if keepPrevious {
		if _, statErr := os.Lstat(path); statErr == nil {
			prev := PreviousPath(path)
			os.Remove(prev)
			// A hard link keeps the current name in place throughout; where
			// links are not supported the previous version is simply skipped.
			_ = os.Link(path, prev)
		}
	}
	if err = os.Rename(tmpName, path); err != nil {
		return saveError(path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		// Directory fsync makes the rename durable; some filesystems refuse
		// it, and the rename has happened either way.
		_ = d.Sync()
		d.Close()
	}
	cleanStaleTemps(path, tmpName)
	return nil
}

// cleanStaleTemps removes temporary files left by a save that was killed.
func cleanStaleTemps(path, keep string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	for _, m := range matches {
		if m != keep {
			if info, err := os.Stat(m); err == nil && time.Since(info.ModTime()) > time.Minute {
				os.Remove(m)
			}
		}
	}
}

// SaveError says a save failed and that nothing was changed on disk.
type SaveError struct {
	Path string
	Err  error
}

func (e *SaveError) Error() string {
	hint := ""
	switch {
	case errors.Is(e.Err, fs.ErrPermission) || isReadOnlyFS(e.Err):
		hint = " (the folder is not writable)"
	case isNoSpace(e.Err):
		hint = " (the disk is full)"
	}
	return fmt.Sprintf("could not save %s%s: %v; the file on disk is unchanged", e.Path, hint, e.Err)
}
func (e *SaveError) Unwrap() error { return e.Err }

func saveError(path string, err error) error { return &SaveError{Path: path, Err: err} }

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrVaultNotFound, path)
		}
		return nil, err
	}
	defer f.Close()
	return readAllLimited(f, path, limit)
}

func readAllLimited(f io.Reader, path string, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s is larger than %d MiB", ErrCorrupt, path, limit>>20)
	}
	return data, nil
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

// OpenWithIdentity opens a vault with its key given directly (an exported
// identity), whatever mode it was in.
func OpenWithIdentity(path string, id *age.X25519Identity) (*Vault, error) {
	mode, err := DetectMode(path)
	if err != nil {
		return nil, err
	}
	return openWith(path, mode, id)
}
