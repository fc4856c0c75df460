package transfer_test

import (
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/transfer"
)

// fixedTime is when codes are compared: any instant works, a fixed one
// makes failures reproducible.
var fixedTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// The seven reference accounts of the interop README.
var (
	deno      = vault.Account{Issuer: "Deno", Name: "Mason", Secret: "4SJHB4GSD43FZBAI7C2HLRJGPQ", Kind: vault.KindTOTP, Algorithm: vault.SHA1, Digits: 6, Period: 30}
	spdx      = vault.Account{Issuer: "SPDX", Name: "James", Secret: "5OM4WOOGPLQEF6UGN3CPEOOLWU", Kind: vault.KindTOTP, Algorithm: vault.SHA256, Digits: 7, Period: 20}
	airbnb    = vault.Account{Issuer: "Airbnb", Name: "Elijah", Secret: "7ELGJSGXNCCTV3O6LKJWYFV2RA", Kind: vault.KindTOTP, Algorithm: vault.SHA512, Digits: 8, Period: 50}
	issuu     = vault.Account{Issuer: "Issuu", Name: "James", Secret: "YOOMIXWS5GN6RTBPUFFWKTW5M4", Kind: vault.KindHOTP, Algorithm: vault.SHA1, Digits: 6, Counter: 1}
	airCanada = vault.Account{Issuer: "Air Canada", Name: "Benjamin", Secret: "KUVJJOM753IHTNDSZVCNKL7GII", Kind: vault.KindHOTP, Algorithm: vault.SHA256, Digits: 7, Counter: 50}
	wwe       = vault.Account{Issuer: "WWE", Name: "Mason", Secret: "5VAML3X35THCEBVRLV24CGBKOY", Kind: vault.KindHOTP, Algorithm: vault.SHA512, Digits: 8, Counter: 10300}
	boeing    = vault.Account{Issuer: "Boeing", Name: "Sophia", Secret: "JRZCL47CMXVOQMNPZR2F7J4RGI", Kind: vault.KindSteam, Algorithm: vault.SHA1, Digits: 5, Period: 30}

	allSeven = []vault.Account{deno, spdx, airbnb, issuu, airCanada, wwe, boeing}
)

// with returns a copy of a reference account with some settings changed
// (Google Authenticator has no period and no 7 digits; Bitwarden keeps its
// own item names).
func with(a vault.Account, change func(*vault.Account)) vault.Account {
	change(&a)
	return a
}

func TestFixturesImportReferenceAccounts(t *testing.T) {
	googleAirbnb := with(airbnb, func(a *vault.Account) { a.Period = 30 })
	googleSPDX := with(spdx, func(a *vault.Account) { a.Digits, a.Period = 6, 30 })
	bitwardenSteam := with(boeing, func(a *vault.Account) { a.Issuer, a.Name = "Test Steam", "" })
	cases := []struct {
		file      string
		password  string
		format    transfer.Format
		encrypted bool
		want      []vault.Account
		missing   int // Google batch parts reported missing
	}{
		{"plain.txt", "", transfer.FormatURIList, false, allSeven, 0},
		{"aegis_plain.json", "", transfer.FormatAegis, false, allSeven, 0},
		{"aegis_encrypted.json", "test", transfer.FormatAegis, true, allSeven, 0},
		{"2fas_authenticator_plain_v4.2fas", "", transfer.FormatTwoFAS, false, []vault.Account{deno, issuu, airCanada, wwe, boeing}, 0},
		{"2fas_authenticator_encrypted_v4.2fas", "test", transfer.FormatTwoFAS, true, []vault.Account{deno, issuu, airCanada, wwe, boeing}, 0},
		{"ente_auth.txt", "", transfer.FormatEnte, false, allSeven, 0},
		{"bitwarden.json", "", transfer.FormatBitwarden, false, []vault.Account{deno, spdx, airbnb, bitwardenSteam}, 0},
		// FreeOTP+ stores HOTP counters one lower (see freeotp.go); the
		// imported accounts must match the reference counters.
		{"freeotp_plus.json", "", transfer.FormatFreeOTPPlus, false, []vault.Account{wwe, airCanada, issuu, airbnb, spdx, deno}, 0},
		{"google_migration_1of2.txt", "", transfer.FormatGoogleMigration, false, []vault.Account{deno, googleAirbnb}, 1},
		{"google_migration_2of2.txt", "", transfer.FormatGoogleMigration, false, []vault.Account{issuu, googleSPDX}, 1},
		{"google_migration_1of2.png", "", transfer.FormatQRImage, false, []vault.Account{deno, googleAirbnb}, 1},
		{"google_migration_2of2.png", "", transfer.FormatQRImage, false, []vault.Account{issuu, googleSPDX}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			var opts transfer.Options
			asked := 0
			if tc.password != "" {
				opts.Password = func() ([]byte, error) { asked++; return []byte(tc.password), nil }
			}
			res, err := transfer.ImportFile(testenv.Fixture(t, tc.file), opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.Format != tc.format || res.Encrypted != tc.encrypted {
				t.Errorf("format %q encrypted %v, want %q %v", res.Format, res.Encrypted, tc.format, tc.encrypted)
			}
			if tc.password != "" && asked != 1 {
				t.Errorf("password asked %d times, want once", asked)
			}
			if len(res.Skipped) != 0 {
				t.Errorf("skipped: %v", res.Skipped)
			}
			if len(res.MissingBatchParts) != tc.missing {
				t.Errorf("missing batch parts %v, want %d", res.MissingBatchParts, tc.missing)
			}
			assertAccounts(t, res.Accounts, tc.want)
		})
	}
}

// assertAccounts checks that got holds exactly want (in any order), with
// the same labels, settings and codes at fixedTime (TOTP, Steam) or the
// current counter (HOTP).
func assertAccounts(t *testing.T, got []*vault.Account, want []vault.Account) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d accounts, want %d", len(got), len(want))
	}
	for _, w := range want {
		i := slices.IndexFunc(got, func(a *vault.Account) bool { return a.Secret == w.Secret })
		if i < 0 {
			t.Errorf("%s (%s): not imported", w.Issuer, w.Name)
			continue
		}
		g := got[i]
		if g.Issuer != w.Issuer || g.Name != w.Name || g.Kind != w.Kind || g.Algorithm != w.Algorithm ||
			g.Digits != w.Digits || g.Period != w.Period || g.Counter != w.Counter {
			t.Errorf("imported %s|%s|%s|%s|%d digits|%d s|counter %d\nwant     %s|%s|%s|%s|%d digits|%d s|counter %d",
				g.Issuer, g.Name, g.Kind, g.Algorithm, g.Digits, g.Period, g.Counter,
				w.Issuer, w.Name, w.Kind, w.Algorithm, w.Digits, w.Period, w.Counter)
		}
		ref, err := vault.NewAccount(w)
		if err != nil {
			t.Fatal(err)
		}
		gotCode, err1 := g.CodeAt(fixedTime)
		wantCode, err2 := ref.CodeAt(fixedTime)
		if err1 != nil || err2 != nil || gotCode != wantCode {
			t.Errorf("%s: code %q (%v), want %q (%v)", w.Issuer, gotCode, err1, wantCode, err2)
		}
	}
}

// TestReferenceCodesMatchOathtool cross-checks the codes the fixture test
// relies on against an independent implementation.
func TestReferenceCodesMatchOathtool(t *testing.T) {
	oathtool := testenv.Tool(t, "oathtool")
	googleSPDX := with(spdx, func(a *vault.Account) { a.Digits, a.Period = 6, 30 })
	for _, ref := range []vault.Account{deno, spdx, airbnb, issuu, googleSPDX} {
		a, err := vault.NewAccount(ref)
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.CodeAt(fixedTime)
		if err != nil {
			t.Fatal(err)
		}
		args := []string{"-b", "-d", strconv.Itoa(a.Digits)}
		if a.Kind == vault.KindHOTP {
			args = append(args, "--hotp", "-c", strconv.FormatUint(a.Counter, 10))
		} else {
			args = append(args, "--totp="+strings.ToLower(string(a.Algorithm)), "-s", strconv.Itoa(a.Period)+"s",
				"--now", fixedTime.Format("2006-01-02 15:04:05 UTC"))
		}
		out, err := exec.Command(oathtool, append(args, a.Secret)...).CombinedOutput()
		if err != nil {
			t.Fatalf("oathtool %v: %v\n%s", args, err, out)
		}
		if want := strings.TrimSpace(string(out)); got != want {
			t.Errorf("%s (%s): sparekey %s, oathtool %s", a.Issuer, a.Algorithm, got, want)
		}
	}
}

// TestFixtureQRPictures reads the AWS enrollment code from its own picture
// and from a whole-screen screenshot, and checks its codes with oathtool.
func TestFixtureQRPictures(t *testing.T) {
	var first *vault.Account
	for _, file := range []string{"aws_virtual_device.png", "screenshot_with_qr.png"} {
		res, err := transfer.ImportFile(testenv.Fixture(t, file), transfer.Options{})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if res.Format != transfer.FormatQRImage || len(res.Accounts) != 1 || len(res.Skipped) != 0 {
			t.Fatalf("%s: %s, %d accounts, skipped %v", file, res.Format, len(res.Accounts), res.Skipped)
		}
		a := res.Accounts[0]
		if a.Issuer != "Amazon Web Services" || a.Kind != vault.KindTOTP || len(a.Secret) != 64 {
			t.Errorf("%s: got %s (%s) %s with a %d-character secret", file, a.Issuer, a.Name, a.Kind, len(a.Secret))
		}
		if first == nil {
			first = a
		} else if !first.SameSeed(a) || first.Name != a.Name {
			t.Errorf("the screenshot holds a different account than the plain picture")
		}
	}
	oathtool := testenv.Tool(t, "oathtool")
	want, err := exec.Command(oathtool, "-b", "--totp", "--now", fixedTime.Format("2006-01-02 15:04:05 UTC"), first.Secret).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := first.CodeAt(fixedTime); got != strings.TrimSpace(string(want)) {
		t.Errorf("AWS device code %s, oathtool %s", got, want)
	}
}

func TestGoogleBatchesAcrossFiles(t *testing.T) {
	var results []*transfer.Result
	for _, f := range []string{"google_migration_1of2.png", "google_migration_2of2.txt"} {
		res, err := transfer.ImportFile(testenv.Fixture(t, f), transfer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	all := transfer.Combine(results...)
	if len(all.MissingBatchParts) != 0 || len(all.Accounts) != 4 || len(all.Batches) != 2 {
		t.Errorf("combined: %d accounts, batches %v, missing %v", len(all.Accounts), all.Batches, all.MissingBatchParts)
	}
	one := transfer.Combine(results[0])
	if len(one.MissingBatchParts) != 1 || !slices.Equal(one.MissingBatchParts[0].Missing, []int{1}) || one.MissingBatchParts[0].BatchID != 424242 {
		t.Fatalf("first part alone: missing %v", one.MissingBatchParts)
	}
	if msg := one.MissingBatchParts[0].String(); !strings.Contains(msg, "code 2 of 2") {
		t.Errorf("message %q does not say which code is missing", msg)
	}
}
