package ui

import (
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

const allTags = "All accounts"

// mainScreen is the account list with its search box and tag filter.
type mainScreen struct {
	u    *UI
	list *app.CodeList

	search    *searchEntry
	tagSelect *widget.Select
	listW     *endKeepingList
	center    *fyne.Container
	empty     *fyne.Container
	content   fyne.CanvasObject

	// rows holds, by list position, the row last bound there: the rows on
	// screen, which the tick refreshes. The list also keeps rows in a pool
	// and drops them on a full refresh without telling; rowBound and
	// refreshList keep those out.
	rows     map[widget.ListItemID]*accountRow
	current  int  // the keyboard cursor: Enter copies this row
	usedKeys bool // the cursor is drawn once the keyboard moved it
	tag      string
	// conflicts reports the sync conflict copies merged (ui/conflicts.go).
	conflicts *conflictBanner
}

func newMainScreen(u *UI) *mainScreen {
	u.trace("main-screen")
	m := &mainScreen{u: u, list: app.NewCodeList(), rows: map[widget.ListItemID]*accountRow{}}
	m.search = newSearchEntry(m)
	m.tagSelect = widget.NewSelect(nil, func(s string) {
		if s == allTags {
			s = ""
		}
		if s != m.tag {
			m.tag = s
			m.filter()
		}
	})
	m.tagSelect.Hide()

	m.listW = newEndKeepingList(
		func() int { return m.list.Len() },
		func() fyne.CanvasObject { return newAccountRow(m) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*accountRow).bind(id, m.u.core.Now())
		},
	)
	m.listW.OnSelected = func(id widget.ListItemID) {
		m.u.activity()
		m.setCurrent(id)
		m.copyRow(id)
		// Keep no list selection: a second click on the same row copies again.
		m.listW.Unselect(id)
	}

	add := widget.NewButtonWithIcon("Add", theme.ContentAddIcon(), func() { m.u.showAddDialog() })
	add.Importance = widget.HighImportance
	m.conflicts = newConflictBanner(u) // hidden until a sync conflict copy is merged
	header := container.NewBorder(nil, m.conflicts.content, nil, container.NewHBox(m.tagSelect, add), m.search)

	m.empty = container.NewStack()
	m.center = container.NewStack(m.listW)
	m.content = container.NewBorder(container.NewPadded(header), nil, nil, nil, m.center)
	if u.opts.Trace {
		m.content = container.NewStack(m.content, m.u.drawProbe())
	}
	m.reload()
	return m
}

// reload takes a new snapshot of the accounts (after unlock or a change).
func (m *mainScreen) reload() {
	m.u.trace("reload")
	// The keyboard cursor stays on its account, wherever a change made
	// elsewhere (the command line, a sync) moves it in the list.
	var selected string
	if a := m.list.Account(m.current); a != nil {
		selected = a.ID
	}
	accts, err := m.u.core.Accounts()
	if err != nil {
		m.list.Clear()
	} else {
		m.list.SetAccounts(accts)
	}
	m.u.trace(fmt.Sprintf("accounts-%d", m.list.Total()))
	defer m.u.trace("reloaded")
	if m.conflicts != nil {
		m.conflicts.refresh()
	}
	tags := m.list.Tags()
	if len(tags) == 0 {
		m.tagSelect.Hide()
		m.tag = ""
	} else {
		m.tagSelect.SetOptions(append([]string{allTags}, tags...))
		// Say what is shown ("All accounts", or the tag kept across a
		// reload), never Fyne's "(Select one)". Set without the callback:
		// the filter below applies it.
		if m.tag != "" && !slices.Contains(tags, m.tag) {
			m.tag = ""
		}
		m.tagSelect.Selected = allTags
		if m.tag != "" {
			m.tagSelect.Selected = m.tag
		}
		m.tagSelect.Refresh()
		m.tagSelect.Show()
	}
	m.list.Filter(m.search.Text, m.tag)
	if i := m.list.Index(selected); selected != "" && i >= 0 {
		m.current = i
	}
	m.afterFilter()
}

func (m *mainScreen) filter() {
	if m.list.Filter(m.search.Text, m.tag) {
		m.current = 0
		m.listW.ScrollToTop()
	}
	m.afterFilter()
}

func (m *mainScreen) afterFilter() {
	if m.current >= m.list.Len() {
		m.current = max(0, m.list.Len()-1)
	}
	m.refreshList()
	m.updateEmpty()
}

// refreshList rebinds every row on screen. The list drops its pooled rows
// on a full refresh, so the rows map starts again from the rows it binds.
func (m *mainScreen) refreshList() {
	clear(m.rows)
	m.listW.Refresh()
}

// rowBound records that the list put r at position i.
func (m *mainScreen) rowBound(r *accountRow, i widget.ListItemID) {
	if r.id >= 0 && m.rows[r.id] == r {
		delete(m.rows, r.id)
	}
	m.rows[i] = r
}

// updateEmpty shows a teaching empty state instead of a blank list.
func (m *mainScreen) updateEmpty() {
	var show fyne.CanvasObject
	switch {
	case m.list.Total() == 0:
		show = m.welcome()
	case m.list.Len() == 0:
		q := m.search.Text
		msg := "No account matches"
		if q != "" {
			msg += fmt.Sprintf(" “%s”", q)
		}
		if m.tag != "" {
			msg += " in " + m.tag
		}
		show = centered(heading(msg+"."), para("Search looks at issuers, account names, tags and notes. Press Esc to clear the search."))
	}
	if show == nil {
		show = m.listW
		if len(m.center.Objects) == 1 && m.center.Objects[0] == show {
			return // the list already refreshed itself; a second pass costs as much
		}
	}
	m.center.Objects = []fyne.CanvasObject{show}
	m.center.Refresh()
}

// welcome teaches the first steps: add, import, back up.
func (m *mainScreen) welcome() fyne.CanvasObject {
	add := widget.NewButtonWithIcon("Add your first account", theme.ContentAddIcon(), func() { m.u.showAddDialog() })
	add.Importance = widget.HighImportance
	objs := []fyne.CanvasObject{
		heading("Your vault is ready"),
		para("Add the accounts you protect with two-factor codes. On the website's security page choose “authenticator app”: when it shows a QR code, use Add, then Scan the screen; when it offers a key or a link, paste it."),
		add,
	}
	if m.u.hasImport() {
		objs = append(objs, para("Moving from Google Authenticator, Aegis, 2FAS or another app? Export from it, then use Import."),
			widget.NewButtonWithIcon("Import from another app…", theme.DownloadIcon(), func() { m.u.showImport() }))
	}
	objs = append(objs, para("Keep a spare: once your accounts are in, set a backup folder in Settings so an encrypted copy is kept after every change."))
	return container.NewVScroll(centered(objs...))
}

// tick refreshes the rows the list has on screen.
func (m *mainScreen) tick() {
	now := m.u.core.Now()
	for _, r := range m.rows {
		r.tick(now)
	}
}

func (m *mainScreen) focusSearch() {
	m.u.win.Canvas().Focus(m.search)
}

func (m *mainScreen) clearSearch() {
	if m.search.Text != "" {
		m.search.SetText("") // OnChanged filters
	}
}

func (m *mainScreen) setCurrent(i int) {
	if i < 0 || i >= m.list.Len() {
		return
	}
	old := m.current
	m.current = i
	m.listW.RefreshItem(old)
	m.listW.RefreshItem(i)
}

// cursorShown reports whether the keyboard cursor is drawn: after arrow
// keys, or while a search narrows the list (Enter copies the first match).
func (m *mainScreen) cursorShown() bool {
	return m.list.Len() > 1 && (m.usedKeys || m.search.Text != "")
}

// move shifts the keyboard cursor and keeps it in view.
func (m *mainScreen) move(delta int) {
	m.usedKeys = true
	n := m.list.Len()
	if n == 0 {
		return
	}
	i := min(max(m.current+delta, 0), n-1)
	m.setCurrent(i)
	m.listW.ScrollTo(i)
}

// copyRow copies the code row i shows. An HOTP account with no code issued
// this session gets one: copying is what a person wants the code for.
func (m *mainScreen) copyRow(i int) {
	e := m.list.Entry(i, m.u.core.Now())
	if e.Account == nil {
		return
	}
	if e.Err != nil {
		m.u.status.show(shownLabel(e.Account)+": "+errorText(e.Err), 6*time.Second)
		return
	}
	if e.Account.Kind == vault.KindHOTP && e.Code == "" {
		m.issueHOTP(e.Account)
		return
	}
	m.u.copyCode(shownLabel(e.Account), e.Code)
}

// issueHOTP uses up the next counter value and copies its code.
func (m *mainScreen) issueHOTP(a *vault.Account) {
	c, err := m.u.core.CurrentCode(a.ID)
	if err != nil {
		m.u.status.show(errorText(err), 6*time.Second)
		return
	}
	m.list.SetIssued(a.ID, c.Code)
	m.refreshList()
	m.u.copyCode(shownLabel(a), c.Code)
}

func (m *mainScreen) copyNext(i int) {
	e := m.list.Entry(i, m.u.core.Now())
	if e.Account == nil || e.Next == "" {
		return
	}
	m.u.copyCode(shownLabel(e.Account)+" (next period)", e.Next)
}

func (m *mainScreen) toggleFavorite(a *vault.Account) {
	c := a.Clone()
	c.Favorite = !c.Favorite
	if err := m.u.core.UpdateAccount(c); err != nil {
		m.u.status.show(errorText(err), 6*time.Second)
	}
}

// searchEntry is the search box; it also drives the list from the
// keyboard so typing, arrows and Enter work without leaving it.
type searchEntry struct {
	widget.Entry
	m *mainScreen
}

func newSearchEntry(m *mainScreen) *searchEntry {
	e := &searchEntry{m: m}
	e.ExtendBaseWidget(e)
	e.SetPlaceHolder("Search  (Ctrl+F)") // short enough to fit beside the tag filter at 400 px
	e.ActionItem = widget.NewIcon(theme.SearchIcon())
	e.OnChanged = func(string) {
		m.u.activity()
		m.filter()
	}
	return e
}

// TypedKey handles the list keys before the entry sees them.
func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	if e.m.handleKey(k) {
		return
	}
	e.Entry.TypedKey(k)
}

// handleKey is the list's keyboard: arrows move, Enter copies, Esc clears.
func (m *mainScreen) handleKey(k *fyne.KeyEvent) bool {
	m.u.activity()
	switch k.Name {
	case fyne.KeyDown:
		m.move(1)
	case fyne.KeyUp:
		m.move(-1)
	case fyne.KeyPageDown:
		m.move(8)
	case fyne.KeyPageUp:
		m.move(-8)
	case fyne.KeyReturn, fyne.KeyEnter:
		// Only a row the person can see is marked: never copy (or, for a
		// counter account, use up) a code they did not point at.
		if m.cursorShown() || m.list.Len() == 1 {
			m.copyRow(m.current)
		}
	case fyne.KeyEscape:
		if m.search.Text == "" && m.tag == "" {
			return false
		}
		m.clearSearch()
		if m.tag != "" {
			m.tagSelect.SetSelected(allTags)
		}
	default:
		return false
	}
	return true
}

// endKeepingList is a list that keeps its end in view when it gets
// shorter. The status bar takes its height from the list when it shows
// ("Copied …"); a plain list keeps its offset, so with the list scrolled
// to the end the last row slid under the status bar, out of reach.
type endKeepingList struct {
	widget.List
}

func newEndKeepingList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *endKeepingList {
	l := &endKeepingList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

func (l *endKeepingList) Resize(s fyne.Size) {
	old, offset := l.Size(), l.GetScrollOffset()
	l.List.Resize(s)
	shrunk := old.Height - s.Height
	if shrunk <= 0 || offset <= 0 {
		return
	}
	// The list tells its offset, not its length: the end at the new height,
	// less what it shrank by, is where the end was before.
	l.ScrollToBottom()
	if offset < l.GetScrollOffset()-shrunk-0.5 {
		l.ScrollToOffset(offset) // it was not at the end: stay put
	}
}
