//go:build !linux

package cli

// echoOff: elsewhere term.ReadPassword turns echo off when it starts.
func echoOff(int) (restore func()) { return func() {} }
