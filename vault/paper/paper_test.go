package paper

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
)

func accounts(t *testing.T, n int) []*vault.Account {
	t.Helper()
	var out []*vault.Account
	add := func(a vault.Account) {
		acct, err := vault.NewAccount(a)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, acct)
	}
	add(vault.Account{Issuer: "Amazon Web Services", Name: "alice@123456789012", Secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
		AWS: &vault.AWSBinding{AccountID: "123456789012", UserName: "alice", SerialNumber: "arn:aws:iam::123456789012:mfa/alice"}})
	add(vault.Account{Issuer: "Counter Co", Name: "bob", Secret: "JBSWY3DPEHPK3PXP", Kind: vault.KindHOTP, Counter: 7, Algorithm: vault.SHA256, Digits: 8})
	add(vault.Account{Issuer: "Steam", Name: "gamer", Secret: "MFRGGZDFMZTWQ2LK", Kind: vault.KindSteam})
	add(vault.Account{Issuer: "Café & Co", Name: "名前 ünïcode", Secret: "ORSXG5DTMVRXEZLU", Algorithm: vault.SHA512, Period: 60})
	for i := len(out); i < n; i++ {
		add(vault.Account{Issuer: fmt.Sprintf("Service %d", i), Name: fmt.Sprintf("user%d@example.com", i), Secret: vault.SecretFromBytes(fmt.Appendf(nil, "paper-seed-%04d!", i))})
	}
	return out
}

func TestPaperBackupScansBack(t *testing.T) {
	pdftoppm := testenv.Tool(t, "pdftoppm")
	zbarimg := testenv.Tool(t, "zbarimg")
	for _, page := range []Page{A4, Letter} {
		t.Run(string(page), func(t *testing.T) {
			dir := t.TempDir()
			want := accounts(t, 9) // more than one page
			pdfPath := filepath.Join(dir, "paper.pdf")
			var progress []int64
			err := WriteFile(pdfPath, want, Options{Page: page, Date: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC),
				Progress: func(p backup.Progress) { progress = append(progress, p.Done) }})
			if err != nil {
				t.Fatal(err)
			}
			if info, _ := os.Stat(pdfPath); info.Mode().Perm() != 0o600 {
				t.Errorf("mode %v", info.Mode())
			}
			if len(progress) != len(want) {
				t.Errorf("progress reports = %v", progress)
			}
			if out, err := exec.Command(pdftoppm, "-r", "150", "-png", pdfPath, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
			if len(pages) < 2 {
				t.Fatalf("rendered %d pages", len(pages))
			}
			var uris []string
			for _, png := range pages {
				out, err := exec.Command(zbarimg, "--raw", "-q", png).Output()
				if err != nil {
					t.Fatalf("zbarimg %s: %v", filepath.Base(png), err)
				}
				for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
					if line != "" {
						uris = append(uris, line)
					}
				}
			}
			if len(uris) != len(want) {
				t.Fatalf("scanned %d QR codes, want %d", len(uris), len(want))
			}
			now := time.Now()
			for _, w := range want {
				i := slices.IndexFunc(uris, func(u string) bool {
					a, err := vault.ParseURI(u)
					return err == nil && a.SameSeed(w) && a.Issuer == w.Issuer && a.Name == w.Name && a.Counter == w.Counter
				})
				if i < 0 {
					t.Errorf("%s: no scanned QR gives this account", w.Label())
					continue
				}
				got, _ := vault.ParseURI(uris[i])
				gc, _ := got.CodeAt(now)
				wc, _ := w.CodeAt(now)
				if gc != wc {
					t.Errorf("%s: scanned code %s, want %s", w.Label(), gc, wc)
				}
			}
		})
	}
}

func TestGroupSecret(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "",
		"JBSW":             "JBSW",
		"JBSWY3DPEHPK3PXP": "JBSW Y3DP EHPK 3PXP",
		"JBSWY3DPE":        "JBSW Y3DP E",
	} {
		if got := GroupSecret(in); got != want {
			t.Errorf("GroupSecret(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderBasics(t *testing.T) {
	if err := Render(&bytes.Buffer{}, nil, Options{}); err != ErrNothingToPrint {
		t.Errorf("empty selection: %v", err)
	}
	var buf bytes.Buffer
	if err := Render(&buf, accounts(t, 1), Options{Page: Letter}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Error("not a PDF")
	}
	if _, err := ParsePage("legal"); err == nil {
		t.Error("legal accepted")
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "no", "such", "dir.pdf"), accounts(t, 1), Options{}); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}
