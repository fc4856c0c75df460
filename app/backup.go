package app

// Backups: manual backups, restore with a merge preview, restore drills,
// automatic backups on every change and paper backups. The heavy lifting is
// in vault/backup and vault/paper; this file ties them to the open vault,
// the settings and the app's data folder.
//
// Every function that can take noticeable time (scrypt at work factor 18
// is about a second; large vaults) takes a backup.ProgressFunc, called on
// the goroutine running the function. The UI runs these functions off its
// main goroutine and hands each report to it (fyne.Do).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"filippo.io/age"
	"filippo.io/age/plugin"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
	"github.com/sparekey/sparekey/vault/paper"
)

// BackupOptions say how a manual backup is encrypted: to a passphrase, or
// to recipients (the vault's own key and/or age public keys), never both.
type BackupOptions struct {
	// Passphrase makes a passphrase backup (scrypt); it is called once.
	Passphrase func() ([]byte, error)
	// WorkFactor overrides backup.DefaultWorkFactor (tests, slow machines).
	WorkFactor int
	// Recipients are age public keys: age1…, age1pq1…, age1yubikey1….
	Recipients []string
	// ToVaultKey adds the vault's own key as a recipient, so the backup
	// restores with the vault's key (keyring or passphrase) alone.
	ToVaultKey bool
	// PluginUI serves plugin recipients that need interaction; may be nil.
	PluginUI *plugin.ClientUI
	Armor    bool
	Progress backup.ProgressFunc
}

// BackupResult describes a written backup.
type BackupResult struct {
	Path     string
	Accounts int
	SHA256   string
}

// CreateBackup writes every account of the open vault to path (atomically,
// 0600). A cancelled ctx stops it before anything is written.
func (a *App) CreateBackup(ctx context.Context, path string, opts BackupOptions) (BackupResult, error) {
	v, err := a.Vault()
	if err != nil {
		return BackupResult{}, err
	}
	target := backup.Target{Passphrase: opts.Passphrase, WorkFactor: opts.WorkFactor, Armor: opts.Armor}
	if target.WorkFactor == 0 {
		target.WorkFactor = a.backupWorkFactor()
	}
	recipients, err := parseRecipients(opts.Recipients, opts.PluginUI)
	if err != nil {
		return BackupResult{}, err
	}
	if opts.ToVaultKey {
		if r := v.Recipient(); r != nil {
			recipients = append([]age.Recipient{r}, recipients...)
		}
	}
	target.Recipients = recipients
	accts := v.Accounts()
	data, err := backup.Encrypt(accts, target, opts.Progress)
	if err != nil {
		return BackupResult{}, &backup.FileError{Path: path, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return BackupResult{}, err
	}
	opts.Progress.Report(backup.StageWriting, 0, int64(len(data)))
	if err := backup.WriteAtomic(path, data); err != nil {
		return BackupResult{}, err
	}
	opts.Progress.Report(backup.StageDone, int64(len(data)), int64(len(data)))
	return BackupResult{Path: path, Accounts: len(accts), SHA256: backup.Hash(data)}, nil
}

// backupWorkFactor follows the app's test override, never going below the
// backup package's minimum.
func (a *App) backupWorkFactor() int {
	if a.workFactor != 0 {
		return max(a.workFactor, backup.MinWorkFactor)
	}
	return backup.DefaultWorkFactor
}

// ParseBackupRecipients parses age recipient strings; an error names the
// one that is wrong (public keys are not secret).
func ParseBackupRecipients(list []string) ([]age.Recipient, error) {
	return parseRecipients(list, nil)
}

func parseRecipients(list []string, ui *plugin.ClientUI) ([]age.Recipient, error) {
	var out []age.Recipient
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		r, err := backup.ParseRecipient(s, ui)
		if err != nil {
			if strings.HasPrefix(s, "AGE-SECRET-KEY") {
				return nil, err
			}
			return nil, fmt.Errorf("recipient %.24s…: %w", s, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// RestoreSource says which backup to open and how.
type RestoreSource struct {
	Path string
	// IdentityFiles are age identity files (age-keygen, age-plugin-yubikey).
	// The open vault's own key is always tried as well.
	IdentityFiles []string
	// Passphrase is asked only if the backup is passphrase-encrypted.
	Passphrase func() ([]byte, error)
	// KeyPassphrase is asked for a passphrase-protected key file: the
	// sparekey-vault-key.age kept beside automatic backups (found
	// automatically next to the backup) or an encrypted IdentityFiles
	// entry. Its passphrase is the vault passphrase. nil: Passphrase is used.
	KeyPassphrase func(path string) ([]byte, error)
	// PluginUI lets plugin identities (age-plugin-yubikey) ask for a PIN or
	// a touch; nil means no interaction.
	PluginUI *plugin.ClientUI
	Progress backup.ProgressFunc
}

func (a *App) unlockFor(src RestoreSource) (backup.Unlock, error) {
	u := backup.Unlock{Passphrase: src.Passphrase}
	if v, err := a.Vault(); err == nil && v.Identity() != nil {
		u.Identities = append(u.Identities, v.Identity())
	}
	for _, f := range src.IdentityFiles {
		if backup.IsEncryptedIdentityFile(f) {
			u.KeyFiles = append(u.KeyFiles, f)
			continue
		}
		ids, err := backup.ParseIdentityFile(f, src.PluginUI)
		if err != nil {
			return u, err
		}
		u.Identities = append(u.Identities, ids...)
	}
	// Automatic backups keep the vault key, protected by the vault
	// passphrase, beside them: on a new computer that is the only key.
	if sibling := filepath.Join(filepath.Dir(src.Path), backup.KeyFileName); fileExists(sibling) && !slices.Contains(u.KeyFiles, sibling) {
		u.KeyFiles = append(u.KeyFiles, sibling)
	}
	u.KeyPassphrase = src.KeyPassphrase
	if u.KeyPassphrase == nil && src.Passphrase != nil {
		u.KeyPassphrase = func(string) ([]byte, error) { return src.Passphrase() }
	}
	return u, nil
}

// RestorePreview is what a restore would do, shown before anything changes.
type RestorePreview struct {
	Backup *backup.Opened
	// Items is vault.PlanMerge of the backup into the vault: New,
	// Identical, Changed, Conflict. Nothing existing is overwritten
	// unless the user chooses ChooseUpdate for an item.
	Items   []vault.MergeItem
	Counts  map[vault.MergeStatus]int
	Invalid []backup.InvalidEntry // entries that cannot be restored, with reasons
}

// PreviewRestore opens and fully authenticates a backup, then plans its
// merge into the open vault, or into nothing when there is no vault yet
// (create it only to apply, so a failed restore leaves none behind). The
// vault is not touched.
func (a *App) PreviewRestore(ctx context.Context, src RestoreSource) (*RestorePreview, error) {
	current, err := a.currentAccounts()
	if err != nil {
		return nil, err
	}
	u, err := a.unlockFor(src)
	if err != nil {
		return nil, err
	}
	o, err := backup.OpenFileContext(ctx, src.Path, u, src.Progress)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	items := vault.PlanMerge(current, o.Accounts)
	return &RestorePreview{Backup: o, Items: items, Counts: vault.MergeCounts(items), Invalid: o.Invalid}, nil
}

// ApplyRestore carries out a preview in one save. choose decides each item
// (nil: add New items, leave everything else as it is).
func (a *App) ApplyRestore(p *RestorePreview, choose func(vault.MergeItem) vault.MergeChoice) (vault.MergeResult, error) {
	v, err := a.Vault()
	if err != nil {
		return vault.MergeResult{}, err
	}
	return v.ApplyMerge(p.Items, choose)
}

// ErrVaultNotEmpty is returned by RestoreIntoEmpty for a vault with accounts.
var ErrVaultNotEmpty = errors.New("the vault already has accounts: preview the restore and choose what to merge")

// RestoreIntoEmpty restores every valid account of a backup into an empty
// vault in one step (a new computer, a lost vault). The preview is returned
// so the caller can list what was restored and what was invalid.
func (a *App) RestoreIntoEmpty(ctx context.Context, src RestoreSource) (*RestorePreview, vault.MergeResult, error) {
	v, err := a.Vault()
	if err != nil {
		return nil, vault.MergeResult{}, err
	}
	if v.Len() > 0 {
		return nil, vault.MergeResult{}, ErrVaultNotEmpty
	}
	p, err := a.PreviewRestore(ctx, src)
	if err != nil {
		return nil, vault.MergeResult{}, err
	}
	res, err := a.ApplyRestore(p, nil)
	return p, res, err
}

// VerifyResult is the outcome of a restore drill.
type VerifyResult struct {
	Backup     *backup.Opened
	Comparison backup.Comparison
}

func (a *App) verifyLog() *backup.VerifyLog {
	return &backup.VerifyLog{Path: filepath.Join(a.paths.Data, "backup-verified.json")}
}

// VerifyBackup is a restore drill: it decrypts the backup, compares it with
// the open vault without importing anything, and records the result (no
// secrets) in the data folder.
func (a *App) VerifyBackup(ctx context.Context, src RestoreSource) (VerifyResult, error) {
	v, err := a.Vault()
	if err != nil {
		return VerifyResult{}, err
	}
	u, err := a.unlockFor(src)
	if err != nil {
		return VerifyResult{}, err
	}
	o, cmp, err := backup.VerifyContext(ctx, src.Path, u, v.Accounts(), a.verifyLog(), src.Progress)
	if o == nil {
		return VerifyResult{}, err
	}
	return VerifyResult{Backup: o, Comparison: cmp}, err
}

// BackupVerifications lists every recorded restore drill, newest first.
func (a *App) BackupVerifications() ([]backup.VerifyRecord, error) {
	return a.verifyLog().Records()
}

// LastVerified returns the last drill of the backup at path, recognised by
// name and content hash.
func (a *App) LastVerified(path string) (backup.VerifyRecord, bool) {
	data, err := os.ReadFile(path)
	if err != nil || len(data) > backup.MaxFileSize {
		return backup.VerifyRecord{}, false
	}
	return a.verifyLog().Lookup(path, backup.Hash(data))
}

// AutoBackupConfig is what the user chooses for automatic backups.
type AutoBackupConfig struct {
	Dir        string
	Keep       int      // 0: backup.DefaultKeep
	Recipients []string // extra public keys besides the vault's own
}

// ConfigureAutoBackup checks and saves the automatic backup settings and
// (re)starts them if the vault is open.
func (a *App) ConfigureAutoBackup(cfg AutoBackupConfig) error {
	if cfg.Dir == "" {
		return errors.New("choose a folder for automatic backups")
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return err
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("the backup folder %s does not exist; create it first (a synced cloud folder works)", dir)
	}
	if cfg.Keep == 0 {
		cfg.Keep = backup.DefaultKeep
	}
	extra, err := ParseBackupRecipients(cfg.Recipients)
	if err != nil {
		return err
	}
	for _, r := range extra {
		if _, ok := r.(*age.HybridRecipient); ok {
			return vault.WithRemedy(errors.New("automatic backups are also encrypted to the vault's own (classic X25519) key, which age cannot combine with post-quantum age1pq1… recipients; make post-quantum backups by hand instead"), vault.RemedyBackupToRecipients)
		}
	}
	s := a.Settings()
	s.BackupDir, s.BackupKeep = dir, cfg.Keep
	s.BackupRecipients = slices.DeleteFunc(slices.Clone(cfg.Recipients), func(r string) bool { return strings.TrimSpace(r) == "" })
	if err := a.SaveSettings(s); err != nil {
		return err
	}
	if _, err := a.Vault(); err == nil {
		return a.StartAutoBackup()
	}
	return nil
}

// DisableAutoBackup stops automatic backups and forgets the folder (the
// backups already written stay).
func (a *App) DisableAutoBackup() error {
	err := a.StopAutoBackup()
	s := a.Settings()
	s.BackupDir, s.BackupRecipients = "", nil
	if serr := a.SaveSettings(s); serr != nil {
		return serr
	}
	return err
}

// backupRuntime is the per-App state of automatic backups.
type backupRuntime struct {
	mu       sync.Mutex
	auto     *backup.Auto
	hooked   bool
	startErr error // why the last automatic start failed, for FlushAutoBackup

	listenersMu sync.Mutex
	onStatus    []func(backup.AutoStatus)
}

func (rt *backupRuntime) notify(st backup.AutoStatus) {
	rt.listenersMu.Lock()
	listeners := slices.Clone(rt.onStatus)
	rt.listenersMu.Unlock()
	for _, f := range listeners {
		f(st)
	}
}

func (a *App) backups() *backupRuntime { return &a.backupRT }

// ensureAutoBackup starts automatic backups at the first save of a session
// when a backup folder is configured, so that every change is backed up
// whichever front end (window or command line) made it.
func (a *App) ensureAutoBackup() {
	if a.Settings().BackupDir == "" || a.AutoBackupRunning() {
		return
	}
	err := a.StartAutoBackup()
	rt := a.backups()
	rt.mu.Lock()
	rt.startErr = err
	rt.mu.Unlock()
}

// FlushAutoBackup writes any pending automatic backup, stops the worker and
// reports what went wrong, if anything: a short-lived process (the command
// line) calls it before exiting so no change goes unbacked.
func (a *App) FlushAutoBackup() error {
	rt := a.backups()
	rt.mu.Lock()
	startErr := rt.startErr
	rt.startErr = nil
	rt.mu.Unlock()
	if err := a.StopAutoBackup(); err != nil {
		return err
	}
	return startErr
}

func (a *App) autoStatusPath() string { return filepath.Join(a.paths.Data, "backup-status.json") }

// StartAutoBackup starts automatic backups of the open vault if they are
// configured (settings.BackupDir); otherwise it does nothing. The desktop
// app calls it after unlocking. Backups are written in the background,
// 2 s after the last change, to the vault's own key plus the configured
// recipients; locking the vault writes what is pending and stops them.
func (a *App) StartAutoBackup() error {
	v, err := a.Vault()
	if err != nil {
		return err
	}
	s := a.Settings()
	if s.BackupDir == "" {
		return nil
	}
	extra, err := ParseBackupRecipients(s.BackupRecipients)
	if err != nil {
		return fmt.Errorf("automatic backups: %w", err)
	}
	recipients := extra
	if r := v.Recipient(); r != nil {
		recipients = append([]age.Recipient{r}, extra...)
	}
	rt := a.backups()
	// Stop the previous worker first (it writes what is pending to the old
	// configuration), outside the lock: its last status report may call
	// back into listeners.
	_ = a.StopAutoBackup() // a failure shows in its status; the new configuration starts anyway
	cfg := backup.AutoConfig{
		Dir:        s.BackupDir,
		Keep:       s.BackupKeep,
		Recipients: recipients,
		StatusFile: a.autoStatusPath(),
		Now:        a.now,
	}
	if v.Mode() == vault.ModePassphrase && v.Path() != "" {
		cfg.KeyFile = vault.KeyFilePath(v.Path())
	}
	auto, err := backup.StartAuto(cfg, v.Accounts)
	if err != nil {
		return fmt.Errorf("automatic backups: %w", err)
	}
	auto.OnStatus(rt.notify)
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.auto != nil {
		// Another StartAutoBackup won the race: keep one worker only.
		go rt.auto.Close()
	}
	rt.auto = auto
	if !rt.hooked {
		rt.hooked = true
		a.OnChange(func() {
			rt.mu.Lock()
			auto := rt.auto
			rt.mu.Unlock()
			if auto != nil {
				auto.Changed()
			}
		})
		a.OnLock(func() { _ = a.StopAutoBackup() })
	}
	return nil
}

// AutoBackupAdvice says what the user must keep elsewhere for automatic
// backups to survive the loss of this computer, or "" when nothing is
// needed. Automatic backups are encrypted to the vault key: in passphrase
// mode a passphrase-protected copy of it is kept beside them (restore needs
// only the passphrase), but a key kept in the OS keyring is lost with the
// computer unless it was exported or another recipient was added.
func (a *App) AutoBackupAdvice() string {
	s := a.Settings()
	if s.BackupDir == "" || len(s.BackupRecipients) > 0 {
		return ""
	}
	if _, mode := a.State(); mode == vault.ModePassphrase {
		return ""
	}
	return "Automatic backups are encrypted to the vault key, which is kept in this computer's keyring. To restore them on another computer, export that key and keep the copy somewhere safe, or add a recipient you keep elsewhere (an age key or a YubiKey)."
}

// StopAutoBackup writes any pending backup and stops automatic backups.
func (a *App) StopAutoBackup() error {
	rt := a.backups()
	rt.mu.Lock()
	auto := rt.auto
	rt.auto = nil
	rt.mu.Unlock()
	if auto == nil {
		return nil
	}
	return auto.Close()
}

// AutoBackupRunning reports whether automatic backups run in this process.
func (a *App) AutoBackupRunning() bool {
	rt := a.backups()
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.auto != nil
}

// BackupNow writes an automatic backup immediately and waits for it.
func (a *App) BackupNow() error {
	rt := a.backups()
	rt.mu.Lock()
	auto := rt.auto
	rt.mu.Unlock()
	if auto == nil {
		return errors.New("automatic backups are not running: configure a folder first")
	}
	return auto.BackupNow()
}

// OnAutoBackupStatus registers f to receive every status change of
// automatic backups, on the backup goroutine (hand it to the UI thread).
func (a *App) OnAutoBackupStatus(f func(backup.AutoStatus)) {
	rt := a.backups()
	rt.listenersMu.Lock()
	rt.onStatus = append(rt.onStatus, f)
	rt.listenersMu.Unlock()
}

// AutoBackupStatus reports the state of automatic backups: live when they
// run in this process, else as last saved by the process that ran them
// (the desktop app), else from the backup folder itself.
func (a *App) AutoBackupStatus() backup.AutoStatus {
	rt := a.backups()
	rt.mu.Lock()
	auto := rt.auto
	rt.mu.Unlock()
	if auto != nil {
		return auto.Status()
	}
	s := a.Settings()
	if s.BackupDir == "" {
		return backup.AutoStatus{State: backup.StateOff}
	}
	st, err := backup.ReadAutoStatus(a.autoStatusPath(), 0)
	if err != nil || st.Dir != s.BackupDir {
		st = backup.AutoStatus{State: backup.StateOK, Dir: s.BackupDir}
	}
	st.Keep = s.BackupKeep
	files, err := backup.ListAuto(s.BackupDir)
	if err != nil {
		st.State = backup.StateFailing
		st.LastError = fmt.Sprintf("the backup folder %s cannot be read: %v", s.BackupDir, err)
		return st
	}
	if n := len(files); n > 0 && files[n-1].Time.After(st.LastSuccess) {
		st.LastSuccess, st.LastFile = files[n-1].Time, files[n-1].Name
	}
	return st
}

// AutoBackups lists the automatic backups in the configured folder, newest
// first, with their last verification when there is one.
func (a *App) AutoBackups() ([]AutoBackupFile, error) {
	s := a.Settings()
	if s.BackupDir == "" {
		return nil, nil
	}
	files, err := backup.ListAuto(s.BackupDir)
	if err != nil {
		return nil, err
	}
	kept, _ := backup.KeptReasons(s.BackupDir, s.BackupKeep, a.now())
	out := make([]AutoBackupFile, 0, len(files))
	for i := len(files) - 1; i >= 0; i-- {
		f := AutoBackupFile{AutoFile: files[i], Kept: kept[files[i].Name]}
		if r, ok := a.LastVerified(files[i].Path); ok {
			f.Verified = &r
		}
		out = append(out, f)
	}
	return out, nil
}

// AutoBackupFile is one automatic backup, its last restore drill and why
// retention keeps it (backup.KeptLast, backup.KeptDeleted, …; empty for
// one the next backup prunes).
type AutoBackupFile struct {
	backup.AutoFile
	Verified *backup.VerifyRecord
	Kept     []string
}

// PaperOptions choose what a paper backup prints.
type PaperOptions struct {
	Page paper.Page
	// OnlyAWS prints only accounts bound to an AWS MFA device.
	OnlyAWS bool
	// Accounts, if set, are names or IDs (as for 'sparekey code') to print.
	Accounts []string
	Date     time.Time
	Progress backup.ProgressFunc
}

// PaperBackup writes a printable PDF of the selected accounts to path
// (0600, atomically) and returns how many it holds.
func (a *App) PaperBackup(ctx context.Context, path string, opts PaperOptions) (int, error) {
	v, err := a.Vault()
	if err != nil {
		return 0, err
	}
	var accts []*vault.Account
	if len(opts.Accounts) > 0 {
		for _, q := range opts.Accounts {
			acct, err := v.Find(q)
			if err != nil {
				return 0, err
			}
			if !slices.ContainsFunc(accts, func(x *vault.Account) bool { return x.ID == acct.ID }) {
				accts = append(accts, acct)
			}
		}
	} else {
		accts = v.Accounts()
	}
	if opts.OnlyAWS {
		accts = slices.DeleteFunc(accts, func(x *vault.Account) bool { return x.AWS == nil })
	}
	if len(accts) == 0 {
		return 0, paper.ErrNothingToPrint
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	date := opts.Date
	if date.IsZero() {
		date = a.now()
	}
	if err := paper.WriteFile(path, accts, paper.Options{Page: opts.Page, Date: date, Progress: opts.Progress}); err != nil {
		return 0, err
	}
	return len(accts), nil
}

// ExplainBackup turns a backup error into a sentence saying what happened
// and what to do; other errors go through Explain.
func ExplainBackup(err error) string {
	var newer *backup.NewerVersionError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, backup.ErrWrongPassphrase), errors.Is(err, backup.ErrNoIdentity),
		errors.Is(err, backup.ErrDamaged), errors.Is(err, backup.ErrNotAge), errors.Is(err, backup.ErrNotBackup),
		errors.Is(err, backup.ErrMalformed), errors.Is(err, backup.ErrTooLarge), errors.Is(err, backup.ErrNoPassphrase),
		errors.Is(err, backup.ErrUnreadableEntries), errors.Is(err, backup.ErrInterrupted), errors.As(err, &newer):
		return err.Error() + ". Your vault was not changed."
	case errors.Is(err, paper.ErrNothingToPrint):
		return "No accounts match that selection; nothing was printed."
	}
	return explainCore(err)
}
