package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"filippo.io/age"
)

func TestOpenFileContextFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "backup.age")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	log := &VerifyLog{Path: filepath.Join(dir, "verified.json")}
	id, _ := age.GenerateX25519Identity()
	_, _, err := VerifyContext(ctx, fifo, Unlock{Identities: []age.Identity{id}}, nil, log, nil)
	var fe *FileError
	if !errors.Is(err, ErrInterrupted) || !errors.Is(err, context.Canceled) || !errors.As(err, &fe) || fe.Path != fifo {
		t.Fatalf("err = %v", err)
	}
	if recs, _ := log.Records(); len(recs) != 0 {
		t.Errorf("an interrupted drill was recorded: %+v", recs)
	}
}

func TestOpenFileContextDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	if _, err := OpenFileContext(context.Background(), "/dev/zero", Unlock{}, nil); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}
