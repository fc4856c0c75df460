//go:build !unix

package vault

func isNoSpace(error) bool { return false }
