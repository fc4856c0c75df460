package ui

import (
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/app/testenv"
	"github.com/sparekey/sparekey/vault"
)

// fakeClock drives time in these tests (see testenv.Clock).
type fakeClock = testenv.Clock

func newFakeClock() *fakeClock { return testenv.NewClock(time.Date(2026, 3, 1, 9, 0, 10, 0, time.UTC)) }

type harness struct {
	t    *testing.T
	fa   fyne.App
	core *app.App
	clk  *fakeClock
	u    *UI
}

// newHarness opens a UI over a fresh app. mode decides the vault made
// before the window opens: "none" (first run), "keyring" (in-memory
// keyring) or "passphrase".
func newHarness(t *testing.T, mode string, keyring vault.Keyring, accounts ...string) *harness {
	t.Helper()
	fa := test.NewTempApp(t)
	freshenFyneCache()
	dir := t.TempDir()
	paths := app.PathsUnder(dir)
	if keyring == nil {
		keyring = &vault.MemoryKeyring{}
	}
	clk := newFakeClock()
	core := app.New(app.Options{Paths: paths, Keyring: keyring, Now: clk.Now, WorkFactor: 10})
	switch mode {
	case "keyring":
		if err := core.CreateVault(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	case "passphrase":
		if err := core.CreateVault(context.Background(), pass("correct horse")); err != nil {
			t.Fatal(err)
		}
	}
	for _, uri := range accounts {
		if _, err := core.AddURI(uri); err != nil {
			t.Fatal(err)
		}
	}
	h := &harness{t: t, fa: fa, core: core, clk: clk}
	h.u = New(fa, core, Options{
		AfterFunc:  clk.AfterFunc,
		Now:        clk.Now,
		NoTicker:   true,
		Background: func(f func()) { f() },
	})
	h.u.Window().Resize(fyne.NewSize(480, 600))
	t.Cleanup(h.u.Window().Close)
	return h
}

func pass(s string) func() ([]byte, error) { return func() ([]byte, error) { return []byte(s), nil } }

const (
	uriGitHub = "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"
	uriGoogle = "otpauth://totp/Google:alice@gmail.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Google"
	uriBank   = "otpauth://hotp/Bank:alice?secret=MFRGGZDFMZTWQ2LK&issuer=Bank&counter=3"
)

// code is the code an account shows at the harness's clock.
func (h *harness) code(uri string) string {
	a, err := vault.ParseURI(uri)
	if err != nil {
		h.t.Fatal(err)
	}
	c, err := a.CodeAt(h.clk.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// shown lists the issuers the list shows, in order.
func (h *harness) shown() []string {
	h.t.Helper()
	m := h.u.main
	if m == nil {
		h.t.Fatal("the account list is not showing")
	}
	var out []string
	for i := 0; i < m.list.Len(); i++ {
		out = append(out, m.list.Account(i).Issuer)
	}
	return out
}

func (h *harness) clipboard() string { return h.fa.Clipboard().Content() }

func key(o fyne.Focusable, name fyne.KeyName) { o.TypedKey(&fyne.KeyEvent{Name: name}) }

func TestFirstRunCreatesKeyringVault(t *testing.T) {
	h := newHarness(t, "none", nil)
	if h.u.state != app.StateMissing {
		t.Fatalf("state %v, want the first-run screen", h.u.state)
	}
	btn := findButton(t, h.u.body, "Create the vault")
	test.Tap(btn)
	if st, mode := h.core.State(); st != app.StateUnlocked || mode != vault.ModeKeyring {
		t.Fatalf("after Create: %v %v", st, mode)
	}
	// The empty list teaches what to do first.
	if h.u.main == nil || !containsText(h.u.main.center, "Your vault is ready") {
		t.Fatal("the empty vault shows no first steps")
	}
}

func TestFirstRunKeyringUnavailableAsksPassphrase(t *testing.T) {
	h := newHarness(t, "none", vault.UnavailableKeyring{Reason: errors.New("no Secret Service on the bus")})
	test.Tap(findButton(t, h.u.body, "Create the vault"))
	if !containsText(h.u.body, "cannot be used here") || !containsText(h.u.body, "passphrase instead") {
		t.Fatal("the keyring failure is not explained")
	}
	entries := findEntries(h.u.body)
	if len(entries) != 2 {
		t.Fatalf("%d passphrase entries, want 2", len(entries))
	}
	create := findButton(t, h.u.body, "Create the vault with this passphrase")

	test.Type(entries[0], "correct horse")
	test.Type(entries[1], "correct house")
	test.Tap(create)
	if !containsText(h.u.body, "The two passphrases differ") {
		t.Fatal("mismatched passphrases were not refused")
	}
	if st, _ := h.core.State(); st != app.StateMissing {
		t.Fatal("a vault was created from mismatched passphrases")
	}
	entries[1].SetText("correct horse")
	test.Tap(create)
	if st, mode := h.core.State(); st != app.StateUnlocked || mode != vault.ModePassphrase {
		t.Fatalf("after Create: %v %v", st, mode)
	}
}

func TestAddByURI(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	h.u.showAddDialog()
	d := h.u.adding
	if d == nil {
		t.Fatal("no add dialog")
	}
	findButton(t, h.u.main.center, "Add your first account")
	d.tab.SelectIndex(1)
	// Not a link: a clear message and nothing added.
	d.uri.SetText("https://example.com/2fa")
	test.Tap(findButton(t, d.tab, "Add"))
	if !d.uriResult.Visible() || !strings.Contains(d.uriResult.Text, "Nothing was added") {
		t.Fatalf("bad link message = %q", d.uriResult.Text)
	}
	d.uri.SetText(uriGitHub)
	key(d.uri, fyne.KeyReturn) // Return submits
	if got := h.shown(); len(got) != 1 || got[0] != "GitHub" {
		t.Fatalf("list = %v", got)
	}
	if h.u.adding != nil {
		t.Error("the dialog stayed open after a successful add")
	}
	if !strings.Contains(h.u.status.text(), "Added GitHub") {
		t.Errorf("status = %q", h.u.status.text())
	}
	// The same seed again is refused and said so.
	h.u.showAddDialog()
	h.u.adding.uri.SetText(uriGitHub)
	key(h.u.adding.uri, fyne.KeyReturn)
	if !strings.Contains(h.u.adding.uriResult.Text, "already exists") {
		t.Errorf("duplicate message = %q", h.u.adding.uriResult.Text)
	}
}

func TestAddByForm(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	h.u.showAddDialog()
	f := h.u.adding.form
	if !f.submit.Disabled() {
		t.Fatal("Add is enabled on an empty form")
	}
	test.Type(f.issuer, "Example")
	test.Type(f.name, "bob")
	test.Type(f.secret, "JBSW Y3DP EHPK 3PX!")
	if !f.submit.Disabled() || !f.problem.Visible() || !strings.Contains(f.problem.Text, "no key contains") {
		t.Fatalf("a bad key: submit disabled %v, problem %q", f.submit.Disabled(), f.problem.Text)
	}
	f.secret.SetText("jbsw y3dp ehpk 3pxp") // lower case, grouped: accepted
	want := h.code("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP")
	if f.submit.Disabled() || f.preview.Text != "Code now: "+vault.GroupCode(want) {
		t.Fatalf("preview = %q (want %s), submit disabled %v", f.preview.Text, want, f.submit.Disabled())
	}
	f.period.SetText("0")
	if !f.submit.Disabled() {
		t.Fatal("period 0 accepted")
	}
	f.period.SetText("30")
	f.tags.SetText("work, test")
	test.Tap(f.submit)
	if got := h.shown(); len(got) != 1 || got[0] != "Example" {
		t.Fatalf("list = %v", got)
	}
	if a := h.u.main.list.Account(0); strings.Join(a.Tags, ",") != "work,test" || a.Name != "bob" {
		t.Fatalf("added %+v", a)
	}
}

func TestSearchKeyboardAndCopy(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub, uriGoogle, uriBank)
	m := h.u.main
	if got := strings.Join(h.shown(), ","); got != "Bank,GitHub,Google" {
		t.Fatalf("list = %s", got)
	}
	test.Type(m.search, "goo")
	if got := strings.Join(h.shown(), ","); got != "Google" {
		t.Fatalf("search goo: %s", got)
	}
	key(m.search, fyne.KeyReturn)
	want := h.code(uriGoogle)
	if h.clipboard() != want {
		t.Fatalf("clipboard = %q, want %q", h.clipboard(), want)
	}
	if !strings.Contains(h.u.status.text(), "Copied the code for Google") || !strings.Contains(h.u.status.text(), "30 s") {
		t.Errorf("status = %q", h.u.status.text())
	}
	h.clk.Advance(29 * time.Second)
	if h.clipboard() != want {
		t.Fatal("cleared too early")
	}
	h.clk.Advance(time.Second)
	if h.clipboard() != "" {
		t.Fatalf("not cleared after 30 s: %q", h.clipboard())
	}

	// Esc clears the search; arrows move; Enter copies the row pointed at.
	key(m.search, fyne.KeyEscape)
	if m.search.Text != "" || len(h.shown()) != 3 {
		t.Fatal("Esc did not clear the search")
	}
	key(m.search, fyne.KeyReturn)
	if h.clipboard() != "" {
		t.Fatal("Enter with no row pointed at copied (or used up a counter code)")
	}
	key(m.search, fyne.KeyDown)
	if m.current != 1 {
		t.Fatalf("cursor at %d after Down", m.current)
	}
	key(m.search, fyne.KeyReturn)
	if h.clipboard() != h.code(uriGitHub) {
		t.Fatalf("Enter on GitHub copied %q", h.clipboard())
	}
	// Something the user copies since survives the clearing.
	h.fa.Clipboard().SetContent("my notes")
	h.clk.Advance(time.Minute)
	if h.clipboard() != "my notes" {
		t.Fatalf("the user's own clipboard was cleared: %q", h.clipboard())
	}

	// A click copies too (and a second click on the same row again).
	m.listW.Select(2)
	if h.clipboard() != h.code(uriGoogle) {
		t.Fatalf("click copied %q", h.clipboard())
	}
	h.fa.Clipboard().SetContent("")
	m.listW.Select(2)
	if h.clipboard() != h.code(uriGoogle) {
		t.Fatal("a second click on the same row did not copy")
	}

	// HOTP: copying issues the next code and advances the counter.
	m.listW.Select(0)
	bank, _ := vault.ParseURI(uriBank)
	wantHOTP, _ := bank.CodeForCounter(3)
	if h.clipboard() != wantHOTP {
		t.Fatalf("HOTP copy = %q, want %q", h.clipboard(), wantHOTP)
	}
	if a := h.u.main.list.Account(0); a.Counter != 4 {
		t.Fatalf("counter = %d after issuing, want 4", a.Counter)
	}

	// Tags filter.
	if m.tagSelect.Visible() {
		t.Error("tag filter shown with no tags")
	}
}

func TestShortcuts(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	h.u.main.search.TypedShortcut(shortcutAdd)
	if h.u.adding == nil {
		t.Fatal("Ctrl+N did not open the add dialog")
	}
	h.u.adding.dlg.Hide()
	h.u.main.search.TypedShortcut(shortcutLock)
	if st, _ := h.core.State(); st != app.StateLocked {
		t.Fatal("Ctrl+L did not lock")
	}
}

func TestTickAdvancesCodes(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	w := h.u.Window()
	w.Canvas().Refresh(w.Content())
	var row *accountRow
	for _, r := range h.u.main.rows {
		if r.acct != nil {
			row = r
		}
	}
	if row == nil {
		t.Fatal("no row was drawn")
	}
	first := row.codeTxt.Text
	if first != vault.GroupCode(h.code(uriGitHub)) {
		t.Fatalf("row shows %q, want %q", first, vault.GroupCode(h.code(uriGitHub)))
	}
	if row.ring.secs.Text != "20" {
		t.Fatalf("countdown shows %q, want 20", row.ring.secs.Text)
	}
	h.clk.Advance(5 * time.Second)
	h.u.Tick()
	if row.ring.secs.Text != "15" || row.codeTxt.Text != first {
		t.Fatalf("after 5 s: %q %q", row.ring.secs.Text, row.codeTxt.Text)
	}
	h.clk.Advance(15 * time.Second)
	h.u.Tick()
	if row.codeTxt.Text == first || row.codeTxt.Text != vault.GroupCode(h.code(uriGitHub)) {
		t.Fatalf("new period: %q", row.codeTxt.Text)
	}
}

func TestLockUnlockPassphrase(t *testing.T) {
	h := newHarness(t, "passphrase", nil, uriGitHub)
	h.fa.Clipboard().SetContent("")
	h.u.main.listW.Select(0)
	h.u.Lock()
	if h.u.main != nil || h.u.state != app.StateLocked {
		t.Fatal("still showing accounts after Lock")
	}
	if h.clipboard() != "" {
		t.Fatal("locking left the code on the clipboard")
	}
	entries := findEntries(h.u.body)
	if len(entries) != 1 {
		t.Fatalf("%d entries on the unlock screen", len(entries))
	}
	test.Type(entries[0], "wrong")
	key(entries[0], fyne.KeyReturn)
	if !containsText(h.u.body, "Wrong passphrase") {
		t.Fatal("a wrong passphrase is not explained")
	}
	test.Type(entries[0], "correct horse")
	test.Tap(findButton(t, h.u.body, "Unlock"))
	if h.u.main == nil || strings.Join(h.shown(), ",") != "GitHub" {
		t.Fatal("not unlocked")
	}
}

func TestAutoLockAfterIdle(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	s := h.core.Settings()
	s.AutoLock = app.Duration(5 * time.Minute)
	if err := h.core.SaveSettings(s); err != nil {
		t.Fatal(err)
	}
	h.u.idle.Reset(5 * time.Minute)
	h.clk.Advance(4 * time.Minute)
	test.Type(h.u.main.search, "g") // activity
	h.clk.Advance(4 * time.Minute)
	if st, _ := h.core.State(); st != app.StateUnlocked {
		t.Fatal("locked while in use")
	}
	h.clk.Advance(time.Minute + time.Second)
	if st, _ := h.core.State(); st != app.StateLocked {
		t.Fatal("not locked after 5 idle minutes")
	}
	// A keyring vault locked by the timer waits for a click to reopen.
	if h.u.main != nil {
		t.Fatal("reopened by itself")
	}
	test.Tap(findButton(t, h.u.body, "Unlock"))
	if h.u.main == nil {
		t.Fatal("Unlock did not reopen the keyring vault")
	}
}

func TestKeyringUnlockFailureExplained(t *testing.T) {
	kr := &vault.MemoryKeyring{}
	h := newHarness(t, "keyring", kr, uriGitHub)
	h.u.Lock()
	// The keyring loses the key (another machine, a reset keyring).
	if err := kr.Delete("vault:" + h.core.Paths().Vault); err != nil {
		t.Fatal(err)
	}
	test.Tap(findButton(t, h.u.body, "Unlock"))
	if !containsText(h.u.body, "The system keyring did not give the vault's key") || !containsText(h.u.body, "no key for this vault") {
		t.Fatal("the keyring's part in the failure is not shown")
	}
}

func TestDeleteUndo(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub, uriGoogle)
	g := h.u.main.list.Account(0)
	h.u.deleteAccount(g.ID)
	if got := strings.Join(h.shown(), ","); got != "Google" {
		t.Fatalf("after delete: %s", got)
	}
	if !strings.Contains(h.u.status.text(), "Deleted GitHub") || !strings.Contains(h.u.status.text(), "vault.age.prev") {
		t.Fatalf("status = %q", h.u.status.text())
	}
	test.Tap(h.u.status.action)
	if got := strings.Join(h.shown(), ","); got != "GitHub,Google" {
		t.Fatalf("after undo: %s", got)
	}
	// Undo expires.
	h.u.deleteAccount(h.u.main.list.Account(0).ID)
	h.clk.Advance(undoWindow)
	if h.u.status.text() != "" || h.u.status.action.Visible() {
		t.Fatal("the Undo offer did not expire")
	}
}

func TestEmptySearchMessage(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	test.Type(h.u.main.search, "zzz")
	if !containsText(h.u.main.center, "No account matches “zzz”") {
		t.Fatal("no message for a search without results")
	}
}

func TestTagFilter(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub, uriGoogle)
	a := h.u.main.list.Account(0)
	a.Tags = []string{"work"}
	if err := h.core.UpdateAccount(a); err != nil {
		t.Fatal(err)
	}
	m := h.u.main
	if !m.tagSelect.Visible() {
		t.Fatal("no tag filter with tags present")
	}
	m.tagSelect.SetSelected("work")
	if got := strings.Join(h.shown(), ","); got != "GitHub" {
		t.Fatalf("tag work: %s", got)
	}
	key(m.search, fyne.KeyEscape)
	if got := strings.Join(h.shown(), ","); got != "GitHub,Google" {
		t.Fatalf("Esc did not clear the tag: %s", got)
	}
}

func TestFavoritePinnedOnTop(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub, uriGoogle)
	h.u.main.toggleFavorite(h.u.main.list.Account(1))
	if got := strings.Join(h.shown(), ","); got != "Google,GitHub" {
		t.Fatalf("favourite not first: %s", got)
	}
}

func TestMainListMarkup(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub, uriGoogle, uriBank)
	test.AssertRendersToMarkup(t, "main_list.xml", h.u.Window().Canvas())
	test.AssertRendersToImage(t, "main_list.png", h.u.Window().Canvas())
}

func TestEmptyStateMarkup(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	test.AssertRendersToMarkup(t, "empty_state.xml", h.u.Window().Canvas())
}

// Helpers that find widgets by what a person sees.

func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, f)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		for _, c := range r.Objects() {
			walk(c, f)
		}
	}
}

func findButton(t *testing.T, root fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walk(root, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

func findEntries(root fyne.CanvasObject) []*widget.Entry {
	var out []*widget.Entry
	walk(root, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && !e.Disabled() {
			out = append(out, e)
		}
	})
	return out
}

func containsText(root fyne.CanvasObject, s string) bool {
	found := false
	walk(root, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, s) {
			found = true
		}
	})
	return found
}

func TestLockClosesDialogsAndEscCloses(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	c := h.u.Window().Canvas()
	h.u.showSettings()
	if len(h.u.dialogs) != 1 || c.Overlays().Top() == nil {
		t.Fatal("settings did not open")
	}
	h.u.closeTopDialog()
	if len(h.u.dialogs) != 0 || c.Overlays().Top() != nil {
		t.Fatal("Esc did not close settings")
	}
	h.u.showQRDialog(h.u.main.list.Account(0))
	test.Tap(findButton(t, c.Overlays().Top(), "Show it"))
	if len(h.u.dialogs) != 1 {
		t.Fatalf("%d dialogs after confirming the QR", len(h.u.dialogs))
	}
	h.u.Lock()
	if len(h.u.dialogs) != 0 || c.Overlays().Top() != nil {
		t.Fatal("the secret QR code stayed on screen after locking")
	}
}

func TestImportFromFile(t *testing.T) {
	path := testenv.Fixture(t, "aegis_plain.json")
	h := newHarness(t, "keyring", nil, uriGitHub)
	h.u.previewImport(path)
	c := h.u.Window().Canvas()
	top := c.Overlays().Top()
	if top == nil {
		t.Fatal("no import preview")
	}
	var add *widget.Button
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && strings.HasPrefix(b.Text, "Add ") && strings.HasSuffix(b.Text, " new") {
			add = b
		}
	})
	if add == nil {
		t.Fatal("the preview offers no Add button")
	}
	before := h.u.main.list.Total()
	test.Tap(add)
	if h.u.main.list.Total() <= before {
		t.Fatalf("nothing imported: %d accounts", h.u.main.list.Total())
	}
	if !strings.HasPrefix(h.u.status.text(), "Imported:") {
		t.Errorf("status = %q", h.u.status.text())
	}
}

func TestImportBadFile(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	bad := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(bad, []byte("hello"), 0o600)
	h.u.previewImport(bad)
	top := h.u.Window().Canvas().Overlays().Top()
	if top == nil || !containsText(top, "Nothing was imported") {
		t.Fatal("a file that is no export is not explained")
	}
}

func TestBackupFolder(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	dir := t.TempDir()
	if err := h.u.applyBackupFolder(filepath.Join(dir, "missing"), 5); err == nil {
		t.Fatal("a folder that does not exist was accepted")
	}
	if err := h.u.applyBackupFolder(dir, 5); err != nil {
		t.Fatal(err)
	}
	h.u.backupNow()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) == 0 {
		t.Fatal("Back up now wrote nothing")
	}
	if !strings.Contains(h.u.status.text(), "Backed up") {
		t.Errorf("status = %q", h.u.status.text())
	}
	if err := h.u.applyBackupFolder("", 5); err != nil || h.core.Settings().BackupDir != "" {
		t.Fatalf("clearing the folder: %v", err)
	}
}

func TestScanResultsInDialog(t *testing.T) {
	h := newHarness(t, "keyring", nil)
	h.u.showAddDialog()
	d := h.u.adding
	cases := []struct {
		name  string
		scan  func(context.Context) ([]app.QRFinding, error)
		says  string
		added int // Add buttons offered
	}{
		{"no QR", func(context.Context) ([]app.QRFinding, error) { return app.ScanImageFile(writeBlankPNG(t)) }, "No QR code was found", 0},
		{"unreadable file", func(context.Context) ([]app.QRFinding, error) { return app.ScanImageFile(writeText(t)) }, "not a picture", 0},
		{"no picture on the clipboard", func(context.Context) ([]app.QRFinding, error) { return nil, app.ErrNoClipboardImage }, "clipboard holds no picture", 0},
		{"not an account", func(context.Context) ([]app.QRFinding, error) {
			return app.ClassifyQRTexts([]string{"https://example.com"}), nil
		}, "No account was found", 0},
		{"several codes", func(context.Context) ([]app.QRFinding, error) {
			return app.ClassifyQRTexts([]string{uriGitHub, "https://example.com", uriGoogle}), nil
		}, "Found 2 accounts", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d.runScan("…", c.scan)
			if !strings.Contains(d.scanMsg.Text, c.says) {
				t.Fatalf("message = %q, want %q", d.scanMsg.Text, c.says)
			}
			var adds []*escButton
			walk(d.scanResults, func(o fyne.CanvasObject) {
				if b, ok := o.(*escButton); ok && b.Text == "Add" {
					adds = append(adds, b)
				}
			})
			if len(adds) != c.added {
				t.Fatalf("%d accounts offered, want %d", len(adds), c.added)
			}
			for _, b := range adds {
				test.Tap(b)
			}
			if h.u.main.list.Total() < c.added {
				t.Fatalf("%d accounts in the vault after adding %d", h.u.main.list.Total(), c.added)
			}
		})
	}
	if got := strings.Join(h.shown(), ","); got != "GitHub,Google" {
		t.Fatalf("vault holds %s; only the offered accounts may be added", got)
	}
}

func writeBlankPNG(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "blank.png")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeText(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "notes.png")
	os.WriteFile(p, []byte("not a picture"), 0o600)
	return p
}

func TestShowQRHidesTheKey(t *testing.T) {
	h := newHarness(t, "keyring", nil, uriGitHub)
	a := h.u.main.list.Account(0)
	h.u.showQRDialog(a)
	c := h.u.Window().Canvas()
	if containsText(c.Overlays().Top(), "JBSW") {
		t.Fatal("the key is on screen before the warning was accepted")
	}
	test.Tap(findButton(t, c.Overlays().Top(), "Show it"))
	top := c.Overlays().Top()
	if containsText(top, "JBSW") {
		t.Fatal("the key is shown as text before it was asked for")
	}
	test.Tap(findButton(t, top, "Show the key as text"))
	if !containsText(top, vault.GroupSecret(a.Secret)) {
		t.Fatal("the key is not shown when asked for")
	}
	test.Tap(findButton(t, top, "Hide the key"))
	if containsText(top, "JBSW") {
		t.Fatal("Hide left the key on screen")
	}
}

// freshenFyneCache makes Fyne sample the clock it stamps new renderers
// with. Fyne samples it only when a canvas is painted, and a test process
// that ran for a minute without painting (the end-to-end tests drive a
// separate binary) would stamp a new window's renderers as a minute old:
// the first capture then throws them away as expired and draws a blank
// window. Painting a throwaway canvas takes a fresh sample.
func freshenFyneCache() {
	c := software.NewCanvas()
	c.SetContent(widget.NewLabel(""))
	c.Capture()
}
