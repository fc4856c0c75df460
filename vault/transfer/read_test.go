package transfer

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadAllContext(t *testing.T) {
	tests := []struct {
		name    string
		reader  func() (io.Reader, func())
		cancel  bool
		wantErr error
	}{
		{"short input", func() (io.Reader, func()) {
			return strings.NewReader("otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"), func() {}
		}, false, nil},
		{"endless input stops at the limit", func() (io.Reader, func()) { return endless{}, func() {} }, false, ErrTooLarge},
		{"a pipe nobody writes to stops on cancel", func() (io.Reader, func()) {
			r, w := io.Pipe()
			return r, func() { w.Close() }
		}, true, ErrInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, cleanup := tt.reader()
			defer cleanup()
			ctx, cancel := context.WithCancel(context.Background())
			if tt.cancel {
				cancel()
			}
			defer cancel()
			_, err := ReadAllContext(ctx, r)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.cancel && !errors.Is(err, context.Canceled) {
				t.Errorf("the interruption does not unwrap to the context's error: %v", err)
			}
		})
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) { return len(p), nil }

// A FIFO nobody opens for writing blocks open(2); cancelling must both
// return and release the goroutine stuck there.
func TestImportFileContextFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "export")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ImportFileContext(ctx, fifo, Options{})
	var te *Error
	if !errors.Is(err, ErrInterrupted) || !errors.As(err, &te) || te.File != fifo {
		t.Fatalf("err = %v", err)
	}
	// The FIFO is free again: a new reader and writer pair goes through.
	done := make(chan error, 1)
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			_, err = io.WriteString(w, "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\n")
			w.Close()
		}
		done <- err
	}()
	res, err := ImportFileContext(context.Background(), fifo, Options{})
	if err != nil || len(res.Accounts) != 1 {
		t.Fatalf("reading the FIFO afterwards: %v %+v", err, res)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestImportFileContextDevice(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	if _, err := ImportFileContext(context.Background(), "/dev/zero", Options{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v, want ErrTooLarge", err)
	}
}
