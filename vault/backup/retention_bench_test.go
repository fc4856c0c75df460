package backup

import (
	"fmt"
	"testing"
	"time"
)

// What retention bookkeeping adds to every automatic backup: describing
// the accounts for the index (two encodings and two hashes), and planning
// over a large folder.
//
//	go test -run=^$ -bench=Index -bench=Plan ./vault/backup

func BenchmarkIndexEntry1000(b *testing.B) {
	accts := manyAccounts(b, 1000)
	idx := &backupIndex{Version: 1, Files: map[string]indexEntry{}}
	for b.Loop() {
		if _, err := idx.entryFor(accts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlan1000Backups1000Accounts: a thousand backups of a thousand
// accounts each, far beyond a real folder.
func BenchmarkPlan1000Backups1000Accounts(b *testing.B) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var files []AutoFile
	held := map[string][]string{}
	for i := range 1000 {
		ts := now.Add(-time.Duration(1000-i) * time.Hour)
		f := AutoFile{Name: AutoFilePrefix + ts.Format("20060102T150405.000Z") + ".age", Time: ts}
		files = append(files, f)
		ids := make([]string, 1000)
		for j := range ids {
			ids[j] = fmt.Sprintf("%032x", i+j) // accounts come and go
		}
		held[f.Name] = ids
	}
	r := DefaultRetention(10)
	for b.Loop() {
		r.Plan(files, held, now)
	}
}
