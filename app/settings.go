package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"github.com/sparekey/sparekey/vault"
)

// Settings are the user's preferences. They are stored as plain JSON, so
// nothing secret ever goes in here: no seeds, passphrases or keys.
type Settings struct {
	// ClipboardClear is how long a copied code stays on the clipboard; 0 keeps it.
	ClipboardClear Duration `json:"clipboard_clear"`
	// AutoLock locks the vault after this much idle time; 0 never.
	AutoLock      Duration `json:"auto_lock"`
	LockOnScreen  bool     `json:"lock_on_screen_lock"`
	Theme         string   `json:"theme"` // "system", "light", "dark"
	Tray          bool     `json:"tray"`
	CloseToTray   bool     `json:"close_to_tray"`
	ShowNextCode  bool     `json:"show_next_code"`
	Notifications bool     `json:"notifications"`

	// Backups (see app/backup.go).
	BackupDir        string   `json:"backup_dir,omitempty"`
	BackupKeep       int      `json:"backup_keep"`
	BackupRecipients []string `json:"backup_recipients,omitempty"` // public age recipients only

	// AWSProfile is the connection picked last ("practice" for the practice account).
	AWSProfile string `json:"aws_profile,omitempty"`
	// FirstRunDone hides the welcome screen after the first account.
	FirstRunDone bool `json:"first_run_done"`
}

// DefaultSettings are what a new user gets.
func DefaultSettings() Settings {
	return Settings{
		ClipboardClear: Duration(30 * time.Second),
		AutoLock:       Duration(5 * time.Minute),
		LockOnScreen:   true,
		Theme:          "system",
		Tray:           true,
		Notifications:  true,
		BackupKeep:     10,
	}
}

// Duration is a time.Duration written as "30s" in JSON.
type Duration time.Duration

func (d Duration) Std() time.Duration { return time.Duration(d) }

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is written like \"30s\" or \"5m\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Validate refuses settings the app cannot honour.
func (s Settings) Validate() error {
	switch s.Theme {
	case "system", "light", "dark":
	default:
		return fmt.Errorf("theme %q is not one of system, light, dark", s.Theme)
	}
	if s.ClipboardClear < 0 || s.ClipboardClear.Std() > 24*time.Hour {
		return errors.New("clipboard clearing delay must be between 0 (never) and 24 hours")
	}
	if s.AutoLock < 0 || s.AutoLock.Std() > 7*24*time.Hour {
		return errors.New("auto-lock delay must be between 0 (never) and 7 days")
	}
	if s.BackupKeep < 1 || s.BackupKeep > 1000 {
		return errors.New("the number of backups to keep must be between 1 and 1000")
	}
	return nil
}

func (a *App) settingsPath() string { return filepath.Join(a.paths.Config, "settings.json") }

// Settings returns a copy of the current settings.
func (a *App) Settings() Settings {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.settings
	s.BackupRecipients = append([]string(nil), s.BackupRecipients...)
	return s
}

// SaveSettings validates and persists new settings. The window and the
// command line may both change settings: the save is a read-modify-write
// under the file's lock, and a field this process left as it was takes
// the value another process saved meanwhile, so neither change is lost.
func (a *App) SaveSettings(s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	path := a.settingsPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("could not save settings: %w", err)
	}
	release, err := vault.LockFile(path+".lock", vault.DefaultLockTimeout)
	if err != nil {
		return fmt.Errorf("could not save settings: %w", err)
	}
	defer release()
	a.mu.Lock()
	base := a.settings
	a.mu.Unlock()
	if theirs, err := loadSettings(path); err == nil {
		s = mergeSettings(base, s, theirs)
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := vault.WriteFileAtomic(path, append(data, '\n')); err != nil {
		return fmt.Errorf("could not save settings: %w", err)
	}
	a.mu.Lock()
	a.settings = s
	a.mu.Unlock()
	return nil
}

// mergeSettings is a three-way merge: mine, except that each field mine
// left as base had it takes theirs (what is on disk now).
func mergeSettings(base, mine, theirs Settings) Settings {
	out := mine
	b, m, t, o := reflect.ValueOf(base), reflect.ValueOf(mine), reflect.ValueOf(theirs), reflect.ValueOf(&out).Elem()
	for i := range b.NumField() {
		if reflect.DeepEqual(b.Field(i).Interface(), m.Field(i).Interface()) {
			o.Field(i).Set(t.Field(i))
		}
	}
	return out
}

// loadSettings starts from the defaults so a file from an older version
// (missing fields) still gets sensible values for what it lacks.
func loadSettings(path string) (Settings, error) {
	s := DefaultSettings()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return DefaultSettings(), fmt.Errorf("settings file %s is unreadable, using defaults: %w", path, err)
	}
	if err := s.Validate(); err != nil {
		return DefaultSettings(), fmt.Errorf("settings file %s: %w; using defaults", path, err)
	}
	return s, nil
}
