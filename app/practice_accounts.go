package app

import (
	"slices"
	"strings"

	"github.com/sparekey/sparekey/vault"
)

// PracticeTag marks the vault accounts enrolled on the practice account:
// their codes open nothing real, so they are labelled, tagged and shown
// as practice everywhere, and can be removed in one go.
const PracticeTag = "practice"

// PracticeIssuer is the issuer practice enrollments are labelled with.
const PracticeIssuer = "AWS practice"

// IsPracticeAccount reports whether a belongs to the practice account:
// tagged so, or bound to the practice connection (enrollments made before
// the tag existed).
func IsPracticeAccount(a *vault.Account) bool {
	if slices.Contains(a.Tags, PracticeTag) {
		return true
	}
	return a.AWS != nil && (a.AWS.Profile == PracticeLabel || strings.HasPrefix(a.AWS.Profile, PracticeLabel+":"))
}

// PracticeAccounts lists the vault's practice accounts.
func (a *App) PracticeAccounts() ([]*vault.Account, error) {
	v, err := a.Vault()
	if err != nil {
		return nil, err
	}
	var out []*vault.Account
	for _, acct := range v.Accounts() {
		if IsPracticeAccount(acct) {
			out = append(out, acct)
		}
	}
	return out, nil
}

// RemovePracticeAccounts removes every practice account from the vault
// and returns what it removed (for an undo).
func (a *App) RemovePracticeAccounts() ([]*vault.Account, error) {
	accts, err := a.PracticeAccounts()
	if err != nil {
		return nil, err
	}
	var removed []*vault.Account
	for _, acct := range accts {
		r, err := a.RemoveAccount(acct.ID)
		if err != nil {
			return removed, err
		}
		removed = append(removed, r)
	}
	return removed, nil
}
