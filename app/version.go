package app

import "runtime/debug"

// Commit is the source revision, set by release builds with
// -ldflags "-X github.com/sparekey/sparekey/app.Commit=…". A plain
// `go build` leaves it empty and BuildCommit asks the go command's own stamp.
var Commit = ""

// BuildCommit names the revision this binary was built from, so a bug report
// can point at the exact source: Commit when the release build set it, else
// the vcs.revision the go command stamps when building inside a checkout
// (with "-dirty" when the tree had uncommitted changes), else "unknown".
func BuildCommit() string {
	if Commit != "" {
		return Commit
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	return commitFromSettings(info.Settings)
}

func commitFromSettings(settings []debug.BuildSetting) string {
	var revision string
	var modified bool
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	switch {
	case revision == "":
		return "unknown"
	case modified:
		return revision + "-dirty"
	}
	return revision
}
