//go:build windows

package vault

import (
	"errors"

	"golang.org/x/sys/windows"
)

// ERROR_HANDLE_DISK_FULL is what WriteFile reports on most full volumes;
// ERROR_DISK_FULL comes from creating files and extending them.
func isNoSpace(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL)
}

// A write-protected medium (a locked SD card, a read-only USB stick)
// reports ERROR_WRITE_PROTECT. A read-only folder or file reports
// ERROR_ACCESS_DENIED, which Go already maps to fs.ErrPermission for the
// permission path; it is counted here too so that a vault on a read-only
// share gets the read-only advice rather than a bare "access denied".
func isReadOnlyFS(err error) bool {
	return errors.Is(err, windows.ERROR_WRITE_PROTECT) || errors.Is(err, windows.ERROR_ACCESS_DENIED)
}
