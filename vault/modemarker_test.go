package vault

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestModeMarkerTellsALostKeyFile(t *testing.T) {
	asked := 0
	counting := func() ([]byte, error) { asked++; return []byte("correct horse"), nil }
	tests := []struct {
		name     string
		setup    func(t *testing.T) string // returns the vault path
		wantMode Mode
		wantErr  error
	}{
		{
			name: "passphrase vault whose key file was deleted",
			setup: func(t *testing.T) string {
				_, path := newFileVault(t)
				os.Remove(KeyFilePath(path))
				return path
			},
			wantMode: ModePassphrase,
			wantErr:  ErrKeyFileMissing,
		},
		{
			name: "a vault older than markers gets one when it opens, then knows",
			setup: func(t *testing.T) string {
				_, path := newFileVault(t)
				os.Remove(ModeMarkerPath(path))
				if _, err := Open(path, testOptions("correct horse")); err != nil {
					t.Fatal(err)
				}
				os.Remove(KeyFilePath(path))
				return path
			},
			wantMode: ModePassphrase,
			wantErr:  ErrKeyFileMissing,
		},
		{
			name: "moved to the keyring: the marker follows",
			setup: func(t *testing.T) string {
				v, path := newFileVault(t)
				opts := testOptions("correct horse")
				if err := v.SetMode(ModeKeyring, opts); err != nil {
					t.Fatal(err)
				}
				return path
			},
			wantMode: ModeKeyring,
			wantErr:  ErrKeyNotInKeyring, // a fresh keyring in Open's options
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.setup(t)
			if m, err := DetectMode(path); err != nil || m != tt.wantMode {
				t.Errorf("DetectMode = %v, %v; want %v", m, err, tt.wantMode)
			}
			asked = 0
			_, err := Open(path, Options{Passphrase: counting, WorkFactor: 10, Keyring: &MemoryKeyring{}})
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Open: %v, want %v", err, tt.wantErr)
			}
			if errors.Is(err, ErrKeyFileMissing) && asked > 0 {
				t.Error("asked for a passphrase that cannot open anything")
			}
			if info, err := os.Stat(ModeMarkerPath(path)); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("marker: %v %v", info, err)
			}
		})
	}
}

func TestModeMarkerIsNotSecret(t *testing.T) {
	_, path := newFileVault(t)
	data, err := os.ReadFile(ModeMarkerPath(path))
	if err != nil || string(data) != "passphrase\n" {
		t.Errorf("marker holds %q, %v", data, err)
	}
	// A damaged marker is ignored: the key file's presence still decides.
	os.WriteFile(ModeMarkerPath(path), []byte("\x00garbage"), 0o600)
	if m, err := DetectMode(path); err != nil || m != ModePassphrase {
		t.Errorf("with a damaged marker: %v %v", m, err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "vault.age.mode")); err != nil {
		t.Error(err)
	}
}

// FuzzModeMarker: any marker content gives a known mode or none, never a
// panic, and only the exact words count.
func FuzzModeMarker(f *testing.F) {
	for _, s := range []string{"passphrase\n", "keyring\n", "", "\x00", "passphrase passphrase", " keyring "} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "vault.age")
		if err := os.WriteFile(ModeMarkerPath(path), data, 0o600); err != nil {
			t.Fatal(err)
		}
		m, ok := readModeMarker(path)
		if ok && m != ModePassphrase && m != ModeKeyring {
			t.Errorf("mode %v from %q", m, data)
		}
	})
}
