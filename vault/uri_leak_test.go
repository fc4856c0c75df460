package vault

import (
	"strings"
	"testing"
)

// Malformed links can put the secret where the parser quotes a value; no
// error may carry it, whichever field it lands in.
func TestURIErrorsNeverQuoteAMisplacedSecret(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DP"
	for _, uri := range []string{
		"otpauth://secret=" + secret,
		"otpauth://" + secret + "/x?secret=JBSWY3DPEHPK3PXP",
		"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=" + secret,
		"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=" + secret,
		"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=" + secret,
		"otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=" + secret,
	} {
		_, err := ParseURI(uri)
		if err == nil {
			t.Fatalf("%s: accepted", uri)
		}
		if strings.Contains(err.Error(), secret[:12]) {
			t.Errorf("%s: error quotes the secret: %v", uri, err)
		}
	}
}
