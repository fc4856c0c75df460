package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestRemedyTravelsWithItsArgs(t *testing.T) {
	args := RemedyArgs{File: "/tmp/export.json", Serial: "arn:aws:iam::123456789012:mfa/alice"}
	tests := []struct {
		name     string
		err      error
		wantFix  Remedy
		wantArgs RemedyArgs
	}{
		{"none", errors.New("plain"), RemedyNone, RemedyArgs{}},
		{"without args", WithRemedy(fs.ErrNotExist, RemedyCreateVault), RemedyCreateVault, RemedyArgs{}},
		{"with args", WithRemedyArgs(fs.ErrNotExist, RemedyImportWithPassword, args), RemedyImportWithPassword, args},
		{"wrapped", fmt.Errorf("opening: %w", WithRemedyArgs(fs.ErrNotExist, RemedyReplaceDevice, args)), RemedyReplaceDevice, args},
		{"a sentinel", fmt.Errorf("x: %w", ErrMigrationURI), RemedyImport, RemedyArgs{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RemedyOf(tt.err); got != tt.wantFix {
				t.Errorf("RemedyOf = %v, want %v", got, tt.wantFix)
			}
			if got := RemedyArgsOf(tt.err); got != tt.wantArgs {
				t.Errorf("RemedyArgsOf = %+v, want %+v", got, tt.wantArgs)
			}
			if tt.wantFix != RemedyNone && tt.name != "a sentinel" && !errors.Is(tt.err, fs.ErrNotExist) {
				t.Error("the remedy hides the error it wraps from errors.Is")
			}
		})
	}
	if WithRemedyArgs(nil, RemedyImport, args) != nil {
		t.Error("a nil error gained a remedy")
	}
}

func TestEveryRemedyHasAName(t *testing.T) {
	for r := RemedyNone; int(r) < len(remedyNames); r++ {
		if remedyNames[r] == "" {
			t.Errorf("remedy %d has no name", r)
		}
	}
}
