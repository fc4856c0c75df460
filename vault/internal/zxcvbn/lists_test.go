package zxcvbn

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/trustelem/zxcvbn/frequency"
)

var update = flag.Bool("update", false, "rewrite lists/*.txt from upstream's frequency package")

// The embedded lists must be upstream's word for word and in its order, or
// ranks, and so scores, would differ.
func TestListsMatchUpstream(t *testing.T) {
	if *update {
		for name, words := range frequency.FrequencyLists {
			text := strings.Join(words, "\n") + "\n"
			if err := os.WriteFile(filepath.Join("lists", name+".txt"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Skip("rewrote the lists; run again without -update")
	}
	ours := frequencyLists()
	if len(ours) != len(frequency.FrequencyLists) {
		t.Fatalf("%d lists, upstream has %d", len(ours), len(frequency.FrequencyLists))
	}
	for name, want := range frequency.FrequencyLists {
		if got := ours[name]; !reflect.DeepEqual(got, want) {
			t.Errorf("list %s: %d words, upstream has %d, or they differ", name, len(got), len(want))
		}
	}
}
