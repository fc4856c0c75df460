package backup

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzBackupIndex feeds arbitrary bytes as the index beside the backups:
// loading never fails or panics (a bad index is an empty one), and the
// retention plan built on it never deletes a backup the index does not
// describe while it is young.
func FuzzBackupIndex(f *testing.F) {
	f.Add([]byte(`{"version":1,"salt":"00","files":{"sparekey-backup-20260102T030405.000Z.age":{"accounts":["a","b"],"shape":"x","full":"y"}}}`))
	f.Add([]byte(`{"version":1,"files":null}`))
	f.Add([]byte(`{"version":2,"files":{}}`))
	f.Add([]byte(`[1,2,3]`))
	f.Add([]byte(``))
	now := time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)
	files := []AutoFile{
		{Name: "sparekey-backup-20260102T030405.000Z.age", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{Name: "sparekey-backup-20260102T030406.000Z.age", Time: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC)},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, IndexFileName), data, 0o600); err != nil {
			t.Fatal(err)
		}
		idx := loadIndex(dir)
		if idx.Files == nil {
			t.Fatal("loaded an index without a file map")
		}
		held := idx.held()
		for _, d := range DefaultRetention(1).Plan(files, held, now) {
			if _, known := held[d.File.Name]; !known && !d.Keep {
				t.Errorf("would delete %s, whose contents are unknown", d.File.Name)
			}
		}
	})
}
