package app

import (
	"fmt"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
)

// manualClock drives time in these tests (see testenv.Clock).
type manualClock = testenv.Clock

func newManualClock() *manualClock {
	return testenv.NewClock(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
}

type memClipboard struct{ text string }

func (m *memClipboard) Content() string     { return m.text }
func (m *memClipboard) SetContent(s string) { m.text = s }

func TestClipboardGuard(t *testing.T) {
	tests := []struct {
		name  string
		run   func(g *ClipboardGuard, cb *memClipboard, clk *manualClock)
		want  string
		after time.Duration
	}{
		{"cleared after the delay", func(g *ClipboardGuard, cb *memClipboard, clk *manualClock) {
			g.Copy("123456", 30*time.Second)
		}, "", 30 * time.Second},
		{"kept before the delay", func(g *ClipboardGuard, cb *memClipboard, clk *manualClock) {
			g.Copy("123456", 30*time.Second)
		}, "123456", 29 * time.Second},
		{"something copied since is left alone", func(g *ClipboardGuard, cb *memClipboard, clk *manualClock) {
			g.Copy("123456", 30*time.Second)
			clk.Advance(10 * time.Second)
			cb.SetContent("https://example.com")
		}, "https://example.com", time.Minute},
		{"zero delay keeps the code", func(g *ClipboardGuard, cb *memClipboard, clk *manualClock) {
			g.Copy("123456", 0)
		}, "123456", time.Hour},
		{"a newer copy gets its own full delay", func(g *ClipboardGuard, cb *memClipboard, clk *manualClock) {
			g.Copy("111111", 30*time.Second)
			clk.Advance(20 * time.Second)
			g.Copy("222222", 30*time.Second)
		}, "222222", 20 * time.Second},
		{"a newer copy is cleared on its own schedule", func(g *ClipboardGuard, cb *memClipboard, clk *manualClock) {
			g.Copy("111111", 30*time.Second)
			clk.Advance(20 * time.Second)
			g.Copy("222222", 30*time.Second)
		}, "", 30 * time.Second},
		{"the same code copied twice still clears", func(g *ClipboardGuard, cb *memClipboard, clk *manualClock) {
			g.Copy("123456", 30*time.Second)
			clk.Advance(5 * time.Second)
			g.Copy("123456", 30*time.Second)
		}, "", 30 * time.Second},
		{"ClearNow on lock", func(g *ClipboardGuard, cb *memClipboard, clk *manualClock) {
			g.Copy("123456", 30*time.Second)
			g.ClearNow()
		}, "", 0},
		{"ClearNow leaves other content", func(g *ClipboardGuard, cb *memClipboard, clk *manualClock) {
			g.Copy("123456", 30*time.Second)
			cb.SetContent("mine")
			g.ClearNow()
		}, "mine", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newManualClock()
			cb := &memClipboard{}
			g := NewClipboardGuard(cb, clk.AfterFunc)
			tt.run(g, cb, clk)
			clk.Advance(tt.after)
			if cb.text != tt.want {
				t.Errorf("clipboard = %q, want %q", cb.text, tt.want)
			}
		})
	}
}

func ExampleClipboardGuard() {
	cb := &memClipboard{}
	clk := newManualClock()
	g := NewClipboardGuard(cb, clk.AfterFunc) // the desktop app passes timers that run on its UI goroutine
	g.Copy("492039", 30*time.Second)
	fmt.Printf("%q\n", cb.Content())
	clk.Advance(30 * time.Second)
	fmt.Printf("%q\n", cb.Content())
	// Output:
	// "492039"
	// ""
}

func TestIdleTimer(t *testing.T) {
	clk := newManualClock()
	fired := 0
	it := NewIdleTimer(clk.Now, clk.AfterFunc, func() { fired++ })
	it.Reset(5 * time.Minute)

	clk.Advance(4 * time.Minute)
	it.Touch()
	clk.Advance(4 * time.Minute) // 8 min since start, 4 since activity
	if fired != 0 {
		t.Fatalf("fired after 4 idle minutes of 5")
	}
	clk.Advance(time.Minute)
	if fired != 1 {
		t.Fatalf("fired %d times after 5 idle minutes, want 1", fired)
	}
	clk.Advance(time.Hour)
	if fired != 1 {
		t.Fatalf("fired again without a Reset")
	}

	it.Reset(time.Minute)
	it.Stop()
	clk.Advance(time.Hour)
	if fired != 1 {
		t.Fatalf("fired after Stop")
	}
	it.Reset(0) // disabled
	clk.Advance(time.Hour)
	if fired != 1 {
		t.Fatalf("fired while disabled")
	}
}
