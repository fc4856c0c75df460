package recovery

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/sparekey/sparekey/app/guide"
	"github.com/sparekey/sparekey/vault"
)

// ErrNotAMessage: the step is not a message to someone.
var ErrNotAMessage = errors.New("the step is not a message")

// ErrNoMessage: the run's path has no message step.
var ErrNoMessage = errors.New("the path has no message to send")

// Message returns a message step of the run, filled from the run's
// binding (account ID, user name, serial); stepID "" is the path's first
// message. Placeholders the binding cannot fill stay, for the sender to
// fill in.
func (r *Run) Message(stepID string) (guide.Step, guide.Message, error) {
	g, err := r.Guide()
	if err != nil {
		return guide.Step{}, guide.Message{}, err
	}
	for _, st := range g.Steps {
		if stepID != "" && st.ID != stepID {
			continue
		}
		if st.Kind != guide.KindMessage || st.Message == nil {
			if stepID == "" {
				continue
			}
			return st, guide.Message{}, fmt.Errorf("%w: %q is %s", ErrNotAMessage, st.ID, st.Kind)
		}
		m := *st.Message
		m.To, m.Subject, m.Body = r.Binding.Fill(m.To), r.Binding.Fill(m.Subject), r.Binding.Fill(m.Body)
		return st, m, nil
	}
	if stepID != "" {
		return guide.Step{}, guide.Message{}, fmt.Errorf("%w: %q in %s", ErrNoSuchStep, stepID, r.Path)
	}
	return guide.Step{}, guide.Message{}, fmt.Errorf("%w (%s)", ErrNoMessage, r.Path)
}

// MessageText is a message as plain text, ready to paste into mail or a form.
func MessageText(m guide.Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "To: %s\nSubject: %s\n\n%s\n", m.To, m.Subject, strings.TrimRight(m.Body, "\n"))
	return b.String()
}

// ErrFileExists: SaveMessage never replaces a file.
var ErrFileExists = errors.New("the file already exists")

// SaveMessage writes a message to path (0600, atomically). It holds no
// secret, but an account ID and user name are nobody else's business. An
// existing file is never replaced.
func SaveMessage(path string, m guide.Message) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%w: %s (choose another name, or remove it first)", ErrFileExists, path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return vault.WriteFileAtomic(path, []byte(MessageText(m)))
}
