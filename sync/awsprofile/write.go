package awsprofile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ErrConfigChanged: the file changed between the preview and the write.
var ErrConfigChanged = errors.New("the AWS config file changed since the preview; nothing was written, look at the new preview and confirm again")

// WriteConfig replaces the file at path, whose content was old when the
// change was planned, with data. The old file is first copied next to it
// as NAME.bak-YYYYMMDD-HHMMSS with the same mode; the new content goes
// through a temporary file in the same folder renamed over the old, so a
// reader (the aws CLI, mid-run) never sees half a file. A file that did
// not exist is created 0600: config files may hold keys. It returns the
// backup's path ("" when there was no old file).
func WriteConfig(path string, old, data []byte, now time.Time) (string, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // keep a symlinked config (dotfiles repositories) a symlink
	}
	mode := fs.FileMode(0o600)
	current, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if len(old) != 0 {
			return "", ErrConfigChanged
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return "", fmt.Errorf("creating the AWS config folder: %w", err)
		}
	case err != nil:
		return "", fmt.Errorf("reading the AWS config file: %w", err)
	default:
		if !bytes.Equal(current, old) {
			return "", ErrConfigChanged
		}
		st, err := os.Stat(path)
		if err != nil {
			return "", fmt.Errorf("reading the AWS config file: %w", err)
		}
		mode = st.Mode().Perm()
	}
	backup := ""
	if current != nil {
		if backup, err = writeBackup(path, current, mode, now); err != nil {
			return "", err
		}
	}
	if err := writeReplacing(path, data, mode); err != nil {
		return backup, fmt.Errorf("writing the AWS config file (the old one is kept as %s): %w", backup, err)
	}
	return backup, nil
}

// writeBackup copies the old file to a name no earlier backup has.
func writeBackup(path string, data []byte, mode fs.FileMode, now time.Time) (string, error) {
	base := path + ".bak-" + now.Format("20060102-150405")
	for n := 1; ; n++ {
		name := base
		if n > 1 {
			name = fmt.Sprintf("%s-%d", base, n)
		}
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) && n < 100 {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("backing up the AWS config file: %w", err)
		}
		if err := writeAndClose(f, data, mode); err != nil {
			os.Remove(name)
			return "", fmt.Errorf("backing up the AWS config file: %w", err)
		}
		return name, nil
	}
}

func writeReplacing(path string, data []byte, mode fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := writeAndClose(f, data, mode); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

func writeAndClose(f *os.File, data []byte, mode fs.FileMode) error {
	// The umask may have narrowed the mode at creation; the old file's
	// mode is what the new one must have.
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
