package vault

import (
	"strings"
	"testing"
)

// TestFieldWording checks that what a person typed wrong is named, in
// sentences that read well once app.Explain puts "The <field>" in front.
func TestFieldWording(t *testing.T) {
	tests := []struct {
		name string
		err  func() error
		want []string
		not  []string
	}{
		{"characters no key has", func() error { _, err := NormalizeSecret("NOT*BASE32!"); return err },
			[]string{`'*', '!'`, "A–Z", "2–7"}, []string{"characters cannot encode"}},
		{"misread digits", func() error { _, err := NormalizeSecret("JBSWY3DPEHPK3PX1"); return err },
			[]string{`'1'`, "letters O, I and B"}, nil},
		{"each character once, at most five", func() error { _, err := NormalizeSecret("ab!!!cd**##$$%%^^&&"); return err },
			[]string{`'!', '*', '#', '$', '%' and more`}, nil},
		{"a character missing", func() error { _, err := NormalizeSecret("JBSWY3DPEHPK3PXPA"); return err },
			[]string{"missing or extra"}, nil},
		{"digits", func() error { _, err := ParseURI("otpauth://totp/X:y?secret=JBSWY3DPEHPK3PXP&digits=12"); return err },
			[]string{"digits: must be", "not 12"}, []string{"out of range"}},
		{"digits of an account", func() error {
			_, err := NewAccount(Account{Issuer: "X", Secret: "JBSWY3DPEHPK3PXP", Digits: 12})
			return err
		},
			[]string{"must be", "not 12"}, []string{"out of range"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(err.Error(), n) {
					t.Errorf("%q still says %q", err, n)
				}
			}
		})
	}
}
