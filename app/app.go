// Package app holds Sparekey's use cases: opening and locking the vault,
// adding and editing accounts, settings, backups, imports, the AWS chores and
// the recovery guides. The desktop UI and the command line both talk to this
// package and to nothing below it, so every behaviour is testable without a
// window.
//
// App never imports Fyne. Long operations take a context and report progress
// through callbacks; the UI decides which goroutine runs them.
package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sparekey/sparekey/sync/awsmfa"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
	"github.com/sparekey/sparekey/vault/paper"
	"github.com/sparekey/sparekey/vault/transfer"
)

// Version is set at build time with -ldflags "-X .../app.Version=…".
var Version = "0.1.0-dev"

// ErrLocked is returned by anything that needs the vault while it is locked.
var ErrLocked = errors.New("the vault is locked")

// Paths are the folders and files Sparekey uses.
type Paths struct {
	Config string // settings (no secrets)
	Data   string // vault, journals, backup status
	Vault  string // the vault file
}

// DefaultPaths follows the platform's conventions. SPAREKEY_HOME puts
// everything under one folder (portable use, tests); SPAREKEY_VAULT points
// at another vault file.
func DefaultPaths() (Paths, error) {
	var p Paths
	if home := os.Getenv("SPAREKEY_HOME"); home != "" {
		p = PathsUnder(home)
	} else {
		cfg, err := os.UserConfigDir()
		if err != nil {
			return p, fmt.Errorf("cannot find the settings folder: %w", err)
		}
		p.Config = filepath.Join(cfg, "sparekey")
		p.Data = dataDir()
		if runtime.GOOS == "darwin" {
			// Both would be ~/Library/Application Support/{s,S}parekey:
			// one folder on a case-insensitive disk, so make it one by
			// design (settings.json is the only file Config holds).
			p.Config = p.Data
		}
		p.Vault = filepath.Join(p.Data, "vault.age")
	}
	if v := os.Getenv("SPAREKEY_VAULT"); v != "" {
		p.Vault = v
	}
	return p, nil
}

// PathsUnder keeps everything under one folder, as SPAREKEY_HOME does:
// config/ for settings, data/ for the vault and the rest.
func PathsUnder(home string) Paths {
	data := filepath.Join(home, "data")
	return Paths{Config: filepath.Join(home, "config"), Data: data, Vault: filepath.Join(data, "vault.age")}
}

func dataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "sparekey")
	}
	switch runtime.GOOS {
	case "windows":
		// Local, not Roaming: a vault must not follow a roaming profile
		// onto other PCs behind the user's back.
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "Sparekey")
		}
	case "darwin":
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, "Library", "Application Support", "Sparekey")
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "sparekey")
	}
	return filepath.Join(os.TempDir(), "sparekey")
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// Options configure an App.
type Options struct {
	Paths   Paths
	Keyring vault.Keyring // nil: the OS keyring
	Now     func() time.Time
	// WorkFactor overrides the scrypt cost of a new passphrase (tests).
	WorkFactor int
}

// App is one running Sparekey: its settings and, while unlocked, its vault.
type App struct {
	paths      Paths
	keyring    vault.Keyring
	now        func() time.Time
	workFactor int

	mu       sync.Mutex
	v        *vault.Vault
	settings Settings
	onLock   []func()
	onChange []func()
	// follow: read in other processes' changes (FollowVault);
	// stopFollow ends the watch of the open vault.
	follow     bool
	stopFollow context.CancelFunc
	followErr  error
	// conflicts: the sync tools' conflict copies merged or waiting for a
	// decision, by path (sync.go).
	conflicts map[string]ConflictState

	backupRT backupRuntime // automatic backups (backup.go)
}

// New returns an App with its settings loaded (defaults when there are none
// or they cannot be read; a broken settings file never blocks the vault).
func New(opts Options) *App {
	a := &App{paths: opts.Paths, keyring: opts.Keyring, now: opts.Now, workFactor: opts.WorkFactor}
	if a.keyring == nil {
		a.keyring = vault.SystemKeyring{}
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.settings, _ = loadSettings(a.settingsPath())
	return a
}

// NewDefault is New with the platform's paths and the OS keyring.
func NewDefault() (*App, error) {
	p, err := DefaultPaths()
	if err != nil {
		return nil, err
	}
	return New(Options{Paths: p}), nil
}

func (a *App) Paths() Paths           { return a.paths }
func (a *App) Now() time.Time         { return a.now() }
func (a *App) Keyring() vault.Keyring { return a.keyring }
func (a *App) vaultOptions(pass func() ([]byte, error)) vault.Options {
	return vault.Options{Keyring: a.keyring, Passphrase: pass, WorkFactor: a.workFactor}
}

// VaultOptions are what the app gives the vault layer (its keyring, its
// scrypt cost) with pass as the passphrase, for callers that move the key
// of a vault they opened (sparekey key passphrase/keyring/import).
func (a *App) VaultOptions(pass func() ([]byte, error)) vault.Options { return a.vaultOptions(pass) }

// VaultState is what the UI shows before the accounts.
type VaultState int

const (
	StateMissing  VaultState = iota // no vault yet: first run
	StateLocked                     // a vault exists and is not open
	StateUnlocked                   // accounts available
)

// State reports the vault's state and, when one exists, its mode.
func (a *App) State() (VaultState, vault.Mode) {
	a.mu.Lock()
	open := a.v != nil
	a.mu.Unlock()
	mode, err := vault.DetectMode(a.paths.Vault)
	switch {
	case open:
		return StateUnlocked, mode
	case errors.Is(err, vault.ErrVaultNotFound):
		return StateMissing, vault.ModeKeyring
	}
	return StateLocked, mode
}

// CreateVault makes the first vault. With pass == nil it uses the keyring;
// when the keyring cannot be used the error wraps vault.ErrKeyringUnavailable
// and Explain says why, so the caller can ask for a passphrase instead.
func (a *App) CreateVault(ctx context.Context, pass func() ([]byte, error)) error {
	mode := vault.ModeKeyring
	if pass != nil {
		mode = vault.ModePassphrase
	}
	v, err := runBounded(ctx, func() (*vault.Vault, error) {
		return vault.Create(a.paths.Vault, mode, a.vaultOptions(pass))
	})
	if err != nil {
		return err
	}
	a.setVault(v)
	return nil
}

// Unlock opens the vault. pass is asked only for a passphrase-mode vault.
// Keyring calls are bounded (see vault.SystemKeyring), so Unlock returns
// within seconds even when the keyring is stuck on a prompt.
func (a *App) Unlock(ctx context.Context, pass func() ([]byte, error)) error {
	a.mu.Lock()
	open := a.v != nil
	a.mu.Unlock()
	if open {
		return nil
	}
	v, err := runBounded(ctx, func() (*vault.Vault, error) {
		return vault.Open(a.paths.Vault, a.vaultOptions(pass))
	})
	if err != nil {
		return withPreviousHint(a.paths.Vault, err)
	}
	a.setVault(v)
	return nil
}

// runBounded lets a context abandon a call that is itself bounded (the
// keyring) but may still take a while (scrypt).
func runBounded(ctx context.Context, f func() (*vault.Vault, error)) (*vault.Vault, error) {
	type result struct {
		v   *vault.Vault
		err error
	}
	ch := make(chan result, 1)
	go func() { v, err := f(); ch <- result{v, err} }()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (a *App) setVault(v *vault.Vault) {
	v.OnChange(func() {
		a.ensureAutoBackup()
		a.changed()
	})
	// Another process's change is read in, not saved here: its own process
	// backs it up.
	v.OnReload(a.reloaded)
	a.mu.Lock()
	if a.stopFollow != nil && a.v != v {
		a.stopFollow()
		a.stopFollow = nil
	}
	a.v = v
	if a.follow && a.stopFollow == nil {
		ctx, cancel := context.WithCancel(context.Background())
		a.stopFollow = cancel
		go v.Follow(ctx, vault.FollowHooks{OnError: a.followFailed, OnConflictCopy: a.conflictCopyFound})
	}
	a.mu.Unlock()
	a.changed()
}

// FollowVault makes the open vault, now and after every unlock, follow
// the changes other processes save to the file (the command line, another
// window, a sync tool): they are read in and OnChange's listeners hear of
// them. The desktop window wants this; a one-shot command does not.
func (a *App) FollowVault() {
	a.mu.Lock()
	a.follow = true
	v := a.v
	a.mu.Unlock()
	if v != nil {
		a.setVault(v)
	}
}

// FollowError is the last change of the vault file that could not be read
// in (nil once one could): the accounts shown are then the last readable
// version, and saving is still safe (a save reads the file again first).
func (a *App) FollowError() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.followErr
}

func (a *App) reloaded() {
	a.mu.Lock()
	a.followErr = nil
	a.mu.Unlock()
	a.changed()
}

func (a *App) followFailed(err error) {
	a.mu.Lock()
	a.followErr = err
	a.mu.Unlock()
	a.changed()
}

// Lock forgets the open vault; the accounts leave memory with it.
func (a *App) Lock() {
	a.mu.Lock()
	if a.v == nil {
		a.mu.Unlock()
		return
	}
	a.v = nil
	if a.stopFollow != nil {
		a.stopFollow()
		a.stopFollow = nil
	}
	listeners := append([]func(){}, a.onLock...)
	a.mu.Unlock()
	for _, f := range listeners {
		f()
	}
}

// OnLock registers f to run after the vault is locked.
func (a *App) OnLock(f func()) {
	a.mu.Lock()
	a.onLock = append(a.onLock, f)
	a.mu.Unlock()
}

// OnChange registers f to run after the accounts change (and after unlock).
// f runs on the goroutine that made the change.
func (a *App) OnChange(f func()) {
	a.mu.Lock()
	a.onChange = append(a.onChange, f)
	a.mu.Unlock()
}

func (a *App) changed() {
	a.mu.Lock()
	listeners := append([]func(){}, a.onChange...)
	a.mu.Unlock()
	for _, f := range listeners {
		f()
	}
}

// Vault returns the open vault, or ErrLocked.
func (a *App) Vault() (*vault.Vault, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.v == nil {
		return nil, ErrLocked
	}
	return a.v, nil
}

// UseVault is for callers that opened a vault themselves (the CLI, tests).
func (a *App) UseVault(v *vault.Vault) { a.setVault(v) }

// Explain turns any error Sparekey returns into a sentence saying what
// happened and what to do: vault and account errors here, AWS, backup and
// import errors through their own explainers. It never includes secrets
// (the errors never carry any).
func Explain(err error) string {
	switch {
	case err == nil:
		return ""
	case isAWSError(err):
		return ExplainAWS(err)
	case isBackupError(err):
		return ExplainBackup(err)
	case isImportError(err):
		return ExplainImport(err)
	}
	return explainCore(err)
}

// explainCore covers the vault and the app itself; the feature explainers
// fall back to it.
func explainCore(err error) string {
	var fe *vault.FieldError
	var amb *vault.AmbiguousError
	var newer *vault.NewerSchemaError
	var se *vault.SaveError
	var readOnly *vault.ReadOnlyError
	var busy *vault.LockedError
	var stale *vault.PlanChangedError
	var weak *vault.WeakPassphraseError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, vault.ErrMigrationURI):
		return "This is a Google Authenticator export that can hold many accounts. Import it to bring them all in."
	case errors.As(err, &fe):
		return fmt.Sprintf("The %s %s. Check it and try again.", fieldNoun(fe.Field), fe.Reason)
	case errors.As(err, &amb):
		return amb.Error() + "."
	case errors.As(err, &weak) && weak.TooShort:
		return fmt.Sprintf("Choose a passphrase of at least %d characters; a few unrelated words are easy to type and hard to guess.", vault.MinPassphraseLength)
	case errors.As(err, &weak):
		return "This passphrase is too easy to guess: a computer with the file could find it in " + weak.Strength.CrackTime + ". Add another unusual word or two."
	case errors.Is(err, vault.ErrWrongPassphrase):
		return "Wrong passphrase. Nothing was changed; try again (check Caps Lock and the keyboard layout)."
	case errors.Is(err, vault.ErrNoPassphrase):
		return "This vault is locked with a passphrase, and none was given."
	case errors.Is(err, vault.ErrKeyringTimeout):
		return "The system keyring did not answer in time; it may be waiting for you to unlock it in another window. Unlock it and try again, or switch this vault to a passphrase."
	case errors.Is(err, vault.ErrKeyFileMissing):
		return "This vault is protected by a passphrase, but " + err.Error() + ", so no passphrase can open it. Copy the key file back to that path from the automatic-backup folder, where it is kept as " + backup.KeyFileName + ", or restore the accounts from a backup. Nothing was changed."
	case errors.Is(err, vault.ErrKeyNotInKeyring):
		return "The system keyring has no key for this vault. If the vault was moved or copied from another computer, import its key or restore from a backup."
	case errors.Is(err, vault.ErrKeyringUnavailable):
		return "The system keyring cannot be used here (" + keyringCause(err) + "). Sparekey can protect the vault with a passphrase instead."
	case errors.As(err, &newer):
		return newer.Error() + "."
	case errors.As(err, &readOnly):
		return readOnly.Error() + ". The other accounts give codes, but nothing can be changed until the file is repaired, so the damaged entries are not lost: restore them from a backup, or replace the vault with its previous version (vault.age.prev) if that one opens."
	case errors.As(err, &busy):
		return busy.Error() + ". Nothing was changed. Try again in a moment; if it stays busy, close the other Sparekey window or command."
	case errors.As(err, &stale):
		return "Another program changed the vault while you were deciding, so nothing was applied. Look at the new preview and choose again."
	case errors.Is(err, vault.ErrCorrupt):
		return capitalise(err.Error()) + ". Nothing was changed." + previousAdvice(err)
	case errors.Is(err, vault.ErrVaultNotFound):
		return "There is no vault here yet. Create one first."
	case errors.As(err, &se):
		return se.Error() + ". Free some space or pick a writable folder, then try again."
	case errors.Is(err, vault.ErrDuplicate):
		return capitalise(err.Error()) + ". Nothing was added."
	case errors.Is(err, vault.ErrNoSuchAccount):
		return capitalise(err.Error()) + "."
	case errors.Is(err, ErrLocked):
		return "The vault is locked. Unlock it first."
	}
	return err.Error()
}

// keyringCause names what made the keyring unavailable: the errors the
// vault wrapped beside ErrKeyringUnavailable (fmt.Errorf("%w: %w")).
// It walks the error tree rather than cutting the message apart.
func keyringCause(err error) string {
	var causes []string
	var walk func(error) bool
	walk = func(e error) bool {
		switch x := e.(type) {
		case interface{ Unwrap() []error }:
			errs := x.Unwrap()
			if slices.Contains(errs, vault.ErrKeyringUnavailable) {
				for _, c := range errs {
					if c != vault.ErrKeyringUnavailable {
						causes = append(causes, c.Error())
					}
				}
				return true
			}
			for _, c := range errs {
				if walk(c) {
					return true
				}
			}
		case interface{ Unwrap() error }:
			return walk(x.Unwrap())
		}
		return false
	}
	walk(err)
	if len(causes) == 0 {
		return "no keyring service answered"
	}
	return strings.Join(causes, "; ")
}

// Remedy is what a person can do about err, for the front end to offer
// in its own way: the vault's plain sentinels get theirs here, everything
// else carries its own (vault.RemedyOf).
func Remedy(err error) vault.Remedy {
	switch {
	case errors.Is(err, vault.ErrKeyNotInKeyring):
		return vault.RemedyImportKey
	case errors.Is(err, vault.ErrVaultNotFound):
		return vault.RemedyCreateVault
	case errors.Is(err, vault.ErrNoSuchAccount):
		return vault.RemedyListAccounts
	case errors.Is(err, vault.ErrCorrupt):
		return vault.RemedyRestoreBackup
	case errors.Is(err, vault.ErrNoPassphrase):
		return vault.RemedyGivePassphrase
	case errors.Is(err, transfer.ErrPasswordRequired):
		return vault.RemedyImportWithPassword
	case errors.Is(err, backup.ErrNoIdentity):
		return vault.RemedyBackupIdentity
	}
	return vault.RemedyOf(err)
}

// fieldNoun is how a field is named in "The <field> must be…".
func fieldNoun(field string) string {
	switch field {
	case "digits":
		return "number of digits"
	}
	return field
}

// capitalise starts a sentence made of an error message.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func isAWSError(err error) bool {
	var e *awsmfa.Error
	return errors.As(err, &e)
}

func isBackupError(err error) bool {
	var fe *backup.FileError
	var newer *backup.NewerVersionError
	return errors.As(err, &fe) || errors.As(err, &newer) || errors.Is(err, paper.ErrNothingToPrint) ||
		errors.Is(err, backup.ErrNoRecipients)
}

func isImportError(err error) bool {
	var te *transfer.Error
	return errors.As(err, &te) || errors.Is(err, transfer.ErrNoQRCode)
}
