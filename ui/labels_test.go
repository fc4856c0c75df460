package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/vault"
)

func TestShownLabelEscapes(t *testing.T) {
	a := &vault.Account{Issuer: "Pay\u202eLAP", Name: "bob\x07"}
	got := shownLabel(a)
	if strings.ContainsAny(got, "\u202e\x07") {
		t.Fatalf("shownLabel = %q keeps a control character", got)
	}
	if !strings.Contains(got, "Pay") || !strings.Contains(got, "bob") {
		t.Fatalf("shownLabel = %q lost the readable part", got)
	}
}

// TestImportPreviewNamesCleanedEntries: an entry that lost a bidi
// override on the way in is named in the preview, not changed silently.
func TestImportPreviewNamesCleanedEntries(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	path := filepath.Join(t.TempDir(), "codes.txt")
	os.WriteFile(path, []byte("otpauth://totp/Pay%E2%80%AELAP:bob?secret=JBSWY3DPEHPK3PXP&issuer=Pay%E2%80%AELAP\n"), 0o600)
	h.u.previewImport(path)
	top := h.u.Window().Canvas().Overlays().Top()
	if top == nil || !containsText(top, "Cleaned: ") {
		t.Fatal("the preview does not say which entry was cleaned")
	}
	if containsText(top, "\u202e") {
		t.Fatal("the preview shows a raw bidi override")
	}
}
