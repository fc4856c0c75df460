package transfer

import (
	"bytes"
	"errors"
	"image"
	"os"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
)

// The fuzz targets check what must hold for any input: no panic, every
// error names the file, every imported account is valid, and no account
// is both imported and reported as a problem.

func addFixtureSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		p := testenv.InteropDir() + "/" + n
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
}

func checkAccounts(t *testing.T, res *Result) {
	t.Helper()
	for _, a := range res.Accounts {
		if err := a.Validate(); err != nil {
			t.Fatalf("imported an invalid account %s: %v", a.Label(), err)
		}
		// Whatever another app wrote, nothing imported can drive a terminal.
		if vault.HasUnsafeText(a.Issuer) || vault.HasUnsafeText(a.Name) || vault.HasUnsafeText(strings.Join(a.Tags, "")) ||
			vault.HasUnsafeText(strings.NewReplacer("\n", "", "\t", "").Replace(a.Note)) {
			t.Fatalf("imported an unsafe rune: %q %q %q %q", a.Issuer, a.Name, a.Tags, a.Note)
		}
	}
	for _, p := range append(res.Skipped, res.Cleaned...) {
		if p.Entry == "" || p.Reason == "" {
			t.Fatalf("problem without entry or reason: %#v", p)
		}
		if vault.HasUnsafeText(p.Entry) {
			t.Fatalf("problem names an entry with an unsafe rune: %q", p.Entry)
		}
	}
}

// lowerScryptLimit keeps fuzzed scrypt parameters from taking the
// machine's memory; Aegis's own (N=2^15, r=8) still pass.
func lowerScryptLimit(f *testing.F) {
	old := maxScryptNR
	maxScryptNR = 1 << 18
	f.Cleanup(func() { maxScryptNR = old })
}

// bigPicture reports a picture over a megapixel. A few hundred bytes of
// PNG can declare tens of megapixels of blank; reading those is correct
// but slow, and would only stall the fuzzer (the size limits themselves
// are tested in package qr).
func bigPicture(data []byte) bool {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	return err == nil && cfg.Width*cfg.Height > 1<<20
}

func fuzzOptions() Options {
	return Options{Password: func() ([]byte, error) { return []byte("test"), nil }}
}

// fuzzReader runs one importer on its own, as Import would after Detect.
func fuzzReader(f *testing.F, read func(c *collector, data []byte) error) {
	lowerScryptLimit(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &collector{res: &Result{Source: "fuzz"}}
		if err := read(c, data); err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		checkAccounts(t, c.res)
	})
}

func FuzzImport(f *testing.F) {
	addFixtureSeeds(f, "plain.txt", "aegis_plain.json", "2fas_authenticator_plain_v4.2fas", "bitwarden.json", "freeotp_plus.json", "ente_auth.txt", "google_migration_1of2.txt")
	f.Add([]byte("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\n# c\n"))
	f.Add([]byte(`{"encrypted":true,"data":""}`))
	lowerScryptLimit(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if bigPicture(data) {
			t.Skip()
		}
		res, err := ImportBytes("fuzz-file", data, fuzzOptions())
		if err != nil {
			var te *Error
			if !errors.As(err, &te) || !strings.HasPrefix(err.Error(), "fuzz-file") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkAccounts(t, res)
	})
}

func FuzzDetect(f *testing.F) {
	addFixtureSeeds(f, "plain.txt", "aegis_plain.json", "2fas_authenticator_plain_v4.2fas", "bitwarden.json", "freeotp_plus.json", "ente_auth.txt", "google_migration_1of2.txt", "aws_virtual_device.png")
	f.Add([]byte("\xef\xbb\xbf  {\"tokens\": []}"))
	f.Add([]byte("# comment\notpauth-migration://offline?data=AA"))
	f.Fuzz(func(t *testing.T, data []byte) {
		format, err := Detect(data)
		if (err == nil) == (format == "") {
			t.Fatalf("format %q with error %v", format, err)
		}
	})
}

func FuzzURIList(f *testing.F) {
	addFixtureSeeds(f, "plain.txt")
	f.Add([]byte("otpauth://hotp/X:y?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615\n\notpauth://steam/S?secret=AB&digits=5"))
	f.Add([]byte("otpauth://totp/%zz?secret=A\notpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0"))
	fuzzReader(f, readURIList)
}

func FuzzEnte(f *testing.F) {
	addFixtureSeeds(f, "ente_auth.txt")
	f.Add([]byte(`otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&codeDisplay=%7B%22pinned%22%3Atrue%2C%22tags%22%3A%5B%22x%22%2C%22x%22%2C%22%20%22%5D%2C%22note%22%3A%22n%22%7D`))
	f.Add([]byte(`otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP&codeDisplay=%7B%22trashed%22%3Atrue%7D`))
	fuzzReader(f, readURIList)
}

func FuzzGoogleMigration(f *testing.F) {
	addFixtureSeeds(f, "google_migration_1of2.txt", "google_migration_2of2.txt")
	exp, _ := GoogleMigration([]*vault.Account{{Issuer: "I", Name: "n", Secret: "JBSWY3DPEHPK3PXP", Kind: vault.KindHOTP, Algorithm: vault.SHA512, Digits: 8, Counter: 3}}, 1)
	f.Add([]byte(exp.URIs[0]))
	f.Add([]byte("otpauth-migration://offline?data=CgA%3D"))
	fuzzReader(f, readURIList)
}

func FuzzAegis(f *testing.F) {
	addFixtureSeeds(f, "aegis_plain.json", "aegis_encrypted.json")
	f.Add([]byte(`{"header":{"slots":null},"db":{"entries":[{"type":"hotp","group":"g","groups":["x"],"info":{"secret":"JBSWY3DPEHPK3PXP","counter":1}}],"groups":[{"uuid":"x","name":"X"}]}}`))
	fuzzReader(f, func(c *collector, data []byte) error { return readAegis(c, data, fuzzOptions()) })
}

func FuzzTwoFAS(f *testing.F) {
	addFixtureSeeds(f, "2fas_authenticator_plain_v4.2fas", "2fas_authenticator_encrypted_v4.2fas")
	f.Add([]byte(`{"services":[{"name":"n","secret":"JBSWY3DPEHPK3PXP","groupId":"g","otp":{"label":"n:a","tokenType":"STEAM"}}],"groups":[{"id":"g","name":"G"}],"schemaVersion":1}`))
	fuzzReader(f, func(c *collector, data []byte) error { return readTwoFAS(c, data, fuzzOptions()) })
}

func FuzzBitwarden(f *testing.F) {
	addFixtureSeeds(f, "bitwarden.json")
	f.Add([]byte(`{"encrypted":false,"folders":[{"id":"f","name":"F"}],"items":[{"name":"n","folderId":"f","notes":"x","login":{"username":"u","totp":"steam://JBSWY3DPEHPK3PXP"}},{"login":{"totp":"JBSW Y3DP"}}]}`))
	fuzzReader(f, readBitwarden)
}

func FuzzFreeOTPPlus(f *testing.F) {
	addFixtureSeeds(f, "freeotp_plus.json")
	f.Add([]byte(`{"tokens":[{"type":"HOTP","counter":18446744073709551615,"secret":[-128,255,0]},{"type":"STEAM","secret":[1],"issuerInt":"S"}]}`))
	fuzzReader(f, readFreeOTPPlus)
}

func FuzzQRImage(f *testing.F) {
	addFixtureSeeds(f, "aws_virtual_device.png", "google_migration_1of2.png")
	f.Add([]byte("GIF89a"))
	fuzzReader(f, func(c *collector, data []byte) error {
		if bigPicture(data) {
			return nil
		}
		return readQRImage(c, data)
	})
}
