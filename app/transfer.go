package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/transfer"
	"github.com/sparekey/sparekey/vault/transfer/qr"
)

// ImportPreview is what an import would do, computed before anything in the
// vault changes: the accounts read, the entries that could not be read, the
// Google Authenticator codes still missing, and how each account compares
// with the vault (new, identical, changed, conflicting).
type ImportPreview struct {
	// Result joins every file read; Files keeps them apart for display.
	Result *transfer.Result
	Files  []*transfer.Result
	Plan   []vault.MergeItem
}

// Count returns how many accounts of the plan have this status.
func (p *ImportPreview) Count(s vault.MergeStatus) int { return vault.MergeCounts(p.Plan)[s] }

// ImportPasswordFunc is asked for the password of an encrypted export,
// with the file's name so the prompt can say which. It is called only for
// files that are encrypted.
type ImportPasswordFunc func(file string) ([]byte, error)

// PreviewImportFiles reads every file (formats are recognised from their
// content) and compares the accounts with the vault. Nothing is changed:
// pass the preview to ApplyImport. Several files are read together so a
// Google Authenticator export saved as several pictures is checked for
// missing codes as a whole. Any file that cannot be read fails the whole
// preview, naming it, so an import never half-happens.
func (a *App) PreviewImportFiles(paths []string, password ImportPasswordFunc) (*ImportPreview, error) {
	return a.PreviewImportFilesContext(context.Background(), paths, password)
}

// PreviewImportFilesContext is PreviewImportFiles that gives up when ctx is
// done (Ctrl-C), also while waiting on a FIFO or a device that never ends.
func (a *App) PreviewImportFilesContext(ctx context.Context, paths []string, password ImportPasswordFunc) (*ImportPreview, error) {
	if len(paths) == 0 {
		return nil, errors.New("no file to import")
	}
	var files []*transfer.Result
	for _, p := range paths {
		res, err := transfer.ImportFileContext(ctx, p, transfer.Options{Password: passwordFor(p, password)})
		if err != nil {
			return nil, err
		}
		files = append(files, res)
	}
	return a.preview(files)
}

// PreviewImportReader reads an export from r (standard input) until its
// end, MaxFileSize or ctx being done, then previews it like
// PreviewImportData.
func (a *App) PreviewImportReader(ctx context.Context, name string, r io.Reader, password ImportPasswordFunc) (*ImportPreview, error) {
	res, err := transfer.ImportContext(ctx, name, r, transfer.Options{Password: passwordFor(name, password)})
	if err != nil {
		return nil, err
	}
	return a.preview([]*transfer.Result{res})
}

// PreviewImportData is PreviewImportFiles for content already in memory:
// text pasted into the app, a dropped file, a picture from the clipboard.
// name is how messages refer to it.
func (a *App) PreviewImportData(name string, data []byte, password ImportPasswordFunc) (*ImportPreview, error) {
	res, err := transfer.ImportBytes(name, data, transfer.Options{Password: passwordFor(name, password)})
	if err != nil {
		return nil, err
	}
	return a.preview([]*transfer.Result{res})
}

func passwordFor(file string, password ImportPasswordFunc) func() ([]byte, error) {
	if password == nil {
		return nil
	}
	return func() ([]byte, error) { return password(file) }
}

func (a *App) preview(files []*transfer.Result) (*ImportPreview, error) {
	current, err := a.currentAccounts()
	if err != nil {
		return nil, err
	}
	all := transfer.Combine(files...)
	return &ImportPreview{Result: all, Files: files, Plan: vault.PlanMerge(current, all.Accounts)}, nil
}

// currentAccounts are what a preview compares with: the open vault's
// accounts, or none when there is no vault yet. Previewing on a new
// computer then creates nothing, so an import or restore that fails or is
// declined leaves no empty vault behind; the caller creates the vault only
// to apply.
func (a *App) currentAccounts() ([]*vault.Account, error) {
	v, err := a.Vault()
	if err == nil {
		return v.Accounts(), nil
	}
	if state, _ := a.State(); errors.Is(err, ErrLocked) && state == StateMissing {
		return nil, nil
	}
	return nil, err
}

// ErrNothingImportable is what an import whose every entry was rejected
// fails with: the preview lists why, and nothing was changed.
var ErrNothingImportable = errors.New("no entry could be imported")

// Rejected returns an error wrapping ErrNothingImportable when entries were
// read and every one of them was rejected, nil otherwise. A file with no
// entries at all fails earlier, as empty.
func (p *ImportPreview) Rejected() error {
	if len(p.Result.Accounts) > 0 || len(p.Result.Skipped) == 0 {
		return nil
	}
	n := len(p.Result.Skipped)
	return fmt.Errorf("%w: all %d entr%s read %s rejected (the reasons are listed above); nothing was changed",
		ErrNothingImportable, n, map[bool]string{true: "y", false: "ies"}[n == 1], map[bool]string{true: "was", false: "were"}[n == 1])
}

// ApplyImport carries out a preview in one save. choose decides each item
// (nil: add the new accounts and leave everything else as it is, so nothing
// existing is ever overwritten without the user's say).
func (a *App) ApplyImport(p *ImportPreview, choose func(vault.MergeItem) vault.MergeChoice) (vault.MergeResult, error) {
	v, err := a.Vault()
	if err != nil {
		return vault.MergeResult{}, err
	}
	res, err := v.ApplyMerge(p.Plan, choose)
	if err != nil {
		return res, err
	}
	if res.Added > 0 {
		a.markFirstRunDone()
	}
	return res, nil
}

// DecodeQRFile returns the text of every QR code in a PNG, JPEG or GIF
// picture ("scan a screenshot"). qr.ErrNoQRCode when there is none.
func DecodeQRFile(path string) ([]string, error) { return qr.DecodeFile(path) }

// ExportFormat is a format Sparekey writes for other apps.
type ExportFormat string

const (
	ExportURIs     ExportFormat = "uris"      // otpauth:// links, one a line
	ExportAegis    ExportFormat = "aegis"     // Aegis plain vault JSON
	ExportGoogleQR ExportFormat = "google-qr" // Google Authenticator transfer QR codes (PNG)
)

// ExportFormats lists the formats for help texts and menus.
var ExportFormats = []ExportFormat{ExportURIs, ExportAegis, ExportGoogleQR}

// ErrPlaintextNotAcknowledged is returned when an export was asked for
// without the caller confirming the user understood it is unencrypted.
var ErrPlaintextNotAcknowledged = vault.WithRemedy(errors.New("this export holds every secret unencrypted; anyone who gets the file can make your codes. Confirm that you understand, keep the file offline and delete it when done"), vault.RemedyAcknowledgePlaintext)

// ExportOptions say what to export where.
type ExportOptions struct {
	Format ExportFormat
	// Out is the file to write (uris, aegis) or the folder to write the
	// pictures into (google-qr). Existing files are never overwritten.
	Out string
	// IDs limits the export to these accounts; empty means all.
	IDs []string
	// PlaintextAcknowledged must be true: the UI sets it after a warning
	// the user confirmed, the CLI after --i-understand-this-is-plaintext.
	PlaintextAcknowledged bool
	// Writer, if set, receives a uris or aegis export instead of the file
	// Out (the command line's --out -, for a pipe into another program).
	Writer io.Writer
}

// ExportReport says what an export wrote and what it had to leave out.
type ExportReport struct {
	Files         []string
	Exported      int
	NotExportable []transfer.Problem
}

// GoogleTransfer is a Google Authenticator export ready to show on screen:
// one PNG per QR code, in order, to scan with the phone one after another.
type GoogleTransfer struct {
	PNGs          [][]byte
	URIs          []string
	NotExportable []transfer.Problem
}

// GoogleTransferCodes builds the Google Authenticator transfer QR codes for
// the accounts (all when ids is empty), about ten accounts a code. The UI
// shows them; nothing is written to disk.
func (a *App) GoogleTransferCodes(ids []string) (*GoogleTransfer, error) {
	accts, err := a.exportAccounts(ids)
	if err != nil {
		return nil, err
	}
	exp, err := transfer.GoogleMigration(accts, 0)
	if err != nil {
		return nil, err
	}
	gt := &GoogleTransfer{URIs: exp.URIs, NotExportable: exp.NotExportable}
	for _, uri := range exp.URIs {
		png, err := qr.EncodePNG(uri, 0)
		if err != nil {
			return nil, err
		}
		gt.PNGs = append(gt.PNGs, png)
	}
	return gt, nil
}

// Export writes accounts in another app's format. Every format holds the
// secrets unencrypted, so opts.PlaintextAcknowledged is required; files are
// written 0600 and atomically, and never over an existing file.
func (a *App) Export(opts ExportOptions) (*ExportReport, error) {
	if !opts.PlaintextAcknowledged {
		return nil, ErrPlaintextNotAcknowledged
	}
	if opts.Out == "" && opts.Writer == nil {
		return nil, errors.New("no output given: say where to write the export")
	}
	if opts.Writer != nil && opts.Format == ExportGoogleQR {
		return nil, errors.New("Google Authenticator codes are several pictures and need a folder to go into, not a stream")
	}
	accts, err := a.exportAccounts(opts.IDs)
	if err != nil {
		return nil, err
	}
	rep := &ExportReport{}
	switch opts.Format {
	case ExportURIs, ExportAegis:
		var buf bytes.Buffer
		if opts.Format == ExportURIs {
			err = transfer.ExportURIs(&buf, accts)
		} else {
			err = transfer.ExportAegis(&buf, accts)
		}
		if err != nil {
			return nil, err
		}
		if opts.Writer != nil {
			if _, err := opts.Writer.Write(buf.Bytes()); err != nil {
				return nil, fmt.Errorf("could not write the export: %w", err)
			}
			rep.Exported = len(accts)
			break
		}
		if err := writeNewSecretFile(opts.Out, buf.Bytes()); err != nil {
			return nil, err
		}
		rep.Files, rep.Exported = []string{opts.Out}, len(accts)
	case ExportGoogleQR:
		gt, err := a.GoogleTransferCodes(opts.IDs)
		if err != nil {
			return nil, err
		}
		rep.NotExportable = gt.NotExportable
		if len(gt.PNGs) == 0 {
			return rep, errors.New("none of these accounts can be held by Google Authenticator; nothing was written")
		}
		if err := os.MkdirAll(opts.Out, 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the folder %s: %w", opts.Out, err)
		}
		var names []string
		for i := range gt.PNGs {
			names = append(names, filepath.Join(opts.Out, fmt.Sprintf("google-authenticator-%d-of-%d.png", i+1, len(gt.PNGs))))
		}
		for _, n := range names {
			if _, err := os.Lstat(n); err == nil {
				return nil, fmt.Errorf("%s already exists; choose an empty folder (nothing was written)", n)
			}
		}
		for i, png := range gt.PNGs {
			if err := writeNewSecretFile(names[i], png); err != nil {
				return nil, err
			}
			rep.Files = append(rep.Files, names[i])
		}
		rep.Exported = len(accts) - len(gt.NotExportable)
	default:
		return nil, fmt.Errorf("unknown export format %q (use %v)", opts.Format, ExportFormats)
	}
	return rep, nil
}

func (a *App) exportAccounts(ids []string) ([]*vault.Account, error) {
	v, err := a.Vault()
	if err != nil {
		return nil, err
	}
	all := v.Accounts()
	if len(ids) == 0 {
		if len(all) == 0 {
			return nil, errors.New("the vault has no accounts to export")
		}
		return all, nil
	}
	var out []*vault.Account
	for _, id := range ids {
		i := slices.IndexFunc(all, func(x *vault.Account) bool { return x.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("%w: id %s", vault.ErrNoSuchAccount, id)
		}
		out = append(out, all[i])
	}
	return out, nil
}

// writeNewSecretFile refuses to replace an existing file (it may be the
// user's only copy of something), then writes atomically with mode 0600.
func writeNewSecretFile(path string, data []byte) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists; choose another name or remove it first (nothing was written)", path)
	}
	return vault.WriteFileAtomic(path, data)
}

// ExplainImport turns an import error into a sentence saying what to do.
// The errors already name the file; this adds the remedy.
func ExplainImport(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, transfer.ErrWrongPassword):
		return err.Error() + ". Nothing was imported; check the password (it is the export's, not Sparekey's) and try again."
	case errors.Is(err, transfer.ErrPasswordRequired):
		return err.Error() + ". Give the password the export was saved with (its own, not your vault passphrase)."
	case errors.Is(err, transfer.ErrNoQRCode):
		return err.Error() + ". Crop the picture to the code or take a sharper screenshot."
	case errors.Is(err, ErrLocked):
		return explainCore(err)
	}
	var te *transfer.Error
	if errors.As(err, &te) {
		return err.Error() + ". Nothing was imported."
	}
	return explainCore(err)
}
