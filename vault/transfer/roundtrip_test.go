package transfer_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/transfer"
	"github.com/sparekey/sparekey/vault/transfer/qr"
)

// decorated returns the seven reference accounts with the details exports
// must carry too: tags, notes, favourites, odd characters in labels.
func decorated(t testing.TB) []*vault.Account {
	t.Helper()
	var out []*vault.Account
	for i, ref := range allSeven {
		ref.Tags = [][]string{{"work"}, {"work", "cloud"}, nil, {"bank"}, nil, {"cloud"}, {"games"}}[i]
		ref.Note = [...]string{"", "recovery codes in the safe", "", "", "line1\nline2", "", ""}[i]
		ref.Favorite = i%3 == 0
		if i == 4 {
			ref.Name = "Benjamin & Co: ünïcødé/?#%"
		}
		a, err := vault.NewAccount(ref)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// sameAccounts compares what an export carries (not IDs or timestamps).
func sameAccounts(t *testing.T, got, want []*vault.Account, details bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d accounts, want %d", len(got), len(want))
	}
	for _, w := range want {
		i := slices.IndexFunc(got, func(g *vault.Account) bool { return g.SameSeed(w) })
		if i < 0 {
			t.Errorf("%s: lost in the round trip", w.Label())
			continue
		}
		g := got[i]
		if g.Issuer != w.Issuer || g.Name != w.Name || g.Counter != w.Counter {
			t.Errorf("%s: came back as %s counter %d", w.Label(), g.Label(), g.Counter)
		}
		if details && (!slices.Equal(g.Tags, w.Tags) || g.Note != w.Note || g.Favorite != w.Favorite) {
			t.Errorf("%s: details %v %q %v, want %v %q %v", w.Label(), g.Tags, g.Note, g.Favorite, w.Tags, w.Note, w.Favorite)
		}
		gc, _ := g.CodeAt(fixedTime)
		wc, _ := w.CodeAt(fixedTime)
		if gc != wc {
			t.Errorf("%s: code %s, want %s", w.Label(), gc, wc)
		}
	}
}

func TestRoundTripURIs(t *testing.T) {
	accts := decorated(t)
	var buf bytes.Buffer
	if err := transfer.ExportURIs(&buf, accts); err != nil {
		t.Fatal(err)
	}
	res, err := transfer.ImportBytes("export.txt", buf.Bytes(), transfer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != transfer.FormatURIList || len(res.Skipped) != 0 {
		t.Errorf("%s, skipped %v", res.Format, res.Skipped)
	}
	sameAccounts(t, res.Accounts, accts, false) // otpauth links carry no tags or notes
}

func TestRoundTripAegis(t *testing.T) {
	accts := decorated(t)
	var buf bytes.Buffer
	if err := transfer.ExportAegis(&buf, accts); err != nil {
		t.Fatal(err)
	}
	res, err := transfer.ImportBytes("aegis-export.json", buf.Bytes(), transfer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != transfer.FormatAegis || res.Encrypted || len(res.Skipped) != 0 {
		t.Errorf("%s encrypted=%v, skipped %v", res.Format, res.Encrypted, res.Skipped)
	}
	sameAccounts(t, res.Accounts, accts, true)
}

func TestRoundTripGoogleQR(t *testing.T) {
	zbarimg := testenv.Tool(t, "zbarimg")
	accts := decorated(t)
	// 23 more accounts make three codes of at most ten.
	for i := range 23 {
		a, err := vault.NewAccount(vault.Account{Issuer: fmt.Sprintf("Site %02d", i), Name: "user@example.com",
			Secret: vault.SecretFromBytes([]byte(fmt.Sprintf("secret-number-%02d!!", i))), Algorithm: vault.SHA256, Digits: 8})
		if err != nil {
			t.Fatal(err)
		}
		accts = append(accts, a)
	}
	exp, err := transfer.GoogleMigration(accts, 0)
	if err != nil {
		t.Fatal(err)
	}
	// SPDX (7 digits, 20 s), Airbnb (50 s), Air Canada (7 digits) and Boeing (Steam) cannot go.
	var left []string
	for _, p := range exp.NotExportable {
		left = append(left, p.Entry+": "+p.Reason)
	}
	wantLeft := []string{"account 2 (SPDX / James): has a 20-second period", "account 3 (Airbnb / Elijah): has a 50-second period",
		"account 5 (Air Canada / Benjamin & Co: ünïcødé/?#%): has 7-digit codes", "account 7 (Boeing / Sophia): is a Steam account"}
	if len(left) != len(wantLeft) {
		t.Fatalf("not exportable: %q", left)
	}
	for i := range left {
		if !strings.HasPrefix(left[i], wantLeft[i]) {
			t.Errorf("not exportable %d: %q, want %q…", i, left[i], wantLeft[i])
		}
	}
	var exportable []*vault.Account
	for _, a := range accts {
		if a.Issuer != "SPDX" && a.Issuer != "Airbnb" && a.Issuer != "Air Canada" && a.Issuer != "Boeing" {
			exportable = append(exportable, a)
		}
	}
	if len(exp.URIs) != 3 {
		t.Fatalf("%d codes for %d accounts, want 3", len(exp.URIs), len(exportable))
	}

	dir := t.TempDir()
	var results []*transfer.Result
	for i, uri := range exp.URIs {
		png, err := qr.EncodePNG(uri, 0)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("code-%d.png", i+1))
		if err := os.WriteFile(path, png, 0o600); err != nil {
			t.Fatal(err)
		}
		// An independent decoder reads the same link.
		out, err := exec.Command(zbarimg, "--raw", "-q", path).Output()
		if err != nil || strings.TrimSpace(string(out)) != uri {
			t.Errorf("zbarimg on code %d: %v; got %d bytes, want the link", i+1, err, len(out))
		}
		res, err := transfer.ImportFile(path, transfer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	all := transfer.Combine(results...)
	if len(all.MissingBatchParts) != 0 || len(all.Skipped) != 0 {
		t.Errorf("missing %v, skipped %v", all.MissingBatchParts, all.Skipped)
	}
	sameAccounts(t, all.Accounts, exportable, false)

	// Reading only two of the three codes says which one is missing.
	partial := transfer.Combine(results[0], results[2])
	if len(partial.MissingBatchParts) != 1 || !slices.Equal(partial.MissingBatchParts[0].Missing, []int{1}) {
		t.Errorf("two of three: missing %v", partial.MissingBatchParts)
	}
}

// BenchmarkImportAegis10000 imports a 10,000-entry plain Aegis vault.
func BenchmarkImportAegis10000(b *testing.B) {
	var accts []*vault.Account
	for i := range 10000 {
		a, err := vault.NewAccount(vault.Account{Issuer: fmt.Sprintf("Issuer %d", i), Name: "user@example.com",
			Secret: vault.SecretFromBytes([]byte(fmt.Sprintf("bench-secret-%08d", i))), Tags: []string{fmt.Sprintf("group %d", i%20)}})
		if err != nil {
			b.Fatal(err)
		}
		accts = append(accts, a)
	}
	var buf bytes.Buffer
	if err := transfer.ExportAegis(&buf, accts); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		res, err := transfer.ImportBytes("bench.json", data, transfer.Options{})
		if err != nil || len(res.Accounts) != 10000 {
			b.Fatalf("%v, %d accounts", err, len(res.Accounts))
		}
	}
}
