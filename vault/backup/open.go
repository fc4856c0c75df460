package backup

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
	"filippo.io/age/plugin"

	"github.com/sparekey/sparekey/vault/internal/fifo"
)

const ageMagic = "age-encryption.org/"

// armorHeader starts every ASCII-armored age file.
const armorHeader = "-----BEGIN AGE ENCRYPTED FILE-----"

// Unlock is what Open may use to decrypt a backup.
type Unlock struct {
	// Identities are tried first: the vault's own identity, identities
	// read from files (ParseIdentities), plugin identities.
	Identities []age.Identity
	// Passphrase is called only if the backup is passphrase-encrypted. The
	// returned slice is wiped after use.
	Passphrase func() ([]byte, error)
	// MaxWorkFactor lowers the highest scrypt cost accepted (0: the age
	// CLI's limit, MaxWorkFactor), for processing untrusted files quickly.
	MaxWorkFactor int
	// KeyFiles are passphrase-protected identity files (KeyFileName beside
	// automatic backups, vault.age.key), decrypted only if the backup is
	// encrypted to keys and nothing in Identities matched.
	KeyFiles []string
	// KeyPassphrase is asked for a key file's passphrase (the vault
	// passphrase for Sparekey's own).
	KeyPassphrase func(path string) ([]byte, error)
}

// Opened is a decrypted, decoded backup plus what identifies its file.
type Opened struct {
	*Contents
	Path   string
	SHA256 string // of the file's bytes
	Size   int64
	// Passphrase says the backup was passphrase-encrypted (else recipients).
	Passphrase bool
	Armored    bool
}

// OpenFile reads, decrypts and decodes the backup at path. Every error is a
// *FileError naming the file.
func OpenFile(path string, u Unlock, progress ProgressFunc) (*Opened, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, fileErr(path, err)
	}
	o, err := Open(data, u, progress)
	if err != nil {
		return nil, fileErr(path, err)
	}
	o.Path = path
	return o, nil
}

// OpenFileContext is OpenFile that gives up when ctx is done (Ctrl-C),
// also while waiting on a FIFO nobody writes to, which would otherwise
// block reading forever.
func OpenFileContext(ctx context.Context, path string, u Unlock, progress ProgressFunc) (*Opened, error) {
	type result struct {
		data []byte
		err  error
	}
	read := make(chan result, 1)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		data, err := readLimited(path)
		read <- result{data, err}
	}()
	var data []byte
	select {
	case r := <-read:
		if r.err != nil {
			return nil, fileErr(path, r.err)
		}
		data = r.data
	case <-ctx.Done():
		if info, err := os.Stat(path); err == nil && info.Mode()&fs.ModeNamedPipe != 0 {
			fifo.Release(path, ended) // lets the reading goroutine end
		}
		return nil, fileErr(path, &interrupted{ctx.Err()})
	}
	o, err := Open(data, u, progress)
	if err != nil {
		return nil, fileErr(path, err)
	}
	o.Path = path
	return o, nil
}

// interrupted is ErrInterrupted unwrapping to the context's error.
type interrupted struct{ cause error }

func (e *interrupted) Error() string        { return ErrInterrupted.Error() }
func (e *interrupted) Is(target error) bool { return target == ErrInterrupted }
func (e *interrupted) Unwrap() error        { return e.cause }

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open the backup: %w", err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil {
		if info.IsDir() {
			return nil, errors.New("this is a folder, not a backup file")
		}
		// Refuse early; the limited read below still guards pipes and
		// files that grow while being read.
		if info.Mode().IsRegular() && info.Size() > MaxFileSize {
			return nil, fmt.Errorf("%w (larger than %d MiB)", ErrTooLarge, MaxFileSize>>20)
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the backup: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w (larger than %d MiB)", ErrTooLarge, MaxFileSize>>20)
	}
	return data, nil
}

// Open decrypts and decodes a backup held in memory. It reads the whole
// age stream and checks its authentication before decoding anything.
func Open(data []byte, u Unlock, progress ProgressFunc) (*Opened, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w (larger than %d MiB)", ErrTooLarge, MaxFileSize>>20)
	}
	o := &Opened{SHA256: Hash(data), Size: int64(len(data))}
	var src io.Reader = bytes.NewReader(data)
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case bytes.HasPrefix(trimmed, []byte(armorHeader)):
		o.Armored = true
		src = armor.NewReader(bytes.NewReader(data))
	case !bytes.HasPrefix(data, []byte(ageMagic)):
		return nil, ErrNotAge
	}
	progress.Report(StageReading, 0, o.Size)

	lazy := &passphraseIdentity{ask: u.Passphrase, progress: progress, maxWorkFactor: MaxWorkFactor}
	if u.MaxWorkFactor > 0 && u.MaxWorkFactor < MaxWorkFactor {
		lazy.maxWorkFactor = u.MaxWorkFactor
	}
	ids := slices.Clone(u.Identities)
	ids = append(ids, lazy)
	for _, kf := range u.KeyFiles {
		if u.KeyPassphrase != nil {
			ids = append(ids, &keyFileIdentity{path: kf, ask: u.KeyPassphrase, maxWorkFactor: lazy.maxWorkFactor, progress: progress})
		}
	}
	counter := &countingReader{r: src, total: o.Size, progress: progress}
	r, err := age.Decrypt(counter, ids...)
	if err != nil {
		return nil, decryptError(err, lazy, o.Armored)
	}
	o.Passphrase = lazy.used
	// Read to EOF before trusting anything: age authenticates each 64 KiB
	// chunk, and only the final one proves the file was not truncated.
	plain, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		wipe(plain)
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	defer wipe(plain)
	if len(plain) > MaxFileSize {
		return nil, fmt.Errorf("%w (the contents are larger than %d MiB)", ErrTooLarge, MaxFileSize>>20)
	}
	progress.Report(StageDecoding, 0, 0)
	c, err := Decode(plain)
	if err != nil {
		return nil, err
	}
	o.Contents = c
	progress.Report(StageDone, o.Size, o.Size)
	return o, nil
}

func decryptError(err error, lazy *passphraseIdentity, armored bool) error {
	var noMatch *age.NoIdentityMatchError
	var notFound *plugin.NotFoundError
	var armorErr *armor.Error
	var keyFileErr *KeyFileError
	switch {
	case errors.As(err, &keyFileErr):
		return keyFileErr
	case errors.As(err, &noMatch):
		if slices.Contains(noMatch.StanzaTypes, "scrypt") {
			if lazy.ask == nil {
				return ErrNoPassphrase
			}
			return ErrWrongPassphrase
		}
		return fmt.Errorf("%w (it is encrypted to: %s)", ErrNoIdentity, describeStanzas(noMatch.StanzaTypes))
	case errors.Is(err, errPassphraseAsk):
		var ask *askError
		errors.As(err, &ask)
		return ask.err
	case errors.As(err, &notFound):
		return fmt.Errorf("this backup needs the age plugin %q, which is not installed: %w", notFound.Name, err)
	case errors.As(err, &armorErr):
		return fmt.Errorf("%w: the armored text is damaged: %v", ErrDamaged, err)
	case strings.Contains(err.Error(), "scrypt work factor too large"):
		return fmt.Errorf("%w: its passphrase cost (scrypt work factor) is above the accepted limit of %d; it was not written by Sparekey", ErrDamaged, lazy.maxWorkFactor)
	case strings.Contains(err.Error(), "failed to read header") && !armored:
		return fmt.Errorf("%w: the age header is damaged: %v", ErrDamaged, err)
	}
	return fmt.Errorf("%w: %v", ErrDamaged, err)
}

func describeStanzas(types []string) string {
	names := map[string]string{
		"X25519":         "an age key (age1…)",
		"mlkem768x25519": "a post-quantum age key (age1pq1…)",
		"ssh-ed25519":    "an SSH key",
		"ssh-rsa":        "an SSH key",
	}
	var out []string
	for _, t := range types {
		n, ok := names[t]
		if !ok {
			n = "a " + t + " key"
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}

// errPassphraseAsk marks an error returned by the passphrase callback
// (cancelled prompt, unreadable file), to be reported as is.
var errPassphraseAsk = errors.New("passphrase prompt failed")

type askError struct{ err error }

func (e *askError) Error() string { return e.err.Error() }
func (e *askError) Unwrap() []error {
	return []error{errPassphraseAsk, e.err}
}

// passphraseIdentity asks for the passphrase only when the file has a
// scrypt stanza, so recipient backups never prompt. age tries it after the
// native identities because it is not one of its own types.
type passphraseIdentity struct {
	ask           func() ([]byte, error)
	progress      ProgressFunc
	maxWorkFactor int
	used          bool
}

func (p *passphraseIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	hasScrypt := slices.ContainsFunc(stanzas, func(s *age.Stanza) bool { return s.Type == "scrypt" })
	if !hasScrypt || p.ask == nil {
		return nil, fmt.Errorf("%w: not passphrase-encrypted", age.ErrIncorrectIdentity)
	}
	pass, err := p.ask()
	if err != nil {
		return nil, &askError{err}
	}
	defer wipe(pass)
	if len(pass) == 0 {
		return nil, &askError{ErrNoPassphrase}
	}
	id, err := age.NewScryptIdentity(string(pass))
	if err != nil {
		return nil, err
	}
	id.SetMaxWorkFactor(p.maxWorkFactor)
	p.progress.Report(StageDeriveKey, 0, 0)
	key, err := id.Unwrap(stanzas)
	if err == nil {
		p.used = true
	}
	return key, err
}

type countingReader struct {
	r        io.Reader
	n, total int64
	progress ProgressFunc
	last     int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && (c.n-c.last >= 256<<10 || err == io.EOF) {
		c.last = c.n
		c.progress(Progress{Stage: StageDecrypting, Done: min(c.n, c.total), Total: c.total})
	}
	return n, err
}

// ParseRecipient reads one recipient as the age CLI writes them: age1…
// (X25519), age1pq1… (hybrid post-quantum) or age1NAME1… (a plugin such as
// age-plugin-yubikey, run when the backup is written; ui may be nil for no
// interaction). SSH keys are not accepted: they are not recommended for
// backups and the vault's own key covers the same need.
func ParseRecipient(s string, ui *plugin.ClientUI) (age.Recipient, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "age1pq1"):
		r, err := age.ParseHybridRecipient(s)
		if err != nil {
			return nil, fmt.Errorf("invalid post-quantum recipient: %w", err)
		}
		return r, nil
	case strings.HasPrefix(s, "age1") && strings.Count(s, "1") > 1:
		if ui == nil {
			ui = &plugin.ClientUI{}
		}
		r, err := plugin.NewRecipient(s, ui)
		if err != nil {
			return nil, fmt.Errorf("invalid plugin recipient: %w", err)
		}
		return r, nil
	case strings.HasPrefix(s, "age1"):
		r, err := age.ParseX25519Recipient(s)
		if err != nil {
			return nil, fmt.Errorf("invalid age recipient: %w", err)
		}
		return r, nil
	case strings.HasPrefix(s, "AGE-SECRET-KEY"):
		// Never echo it: this is a private key pasted in the wrong place.
		return nil, errors.New("this is a private key (AGE-SECRET-KEY-…), not a recipient: give its public age1… form instead")
	}
	return nil, errors.New("not an age recipient (expected age1…, age1pq1… or a plugin recipient)")
}

// ParseRecipients reads recipients one a line; blank lines and lines
// starting with # are skipped.
func ParseRecipients(r io.Reader, ui *plugin.ClientUI) ([]age.Recipient, error) {
	var out []age.Recipient
	err := eachKeyLine(r, func(line int, s string) error {
		rec, err := ParseRecipient(s, ui)
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no recipients found")
	}
	return out, nil
}

// ParseIdentities reads an age identity file: AGE-SECRET-KEY-1… (X25519),
// AGE-SECRET-KEY-PQ-1… (post-quantum) and AGE-PLUGIN-… (plugin) lines,
// blank lines and # comments, as age-keygen and age-plugin-yubikey write
// them. Errors never quote the file's contents.
func ParseIdentities(r io.Reader, ui *plugin.ClientUI) ([]age.Identity, error) {
	var out []age.Identity
	err := eachKeyLine(r, func(line int, s string) error {
		var id age.Identity
		var err error
		switch {
		case strings.HasPrefix(s, "AGE-SECRET-KEY-PQ-1"):
			id, err = age.ParseHybridIdentity(s)
		case strings.HasPrefix(s, "AGE-SECRET-KEY-1"):
			id, err = age.ParseX25519Identity(s)
		case strings.HasPrefix(s, "AGE-PLUGIN-"):
			if ui == nil {
				ui = &plugin.ClientUI{}
			}
			id, err = plugin.NewIdentity(s, ui)
		case strings.HasPrefix(s, armorHeader) || strings.HasPrefix(s, ageMagic):
			return errors.New("this identity file is itself encrypted with a passphrase (use DecryptIdentityFile)")
		default:
			err = errors.New("not an age identity")
		}
		if err != nil {
			return fmt.Errorf("line %d: invalid identity (%s)", line, strings.SplitN(err.Error(), ":", 2)[0])
		}
		out = append(out, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no identities found")
	}
	return out, nil
}

// eachKeyLine calls f with every line of a recipients or identities file
// that is neither blank nor a # comment, trimmed, with its line number.
func eachKeyLine(r io.Reader, f func(line int, s string) error) error {
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if err := f(line, s); err != nil {
			return err
		}
	}
	return sc.Err()
}

// ParseIdentityFile is ParseIdentities for a file; errors name the file.
func ParseIdentityFile(path string, ui *plugin.ClientUI) ([]age.Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the identity file: %w", err)
	}
	defer f.Close()
	ids, err := ParseIdentities(f, ui)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return ids, nil
}
