//go:build !unix && !windows

package vault

func isNoSpace(error) bool    { return false }
func isReadOnlyFS(error) bool { return false }
