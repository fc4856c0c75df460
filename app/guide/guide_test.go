package guide

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

var (
	situations = []Situation{OutOfSync, Lost, Broken, Stolen, AppWiped, Planning}
	whos       = []Who{Root, IAMUser, Admin}
	devices    = []Device{HeldBySparekey, PhoneApp, HardwareTOTP, FIDOKey}
)

// Every combination of answers leads somewhere: a guide with steps, or a
// clear pointer elsewhere.
func TestEveryCombinationHasAPath(t *testing.T) {
	for _, s := range situations {
		for _, w := range whos {
			for _, d := range devices {
				for _, f := range []Facts{{}, {OtherDevice: true}, {NoEmailOrPhone: true}} {
					g, err := For(s, w, d, f)
					if s == OutOfSync && d == FIDOKey {
						if !errors.Is(err, ErrNotApplicable) {
							t.Errorf("%s/%s/%s: want ErrNotApplicable, got %v", s, w, d, err)
						}
						continue
					}
					if err != nil {
						t.Fatalf("%s/%s/%s %+v: %v", s, w, d, f, err)
					}
					if g.Title == "" || g.Summary == "" || len(g.Steps) < 2 {
						t.Errorf("%s/%s/%s: thin guide %+v", s, w, d, g)
					}
					for _, st := range g.Steps {
						if st.Title == "" {
							t.Errorf("%s: a step has no title", g.ID)
						}
					}
					checkDrawable(t, g)
				}
			}
		}
	}
}

func TestDecisionTree(t *testing.T) {
	tests := []struct {
		name              string
		s                 Situation
		who               Who
		dev               Device
		f                 Facts
		wantTitle         string
		wantStep, wantNot string
		wantAction        Action
	}{
		{"root single device uses alternative factors", Lost, Root, PhoneApp, Facts{}, "alternative factors", "Call me now", "", ActionEnroll},
		{"root without email or phone goes to support", Lost, Root, PhoneApp, Facts{NoEmailOrPhone: true}, "AWS Support", "lost or unusable MFA device", "Call me now", ActionNone},
		{"anyone with another device replaces", Broken, IAMUser, HardwareTOTP, Facts{OtherDevice: true}, "other MFA device", "never hold zero", "", ActionReplace},
		{"iam user asks an admin", AppWiped, IAMUser, PhoneApp, Facts{}, "administrator", "Contact your administrator", "", ActionEnroll},
		{"admin deactivates, deletes, cleans orphans", Lost, Admin, PhoneApp, Facts{}, "Administrator", "DeleteConflict", "", ActionOrphans},
		{"admin does not delete a hardware token's entity as virtual", Lost, Admin, HardwareTOTP, Facts{}, "Administrator", "Deactivate", "Delete the virtual device entity", ActionDeactivate},
		{"iam user resyncs a held device itself", OutOfSync, IAMUser, HeldBySparekey, Facts{}, "out-of-sync", "two consecutive codes", "", ActionResync},
		{"root resync is console-only", OutOfSync, Root, HeldBySparekey, Facts{}, "out-of-sync", "Re-Sync With Our Servers", "", ActionShowTwoCodes},
		{"stolen means a new password", Stolen, Root, FIDOKey, Facts{}, "alternative factors", "Change the root password", "", ActionEnroll},
		{"planning for root mentions contact details", Planning, Root, "", Facts{}, "ready", "primary contact phone", "", ActionBackup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := For(tt.s, tt.who, tt.dev, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			all := g.Title + "\n" + g.Summary
			for _, st := range g.Steps {
				all += "\n" + st.Title + "\n" + st.Detail + "\n" + st.Where
			}
			all = strings.ToLower(all)
			if !strings.Contains(all, strings.ToLower(tt.wantTitle)) {
				t.Errorf("guide %q lacks %q", g.Title, tt.wantTitle)
			}
			if !strings.Contains(all, strings.ToLower(tt.wantStep)) {
				t.Errorf("guide %s lacks step text %q", g.ID, tt.wantStep)
			}
			if tt.wantNot != "" && strings.Contains(all, strings.ToLower(tt.wantNot)) {
				t.Errorf("guide %s should not mention %q", g.ID, tt.wantNot)
			}
			if tt.wantAction != ActionNone {
				found := false
				for _, st := range g.Steps {
					found = found || st.Action == tt.wantAction
				}
				if !found {
					t.Errorf("guide %s offers no %q action", g.ID, tt.wantAction)
				}
			}
		})
	}
}

func TestUnknownAnswersAreNamed(t *testing.T) {
	_, err := For("misplaced", "cat", "abacus", Facts{})
	if err == nil {
		t.Fatal("accepted unknown answers")
	}
	for _, want := range []string{`situation "misplaced"`, `who "cat"`, `device "abacus"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestQuestionsCoverEveryValue(t *testing.T) {
	values := map[string]bool{}
	for _, q := range Questions() {
		for _, a := range q.Answers {
			values[a.Value] = true
		}
	}
	for _, s := range situations {
		if !values[string(s)] {
			t.Errorf("no question offers situation %s", s)
		}
	}
	for _, d := range devices {
		if !values[string(d)] {
			t.Errorf("no question offers device %s", d)
		}
	}
}

func ExampleFor() {
	g, _ := For(Lost, Root, PhoneApp, Facts{})
	fmt.Println(g.Title)
	fmt.Println(g.Steps[2].Where)
	// Output:
	// Root user: sign in with alternative factors, then replace the device
	// "Sign In Using Alternative Factors of Authentication" › "Sign in using alternative factors".
}

// misdrawn are arrows Fyne 2.8 shapes with a fallback font whose missing
// space glyph then shows as a box after them ("Users →� the user"): the
// guide's paths use "›" instead.
const misdrawn = "←↑→↓"

func checkDrawable(t *testing.T, g Guide) {
	t.Helper()
	texts := append([]string{g.Title, g.Summary, g.Drill}, g.IfStuck...)
	texts = append(texts, g.Warnings...)
	for _, st := range g.Steps {
		texts = append(texts, st.Title, st.Detail, st.Where)
	}
	for _, text := range texts {
		if i := strings.IndexAny(text, misdrawn); i >= 0 {
			t.Errorf("%s: %q draws badly in the window: use › for paths", g.ID, text[max(0, i-20):min(len(text), i+20)])
		}
	}
}
