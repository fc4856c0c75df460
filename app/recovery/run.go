// Package recovery keeps recovery runs: one person's walk through a path of
// the recovery guide (app/guide), with the answers that chose it, each
// step's status and the notes taken on the way. A run may last days (AWS
// Support, a replacement token, an administrator), so it is saved after
// every change, atomically and 0600, beside the vault, and holds nothing
// secret: account IDs, user names, device serials and statuses only.
//
// The package knows nothing of AWS or of any UI: the CLI (sparekey recover),
// the window and the drills drive runs through the same methods.
package recovery

import (
	"errors"
	"fmt"
	"time"

	"github.com/sparekey/sparekey/app/guide"
)

// Version is the run file format this Sparekey writes and reads.
const Version = 1

// Status is where a step stands.
type Status string

const (
	Todo    Status = "todo"
	Doing   Status = "doing"
	Done    Status = "done"
	Skipped Status = "skipped"
	Failed  Status = "failed"
	Waiting Status = "waiting" // for days, on someone else (Support, a vendor, an administrator)
)

// State is where the whole run stands.
type State string

const (
	Open      State = "open"
	Finished  State = "finished"
	Abandoned State = "abandoned"
)

// StepState is a step's progress.
type StepState struct {
	ID     string    `json:"id"`
	Status Status    `json:"status"`
	Reason string    `json:"reason,omitempty"` // why it failed or was skipped, or what verified it
	At     time.Time `json:"at,omitempty"`
	// WaitingFor names who or what the step waits on.
	WaitingFor string `json:"waiting_for,omitempty"`
}

// Note is something the person wrote down on the way.
type Note struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Run is one recovery in progress.
type Run struct {
	Version int           `json:"version"`
	ID      string        `json:"id"`
	Created time.Time     `json:"created"`
	Updated time.Time     `json:"updated"`
	State   State         `json:"state"`
	Answers guide.Answers `json:"answers,omitempty"`
	// Path is the ID of the guide leaf being walked; Earlier lists the
	// leaves left for it through a "what if I can't" branch.
	Path    string        `json:"path"`
	Earlier []string      `json:"earlier,omitempty"`
	Binding guide.Binding `json:"binding"`
	Steps   []StepState   `json:"steps"`
	Notes   []Note        `json:"notes,omitempty"`
	// Drill names the drill that made this run, if any.
	Drill string `json:"drill,omitempty"`
	// Revision counts saves; a save from a stale copy is refused.
	Revision int `json:"revision,omitempty"`
}

// Errors callers tell apart.
var (
	ErrNoSuchRun   = errors.New("no such recovery run")
	ErrNoSuchStep  = errors.New("the path has no such step")
	ErrUnknownPath = errors.New("this Sparekey does not know the run's path")
	ErrClosed      = errors.New("the recovery run is already closed")
)

// NewRun starts a run on leaf g.
func NewRun(id string, answers guide.Answers, g guide.Guide, b guide.Binding, now time.Time) *Run {
	r := &Run{Version: Version, ID: id, Created: now, Updated: now, State: Open, Answers: answers, Path: g.ID, Binding: b}
	r.Steps = freshSteps(g)
	return r
}

func freshSteps(g guide.Guide) []StepState {
	steps := make([]StepState, len(g.Steps))
	for i, st := range g.Steps {
		steps[i] = StepState{ID: st.ID, Status: Todo}
	}
	return steps
}

// Guide returns the leaf the run walks, with the run's steps reconciled:
// a step the tree added since the run began is to do.
func (r *Run) Guide() (guide.Guide, error) {
	g, ok := guide.Lookup(r.Path)
	if !ok {
		return guide.Guide{}, fmt.Errorf("%w: %q", ErrUnknownPath, r.Path)
	}
	have := map[string]StepState{}
	for _, s := range r.Steps {
		have[s.ID] = s
	}
	steps := make([]StepState, len(g.Steps))
	for i, st := range g.Steps {
		if s, ok := have[st.ID]; ok {
			steps[i] = s
		} else {
			steps[i] = StepState{ID: st.ID, Status: Todo}
		}
	}
	r.Steps = steps
	return g, nil
}

// Current returns the step to work on: one left in progress (the process
// stopped during it), else the first neither done nor skipped. nil when
// every step is done or skipped.
func (r *Run) Current() *StepState {
	for i := range r.Steps {
		if r.Steps[i].Status == Doing {
			return &r.Steps[i]
		}
	}
	for i := range r.Steps {
		switch r.Steps[i].Status {
		case Done, Skipped:
		default:
			return &r.Steps[i]
		}
	}
	return nil
}

// Interrupted reports whether a step was left in progress: the process
// stopped in the middle of it, so its outcome must be checked, not assumed.
func (r *Run) Interrupted() (*StepState, bool) {
	for i := range r.Steps {
		if r.Steps[i].Status == Doing {
			return &r.Steps[i], true
		}
	}
	return nil, false
}

func (r *Run) step(id string) (*StepState, error) {
	if r.State != Open {
		return nil, fmt.Errorf("%w (%s)", ErrClosed, r.State)
	}
	for i := range r.Steps {
		if r.Steps[i].ID == id {
			return &r.Steps[i], nil
		}
	}
	return nil, fmt.Errorf("%w: %q in %s", ErrNoSuchStep, id, r.Path)
}

// Mark sets a step's status with its reason (for Waiting: what it waits for).
func (r *Run) Mark(id string, st Status, reason string, now time.Time) error {
	s, err := r.step(id)
	if err != nil {
		return err
	}
	switch st {
	case Todo, Doing, Done, Skipped, Failed:
		s.WaitingFor = ""
	case Waiting:
		s.WaitingFor = reason
	default:
		return fmt.Errorf("unknown step status %q", st)
	}
	s.Status, s.Reason, s.At = st, reason, now
	r.Updated = now
	return nil
}

// AddNote keeps a note with the run.
func (r *Run) AddNote(text string, now time.Time) {
	r.Notes = append(r.Notes, Note{At: now, Text: text})
	r.Updated = now
}

// Follow leaves the current path for another leaf (a "what if I can't"
// branch); what was done so far stays in the notes.
func (r *Run) Follow(leafID string, why string, now time.Time) error {
	if r.State != Open {
		return fmt.Errorf("%w (%s)", ErrClosed, r.State)
	}
	g, ok := guide.Lookup(leafID)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownPath, leafID)
	}
	r.Earlier = append(r.Earlier, r.Path)
	r.AddNote(fmt.Sprintf("Left %s for %s: %s", r.Path, leafID, why), now)
	r.Path, r.Steps = g.ID, freshSteps(g)
	return nil
}

// Waiting lists the steps waiting on someone.
func (r *Run) Waiting() []StepState {
	var out []StepState
	for _, s := range r.Steps {
		if s.Status == Waiting {
			out = append(out, s)
		}
	}
	return out
}

// Counts tells how many steps have each status.
func (r *Run) Counts() map[Status]int {
	c := map[Status]int{}
	for _, s := range r.Steps {
		c[s.Status]++
	}
	return c
}

// Complete reports whether every step is done or skipped.
func (r *Run) Complete() bool { return r.Current() == nil }
