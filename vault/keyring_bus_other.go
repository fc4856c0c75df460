//go:build !unix || darwin

package vault

// sessionBusMissing: macOS and Windows keyrings need no D-Bus.
func sessionBusMissing() error { return nil }
