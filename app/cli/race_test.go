package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportPromptRacesAnAdd answers an import's "Add N new accounts?"
// only after another terminal has added an account meanwhile. The import
// re-plans against the vault as it is when the person answers: an
// unrelated addition is kept, and one the import also carries is not added
// twice, with the new preview shown and asked about again.
func TestImportPromptRacesAnAdd(t *testing.T) {
	const (
		uriA = "otpauth://totp/Alpha:a@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Alpha"
		uriB = "otpauth://totp/Beta:b@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Beta"
		uriC = "otpauth://totp/Gamma:c@example.com?secret=MZXW6YTBOI&issuer=Gamma"
	)
	for _, tc := range []struct {
		name      string
		meanwhile string // added by another process while the prompt waits
		prompts   []string
		want      []string
		notice    bool // the import says the vault changed
	}{
		{"unrelated add is kept", uriC, []string{"Add 2 new accounts?"}, []string{"Alpha", "Beta", "Gamma"}, false},
		{"overlapping add is not doubled", uriA, []string{"Add 2 new accounts?", "Add 1 new account?"}, []string{"Alpha", "Beta"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			h := newCLIHome(t, cleanEnv("HOME="+tmp, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(tmp, "no-bus")))
			pass := filepath.Join(tmp, "pass")
			os.WriteFile(pass, []byte("correct horse battery\n"), 0o600)
			h.env = append(h.env, "SPAREKEY_PASSPHRASE_FILE="+pass)
			h.ok("", "--no-keyring", "init", "--passphrase")
			file := filepath.Join(tmp, "export.txt")
			os.WriteFile(file, []byte(uriA+"\n"+uriB+"\n"), 0o600)

			added := false
			h.beforeAnswer = func(string) {
				if !added {
					added = true
					h.ok(tc.meanwhile+"\n", "add", "-")
				}
			}
			answers := make([]string, len(tc.prompts))
			for i := range answers {
				answers[i] = "y"
			}
			screen, code := h.runOnTerminal(answers, tc.prompts, "import", file)
			if code != 0 {
				t.Fatalf("import: exit %d\n%s", code, screen)
			}
			if got := strings.Contains(screen, "changed by another program"); got != tc.notice {
				t.Errorf("notice of the change shown = %v, want %v:\n%s", got, tc.notice, screen)
			}
			list := h.ok("", "list")
			for _, want := range tc.want {
				if strings.Count(list, want) != 1 {
					t.Errorf("%s is listed %d times, want once:\n%s", want, strings.Count(list, want), list)
				}
			}
		})
	}
}
