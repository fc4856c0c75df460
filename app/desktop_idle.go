package app

import (
	"sync"
	"time"
)

// IdleTimer calls onIdle once the user has done nothing for a while: the
// desktop app's auto-lock. Touch is cheap (it records a time), because the
// window calls it on every key and pointer movement; only one timer is
// armed at a time, and when it fires early (the user was active since) it
// re-arms for the remainder.
type IdleTimer struct {
	now    func() time.Time
	after  AfterFunc
	onIdle func()

	mu    sync.Mutex
	delay time.Duration // 0: disabled
	last  time.Time
	stop  func() bool
	gen   int // invalidates timers armed before the last Reset/Stop
}

// NewIdleTimer returns a stopped timer. now and after may be nil (real clock).
func NewIdleTimer(now func() time.Time, after AfterFunc, onIdle func()) *IdleTimer {
	if now == nil {
		now = time.Now
	}
	if after == nil {
		after = RealAfterFunc
	}
	return &IdleTimer{now: now, after: after, onIdle: onIdle}
}

// Reset starts counting idle time from now with a new delay; a delay of 0
// or less disables the timer.
func (t *IdleTimer) Reset(delay time.Duration) {
	t.mu.Lock()
	t.cancelLocked()
	t.delay = delay
	t.last = t.now()
	if delay > 0 {
		t.armLocked(delay)
	}
	t.mu.Unlock()
}

// Touch records activity.
func (t *IdleTimer) Touch() {
	t.mu.Lock()
	t.last = t.now()
	t.mu.Unlock()
}

// Stop disarms the timer until the next Reset.
func (t *IdleTimer) Stop() {
	t.mu.Lock()
	t.cancelLocked()
	t.delay = 0
	t.mu.Unlock()
}

func (t *IdleTimer) cancelLocked() {
	t.gen++
	if t.stop != nil {
		t.stop()
		t.stop = nil
	}
}

func (t *IdleTimer) armLocked(d time.Duration) {
	gen := t.gen
	t.stop = t.after(d, func() { t.fire(gen) })
}

func (t *IdleTimer) fire(gen int) {
	t.mu.Lock()
	if gen != t.gen || t.delay <= 0 {
		t.mu.Unlock()
		return
	}
	idle := t.now().Sub(t.last)
	if idle < t.delay {
		t.armLocked(t.delay - idle)
		t.mu.Unlock()
		return
	}
	t.delay = 0 // fire once; the next unlock calls Reset
	t.stop = nil
	t.mu.Unlock()
	t.onIdle()
}
