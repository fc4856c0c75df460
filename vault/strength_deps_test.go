package vault

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// upstream's zxcvbn packages whose init builds its dictionaries (matching,
// about 10 MB and tens of milliseconds) or copies its word lists into a
// map (frequency): linked into the program, they run on every start, even
// for `sparekey --version`. vault/internal/zxcvbn does the same work on the
// first estimate instead; this keeps the program from linking them again.
var eagerZxcvbnPackages = []string{
	"github.com/trustelem/zxcvbn",
	"github.com/trustelem/zxcvbn/matching",
	"github.com/trustelem/zxcvbn/frequency",
}

func TestProgramDoesNotBuildZxcvbnDictionariesAtStart(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("needs the go command")
	}
	tags, err := os.ReadFile(filepath.Join("..", "packaging", "build-tags"))
	if err != nil {
		t.Fatal(err)
	}
	// The main package stands for every program built from this module:
	// the window and the CLI are the same binary.
	cmd := exec.Command(goTool, "list", "-deps", "-tags", strings.TrimSpace(string(tags)), "github.com/sparekey/sparekey")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !slices.Contains(deps, "github.com/sparekey/sparekey/vault") {
		t.Fatalf("go list gave %d packages without vault; the check would prove nothing", len(deps))
	}
	for _, p := range eagerZxcvbnPackages {
		if slices.Contains(deps, p) {
			t.Errorf("sparekey links %s, whose init runs on every start; use vault/internal/zxcvbn", p)
		}
	}
}
