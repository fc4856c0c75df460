package drill

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/guide"
)

// wantBrokenReason is what each broken variant must fail with: the right
// reason, not just any failure.
var wantBrokenReason = map[string]string{
	"drifted-device":             "refused a fresh code",
	"lost-phone-with-admin":      "still assigned to alice",
	"orphan-blocking-enrollment": "already exists",
	"restore-after-wipe":         "does not hold device",
	"root-single-device":         "not two consecutive codes",
	"root-authentication-failed": "still has ACCOUNT_ID to fill",
	"root-missed-call":           "sign-up or payment records",
	"root-no-email":              "sign-up or payment records",
	"root-second-device":         "no other device",
	"stolen-phone":               "password was not changed",
	"member-root":                "centralized root access is not enabled",
}

func TestDrills(t *testing.T) {
	for _, d := range List() {
		t.Run(d.Name, func(t *testing.T) {
			if _, ok := guide.Lookup(d.Path); !ok {
				t.Fatalf("walks unknown path %s", d.Path)
			}
			res, err := Run(context.Background(), d.Name, false)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Passed {
				t.Fatalf("failed: %v\n%s", res.Reasons, strings.Join(res.Log, "\n"))
			}
			for _, st := range res.Steps {
				if st.Status != "done" {
					t.Errorf("step %s ended %s", st.ID, st.Status)
				}
			}
			want, ok := wantBrokenReason[d.Name]
			if !ok {
				t.Fatal("no expected reason for the broken variant")
			}
			res, err = Run(context.Background(), d.Name, true)
			if err != nil {
				t.Fatal(err)
			}
			if res.Passed {
				t.Fatalf("the broken variant (%s) passed", d.Broken)
			}
			if !strings.Contains(strings.Join(res.Reasons, "\n"), want) {
				t.Errorf("the broken variant failed for another reason: %v (want %q)\n%s", res.Reasons, want, strings.Join(res.Log, "\n"))
			}
		})
	}
}

func TestEveryGuideDrillExists(t *testing.T) {
	for _, g := range guide.Leaves() {
		if g.Drill == "" {
			continue
		}
		if _, err := Find(g.Drill); err != nil {
			t.Errorf("%s names drill %q: %v", g.ID, g.Drill, err)
		}
	}
	if _, err := Find("juggling"); !errors.Is(err, ErrUnknownDrill) {
		t.Errorf("unknown drill: %v", err)
	}
}

// TestDrillWordingIsTheGuides: every console label a drill quotes in its
// log is the guide's wording on the leaves it walked, and the failure
// branches end where the guide sends them.
func TestDrillWordingIsTheGuides(t *testing.T) {
	quoted := regexp.MustCompile(`"([^"]+)"`)
	wantEnd := map[string]string{
		"root-authentication-failed": "lost/root/phone/support",
		"root-missed-call":           "lost/root/phone/support",
		"root-no-email":              "lost/root/phone",
		"root-single-device":         "lost/root/phone",
	}
	for name, end := range wantEnd {
		t.Run(name, func(t *testing.T) {
			res, err := Run(context.Background(), name, false)
			if err != nil || !res.Passed {
				t.Fatalf("%v %+v", err, res)
			}
			if res.Path != end {
				t.Errorf("ended on %s, want %s", res.Path, end)
			}
			var text strings.Builder
			for _, id := range append(res.Earlier, res.Path) {
				g, _ := guide.Lookup(id)
				for _, st := range g.Steps {
					text.WriteString(st.Title + st.Where + st.Detail + strings.Join(st.Labels, "\n"))
					for _, br := range st.IfCant {
						text.WriteString(br.Problem + br.Then)
					}
				}
			}
			for _, line := range res.Log {
				for _, m := range quoted.FindAllStringSubmatch(line, -1) {
					if !strings.Contains(text.String(), m[1]) {
						t.Errorf("the drill says %q, which the guide does not: %s", m[1], line)
					}
				}
			}
		})
	}
}

func TestReadinessCountsEveryDrill(t *testing.T) {
	for _, root := range []bool{true, false} {
		for _, name := range app.ReadinessDrills(root) {
			if _, err := Find(name); err != nil {
				t.Errorf("readiness counts drill %q: %v", name, err)
			}
		}
	}
}

func TestRecord(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not-yet")
	for i := 0; i < 2; i++ {
		if err := Record(dir, &Result{Drill: "drifted-device", Passed: i == 0}); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "drill-results.json")
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("drill log: %v %v", st, err)
	}
	var all []Result
	data, _ := os.ReadFile(p)
	if err := json.Unmarshal(data, &all); err != nil || len(all) != 2 || !all[0].Passed || all[1].Passed {
		t.Fatalf("drill log: %s %v", data, err)
	}
}

func BenchmarkDrills(b *testing.B) {
	for _, d := range List() {
		b.Run(d.Name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				res, err := Run(context.Background(), d.Name, false)
				if err != nil || !res.Passed {
					b.Fatalf("%v %v", err, res)
				}
			}
		})
	}
}
