package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/vault"
)

func TestAccountUseCases(t *testing.T) {
	a := coreApp(t)
	// RFC 6238's SHA1 seed at t=59 gives 94287082 with 8 digits.
	rfc, err := a.AddAccount(vault.Account{Issuer: "RFC", Name: "6238", Secret: vault.SecretFromBytes([]byte("12345678901234567890")), Digits: 8})
	if err != nil {
		t.Fatal(err)
	}
	code, err := a.CurrentCode(rfc.ID)
	if err != nil || code.Code != "94287082" || code.Remaining != time.Second || code.Period != 30 {
		t.Errorf("CurrentCode = %+v, %v", code, err)
	}
	if next, _ := rfc.CodeForCounter(2); code.Next != next {
		t.Errorf("Next = %q, want %q", code.Next, next)
	}
	if !a.Settings().FirstRunDone {
		t.Error("the first account did not end the first run")
	}

	if _, err := a.AddURI("otpauth://totp/RFC:again?secret=" + rfc.Secret + "&digits=8"); !errors.Is(err, vault.ErrDuplicate) {
		t.Errorf("adding the same seed: %v", err)
	}
	if _, err := a.AddURI("otpauth-migration://offline?data=x"); !errors.Is(err, vault.ErrMigrationURI) {
		t.Errorf("a migration URI: %v", err)
	}
	if _, err := a.AddAccount(vault.Account{Name: "bad", Secret: "1"}); !errors.Is(err, vault.ErrInvalidSecret) {
		t.Errorf("a bad secret: %v", err)
	}

	// HOTP: showing a code uses it up, and the counter is on disk first.
	h, err := a.AddURI("otpauth://hotp/Bank:bob?secret=" + vault.SecretFromBytes([]byte("12345678901234567890")) + "&counter=0")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"755224", "287082"} {
		c, err := a.CurrentCode(h.ID)
		if err != nil || c.Code != want || c.Counter != uint64(i) {
			t.Errorf("HOTP code %d = %+v, %v", i, c, err)
		}
	}
	a.Lock()
	if err := a.Unlock(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.FindAccount("bank"); got == nil || got.Counter != 2 {
		t.Errorf("counter after reopening: %+v", got)
	}

	got, err := a.FindAccount("6238")
	if err != nil {
		t.Fatal(err)
	}
	got.Tags = []string{"rfc"}
	if err := a.UpdateAccount(got); err != nil {
		t.Fatal(err)
	}
	removed, err := a.RemoveAccount(got.ID)
	if err != nil || removed.Tags[0] != "rfc" {
		t.Fatalf("RemoveAccount = %+v, %v", removed, err)
	}
	if _, err := a.FindAccount("6238"); !errors.Is(err, vault.ErrNoSuchAccount) {
		t.Errorf("after removal: %v", err)
	}
	if err := a.RestoreAccount(removed); err != nil {
		t.Fatal(err)
	}
	if back, err := a.FindAccount("6238"); err != nil || back.ID != removed.ID {
		t.Errorf("undo: %+v, %v", back, err)
	}
	if _, err := a.CurrentCode("missing"); !errors.Is(err, vault.ErrNoSuchAccount) {
		t.Errorf("CurrentCode(missing): %v", err)
	}

	a.Lock()
	for name, call := range map[string]func() error{
		"AddURI":         func() error { _, err := a.AddURI("otpauth://totp/x?secret=GE"); return err },
		"UpdateAccount":  func() error { return a.UpdateAccount(got) },
		"RemoveAccount":  func() error { _, err := a.RemoveAccount(got.ID); return err },
		"RestoreAccount": func() error { return a.RestoreAccount(removed) },
		"CurrentCode":    func() error { _, err := a.CurrentCode(got.ID); return err },
		"FindAccount":    func() error { _, err := a.FindAccount("x"); return err },
	} {
		if err := call(); !errors.Is(err, ErrLocked) {
			t.Errorf("%s while locked: %v", name, err)
		}
	}
}

func TestPreviewCode(t *testing.T) {
	code, err := PreviewCode(vault.Account{Name: "x", Secret: vault.SecretFromBytes([]byte("12345678901234567890")), Digits: 8}, time.Unix(1111111109, 0))
	if err != nil || code != "07081804" {
		t.Errorf("PreviewCode = %q, %v", code, err)
	}
	if _, err := PreviewCode(vault.Account{Name: "x", Secret: "not base32!"}, time.Now()); !errors.Is(err, vault.ErrInvalidSecret) {
		t.Errorf("PreviewCode of a bad secret: %v", err)
	}
}

func TestSettings(t *testing.T) {
	a := coreApp(t)
	if got := a.Settings(); got.Theme != "system" || got.BackupKeep != 10 || got.ClipboardClear.Std() != 30*time.Second {
		t.Errorf("defaults: %+v", got)
	}
	s := a.Settings()
	s.Theme, s.AutoLock, s.BackupRecipients = "dark", Duration(time.Minute), []string{"age1pu5nl5pjpka7xfsvtan6lulj9tsjpzvv6x9skzn798ceq880a97qxy9j90"}
	if err := a.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	// The returned copy does not alias the app's.
	got := a.Settings()
	got.BackupRecipients[0] = "changed"
	if a.Settings().BackupRecipients[0] == "changed" {
		t.Error("Settings() shares its recipient list")
	}
	path := filepath.Join(a.Paths().Config, "settings.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"auto_lock": "1m0s"`) {
		t.Errorf("settings file: %s", data)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("settings mode %v", info.Mode().Perm())
	}
	again := New(Options{Paths: a.Paths(), Keyring: &vault.MemoryKeyring{}})
	if s := again.Settings(); s.Theme != "dark" || s.AutoLock.Std() != time.Minute {
		t.Errorf("reloaded: %+v", s)
	}

	for name, edit := range map[string]func(*Settings){
		"theme":     func(s *Settings) { s.Theme = "purple" },
		"clipboard": func(s *Settings) { s.ClipboardClear = Duration(-time.Second) },
		"auto-lock": func(s *Settings) { s.AutoLock = Duration(8 * 24 * time.Hour) },
		"keep":      func(s *Settings) { s.BackupKeep = 0 },
	} {
		bad := a.Settings()
		edit(&bad)
		if err := a.SaveSettings(bad); err == nil {
			t.Errorf("%s: invalid settings saved", name)
		}
	}
	if a.Settings().Theme != "dark" {
		t.Error("a refused save changed the settings")
	}

	// An older file lacking fields keeps the defaults for them; a broken one
	// falls back to defaults without blocking anything.
	os.WriteFile(path, []byte(`{"theme":"light"}`), 0o600)
	if s, err := loadSettings(path); err != nil || s.Theme != "light" || s.BackupKeep != 10 {
		t.Errorf("partial file: %+v, %v", s, err)
	}
	for _, broken := range []string{`{`, `{"auto_lock": 5}`, `{"auto_lock": "soon"}`, `{"theme":"purple"}`} {
		os.WriteFile(path, []byte(broken), 0o600)
		s, err := loadSettings(path)
		if err == nil || s.Theme != "system" {
			t.Errorf("%s: %+v, %v", broken, s, err)
		}
	}
	if s := New(Options{Paths: a.Paths(), Keyring: &vault.MemoryKeyring{}}).Settings(); s.Theme != "system" || s.BackupKeep != 10 {
		t.Errorf("an app over a broken settings file: %+v", s)
	}

	// No secret ever reaches the settings file.
	if _, err := a.AddURI("otpauth://totp/S:s?secret=JBSWY3DPEHPK3PXP"); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(path)
	if strings.Contains(string(data), "JBSWY3DPEHPK3PXP") || strings.Contains(string(data), "AGE-SECRET-KEY") {
		t.Errorf("settings hold a secret: %s", data)
	}
}
