//go:build !unix && !windows

package vault

import "os"

// Systems without file locks (js/wasm) run one process at a time anyway.
func tryLock(*os.File) (bool, error) { return true, nil }
func waitLock(*os.File) error        { return nil }
func unlock(*os.File)                {}
func lockHolder(*os.File) string     { return "" }
