package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/sparekey/sparekey/vault/internal/fifo"
)

// ErrInterrupted: the caller gave up (Ctrl-C) before the input was read
// whole. Nothing from it is used.
var ErrInterrupted = errors.New("stopped before the whole input was read")

// interrupted is ErrInterrupted that also unwraps to the context's error,
// so callers can test for context.Canceled as well.
type interrupted struct{ cause error }

func (e *interrupted) Error() string        { return ErrInterrupted.Error() }
func (e *interrupted) Is(target error) bool { return target == ErrInterrupted }
func (e *interrupted) Unwrap() error        { return e.cause }

// ImportFileContext is ImportFile for input that may never end or never
// start: a FIFO nobody writes to blocks in open and read, and a device
// such as /dev/zero never reaches its end. It stops reading at MaxFileSize
// (ErrTooLarge) and when ctx is done (ErrInterrupted).
func ImportFileContext(ctx context.Context, path string, opts Options) (*Result, error) {
	data, err := readFileContext(ctx, path)
	if err != nil {
		return nil, &Error{File: path, Err: err}
	}
	return ImportBytes(path, data, opts)
}

// ImportContext is Import that stops reading r when ctx is done.
func ImportContext(ctx context.Context, name string, r io.Reader, opts Options) (*Result, error) {
	data, err := ReadAllContext(ctx, r)
	if err != nil {
		return nil, &Error{File: name, Err: err}
	}
	return ImportBytes(name, data, opts)
}

func readFileContext(ctx context.Context, path string) ([]byte, error) {
	// Stat does not block on a FIFO; it catches folders and oversized
	// files before anything is read.
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read it: %w", pathCause(err))
	}
	if st.IsDir() {
		return nil, errors.New("is a folder; give the export file inside it")
	}
	if st.Mode().IsRegular() && st.Size() > MaxFileSize {
		return nil, ErrTooLarge
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		f, err := os.Open(path)
		if err != nil {
			done <- result{nil, fmt.Errorf("cannot read it: %w", pathCause(err))}
			return
		}
		defer f.Close()
		data, err := readBounded(ctx, f)
		done <- result{data, err}
	}()
	select {
	case r := <-done:
		return r.data, r.err
	case <-ctx.Done():
		// A reader blocked opening a FIFO is released by a writer that
		// comes and goes; it then reads an empty file and ends.
		if st.Mode()&fs.ModeNamedPipe != 0 {
			fifo.Release(path, ended)
		}
		return nil, &interrupted{ctx.Err()}
	}
}

// ReadAllContext reads r whole, up to MaxFileSize (ErrTooLarge beyond),
// giving up with ErrInterrupted when ctx is done. A read blocked in the
// operating system goes on in the background until it returns; its data
// is dropped.
func ReadAllContext(ctx context.Context, r io.Reader) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := readBounded(ctx, r)
		done <- result{data, err}
	}()
	select {
	case res := <-done:
		return res.data, res.err
	case <-ctx.Done():
		return nil, &interrupted{ctx.Err()}
	}
}

// readBounded reads in chunks so that an endless source stops at the limit
// and a cancelled context stops between chunks.
func readBounded(ctx context.Context, r io.Reader) ([]byte, error) {
	var data []byte
	buf := make([]byte, 256<<10)
	for {
		if err := ctx.Err(); err != nil {
			return nil, &interrupted{err}
		}
		n, err := r.Read(buf)
		data = append(data, buf[:n]...)
		if len(data) > MaxFileSize {
			return nil, ErrTooLarge
		}
		if errors.Is(err, io.EOF) {
			return data, nil
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read it: %w", pathCause(err))
		}
	}
}

// pathCause drops the *PathError wrapper: the file is named by Error.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
