package app

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Spent steps outlive the process that spent them (the CLI enrolls in one
// process and resyncs in the next), never move backwards, and stay private.
func TestAWSSpentStepsPersist(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 3, 1, 9, 0, 10, 0, time.UTC)
	current := uint64(now.Unix()) / 30
	store := func() *awsSpentSteps {
		return &awsSpentSteps{path: filepath.Join(dir, "data", awsSpentFile), now: func() time.Time { return now }}
	}
	const serial = "arn:aws:iam::123456789012:mfa/bob"
	if _, ok := store().LastSpent(serial); ok {
		t.Fatal("a new data folder remembers a spent step")
	}
	store().Spend(serial, current+1)
	store().Spend(serial, current-1) // an older step never hides a newer one
	store().Spend("old-device", current-awsSpentKeep-5)
	for _, tc := range []struct {
		serial string
		want   uint64
		ok     bool
	}{
		{serial, current + 1, true},
		{"old-device", 0, false}, // too old to matter: dropped on the next write
		{"other", 0, false},
	} {
		got, ok := store().LastSpent(tc.serial)
		if got != tc.want || ok != tc.ok {
			t.Errorf("LastSpent(%s) = %d, %v; want %d, %v", tc.serial, got, ok, tc.want, tc.ok)
		}
	}
	st, err := os.Stat(store().path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}

	// A damaged file reads as empty instead of stopping a resync.
	if err := os.WriteFile(store().path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := store().LastSpent(serial); ok {
		t.Error("a damaged file gave an answer")
	}
	store().Spend(serial, current)
	if got, ok := store().LastSpent(serial); !ok || got != current {
		t.Errorf("after rewriting a damaged file: %d, %v", got, ok)
	}
}

func FuzzParseSpentSteps(f *testing.F) {
	f.Add([]byte(`{"arn:aws:iam::123456789012:mfa/bob": 59000000}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"x": -1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		steps, err := parseSpentSteps(data)
		if err == nil && steps == nil {
			t.Fatal("no error and no map")
		}
	})
}
