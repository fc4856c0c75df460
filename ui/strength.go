package ui

import (
	"fyne.io/fyne/v2/widget"

	"github.com/sparekey/sparekey/vault"
)

// strengthMeter is the line under a new passphrase that rates it as it is
// typed, with the rule both the vault and backups follow
// (vault.PassphraseProblem): the same words wherever a passphrase is made.
type strengthMeter struct {
	*widget.Label
}

func newStrengthMeter() *strengthMeter {
	m := &strengthMeter{para("")}
	m.Hide()
	return m
}

var strengthWords = [...]string{"very weak", "weak", "fair", "strong", "very strong"}

// update rates p; an empty p hides the line.
func (m *strengthMeter) update(p string) {
	if p == "" {
		m.Hide()
		return
	}
	st := vault.EstimatePassphrase([]byte(p))
	text := "Strength: " + strengthWords[st.Score] + " — a computer with the file would need " + st.CrackTime + " to guess it."
	switch {
	case len([]rune(p)) < vault.MinPassphraseLength:
		text = "Too short: at least 8 characters. A few unrelated words are easy to type and hard to guess."
		m.Importance = widget.DangerImportance
	case !st.Enough:
		text += " Add another unusual word."
		m.Importance = widget.DangerImportance
	case st.Score >= 3:
		m.Importance = widget.SuccessImportance
	default:
		m.Importance = widget.MediumImportance
	}
	m.SetText(text)
	m.Show()
}
