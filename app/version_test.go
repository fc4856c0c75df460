package app

import (
	"runtime/debug"
	"testing"
)

func TestCommitFromSettings(t *testing.T) {
	tests := []struct {
		name     string
		settings []debug.BuildSetting
		want     string
	}{
		{"no vcs stamp", nil, "unknown"},
		{"clean checkout", []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "false"}}, "abc123"},
		{"uncommitted changes", []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}}, "abc123-dirty"},
		{"modified without revision", []debug.BuildSetting{{Key: "vcs.modified", Value: "true"}}, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := commitFromSettings(tt.settings); got != tt.want {
				t.Errorf("commitFromSettings() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBuildCommitPrefersLinkerStamp(t *testing.T) {
	saved := Commit
	t.Cleanup(func() { Commit = saved })
	Commit = "0123456789abcdef"
	if got := BuildCommit(); got != Commit {
		t.Errorf("BuildCommit() = %q, want the -X stamp %q", got, Commit)
	}
}
