package app

import (
	"errors"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
	"github.com/sparekey/sparekey/vault/transfer"
)

// RemedyArgs is what the remedy of err (Remedy) acts on: what the error
// carries itself, and else the file an import or a backup error names, so
// the command line can print the command for that file and a button can
// act on it.
func RemedyArgs(err error) vault.RemedyArgs {
	args := vault.RemedyArgsOf(err)
	if args.File == "" {
		var te *transfer.Error
		var fe *backup.FileError
		switch {
		case errors.As(err, &te):
			args.File = te.File
		case errors.As(err, &fe):
			args.File = fe.Path
		}
	}
	return args
}
