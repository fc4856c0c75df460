//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// sparekey.exe is a GUI-subsystem program, so a double-click opens no
// console window. Windows then gives it no console either, and the command
// line would print nothing when run from cmd or PowerShell. Borrowing the
// parent's console fixes that. The shell does not wait for a GUI program,
// so its prompt may come back before the output: scripts and typed
// passphrases want sparekey-cli.exe, the same program built for the console
// subsystem (where this finds its handles already usable and does nothing).
func init() { attachParentConsole() }

var (
	kernel32          = windows.NewLazySystemDLL("kernel32.dll")
	procAttachConsole = kernel32.NewProc("AttachConsole")
)

const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1

func attachParentConsole() {
	outOK, errOK := usableStd(windows.STD_OUTPUT_HANDLE), usableStd(windows.STD_ERROR_HANDLE)
	if outOK && errOK {
		return // a console program, or output redirected to a file or pipe
	}
	if r, _, _ := procAttachConsole.Call(attachParentProcess); r == 0 {
		return // started from Explorer: there is no console to print to
	}
	// Only the streams that were not redirected go to the console, so
	// `sparekey.exe list > accounts.txt` still writes the file.
	if !outOK {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stdout = f
			windows.SetStdHandle(windows.STD_OUTPUT_HANDLE, windows.Handle(f.Fd()))
		}
	}
	if !errOK {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stderr = f
			windows.SetStdHandle(windows.STD_ERROR_HANDLE, windows.Handle(f.Fd()))
		}
	}
	if !usableStd(windows.STD_INPUT_HANDLE) {
		if f, err := os.OpenFile("CONIN$", os.O_RDWR, 0); err == nil {
			os.Stdin = f
			windows.SetStdHandle(windows.STD_INPUT_HANDLE, windows.Handle(f.Fd()))
		}
	}
}

// usableStd reports whether a standard handle leads somewhere: a console,
// a file or a pipe.
func usableStd(which uint32) bool {
	h, err := windows.GetStdHandle(which)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}
