package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// addDialog offers every way to add an account: scan a QR code (screen,
// picture file, clipboard), paste an otpauth link, or type the key.
type addDialog struct {
	u   *UI
	dlg dialog.Dialog
	tab *container.AppTabs

	// Paste a link
	uri       *submitEntry
	uriResult *widget.Label
	uriRemedy *fyne.Container // a button offering the first problem's remedy

	// Scan
	scanButton  *escButton
	scanMsg     *widget.Label
	scanResults *fyne.Container
	scanBusy    *widget.ProgressBarInfinite

	// Manual
	form *manualForm
}

func (u *UI) showAddDialog() {
	if msg := u.vaultNeeded(); msg != "" {
		u.status.show(msg, 8*time.Second)
		return
	}
	if u.adding != nil {
		return // Ctrl+N while it is open
	}
	d := &addDialog{u: u}
	u.adding = d
	d.tab = container.NewAppTabs(
		container.NewTabItemWithIcon("Scan QR code", theme.NewThemedResource(qrIcon), d.scanTab()),
		container.NewTabItemWithIcon("Paste link", theme.ContentPasteIcon(), d.uriTab()),
		container.NewTabItemWithIcon("Enter key", theme.DocumentCreateIcon(), d.manualTab()),
	)
	d.tab.OnSelected = func(t *container.TabItem) {
		switch t.Text {
		case "Paste link":
			u.win.Canvas().Focus(d.uri)
		case "Enter key":
			u.win.Canvas().Focus(d.form.issuer)
		}
	}
	d.dlg = dialog.NewCustom("Add an account", "Close", d.tab, u.win)
	d.dlg.Resize(fyne.NewSize(fyne.Min(u.win.Canvas().Size().Width-24, 560), fyne.Min(u.win.Canvas().Size().Height-24, 600)))
	u.openDialog(d.dlg, func() { u.adding = nil })
	// A link already on the clipboard is almost certainly why the dialog
	// was opened: offer it ready to add (Return adds it).
	if clip := strings.TrimSpace(u.fa.Clipboard().Content()); strings.HasPrefix(strings.ToLower(clip), "otpauth") {
		d.tab.SelectIndex(1)
		d.uri.SetText(clip)
		u.win.Canvas().Focus(d.uri)
	} else {
		u.win.Canvas().Focus(d.scanButton) // Space scans
	}
}

// added closes the dialog and says what happened.
func (d *addDialog) added(a *vault.Account) {
	d.dlg.Hide()
	d.u.afterAdd(a)
}

func (u *UI) afterAdd(a *vault.Account) {
	if u.main != nil {
		u.main.clearSearch()
		if i := u.main.list.Index(a.ID); i >= 0 {
			u.main.setCurrent(i)
			u.main.listW.ScrollTo(i)
		}
	}
	u.status.show("Added "+shownLabel(a)+". Its code is in the list; compare it with the website before you finish there.", 6*time.Second)
}

// uriTab adds from pasted otpauth:// links (one, or several a line).
func (d *addDialog) uriTab() fyne.CanvasObject {
	d.uri = newSubmitEntry(d.u, d.addURIs)
	d.uri.SetPlaceHolder("otpauth://totp/…") // a whole example link wrapped mid-word ("Examp / le")
	d.uri.Wrapping = fyne.TextWrapBreak
	d.uri.SetMinRowsVisible(4)
	d.uriResult = para("")
	d.uriResult.Hide()
	d.uriRemedy = container.NewHBox()
	add := widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), d.addURIs)
	add.Importance = widget.HighImportance
	paste := widget.NewButtonWithIcon("Paste", theme.ContentPasteIcon(), func() {
		d.uri.SetText(strings.TrimSpace(d.u.fa.Clipboard().Content()))
	})
	return container.NewVBox(
		para("Paste the otpauth:// link a website or another app gives you (several links: one a line)."),
		d.uri,
		container.NewHBox(paste, add),
		d.uriResult,
		d.uriRemedy,
	)
}

// showManual turns to the form for typing a key.
func (d *addDialog) showManual() {
	d.tab.SelectIndex(2)
	d.u.win.Canvas().Focus(d.form.issuer)
}

func (d *addDialog) addURIs() {
	var lines []string
	for _, l := range strings.Split(d.uri.Text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		d.showURIResult("Paste a link first. It starts with otpauth://", true)
		return
	}
	var added []*vault.Account
	var problems []string
	var firstErr error
	d.uriRemedy.RemoveAll()
	for i, l := range lines {
		if strings.HasPrefix(strings.ToLower(l), "otpauth-migration:") {
			n, msg := d.addFindings(app.ClassifyQRTexts([]string{l}))
			if n == 0 {
				problems = append(problems, msg)
			}
			continue
		}
		a, err := d.u.core.AddURI(l)
		if err != nil {
			prefix := ""
			if len(lines) > 1 {
				prefix = fmt.Sprintf("Line %d: ", i+1)
			}
			problems = append(problems, prefix+app.ExplainURI(err, l))
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		added = append(added, a)
	}
	switch {
	case len(problems) == 0 && len(added) == 1:
		d.uri.SetText("")
		d.added(added[0])
	case len(problems) == 0:
		d.uri.SetText("")
		d.dlg.Hide()
		d.u.status.show(fmt.Sprintf("Added %d accounts.", len(added)), 6*time.Second)
	default:
		msg := strings.Join(problems, "\n")
		if len(added) > 0 {
			msg = fmt.Sprintf("Added %d; the rest were not: ", len(added)) + msg
		} else {
			msg += "\nNothing was added."
		}
		d.showURIResult(msg, true)
		if b := d.u.remedyButton(firstErr); b != nil {
			d.uriRemedy.Add(b)
		}
	}
}

// submitEntry is a multi-line entry where Return submits: links are
// pasted (several lines at once), never typed line by line.
type submitEntry struct {
	widget.Entry
	submit func()
	u      *UI
}

func newSubmitEntry(u *UI, submit func()) *submitEntry {
	e := &submitEntry{submit: submit, u: u}
	e.MultiLine = true
	e.ExtendBaseWidget(e)
	return e
}

func (e *submitEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter {
		e.submit()
		return
	}
	if k.Name == fyne.KeyEscape && e.u != nil && e.u.closeTopDialog() {
		return
	}
	e.Entry.TypedKey(k)
}

// addFindings adds every account of a migration code at once (the person
// chose to paste it) and reports how many.
func (d *addDialog) addFindings(fs []app.QRFinding) (int, string) {
	n := 0
	var msgs []string
	for _, f := range fs {
		for _, a := range f.Accounts {
			if err := d.u.core.AddScanned(a); err != nil {
				msgs = append(msgs, shownLabel(a)+": "+errorText(err))
				continue
			}
			n++
		}
		if f.Problem != "" {
			msgs = append(msgs, f.Problem)
		}
	}
	return n, strings.Join(msgs, "\n")
}

func (d *addDialog) showURIResult(msg string, bad bool) {
	d.uriResult.SetText(msg)
	if bad {
		d.uriResult.Importance = widget.DangerImportance
	} else {
		d.uriResult.Importance = widget.SuccessImportance
	}
	d.uriResult.Show()
	d.uriResult.Refresh()
}

// scanTab reads QR codes from the screen, a picture file or the clipboard
// and offers each account found.
func (d *addDialog) scanTab() fyne.CanvasObject {
	d.scanMsg = para("")
	d.scanMsg.Hide()
	d.scanResults = container.NewVBox()
	d.scanBusy = widget.NewProgressBarInfinite()
	d.scanBusy.Stop()
	d.scanBusy.Hide()

	screen := newEscButton(d.u, widget.NewButtonWithIcon("Scan the screen", theme.NewThemedResource(scanIcon), d.scanScreen))
	screen.Importance = widget.HighImportance
	d.scanButton = screen
	file := widget.NewButtonWithIcon("Open a picture…", theme.FolderOpenIcon(), d.openPicture)
	clip := widget.NewButtonWithIcon("Paste picture", theme.ContentPasteIcon(), func() {
		d.runScan("Reading the clipboard…", func(ctx context.Context) ([]app.QRFinding, error) { return app.ScanClipboard(ctx) })
	})
	return container.NewVScroll(container.NewVBox(
		para("Open the website's two-factor setup page so its QR code is visible, then press Scan the screen. The Sparekey window steps aside while the screen is read."),
		container.NewGridWithColumns(3, screen, file, clip),
		d.scanBusy,
		d.scanMsg,
		d.scanResults,
	))
}

// captureSettle is how long the window stays hidden before the capture.
const captureSettle = 350 * time.Millisecond

// scanScreen hides the window for the moment of the capture (it would
// otherwise cover the code it is looking for), then decodes with the
// window back.
func (d *addDialog) scanScreen() {
	w := d.u.win
	w.Hide()
	d.runScan("Reading the screen…", func(ctx context.Context) ([]app.QRFinding, error) {
		time.Sleep(captureSettle) // let the screen repaint what was under the window
		img, err := app.CaptureScreen(ctx)
		fyne.DoAndWait(func() { w.Show(); w.RequestFocus() })
		if err != nil {
			return nil, err
		}
		return app.ScanImage(img)
	})
}

func (d *addDialog) openPicture() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			d.showScan(nil, err)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		d.runScan("Reading "+r.URI().Name()+"…", func(context.Context) ([]app.QRFinding, error) { return app.ScanImageFile(path) })
	}, d.u.win)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".gif", ".PNG", ".JPG", ".JPEG", ".GIF"}))
	d.u.openDialog(fd, nil)
}

// runScan decodes in a goroutine (a full-screen decode takes a moment) and
// shows the findings on the UI goroutine.
func (d *addDialog) runScan(what string, scan func(context.Context) ([]app.QRFinding, error)) {
	d.scanResults.RemoveAll()
	d.scanMsg.SetText(what)
	d.scanMsg.Importance = widget.MediumImportance
	d.scanMsg.Show()
	d.scanBusy.Show()
	d.scanBusy.Start()
	d.u.opts.Background(func() {
		fs, err := scan(context.Background())
		fyne.Do(func() { d.showScan(fs, err) })
	})
}

func (d *addDialog) showScan(fs []app.QRFinding, err error) {
	d.scanBusy.Stop()
	d.scanBusy.Hide()
	d.scanResults.RemoveAll()
	if err != nil {
		d.scanMsg.SetText(app.ExplainQR(err))
		d.scanMsg.Importance = widget.DangerImportance
		d.scanMsg.Refresh()
		return
	}
	n := 0
	for _, f := range fs {
		n += len(f.Accounts)
	}
	switch {
	case n == 0:
		d.scanMsg.SetText("No account was found in the picture; nothing was added.")
		d.scanMsg.Importance = widget.DangerImportance
	case n == 1:
		d.scanMsg.SetText("Found one account. Add it?")
		d.scanMsg.Importance = widget.MediumImportance
	default:
		d.scanMsg.SetText(fmt.Sprintf("Found %d accounts. Add the ones you want.", n))
		d.scanMsg.Importance = widget.MediumImportance
	}
	d.scanMsg.Refresh()
	var first fyne.Focusable
	for _, f := range fs {
		if f.Migration && len(f.Accounts) > 0 {
			d.scanResults.Add(para(fmt.Sprintf("A Google Authenticator export with %d accounts:", len(f.Accounts))))
		}
		for _, a := range f.Accounts {
			row, btn := d.findingRow(a)
			if first == nil {
				first = btn
			}
			d.scanResults.Add(row)
		}
		if f.Problem != "" {
			p := para(f.Problem)
			p.Importance = widget.WarningImportance
			d.scanResults.Add(p)
		}
	}
	if first != nil {
		d.u.trace("scan-found")
		d.u.win.Canvas().Focus(first) // Space adds the first account found
	}
}

func (d *addDialog) findingRow(a *vault.Account) (fyne.CanvasObject, *escButton) {
	label := widget.NewLabel(shownLabel(a))
	label.Truncation = fyne.TextTruncateEllipsis
	var btn *escButton
	btn = newEscButton(d.u, widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), nil))
	btn.OnTapped = func() {
		if err := d.u.core.AddScanned(a); err != nil {
			label.SetText(shownLabel(a) + " — " + errorText(err))
			label.Importance = widget.DangerImportance
			label.Refresh()
			return
		}
		btn.SetText("Added")
		btn.SetIcon(theme.ConfirmIcon())
		btn.Disable()
		d.u.status.show("Added "+shownLabel(a)+".", 5*time.Second)
	}
	btn.Importance = widget.HighImportance
	return container.NewBorder(nil, nil, nil, btn, label), btn
}

// manualForm is the form for typing an account's key, validated as it is
// typed, with the code it would show so the person can compare with the
// website before saving.
type manualForm struct {
	u                  *UI
	issuer, name       *widget.Entry
	secret             *widget.Entry
	kind, algo, digits *widget.Select
	period, counter    *widget.Entry
	tags, note         *widget.Entry
	preview            *widget.Label
	problem            *widget.Label
	submit             *widget.Button
	advanced           *widget.Accordion // nil when editing
	ok                 bool
}

func (d *addDialog) manualTab() fyne.CanvasObject {
	f := newManualForm(d.u, nil)
	d.form = f
	f.submit.SetText("Add")
	f.submit.OnTapped = func() {
		in, err := f.account()
		if err != nil {
			f.validate()
			return
		}
		a, err := d.u.core.AddAccount(in)
		if err != nil {
			f.problem.SetText(errorText(err))
			f.problem.Show()
			return
		}
		d.added(a)
	}
	// The form scrolls; its outcome and the Add button stay in view at
	// any window size (at 520×680 they used to sit below the fold).
	return container.NewBorder(nil, f.footer(true), nil, nil, container.NewVScroll(f.fields(true)))
}

// newManualForm returns an empty form, or one filled from existing (edit:
// the key and code settings are then fixed).
func newManualForm(u *UI, existing *vault.Account) *manualForm {
	f := &manualForm{u: u}
	f.issuer = widget.NewEntry()
	f.issuer.SetPlaceHolder("Example Inc.")
	f.name = widget.NewEntry()
	f.name.SetPlaceHolder("alice@example.com")
	f.secret = widget.NewPasswordEntry()
	f.secret.SetPlaceHolder("e.g. JBSW Y3DP EHPK 3PXP")
	f.kind = widget.NewSelect([]string{"Time-based (TOTP)", "Counter-based (HOTP)", "Steam"}, nil)
	f.kind.SetSelectedIndex(0)
	f.algo = widget.NewSelect([]string{"SHA1", "SHA256", "SHA512"}, nil)
	f.algo.SetSelectedIndex(0)
	f.digits = widget.NewSelect([]string{"5", "6", "7", "8", "9", "10"}, nil)
	f.digits.SetSelected("6")
	f.period = widget.NewEntry()
	f.period.SetText("30")
	f.counter = widget.NewEntry()
	f.counter.SetText("0")
	f.tags = widget.NewEntry()
	f.tags.SetPlaceHolder("work, personal (optional)")
	f.note = widget.NewEntry()
	f.note.SetPlaceHolder("optional")
	f.preview = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	f.problem = para("")
	f.problem.Importance = widget.DangerImportance
	f.problem.Hide()
	f.submit = widget.NewButtonWithIcon("Save", theme.ConfirmIcon(), nil)
	f.submit.Importance = widget.HighImportance

	if existing != nil {
		f.issuer.SetText(existing.Issuer)
		f.name.SetText(existing.Name)
		f.tags.SetText(strings.Join(existing.Tags, ", "))
		f.note.SetText(existing.Note)
	}
	for _, e := range []*widget.Entry{f.issuer, f.name, f.secret, f.period, f.counter, f.tags, f.note} {
		e.OnChanged = func(string) { f.validate() }
		// The form has one obvious action: Enter in any field takes it.
		e.OnSubmitted = func(string) { f.trySubmit() }
	}
	for _, s := range []*widget.Select{f.kind, f.algo, f.digits} {
		s.OnChanged = func(string) { f.validate() }
	}
	f.validate()
	return f
}

// fields is the form itself. With the key (adding), the code settings
// most sites leave at their defaults are folded under Advanced.
func (f *manualForm) fields(withKey bool) fyne.CanvasObject {
	items := []*widget.FormItem{
		widget.NewFormItem("Issuer", f.issuer),
		widget.NewFormItem("Account", f.name),
	}
	if withKey {
		items = append(items, widget.NewFormItem("Key", f.secret))
	}
	items = append(items,
		widget.NewFormItem("Tags", f.tags),
		widget.NewFormItem("Note", f.note),
	)
	form := widget.NewForm(items...)
	if !withKey {
		return form
	}
	hint := para("Most sites use the defaults (time-based, SHA1, 6 digits, 30 s); change them only when the site says so.")
	hint.Importance = widget.LowImportance
	advanced := widget.NewForm(
		widget.NewFormItem("Type", f.kind),
		widget.NewFormItem("Algorithm", f.algo),
		widget.NewFormItem("Digits", f.digits),
		widget.NewFormItem("Period (s)", f.period),
		widget.NewFormItem("Counter", f.counter),
	)
	f.advanced = widget.NewAccordion(widget.NewAccordionItem("Advanced", container.NewVBox(hint, advanced)))
	return container.NewVBox(form, f.advanced)
}

// footer is what stays in view under the form: the code it would make,
// what is wrong, and the primary action.
func (f *manualForm) footer(withPreview bool) fyne.CanvasObject {
	objs := []fyne.CanvasObject{}
	if withPreview {
		objs = append(objs, f.preview)
	}
	return container.NewVBox(append(objs, f.problem, container.NewHBox(f.submit))...)
}

// trySubmit is Enter in a field: the primary action, when it is allowed.
func (f *manualForm) trySubmit() {
	if !f.submit.Disabled() && f.submit.OnTapped != nil {
		f.submit.OnTapped()
	}
}

// account builds what the form describes (not yet validated by the vault).
func (f *manualForm) account() (vault.Account, error) {
	in := vault.Account{
		Issuer:    strings.TrimSpace(f.issuer.Text),
		Name:      strings.TrimSpace(f.name.Text),
		Secret:    f.secret.Text,
		Algorithm: vault.Algorithm(f.algo.Selected),
		Note:      strings.TrimSpace(f.note.Text),
		Tags:      splitTags(f.tags.Text),
	}
	switch f.kind.SelectedIndex() {
	case 1:
		in.Kind = vault.KindHOTP
	case 2:
		in.Kind = vault.KindSteam
	default:
		in.Kind = vault.KindTOTP
	}
	in.Digits, _ = strconv.Atoi(f.digits.Selected)
	if in.Kind != vault.KindHOTP {
		p, err := strconv.Atoi(strings.TrimSpace(f.period.Text))
		if err != nil || p <= 0 {
			return in, &vault.FieldError{Field: "period", Reason: "must be a whole number of seconds, usually 30", Err: vault.ErrInvalidAccount}
		}
		in.Period = p
	} else {
		c, err := strconv.ParseUint(strings.TrimSpace(f.counter.Text), 10, 64)
		if err != nil {
			return in, &vault.FieldError{Field: "counter", Reason: "must be a whole number, usually 0 for a new account", Err: vault.ErrInvalidAccount}
		}
		in.Counter = c
	}
	if in.Kind == vault.KindSteam {
		in.Digits = vault.SteamDigits
	}
	if in.Name == "" && in.Issuer != "" {
		in.Name = in.Issuer
	}
	return in, nil
}

// validate runs on every keystroke: it enables Add only for an account the
// vault will take, and previews its code.
func (f *manualForm) validate() {
	hotp := f.kind.SelectedIndex() == 1
	if hotp {
		f.period.Disable()
		f.counter.Enable()
	} else {
		f.period.Enable()
		f.counter.Disable()
	}
	if f.kind.SelectedIndex() == 2 {
		f.digits.Disable()
		f.algo.Disable()
	} else {
		f.digits.Enable()
		f.algo.Enable()
	}
	in, err := f.account()
	var code string
	if err == nil {
		if in.Name == "" {
			err = &vault.FieldError{Field: "account name", Reason: "is empty; give the issuer or the account name", Err: vault.ErrInvalidAccount}
		} else {
			code, err = app.PreviewCode(in, f.u.core.Now())
		}
	}
	f.ok = err == nil
	switch {
	case err == nil:
		f.problem.Hide()
		what := "Code now: "
		if hotp {
			what = "First code: "
		}
		f.preview.SetText(what + vault.GroupCode(code))
		f.submit.Enable()
	case strings.TrimSpace(f.secret.Text) == "" && f.issuer.Text == "" && f.name.Text == "":
		// An untouched form: no scolding yet.
		f.problem.Hide()
		f.preview.SetText("")
		f.submit.Disable()
	default:
		f.problem.SetText(errorText(err))
		f.problem.Show()
		f.preview.SetText("")
		f.submit.Disable()
		f.openAdvancedFor(err)
	}
}

// openAdvancedFor unfolds Advanced when err is about a field in it, so
// the problem is seen where it can be fixed.
func (f *manualForm) openAdvancedFor(err error) {
	var fe *vault.FieldError
	if f.advanced == nil || !errors.As(err, &fe) {
		return
	}
	switch fe.Field {
	case "type", "algorithm", "digits", "period", "counter":
		f.advanced.Open(0)
	}
}

func splitTags(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}
