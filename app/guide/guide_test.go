package guide

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/leaves.txt from the tree")

var (
	situations = []Situation{OutOfSync, Lost, Broken, Stolen, AppWiped, Planning}
	whos       = []Who{Root, IAMUser, Admin}
	devices    = []Device{HeldBySparekey, PhoneApp, HardwareTOTP, FIDOKey, SyncedPasskey}
)

// TestEveryLeafStepSequence pins every leaf's steps, in order: a change to
// the tree shows up here as a reviewed diff of testdata/leaves.txt.
func TestEveryLeafStepSequence(t *testing.T) {
	var b strings.Builder
	for _, g := range Leaves() {
		ids := make([]string, len(g.Steps))
		for i, st := range g.Steps {
			ids[i] = st.ID
		}
		fmt.Fprintf(&b, "%s: %s\n", g.ID, strings.Join(ids, " "))
	}
	golden := filepath.Join("testdata", "leaves.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		gotLines, wantLines := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gotLines), len(wantLines)); i++ {
			g, w := at(gotLines, i), at(wantLines, i)
			if g != w {
				t.Errorf("leaf line %d:\n got  %s\n want %s", i+1, g, w)
			}
		}
		t.Log("if the change is intended: go test ./app/guide -run TestEveryLeafStepSequence -update")
	}
}

func at(l []string, i int) string {
	if i < len(l) {
		return l[i]
	}
	return ""
}

// Every combination of answers leads somewhere, and one ID always means
// one guide (an ID reused for other content would resume the wrong run).
func TestEveryCombinationHasAPathAndIDsAreUnique(t *testing.T) {
	byID := map[string]Guide{}
	for _, s := range situations {
		for _, w := range whos {
			for _, d := range devices {
				for _, f := range AllFacts() {
					g, err := For(s, w, d, f)
					if s == OutOfSync && (d == FIDOKey || d == SyncedPasskey) {
						if !errors.Is(err, ErrNotApplicable) {
							t.Errorf("%s/%s/%s: want ErrNotApplicable, got %v", s, w, d, err)
						}
						continue
					}
					if err != nil {
						t.Fatalf("%s/%s/%s %+v: %v", s, w, d, f, err)
					}
					if prev, ok := byID[g.ID]; ok && !reflect.DeepEqual(prev, g) {
						t.Errorf("ID %s names two different guides", g.ID)
					}
					byID[g.ID] = g
				}
			}
		}
	}
}

func TestLeafRules(t *testing.T) {
	ids := map[string]bool{}
	for _, g := range Leaves() {
		ids[g.ID] = true
	}
	apiOnly := map[Action]bool{ActionEnroll: true, ActionReplace: true, ActionResync: true, ActionResyncTyped: true, ActionDeactivate: true, ActionOrphans: true}
	for _, g := range Leaves() {
		parts := strings.Split(g.ID, "/")
		s, who := Situation(parts[0]), Who(parts[1])
		if g.Title == "" || g.Summary == "" || len(g.Steps) < 2 {
			t.Errorf("%s: thin guide", g.ID)
		}
		checkDrawable(t, g)
		stepIDs := map[string]bool{}
		hasPassword := false
		for _, st := range g.Steps {
			if st.ID == "" || stepIDs[st.ID] {
				t.Errorf("%s: step %q has no ID or a repeated one", g.ID, st.Title)
			}
			stepIDs[st.ID] = true
			hasPassword = hasPassword || st.ID == "password"
			switch st.Kind {
			case KindSparekey:
				if st.Action == ActionNone || !strings.HasPrefix(st.Command, "sparekey ") {
					t.Errorf("%s/%s: a Sparekey step needs an action and its command", g.ID, st.ID)
				}
			case KindMessage:
				if st.Message == nil || st.Message.Body == "" || st.Message.To == "" {
					t.Errorf("%s/%s: a message step without a message", g.ID, st.ID)
				}
			case KindPerson:
				if st.Action != ActionNone {
					t.Errorf("%s/%s: a person step with a Sparekey action", g.ID, st.ID)
				}
			default:
				t.Errorf("%s/%s: kind %q", g.ID, st.ID, st.Kind)
			}
			// Root MFA is console-only: no root leaf may send an API chore.
			if who == Root && apiOnly[st.Action] {
				t.Errorf("%s/%s: root leaf offers %s, which AWS refuses for root", g.ID, st.ID, st.Action)
			}
			// 'resync NAME' needs a seed Sparekey holds.
			if st.Action == ActionResync && !strings.Contains(g.ID, "/"+string(HeldBySparekey)) {
				t.Errorf("%s/%s: resync by name offered for a device whose seed Sparekey lacks", g.ID, st.ID)
			}
			for _, b := range st.IfCant {
				if b.Goto != "" && !ids[b.Goto] {
					t.Errorf("%s/%s: \"what if\" leads to unknown guide %s", g.ID, st.ID, b.Goto)
				}
				if b.Problem == "" || b.Then == "" {
					t.Errorf("%s/%s: empty branch", g.ID, st.ID)
				}
			}
		}
		// A missing device may be in someone's hands along with the password.
		if (s == Lost || s == Stolen) && !hasPassword && !strings.HasSuffix(g.ID, "/passkey") {
			t.Errorf("%s: no password change after a missing device", g.ID)
		}
		if (s == Lost || s == Stolen) && strings.HasSuffix(g.ID, "/passkey") && !hasPassword {
			t.Errorf("%s: no password change", g.ID)
		}
		deviceBack := strings.HasSuffix(g.ID, "/passkey") || (strings.HasSuffix(g.ID, "/kept-seed") && s != Lost && s != Stolen)
		if who == Root && s != Planning && s != OutOfSync && !deviceBack && !stepIDs["two-codes"] {
			t.Errorf("%s: a recovered root must assign a new device (two codes)", g.ID)
		}
	}
}

// TestLabelsAreTheReferences checks every console label a leaf names
// against the reference and the source documents: a label AWS never showed
// sends a stressed person looking for a button that is not there.
func TestLabelsAreTheReferences(t *testing.T) {
	shared := filepath.Join(testenv.RepoRoot(), "..", "shared")
	var corpus strings.Builder
	for _, pattern := range []string{"reference/recovery.md", "seeds/*"} {
		files, _ := filepath.Glob(filepath.Join(shared, pattern))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err == nil {
				corpus.Write(b)
			}
		}
	}
	if corpus.Len() == 0 {
		t.Skip("../shared/reference and ../shared/seeds are not beside the repository")
	}
	norm := func(s string) string {
		s = strings.ReplaceAll(s, `\`, "")
		s = strings.ReplaceAll(s, "’", "'")
		return strings.ToLower(regexp.MustCompile(`\s+`).ReplaceAllString(s, " "))
	}
	text := norm(corpus.String())
	for _, g := range Leaves() {
		for _, st := range g.Steps {
			for _, l := range st.Labels {
				if !strings.Contains(text, norm(l)) {
					t.Errorf("%s/%s: label %q is in no reference", g.ID, st.ID, l)
				}
			}
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name    string
		answers Answers
		wantID  string
		wantErr error
	}{
		{"root single phone", Answers{"situation": "lost", "who": "root", "device": "phone", "email_phone": "both"}, "lost/root/phone", nil},
		{"root without email", Answers{"situation": "lost", "who": "root", "device": "phone", "email_phone": "no-email"}, "lost/root/phone/support", nil},
		{"root wrong phone", Answers{"situation": "broken", "who": "root", "device": "hardware", "email_phone": "phone-outdated"}, "broken/root/hardware/phone-outdated", nil},
		{"org member root", Answers{"situation": "lost", "who": "root", "device": "fido", "org_root": "yes"}, "lost/root/fido/org-central", nil},
		{"kept seed", Answers{"situation": "app-wiped", "who": "iam-user", "device": "phone", "kept_seed": "yes"}, "app-wiped/iam-user/phone/kept-seed", nil},
		{"spare keys", Answers{"situation": "lost", "who": "iam-user", "device": "phone", "admin": "spare-keys"}, "lost/iam-user/phone/spare-keys", nil},
		{"only admin", Answers{"situation": "lost", "who": "iam-user", "device": "hardware", "admin": "none"}, "lost/iam-user/hardware/no-admin", nil},
		{"yes/no unanswered is no", Answers{"situation": "lost", "who": "iam-user", "device": "phone"}, "lost/iam-user/phone", nil},
		{"email/phone is never assumed", Answers{"situation": "lost", "who": "root", "device": "phone"}, "", &MissingAnswerError{}},
		{"unknown answer", Answers{"situation": "misplaced", "who": "root"}, "", ErrUnknownAnswer},
		{"unknown question", Answers{"situation": "lost", "colour": "blue"}, "", ErrUnknownAnswer},
		{"old yes/no for email", Answers{"situation": "lost", "who": "root", "device": "phone", "email_phone": "yes"}, "", ErrUnknownAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := Resolve(tt.answers)
			var missing *MissingAnswerError
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatal(err)
			case tt.wantErr == ErrUnknownAnswer && !errors.Is(err, ErrUnknownAnswer):
				t.Fatalf("want ErrUnknownAnswer, got %v", err)
			case tt.wantErr != nil && tt.wantErr != ErrUnknownAnswer && !errors.As(err, &missing):
				t.Fatalf("want a missing answer, got %v", err)
			}
			if g.ID != tt.wantID {
				t.Errorf("leaf %q, want %q", g.ID, tt.wantID)
			}
		})
	}
}

func TestUnknownAnswersAreNamed(t *testing.T) {
	_, err := For("misplaced", "cat", "abacus", Facts{})
	if !errors.Is(err, ErrUnknownAnswer) {
		t.Fatalf("accepted unknown answers: %v", err)
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
		if !strings.HasPrefix(q.Flag, "--") {
			t.Errorf("question %s has no flag", q.Key)
		}
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

func TestBindingFill(t *testing.T) {
	b := Binding{AccountID: "123456789012", UserName: "alice", Serial: "arn:aws:iam::123456789012:mfa/alice"}
	got := b.Fill("sparekey aws remove --user USER --serial SERIAL in ACCOUNT_ID for NAME")
	want := "sparekey aws remove --user alice --serial arn:aws:iam::123456789012:mfa/alice in 123456789012 for NAME"
	if got != want {
		t.Errorf("Fill = %q", got)
	}
}

func ExampleFor() {
	g, _ := For(Lost, Root, PhoneApp, Facts{})
	fmt.Println(g.Title)
	st, _ := g.Step("alternative-factors")
	fmt.Println(st.Where)
	fmt.Println(st.IfCant[0].Problem)
	// Output:
	// Root user: sign in with alternative factors, then assign a new device
	// "Sign In Using Alternative Factors of Authentication" › "Sign in using alternative factors".
	// It says "Authentication failed"
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
		for _, b := range st.IfCant {
			texts = append(texts, b.Problem, b.Then)
		}
		if st.Message != nil {
			texts = append(texts, st.Message.Subject, st.Message.Body)
		}
	}
	for _, text := range texts {
		if i := strings.IndexAny(text, misdrawn); i >= 0 {
			t.Errorf("%s: %q draws badly in the window: use › for paths", g.ID, text[max(0, i-20):min(len(text), i+20)])
		}
	}
}

// FuzzResolve: whatever answers arrive (flags, a run file, the window),
// Resolve returns a leaf the tree has or an error, never a panic.
func FuzzResolve(f *testing.F) {
	f.Add("lost", "root", "phone", "", "", "both", "")
	f.Add("out-of-sync", "iam-user", "fido", "", "", "", "")
	f.Add("stolen", "iam-user", "phone", "no", "yes", "", "spare-keys")
	f.Add("planning", "admin", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, s, who, dev, other, kept, email, admin string) {
		a := Answers{"situation": s, "who": who, "device": dev, "other_device": other, "kept_seed": kept, "email_phone": email, "admin": admin}
		g, err := Resolve(a)
		if err != nil {
			return
		}
		if _, ok := Lookup(g.ID); !ok {
			t.Fatalf("resolved to %s, which Leaves does not list", g.ID)
		}
	})
}

func BenchmarkLookup(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, ok := Lookup("lost/root/phone/support"); !ok {
			b.Fatal("not found")
		}
	}
}

func TestBindingWith(t *testing.T) {
	known := Binding{AccountID: "123456789012", UserName: "alice", Serial: "arn:aws:iam::123456789012:mfa/alice"}
	tests := []struct {
		name string
		over Binding
		want Binding
	}{
		{"nothing given keeps all", Binding{}, known},
		{"blank is not a value", Binding{UserName: "  "}, known},
		{"a given field replaces, trimmed", Binding{UserName: " bob ", BackupFile: "b.age"},
			Binding{AccountID: "123456789012", UserName: "bob", Serial: known.Serial, BackupFile: "b.age"}},
		{"every field", Binding{AccountID: "2", UserName: "u", Serial: "s", AccountName: "a", BackupFile: "f", Profile: "p"},
			Binding{AccountID: "2", UserName: "u", Serial: "s", AccountName: "a", BackupFile: "f", Profile: "p"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := known.With(tc.over); got != tc.want {
				t.Errorf("With(%+v) = %+v, want %+v", tc.over, got, tc.want)
			}
		})
	}
}
