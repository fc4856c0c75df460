package cli

import "strings"

// DesktopVault reports whether args ask for the desktop window on another
// vault and nothing else (sparekey --vault PATH, or --vault=PATH): then
// the window opens on PATH, as SPAREKEY_VAULT=PATH sparekey does, instead
// of the command line printing its help.
func DesktopVault(args []string) (path string, ok bool) {
	switch {
	case len(args) == 1 && strings.HasPrefix(args[0], "--vault="):
		path = strings.TrimPrefix(args[0], "--vault=")
	case len(args) == 2 && args[0] == "--vault":
		path = args[1]
	default:
		return "", false
	}
	return path, path != "" && !strings.HasPrefix(path, "-")
}
