package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sparekey/sparekey/vault"
)

// awsSpentFile keeps, per AWS device serial, the last TOTP step whose code
// Sparekey sent and AWS accepted. It lives in the data folder rather than
// in one process because the command line enrolls in one process and
// resyncs in the next: without it the resync sent codes the enrollment had
// spent and AWS refused them. It holds serials and step numbers, no secret.
const awsSpentFile = "aws-spent-steps.json"

// awsSpentKeep is how far back a spent step still matters: a resync only
// avoids the steps just before the current one.
const awsSpentKeep = 20

// awsSpentSteps is the file-backed awsmfa.SpentSteps of one data folder.
type awsSpentSteps struct {
	path string
	now  func() time.Time
}

func (a *App) awsSpentSteps() *awsSpentSteps {
	return &awsSpentSteps{path: filepath.Join(a.paths.Data, awsSpentFile), now: a.now}
}

// LastSpent implements awsmfa.SpentSteps. An unreadable file counts as
// empty: the resync then falls back to its one retry.
func (s *awsSpentSteps) LastSpent(serial string) (uint64, bool) {
	// Saves replace the file in one rename: a read needs no lock.
	steps, _ := s.read()
	step, ok := steps[serial]
	return step, ok
}

// Spend implements awsmfa.SpentSteps. A failed write is dropped for the
// same reason.
func (s *awsSpentSteps) Spend(serial string, step uint64) {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return
	}
	// A read-modify-write shared by every process (the command line
	// enrolls in one, resyncs in the next): one at a time.
	release, err := vault.LockFile(s.path+".lock", vault.DefaultLockTimeout)
	if err != nil {
		return
	}
	defer release()
	steps, _ := s.read()
	if steps == nil {
		steps = map[string]uint64{}
	}
	if step <= steps[serial] {
		return
	}
	steps[serial] = step
	// Forget what can no longer matter, so the file stays a few lines.
	current := uint64(s.now().Unix()) / vault.DefaultPeriod
	for k, v := range steps {
		if v+awsSpentKeep < current {
			delete(steps, k)
		}
	}
	data, err := json.MarshalIndent(steps, "", "  ")
	if err != nil {
		return
	}
	_ = vault.WriteFileAtomic(s.path, append(data, '\n'))
}

func (s *awsSpentSteps) read() (map[string]uint64, error) {
	data, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]uint64{}, nil
	}
	if err != nil {
		return nil, err
	}
	return parseSpentSteps(data)
}

// parseSpentSteps reads the file: a JSON object from serial to step.
func parseSpentSteps(data []byte) (map[string]uint64, error) {
	var steps map[string]uint64
	if err := json.Unmarshal(data, &steps); err != nil {
		return nil, fmt.Errorf("reading %s: %w", awsSpentFile, err)
	}
	if steps == nil {
		steps = map[string]uint64{}
	}
	return steps, nil
}
