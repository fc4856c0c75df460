package awsmfa

import "sync"

// SpentSteps remembers, per device serial, the last TOTP step whose code
// Sparekey sent and AWS accepted. AWS accepts a code once: an enrollment
// spends two steps, and its sign-in check may spend the next period's
// code too, so a resync that sent those again was refused. With this
// memory a resync picks two codes nobody spent and says how long that
// takes. Implementations must be safe for concurrent use; a step is not a
// secret.
type SpentSteps interface {
	LastSpent(serial string) (step uint64, ok bool)
	Spend(serial string, step uint64)
}

// MemorySpentSteps is a SpentSteps for one process (the default). The app
// keeps one in its data folder so the command line's enrollment and a
// later resync agree.
type MemorySpentSteps struct {
	mu   sync.Mutex
	last map[string]uint64
}

// NewMemorySpentSteps returns an empty MemorySpentSteps.
func NewMemorySpentSteps() *MemorySpentSteps {
	return &MemorySpentSteps{last: map[string]uint64{}}
}

// LastSpent implements SpentSteps.
func (m *MemorySpentSteps) LastSpent(serial string) (uint64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.last[serial]
	return s, ok
}

// Spend implements SpentSteps; it never moves backwards.
func (m *MemorySpentSteps) Spend(serial string, step uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if step > m.last[serial] {
		m.last[serial] = step
	}
}
