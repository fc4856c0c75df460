package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/transfer"
	"github.com/sparekey/sparekey/vault/transfer/qr"
)

func TestPreviewAndApplyImport(t *testing.T) {
	a := newBackupTestApp(t)
	if _, err := a.AddAccount(vault.Account{Issuer: "Deno", Name: "Mason", Secret: "4SJHB4GSD43FZBAI7C2HLRJGPQ", Tags: []string{"old"}}); err != nil {
		t.Fatal(err)
	}
	asked := []string{}
	password := func(file string) ([]byte, error) { asked = append(asked, file); return []byte("test"), nil }
	aegis := testenv.Fixture(t, "aegis_encrypted.json")
	p, err := a.PreviewImportFiles([]string{aegis, testenv.Fixture(t, "plain.txt")}, password)
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != aegis {
		t.Errorf("password asked for %q, want only the encrypted file", asked)
	}
	// Deno differs only in its tags: changed. The other six are new (the
	// plain list repeats them, and duplicates collapse).
	if p.Count(vault.MergeNew) != 6 || p.Count(vault.MergeChanged) != 1 || len(p.Files) != 2 {
		t.Fatalf("plan: %v", vault.MergeCounts(p.Plan))
	}
	if n := len(mustT(a.Accounts())); n != 1 {
		t.Fatalf("the preview changed the vault: %d accounts", n)
	}
	res, err := a.ApplyImport(p, nil)
	if err != nil || res.Added != 6 || res.Updated != 0 {
		t.Fatalf("apply: %+v %v", res, err)
	}
	for _, acct := range mustT(a.Accounts()) {
		if acct.Issuer == "Deno" && (len(acct.Tags) != 1 || acct.Tags[0] != "old") {
			t.Error("the default apply changed an existing account")
		}
	}
}

func mustT[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestImportErrorsAreExplained(t *testing.T) {
	a := newBackupTestApp(t)
	_, err := a.PreviewImportFiles([]string{testenv.Fixture(t, "aegis_encrypted.json")}, nil)
	if !errors.Is(err, transfer.ErrPasswordRequired) {
		t.Fatalf("got %v", err)
	}
	if msg := ExplainImport(err); !strings.Contains(msg, "aegis_encrypted.json") || !strings.Contains(msg, "Give the password") {
		t.Errorf("explanation %q", msg)
	}
	// The remedy names the file, for the command line's --password-file
	// command and the window's button.
	if r, args := Remedy(err), RemedyArgs(err); r != vault.RemedyImportWithPassword || filepath.Base(args.File) != "aegis_encrypted.json" {
		t.Errorf("remedy %v on %+v", r, args)
	}
	_, err = a.PreviewImportData("pasted text", []byte("hello"), nil)
	if msg := ExplainImport(err); !strings.Contains(msg, "pasted text") || !strings.Contains(msg, "Nothing was imported") {
		t.Errorf("explanation %q", msg)
	}
	a.Lock()
	if _, err := a.PreviewImportData("x", []byte("otpauth://totp/a?secret=JBSWY3DPEHPK3PXP"), nil); !errors.Is(err, ErrLocked) {
		t.Errorf("locked: %v", err)
	}
}

func TestExportNeedsAcknowledgementAndNeverOverwrites(t *testing.T) {
	a := newBackupTestApp(t)
	p := mustT(a.PreviewImportFiles([]string{testenv.Fixture(t, "plain.txt")}, nil))
	mustT(a.ApplyImport(p, nil))
	out := filepath.Join(t.TempDir(), "codes.txt")
	if _, err := a.Export(ExportOptions{Format: ExportURIs, Out: out}); !errors.Is(err, ErrPlaintextNotAcknowledged) {
		t.Fatalf("got %v", err)
	}
	rep, err := a.Export(ExportOptions{Format: ExportURIs, Out: out, PlaintextAcknowledged: true})
	if err != nil || rep.Exported != 7 {
		t.Fatalf("%+v %v", rep, err)
	}
	st, err := os.Stat(out)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", st.Mode(), err)
	}
	before := mustT(os.ReadFile(out))
	if _, err := a.Export(ExportOptions{Format: ExportAegis, Out: out, PlaintextAcknowledged: true}); err == nil {
		t.Fatal("overwrote an existing file")
	}
	if after := mustT(os.ReadFile(out)); string(after) != string(before) {
		t.Fatal("the existing file changed")
	}

	gt, err := a.GoogleTransferCodes(nil)
	if err != nil || len(gt.PNGs) != 1 || len(gt.NotExportable) != 4 {
		t.Fatalf("google: %d codes, %d left out, %v", len(gt.PNGs), len(gt.NotExportable), err)
	}
	texts, err := qr.DecodeBytes(gt.PNGs[0])
	if err != nil || len(texts) != 1 || texts[0] != gt.URIs[0] {
		t.Errorf("the QR picture does not hold its link: %v", err)
	}
}
