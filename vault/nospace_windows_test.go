//go:build windows

package vault

import (
	"io/fs"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
)

func TestSaveErrorWindowsErrnos(t *testing.T) {
	for _, tc := range []struct {
		errno windows.Errno
		hint  string
	}{
		{windows.ERROR_DISK_FULL, "disk is full"},
		{windows.ERROR_HANDLE_DISK_FULL, "disk is full"},
		{windows.ERROR_WRITE_PROTECT, "not writable"},
		{windows.ERROR_ACCESS_DENIED, "not writable"},
	} {
		err := saveError(`C:\vault.age`, &fs.PathError{Op: "write", Path: `C:\vault.age.tmp`, Err: tc.errno})
		if !strings.Contains(err.Error(), tc.hint) {
			t.Errorf("errno %d: %q does not say %q", uint32(tc.errno), err, tc.hint)
		}
	}
}
