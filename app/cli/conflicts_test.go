package cli

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// twoComputers is one passphrase-mode vault as two computers hold it after
// a sync tool copied it: here (the coreEnv's vault) and there (a copy in
// another folder, reached with --vault). comeBack puts there's version
// beside here's under a sync tool's conflict-copy name.
type twoComputers struct {
	*coreEnv
	there string
}

func newTwoComputers(t *testing.T, uris ...string) *twoComputers {
	t.Helper()
	c := newCoreEnv(t)
	c.e.passphraseHook = func() ([]byte, error) { return []byte("correct horse"), nil }
	c.ok(nil, "init", "--passphrase")
	for _, u := range uris {
		c.ok(strings.NewReader(u+"\n"), "add", "-")
	}
	tc := &twoComputers{coreEnv: c, there: filepath.Join(t.TempDir(), "vault.age")}
	for _, suffix := range []string{"", ".key", ".mode"} {
		data, err := os.ReadFile(c.vault + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(tc.there+suffix, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return tc
}

func (tc *twoComputers) onThere(stdin io.Reader, args ...string) string {
	tc.t.Helper()
	return tc.ok(stdin, append([]string{"--vault", tc.there}, args...)...)
}

func (tc *twoComputers) comeBack(name string) string {
	tc.t.Helper()
	p := filepath.Join(filepath.Dir(tc.vault), name)
	if err := os.Rename(tc.there, p); err != nil {
		tc.t.Fatal(err)
	}
	return p
}

func (tc *twoComputers) labels() []string {
	tc.t.Helper()
	var views []accountView
	if err := json.Unmarshal([]byte(tc.ok(nil, "list", "--json")), &views); err != nil {
		tc.t.Fatal(err)
	}
	var out []string
	for _, v := range views {
		out = append(out, v.Issuer)
	}
	slices.Sort(out)
	return out
}

const (
	hotpURI = "otpauth://hotp/Counter:me?secret=JBSWY3DPEHPK3PXP&issuer=Counter&counter=0"
	bothURI = "otpauth://totp/Both:me?secret=GEZDGNBVGY3TQOJQ&issuer=Both"
	goneURI = "otpauth://totp/Gone:me?secret=MZXW6YTBOI&issuer=Gone"
)

// TestConflictsMerge: for each sync tool's naming, the list says what a
// merge would do and every other command points at it; the merge takes the
// union, the higher HOTP counter and the deletion, and removes the copy.
func TestConflictsMerge(t *testing.T) {
	for _, tc := range []struct{ tool, name string }{
		{"Syncthing", "vault.sync-conflict-20261128-101530-ABCDEF7.age"},
		{"Dropbox or Nextcloud", "vault (Alice's conflicted copy 2026-11-28).age"},
		{"Dropbox or Nextcloud", "vault (conflicted copy 2026-11-28 101530).age"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTwoComputers(t, hotpURI, bothURI, goneURI)
			c.onThere(nil, "remove", "--yes", "Gone")
			c.onThere(strings.NewReader("otpauth://totp/There:me?secret=ONSWG4TFOQ&issuer=There\n"), "add", "-")
			for range 3 {
				c.onThere(nil, "code", "Counter")
			}
			c.ok(strings.NewReader("otpauth://totp/Here:me?secret=MFRGGZDFMZTWQ2LK&issuer=Here\n"), "add", "-")
			c.ok(nil, "code", "Counter")
			copyPath := c.comeBack(tc.name)

			_, errOut, _ := c.run(nil, "list")
			if !strings.Contains(errOut, "1 conflict copy") || !strings.Contains(errOut, "sparekey conflicts merge") {
				t.Errorf("list did not point at the conflict copy: %q", errOut)
			}
			out, errOut, code := c.run(nil, "conflicts")
			for _, want := range []string{tc.tool, "added          There (me)", "stays deleted  Gone (me)", "HOTP counter 1 here, 3 there", "sparekey conflicts merge"} {
				if !strings.Contains(out, want) {
					t.Errorf("conflicts: %q does not say %q", out, want)
				}
			}
			if code != 0 || strings.Contains(errOut, "Note:") {
				t.Errorf("conflicts: exit %d, stderr %q (the hint is for other commands)", code, errOut)
			}
			if _, err := os.Stat(copyPath); err != nil {
				t.Fatalf("listing touched the copy: %v", err)
			}

			out = c.ok(nil, "conflicts", "merge")
			if !strings.Contains(out, "The copy is removed") {
				t.Errorf("merge: %q", out)
			}
			if _, err := os.Stat(copyPath); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the merged copy is still there: %v", err)
			}
			if got, want := c.labels(), []string{"Both", "Counter", "Here", "There"}; !slices.Equal(got, want) {
				t.Errorf("accounts after the merge: %v, want %v", got, want)
			}
			// Codes 0..2 were spent there, 0 here: the next is code 3.
			if got, want := c.ok(nil, "code", "Counter"), oath(t, "--hotp", "--base32", "--counter=3", "JBSWY3DPEHPK3PXP"); got != want[0]+"\n" {
				t.Errorf("next HOTP code = %q, want oathtool's code 3, %s", got, want)
			}
			if out, errOut, _ := c.run(nil, "conflicts"); !strings.Contains(out, "none") || errOut != "" {
				t.Errorf("after the merge: %q %q", out, errOut)
			}
		})
	}
}

// TestConflictsUndecided: two secrets under one name wait for the person;
// a script says so and keeps the copy, --keep-all and --drop-all decide,
// and on a terminal each is asked.
func TestConflictsUndecided(t *testing.T) {
	for _, tc := range []struct {
		how      string
		args     []string
		answer   string // typed on a pty; "" = no terminal
		exit     int
		twins    int
		copyLeft bool
	}{
		{how: "script", args: nil, exit: 1, twins: 1, copyLeft: true},
		{how: "keep-all", args: []string{"--keep-all"}, twins: 2},
		{how: "drop-all", args: []string{"--drop-all"}, twins: 1},
		{how: "answer keep", answer: "k\n", twins: 2},
		{how: "answer drop", answer: "what?\nd\n", twins: 1},
		{how: "answer leave", answer: "\n", exit: 1, twins: 1, copyLeft: true},
	} {
		t.Run(tc.how, func(t *testing.T) {
			c := newTwoComputers(t, bothURI)
			c.ok(strings.NewReader("otpauth://totp/Twin:me?secret=MZXW6YTBOI&issuer=Twin\n"), "add", "-")
			c.onThere(strings.NewReader("otpauth://totp/Twin:me?secret=ONSWG4TFOQ&issuer=Twin\n"), "add", "-")
			copyPath := c.comeBack("vault.sync-conflict-20261128-101530-ABCDEF7.age")

			var stdin io.Reader
			if tc.answer != "" {
				ptmx, tty, err := pty.Open()
				if err != nil {
					t.Skipf("no pty: %v", err)
				}
				defer ptmx.Close()
				defer tty.Close()
				ptmx.Write([]byte(tc.answer))
				stdin = tty
			}
			out, errOut, code := c.run(stdin, append([]string{"conflicts", "merge"}, tc.args...)...)
			if code != tc.exit {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tc.exit, out, errOut)
			}
			if tc.answer != "" && !strings.Contains(errOut, "different secrets under this name") {
				t.Errorf("the question did not say why: %q", errOut)
			}
			if tc.exit != 0 && !strings.Contains(errOut, "--keep-all") {
				t.Errorf("a script left undecided is not told what to do: %q", errOut)
			}
			if _, err := os.Stat(copyPath); (err == nil) != tc.copyLeft {
				t.Errorf("copy left: %v, want %v", err == nil, tc.copyLeft)
			}
			twins := 0
			for _, l := range c.labels() {
				if l == "Twin" {
					twins++
				}
			}
			if twins != tc.twins {
				t.Errorf("%d accounts named Twin, want %d", twins, tc.twins)
			}
		})
	}
}

func TestConflictsJSON(t *testing.T) {
	c := newTwoComputers(t, hotpURI)
	c.ok(strings.NewReader("otpauth://totp/Twin:me?secret=MZXW6YTBOI&issuer=Twin\n"), "add", "-")
	c.onThere(strings.NewReader("otpauth://totp/Twin:me?secret=ONSWG4TFOQ&issuer=Twin\n"), "add", "-")
	c.onThere(nil, "code", "Counter")
	copyPath := c.comeBack("vault (conflicted copy 2026-11-28 101530).age")
	var report conflictsReportJSON
	out, _, code := c.run(nil, "conflicts", "merge", "--json")
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if code != 1 || report.Undecided != 1 || len(report.Copies) != 1 || report.Copies[0].File != copyPath || report.Copies[0].Removed {
		t.Fatalf("exit %d, report %+v", code, report)
	}
	statuses := map[string]string{}
	for _, it := range report.Copies[0].Items {
		statuses[it.Issuer] = it.Status
		if it.Issuer == "Counter" && (it.Counter == nil || *it.Counter != 1) {
			t.Errorf("Counter item: %+v", it)
		}
	}
	if statuses["Counter"] != "updated" || statuses["Twin"] != "undecided" {
		t.Errorf("statuses %v", statuses)
	}
	if strings.Contains(out, "MZXW6YTBOI") || strings.Contains(out, "ONSWG4TFOQ") {
		t.Error("the report shows a secret")
	}
	out = c.ok(nil, "conflicts", "merge", "--json", "--keep-all")
	if err := json.Unmarshal([]byte(out), &report); err != nil || report.Undecided != 0 || !report.Copies[0].Removed {
		t.Errorf("--keep-all: %v %+v", err, report)
	}
	if _, errOut, code := c.run(nil, "conflicts", "merge", "--keep-all", "--drop-all"); code != 2 {
		t.Errorf("--keep-all with --drop-all: exit %d %q", code, errOut)
	}
}

// TestConflictsForeignCopy: a file named like a conflict copy that this
// vault's key cannot open is named, left as it is, and fails the merge.
func TestConflictsForeignCopy(t *testing.T) {
	c := newTwoComputers(t, bothURI)
	foreign := filepath.Join(filepath.Dir(c.vault), "vault (conflicted copy 2026-11-28).age")
	if err := os.WriteFile(foreign, []byte("age-encryption.org/v1\nnot really\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := c.run(nil, "conflicts", "merge")
	if code != 1 || !strings.Contains(out, "cannot be opened with this vault's key") || !strings.Contains(out, "move it out of this folder") ||
		!strings.Contains(errOut, "could not be merged") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	if data, err := os.ReadFile(foreign); err != nil || !strings.Contains(string(data), "not really") {
		t.Errorf("the foreign copy was touched: %v", err)
	}
	if got := c.labels(); !slices.Equal(got, []string{"Both"}) {
		t.Errorf("accounts: %v", got)
	}
}
