package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
	"github.com/sparekey/sparekey/vault/backup"
)

const (
	backupURIGitHub = "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
	backupURIBank   = "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank"
)

// newBackupsUI is a UI over a fresh vault (keyring mode, in memory) with
// the given accounts. Calls run in place, as in the AWS window tests.
func newBackupsUI(t *testing.T, fa fyne.App, uris ...string) (*UI, *app.App) {
	t.Helper()
	dir := t.TempDir()
	paths := app.PathsUnder(dir)
	core := app.New(app.Options{Paths: paths, Keyring: &vault.MemoryKeyring{}, WorkFactor: 10})
	if err := core.CreateVault(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	for _, uri := range uris {
		if _, err := core.AddURI(uri); err != nil {
			t.Fatal(err)
		}
	}
	u := New(fa, core, Options{NoTicker: true, Background: func(f func()) { f() }})
	t.Cleanup(u.Window().Close)
	return u, core
}

func openBackups(t *testing.T, u *UI) *backupsWindow {
	t.Helper()
	w := u.showBackups()
	t.Cleanup(func() {
		if backupsWindows[u] == w { // the test driver panics on a second Close
			w.win.Close()
		}
	})
	// The file dialogs are replaced by paths the test chooses.
	w.chooseSave = func(string, string, func(string)) { t.Fatal("unexpected save dialog") }
	w.chooseOpen = func(string, func(string)) { t.Fatal("unexpected open dialog") }
	w.chooseFolder = func(string, func(string)) { t.Fatal("unexpected folder dialog") }
	return w
}

func choose(path string) func(string, func(string)) {
	return func(_ string, then func(string)) { then(path) }
}

func accountCount(t *testing.T, core *app.App) int {
	t.Helper()
	v, err := core.Vault()
	if err != nil {
		t.Fatal(err)
	}
	return len(v.Accounts())
}

func TestBackupsRecipientRoundTrip(t *testing.T) {
	fa := test.NewTempApp(t)
	u, core := newBackupsUI(t, fa, backupURIGitHub, backupURIBank)
	w := openBackups(t, u)

	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	idFile := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(idFile, []byte(id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	backupPath := filepath.Join(dir, "backup.age")

	// Create, through the widgets: pick recipients, type the key, tap.
	w.tabs.SelectIndex(0)
	w.encryption.SetSelected(encRecipients)
	if !w.pass1.Disabled() || w.recipients.Disabled() {
		t.Fatal("choosing recipients did not enable the recipients field")
	}
	test.Type(w.recipients, id.Recipient().String())
	w.chooseSave = func(_, name string, then func(string)) {
		if !strings.HasSuffix(name, ".age") {
			t.Errorf("suggested name %q", name)
		}
		then(backupPath)
	}
	test.Tap(findButton(t, w.win.Content(), "Create backup…"))
	if !strings.Contains(w.created.Text, "Backed up 2 accounts to "+backupPath) {
		t.Fatalf("created = %q, status = %q", w.created.Text, w.status.Text)
	}
	if w.running || findButton(t, w.win.Content(), "Create backup…").Disabled() {
		t.Error("buttons stay disabled after the backup")
	}
	info, err := os.Stat(backupPath)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("backup mode = %v", info.Mode().Perm())
	}

	// Restore into a second, empty vault: preview first, nothing changes.
	u2, core2 := newBackupsUI(t, fa)
	w2 := openBackups(t, u2)
	w2.tabs.SelectIndex(1)
	if !w2.apply.Disabled() {
		t.Error("Apply is enabled without a preview")
	}
	test.Type(w2.restoreUnlock.identity, idFile)
	w2.chooseOpen = choose(backupPath)
	test.Tap(findButton(t, w2.win.Content(), "Open backup…"))
	if w2.preview == nil {
		t.Fatalf("no preview; status = %q", w2.status.Text)
	}
	if c := w2.preview.Counts; c[vault.MergeNew] != 2 || c[vault.MergeIdentical]+c[vault.MergeChanged]+c[vault.MergeConflict] != 0 {
		t.Errorf("counts = %v", c)
	}
	if !containsText(w2.previewBody, "New: 2 · identical: 0 · changed: 0 · conflicting: 0") || !containsText(w2.previewBody, "GitHub") {
		t.Error("the preview does not show the counts and accounts")
	}
	if n := accountCount(t, core2); n != 0 {
		t.Fatalf("the preview changed the vault: %d accounts", n)
	}
	test.Tap(w2.apply)
	if !strings.Contains(w2.restoreResult.Text, "2 added") {
		t.Errorf("result = %q, status = %q", w2.restoreResult.Text, w2.status.Text)
	}
	if n := accountCount(t, core2); n != 2 {
		t.Errorf("after Apply the vault has %d accounts, want 2", n)
	}
	if !w2.apply.Disabled() {
		t.Error("Apply stays enabled after applying")
	}

	// Restore drill in the first app: identical, recorded.
	w.tabs.SelectIndex(2)
	w.verifyUnlock.identity.SetText(idFile)
	w.verifyBackup(backupPath)
	if !strings.Contains(w.verifyResult.Text, "2 identical") || !strings.Contains(w.verifyResult.Text, "Complete") {
		t.Errorf("verify = %q, status = %q", w.verifyResult.Text, w.status.Text)
	}
	if !containsText(w.drills, "backup.age") || !containsText(w.drills, "OK") {
		t.Error("the drill is not listed")
	}
	recs, err := core.BackupVerifications()
	if err != nil || len(recs) != 1 || !recs[0].OK {
		t.Errorf("records = %+v, %v", recs, err)
	}
}

func TestBackupsPassphrase(t *testing.T) {
	fa := test.NewTempApp(t)
	u, _ := newBackupsUI(t, fa, backupURIGitHub)
	w := openBackups(t, u)
	dir := t.TempDir()
	path := filepath.Join(dir, "pass.age")

	test.Type(w.pass1, "correct horse")
	test.Type(w.pass2, "correct horsf")
	test.Tap(findButton(t, w.win.Content(), "Create backup…")) // no dialog: refused first
	if !strings.Contains(w.status.Text, "passphrases differ") {
		t.Errorf("status = %q", w.status.Text)
	}
	w.pass2.SetText("correct horse")
	w.armor.SetChecked(true)
	w.createBackup(path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; status = %q", err, w.status.Text)
	}
	if !bytes.HasPrefix(data, []byte("-----BEGIN AGE ENCRYPTED FILE-----")) {
		t.Error("armor was asked for but the backup is binary")
	}
	if w.pass1.Text != "" || strings.Contains(w.created.Text, "correct horse") {
		t.Error("the passphrase outlives the backup in the window")
	}

	u2, core2 := newBackupsUI(t, fa)
	w2 := openBackups(t, u2)
	// Opened without a passphrase, the window asks for it; cancelling
	// leaves everything as it was.
	w2.previewRestore(path)
	if w2.preview != nil || !strings.Contains(w2.status.Text, "protected by a passphrase") {
		t.Errorf("without the passphrase: status = %q", w2.status.Text)
	}
	ask := w2.win.Canvas().Overlays().Top()
	if ask == nil || len(findEntries(ask)) != 1 {
		t.Fatal("no passphrase prompt")
	}
	test.Tap(findButton(t, ask, "Cancel"))
	if w2.preview != nil || w2.win.Canvas().Overlays().Top() != nil {
		t.Error("cancelling the prompt did not leave things as they were")
	}
	w2.restoreUnlock.pass.SetText("wrong")
	w2.previewRestore(path)
	if w2.preview != nil || w2.status.Importance != widget.DangerImportance {
		t.Errorf("wrong passphrase: status = %q", w2.status.Text)
	}
	// The right one, typed into the prompt.
	w2.restoreUnlock.pass.SetText("")
	w2.previewRestore(path)
	ask = w2.win.Canvas().Overlays().Top()
	if ask == nil {
		t.Fatal("no passphrase prompt")
	}
	test.Type(findEntries(ask)[0], "correct horse")
	test.Tap(findButton(t, ask, "Open"))
	if w2.preview == nil || w2.preview.Counts[vault.MergeNew] != 1 {
		t.Fatalf("status = %q", w2.status.Text)
	}
	if strings.Contains(w2.status.Text, "correct horse") {
		t.Error("the passphrase is shown")
	}
	w2.applyRestore()
	if accountCount(t, core2) != 1 {
		t.Error("the account was not restored")
	}
}

func TestBackupsRestoreChoice(t *testing.T) {
	for _, tc := range []struct {
		update bool
		status vault.MergeStatus
		want   vault.MergeChoice
	}{
		{false, vault.MergeChanged, vault.ChooseDefault},
		{true, vault.MergeChanged, vault.ChooseUpdate},
		{true, vault.MergeConflict, vault.ChooseDefault},
		{true, vault.MergeNew, vault.ChooseDefault},
	} {
		got := vault.ChooseDefault
		if f := restoreChoice(tc.update); f != nil {
			got = f(vault.MergeItem{Status: tc.status})
		}
		if got != tc.want {
			t.Errorf("update=%v %v: choice %v, want %v", tc.update, tc.status, got, tc.want)
		}
	}
}

func TestBackupsPaper(t *testing.T) {
	fa := test.NewTempApp(t)
	u, _ := newBackupsUI(t, fa, backupURIGitHub, backupURIBank)
	w := openBackups(t, u)
	dir := t.TempDir()
	w.tabs.SelectIndex(3)
	if !containsText(w.tabs.Items[3].Content, "in the clear") {
		t.Error("the paper tab does not warn about plaintext")
	}

	w.onlyAWS.SetChecked(true)
	w.paperBackup(filepath.Join(dir, "aws.pdf"))
	if !strings.Contains(w.status.Text, "No accounts match") {
		t.Errorf("only AWS with none bound: status = %q", w.status.Text)
	}
	w.onlyAWS.SetChecked(false)
	w.page.SetSelected("Letter")
	path := filepath.Join(dir, "paper.pdf")
	w.paperBackup(path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; status = %q", err, w.status.Text)
	}
	if !bytes.HasPrefix(data, []byte("%PDF")) {
		t.Error("the paper backup is not a PDF")
	}
	if !strings.Contains(w.printed.Text, "Wrote 2 accounts") {
		t.Errorf("printed = %q", w.printed.Text)
	}
}

func TestBackupsExport(t *testing.T) {
	fa := test.NewTempApp(t)
	u, core := newBackupsUI(t, fa, backupURIGitHub, backupURIBank)
	w := openBackups(t, u)
	w.tabs.SelectIndex(4)
	dir := t.TempDir()
	path := filepath.Join(dir, "export.txt")

	// Without the acknowledgement: the button is disabled and app refuses.
	if !findButton(t, w.win.Content(), "Export…").Disabled() {
		t.Error("Export is enabled before the acknowledgement")
	}
	w.export(path)
	if _, err := os.Stat(path); err == nil {
		t.Fatal("exported without the acknowledgement")
	}

	test.Tap(w.ack)
	w.chooseSave = choose2(path)
	test.Tap(findButton(t, w.win.Content(), "Export…"))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; status = %q", err, w.status.Text)
	}
	if strings.Count(string(data), "otpauth://totp/") != 2 {
		t.Errorf("export holds %q", data)
	}
	if !strings.Contains(w.exported.Text, "Exported 2 accounts") {
		t.Errorf("exported = %q", w.exported.Text)
	}

	w.format.SetSelected(formatGoogleQR)
	qrDir := filepath.Join(dir, "qr")
	w.chooseFolder = choose(qrDir)
	test.Tap(findButton(t, w.win.Content(), "Export…"))
	if pngs, _ := filepath.Glob(filepath.Join(qrDir, "*.png")); len(pngs) != 1 {
		t.Errorf("google-qr wrote %v; status = %q", pngs, w.status.Text)
	}
	test.Tap(findButton(t, w.win.Content(), "Show Google codes on screen"))
	if w.status.Importance == widget.DangerImportance {
		t.Errorf("status = %q", w.status.Text)
	}

	// Locking closes the window (and the codes dialog in it).
	core.Lock()
	if backupsWindows[u] != nil {
		t.Error("the Backups window outlives the vault being open")
	}
}

func choose2(path string) func(string, string, func(string)) {
	return func(_, _ string, then func(string)) { then(path) }
}

// TestBackupsRestoreUpdatesChanged restores a backup over a vault whose
// account gained a note since: changed, left alone by default, updated
// only with the checkbox.
func TestBackupsRestoreUpdatesChanged(t *testing.T) {
	fa := test.NewTempApp(t)
	u, core := newBackupsUI(t, fa, backupURIGitHub)
	w := openBackups(t, u)
	path := filepath.Join(t.TempDir(), "vaultkey.age")
	// Restoring with the vault's own key needs no passphrase or identity.
	res, err := core.CreateBackup(context.Background(), path, app.BackupOptions{ToVaultKey: true})
	if err != nil || res.Accounts != 1 {
		t.Fatal(res, err)
	}
	v, _ := core.Vault()
	acct := v.Accounts()[0].Clone()
	acct.Note = "moved to the new phone"
	if err := core.UpdateAccount(acct); err != nil {
		t.Fatal(err)
	}

	for _, update := range []bool{false, true} {
		w.previewRestore(path)
		if w.preview == nil || w.preview.Counts[vault.MergeChanged] != 1 {
			t.Fatalf("preview: %v, status = %q", w.preview, w.status.Text)
		}
		if !containsText(w.previewBody, "changed") {
			t.Error("the changed account is not listed as changed")
		}
		w.updateChanged.SetChecked(update)
		test.Tap(w.apply)
		want := "0 added, 0 updated"
		if update {
			want = "0 added, 1 updated"
		}
		if !strings.Contains(w.restoreResult.Text, want) {
			t.Errorf("update=%v: result = %q", update, w.restoreResult.Text)
		}
	}
	v, _ = core.Vault()
	if got := v.Accounts()[0].Note; got != "" {
		t.Errorf("after updating from the backup the note is %q", got)
	}
}

func TestBackupsProgress(t *testing.T) {
	fa := test.NewTempApp(t)
	u, _ := newBackupsUI(t, fa)
	w := openBackups(t, u)
	w.running = true
	for _, tc := range []struct {
		p        backup.Progress
		measured bool
	}{
		{backup.Progress{Stage: backup.StageDeriveKey}, false},
		{backup.Progress{Stage: backup.StageEncrypting, Done: 1, Total: 4}, true},
	} {
		w.showProgress("Creating the backup", tc.p)
		if w.progress.Visible() != tc.measured || w.busy.Visible() == tc.measured {
			t.Errorf("%v: measured bar shown %v, busy bar shown %v", tc.p, w.progress.Visible(), w.busy.Visible())
		}
		if !strings.Contains(w.status.Text, string(tc.p.Stage)) {
			t.Errorf("status = %q", w.status.Text)
		}
	}
	if w.progress.Value != 0.25 {
		t.Errorf("progress = %v", w.progress.Value)
	}
	w.running = false
}

// TestBackupsOfferTheRemedy is issue #13: a failure in the Backups window
// offers its remedy as a button, as the lock screen does, and the button
// acts on the backup that failed. A backup made for another key asks for
// that key and opens the same backup with it, on the tab it failed on.
func TestBackupsOfferTheRemedy(t *testing.T) {
	fa := test.NewTempApp(t)
	_, core := newBackupsUI(t, fa, backupURIGitHub, backupURIBank)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	idFile := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(idFile, []byte(id.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	backupPath := filepath.Join(dir, "backup.age")
	if _, err := core.CreateBackup(context.Background(), backupPath, app.BackupOptions{Recipients: []string{id.Recipient().String()}}); err != nil {
		t.Fatal(err)
	}

	// A second vault has neither the key nor the backup's accounts.
	u2, _ := newBackupsUI(t, fa)
	w := openBackups(t, u2)
	for _, tab := range []int{tabRestoreBackup, tabVerifyBackup} {
		w.tabs.SelectIndex(tab)
		w.restoreUnlock.identity.SetText("")
		w.verifyUnlock.identity.SetText("")
		if tab == tabRestoreBackup {
			w.previewRestore(backupPath)
		} else {
			w.verifyBackup(backupPath)
		}
		if !strings.Contains(w.status.Text, "failed") {
			t.Fatalf("tab %d: opening a backup made for another key: status %q", tab, w.status.Text)
		}
		if strings.Contains(w.status.Text, "--") || strings.Contains(w.status.Text, "sparekey ") {
			t.Errorf("tab %d: the window names a command: %q", tab, w.status.Text)
		}
		fix := findButton(t, w.win.Content(), "Choose the key it was made for…")
		var asked bool
		w.chooseOpen = func(_ string, then func(string)) { asked = true; then(idFile) }
		test.Tap(fix)
		if !asked {
			t.Fatalf("tab %d: the remedy did not ask for the key", tab)
		}
		if got := w.tabs.SelectedIndex(); got != tab {
			t.Errorf("the remedy moved from tab %d to %d", tab, got)
		}
		switch tab {
		case tabRestoreBackup:
			if w.preview == nil || w.preview.Counts[vault.MergeNew] != 2 {
				t.Errorf("after choosing the key: no preview of 2 new accounts; status %q", w.status.Text)
			}
		case tabVerifyBackup:
			if !strings.Contains(w.verifyResult.Text, "2 accounts in the backup") {
				t.Errorf("after choosing the key: verify = %q, status %q", w.verifyResult.Text, w.status.Text)
			}
		}
		if len(w.remedy.Objects) != 0 {
			t.Errorf("tab %d: the remedy stays offered after it worked", tab)
		}
		w.chooseOpen = func(string, func(string)) { t.Fatal("unexpected open dialog") }
	}
}
