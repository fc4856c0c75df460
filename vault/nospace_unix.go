//go:build unix

package vault

import (
	"errors"
	"syscall"
)

func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// isReadOnlyFS matters because root ignores file modes: a read-only mount is
// what stops root, and it is not reported as a permission error.
func isReadOnlyFS(err error) bool { return errors.Is(err, syscall.EROFS) }
