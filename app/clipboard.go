package app

import (
	"sync"
	"time"
)

// Clipboard is the little a code copier needs from the system clipboard.
// fyne.Clipboard satisfies it; tests use a string.
type Clipboard interface {
	Content() string
	SetContent(string)
}

// AfterFunc runs f once after d and returns a function that cancels it
// (reporting whether it was still pending), like time.AfterFunc(d, f).Stop.
// The desktop app passes one that runs f on its UI goroutine; tests pass a
// fake clock.
type AfterFunc func(d time.Duration, f func()) (stop func() bool)

// RealAfterFunc is time.AfterFunc in the AfterFunc shape.
func RealAfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// ClipboardGuard copies codes and takes them back off the clipboard after a
// delay. It clears only when the clipboard still holds the code it put
// there: whatever the user copied since (a URL, a paragraph) is theirs and
// must survive. Content is compared, not tracked, because other programs
// change the clipboard without telling anyone.
type ClipboardGuard struct {
	cb    Clipboard
	after AfterFunc

	mu     sync.Mutex
	copied string      // what we put there last; "" when nothing is pending
	stop   func() bool // cancels the pending clear
}

// NewClipboardGuard returns a guard over cb. after may be nil (real timers).
func NewClipboardGuard(cb Clipboard, after AfterFunc) *ClipboardGuard {
	if after == nil {
		after = RealAfterFunc
	}
	return &ClipboardGuard{cb: cb, after: after}
}

// Copy puts text on the clipboard and, when clearAfter > 0, schedules its
// removal. A newer Copy replaces the pending clear of an older one.
func (g *ClipboardGuard) Copy(text string, clearAfter time.Duration) {
	g.mu.Lock()
	if g.stop != nil {
		g.stop()
		g.stop = nil
	}
	g.copied = ""
	g.mu.Unlock()

	g.cb.SetContent(text)
	if clearAfter <= 0 || text == "" {
		return
	}

	g.mu.Lock()
	g.copied = text
	g.mu.Unlock()
	// after is called unlocked: a fake clock may fire at once.
	stop := g.after(clearAfter, func() { g.clearIf(text) })
	g.mu.Lock()
	if g.copied == text {
		g.stop = stop
	}
	g.mu.Unlock()
}

// clearIf runs when a timer fires; a timer that lost a race with a newer
// Copy finds g.copied changed and does nothing.
func (g *ClipboardGuard) clearIf(text string) {
	g.mu.Lock()
	if g.copied != text {
		g.mu.Unlock()
		return
	}
	g.copied = ""
	g.stop = nil
	g.mu.Unlock()
	if g.cb.Content() == text {
		g.cb.SetContent("")
	}
}

// ClearNow takes the last copied code off the clipboard at once (the vault
// was locked, the app is quitting), again only if it is still there.
func (g *ClipboardGuard) ClearNow() {
	g.mu.Lock()
	text := g.copied
	if g.stop != nil {
		g.stop()
		g.stop = nil
	}
	g.copied = ""
	g.mu.Unlock()
	if text != "" && g.cb.Content() == text {
		g.cb.SetContent("")
	}
}

// Pending reports whether a copied code is waiting to be cleared.
func (g *ClipboardGuard) Pending() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.copied != ""
}
