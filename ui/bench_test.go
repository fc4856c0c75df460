package ui

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sparekey/sparekey/app"
	"github.com/sparekey/sparekey/vault"
)

// benchUI opens the window over an in-memory vault of n accounts.
func benchUI(b *testing.B, n int) (*UI, *fakeClock) {
	b.Helper()
	fa := test.NewTempApp(b)
	dir := b.TempDir()
	clk := newFakeClock()
	core := app.New(app.Options{Paths: app.Paths{Config: filepath.Join(dir, "c"), Data: dir, Vault: filepath.Join(dir, "v.age")}, Now: clk.Now})
	accts := make([]*vault.Account, n)
	for i := range accts {
		a, err := vault.NewAccount(vault.Account{
			Issuer: fmt.Sprintf("Issuer %d", i),
			Name:   fmt.Sprintf("user%d@example.com", i),
			Secret: vault.SecretFromBytes([]byte(fmt.Sprintf("bench-secret-%08d", i))),
			Tags:   []string{"tag" + fmt.Sprint(i%7)},
		})
		if err != nil {
			b.Fatal(err)
		}
		accts[i] = a
	}
	core.UseVault(vault.NewMemory(accts...))
	u := New(fa, core, Options{AfterFunc: clk.AfterFunc, Now: clk.Now, NoTicker: true, Background: func(f func()) { f() }})
	u.Window().Resize(fyne.NewSize(520, 680))
	b.Cleanup(u.Window().Close)
	return u, clk
}

// BenchmarkSearchRefresh is one keystroke in the search box with 10,000
// accounts: the entry's change, the filter over the snapshot and the list
// refreshing its visible rows (codes generated for the rows shown).
func BenchmarkSearchRefresh(b *testing.B) {
	u, _ := benchUI(b, 10000)
	m := u.main
	queries := []string{"i", "is", "iss", "issu", "issue", "issuer", "issuer 1", "issuer 12", "issuer 123", "issuer 1234", ""}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.search.SetText(queries[i%len(queries)])
	}
}

// BenchmarkTick is the per-second refresh with 1,000 accounts: only the
// rows on screen are touched, and codes are regenerated only when a period
// ends (one tick in 30 here).
func BenchmarkTick(b *testing.B) {
	u, clk := benchUI(b, 1000)
	u.main.listW.Refresh() // lay out the rows on screen
	bound := 0
	for _, r := range u.main.rows {
		if r.acct != nil {
			bound++
		}
	}
	if bound == 0 {
		b.Fatal("no rows on screen")
	}
	u.idle.Stop() // hours of fake time pass: no auto-lock
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		clk.Advance(time.Second)
		u.Tick()
	}
	b.StopTimer()
	if u.main == nil {
		b.Fatal("the vault locked during the benchmark")
	}
	b.ReportMetric(float64(bound), "rows/tick")
}
