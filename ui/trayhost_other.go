//go:build !linux

package ui

// statusNotifierHost: Windows and macOS always show tray icons.
func statusNotifierHost() bool { return true }
