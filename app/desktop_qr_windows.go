//go:build windows

package app

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// Windows has no command-line screenshot tool, but every Windows 10 and 11
// has PowerShell 5.1 with .NET's System.Drawing and System.Windows.Forms,
// which can copy the screen and read the clipboard. Each script writes a
// PNG to standard output, as the X11 tools do; PowerShell runs STA (needed
// for the clipboard) by default. Not verified on real Windows from the
// build machine: wine has no PowerShell, so there this path reports that
// PowerShell is missing and the dialog suggests opening a picture instead.

const pngToStdout = `$ms = New-Object System.IO.MemoryStream; $img.Save($ms, [System.Drawing.Imaging.ImageFormat]::Png); ` +
	`$o = [Console]::OpenStandardOutput(); $ms.WriteTo($o); $o.Flush()`

// DPI awareness first: otherwise a scaled display is captured at its
// logical size and a small QR code loses the pixels it needs.
const captureScreenScript = `Add-Type -AssemblyName System.Windows.Forms, System.Drawing; ` +
	`Add-Type -Name Dpi -Namespace Sparekey -MemberDefinition '[DllImport("user32.dll")] public static extern bool SetProcessDPIAware();'; ` +
	`[void][Sparekey.Dpi]::SetProcessDPIAware(); ` +
	`$b = [System.Windows.Forms.SystemInformation]::VirtualScreen; ` +
	`$img = New-Object System.Drawing.Bitmap $b.Width, $b.Height; ` +
	`$g = [System.Drawing.Graphics]::FromImage($img); $g.CopyFromScreen($b.Left, $b.Top, 0, 0, $img.Size); ` +
	pngToStdout

// Exit code 3 with no output: the clipboard holds no picture.
const clipboardImageScript = `Add-Type -AssemblyName System.Windows.Forms, System.Drawing; ` +
	`$img = [System.Windows.Forms.Clipboard]::GetImage(); if ($img -eq $null) { exit 3 }; ` +
	pngToStdout

func powershell(script string) []string {
	return []string{"powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-Command", script}
}

func screenCaptureCommands() ([][]string, error) {
	return [][]string{powershell(captureScreenScript)}, nil
}

func clipboardImageCommand() ([]string, error) {
	return powershell(clipboardImageScript), nil
}

// hideConsole keeps a console program started from the (GUI-subsystem)
// window from flashing a console window of its own.
func hideConsole(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.HideWindow = true
	cmd.SysProcAttr.CreationFlags |= windows.CREATE_NO_WINDOW
}
