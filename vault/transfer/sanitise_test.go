package transfer

import (
	"strings"
	"testing"

	"github.com/sparekey/sparekey/vault"
)

// Names from another app pass through vault.CleanLabel: the account is
// imported without its control characters, the preview is told, and an
// entry refused for another reason is named without them too.
func TestImportCleansHostileNames(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		accounts   int
	}{
		{"uri list", "otpauth://totp/%1B%5B31mEvil%07:bob%0D%00%E2%80%AE?secret=JBSWY3DPEHPK3PXP&issuer=%1B%5B31mEvil%07\n" +
			"otpauth://totp/Good:alice?secret=GEZDGNBVGY3TQOJQ\n" +
			"otpauth://totp/%1B%5D0%3Bx%07Bad:eve?secret=1\n", 2},
		{"aegis", `{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":[` +
			`{"type":"totp","name":"bob\u001b[2J\u202e","issuer":"Evil\u0007","note":"a\nb\u001b","info":{"secret":"JBSWY3DPEHPK3PXP","algo":"SHA1","digits":6,"period":30}},` +
			`{"type":"totp","name":"alice","issuer":"Good","info":{"secret":"GEZDGNBVGY3TQOJQ","algo":"SHA1","digits":6,"period":30}}]}}`, 2},
		{"2fas", `{"schemaVersion":4,"services":[{"name":"Evil\u001b[0m","secret":"JBSWY3DPEHPK3PXP","otp":{"account":"bob\r","digits":6,"period":30,"algorithm":"SHA1","tokenType":"TOTP"}}]}`, 1},
	} {
		res, err := ImportBytes(tc.name, []byte(tc.data), Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(res.Accounts) != tc.accounts {
			t.Errorf("%s: %d accounts, want %d (skipped %v)", tc.name, len(res.Accounts), tc.accounts, res.Skipped)
		}
		for _, a := range res.Accounts {
			if vault.HasUnsafeText(a.Issuer) || vault.HasUnsafeText(a.Name) || vault.HasUnsafeText(strings.ReplaceAll(a.Note, "\n", "")) {
				t.Errorf("%s: kept an unsafe rune: %q %q %q", tc.name, a.Issuer, a.Name, a.Note)
			}
		}
		if len(res.Cleaned) != 1 || !strings.Contains(res.Cleaned[0].String(), "Evil") {
			t.Errorf("%s: cleaned = %v, want one note naming the Evil entry", tc.name, res.Cleaned)
		}
		for _, p := range append(res.Skipped, res.Cleaned...) {
			if vault.HasUnsafeText(p.String()) {
				t.Errorf("%s: problem text carries an unsafe rune: %q", tc.name, p)
			}
		}
	}
}
