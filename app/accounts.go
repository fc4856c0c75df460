package app

import (
	"fmt"
	"time"

	"github.com/sparekey/sparekey/vault"
)

// Accounts returns every account in display order (favourites first).
func (a *App) Accounts() ([]*vault.Account, error) {
	v, err := a.Vault()
	if err != nil {
		return nil, err
	}
	return v.Accounts(), nil
}

// AddURI adds the account an otpauth URI describes.
func (a *App) AddURI(uri string) (*vault.Account, error) {
	acct, err := vault.ParseURI(uri)
	if err != nil {
		return nil, err
	}
	return acct, a.add(acct)
}

// AddAccount validates a manually entered account (defaults filled) and adds it.
func (a *App) AddAccount(in vault.Account) (*vault.Account, error) {
	acct, err := vault.NewAccount(in)
	if err != nil {
		return nil, err
	}
	return acct, a.add(acct)
}

func (a *App) add(acct *vault.Account) error {
	v, err := a.Vault()
	if err != nil {
		return err
	}
	if err := v.Add(acct); err != nil {
		return err
	}
	a.markFirstRunDone()
	return nil
}

func (a *App) markFirstRunDone() {
	s := a.Settings()
	if !s.FirstRunDone {
		s.FirstRunDone = true
		_ = a.SaveSettings(s) // a preference; failing to save it must not fail the add
	}
}

// PreviewCode returns the code an account being typed into a form would show
// now, so the user can compare it with the site before saving.
func PreviewCode(in vault.Account, now time.Time) (string, error) {
	acct, err := vault.NewAccount(in)
	if err != nil {
		return "", err
	}
	return acct.CodeAt(now)
}

// UpdateAccount saves edited details of an existing account.
func (a *App) UpdateAccount(acct *vault.Account) error {
	v, err := a.Vault()
	if err != nil {
		return err
	}
	return v.Update(acct)
}

// RemoveAccount deletes an account and returns it so the caller can offer undo.
func (a *App) RemoveAccount(id string) (*vault.Account, error) {
	v, err := a.Vault()
	if err != nil {
		return nil, err
	}
	return v.Remove(id)
}

// RestoreAccount undoes a removal.
func (a *App) RestoreAccount(acct *vault.Account) error {
	v, err := a.Vault()
	if err != nil {
		return err
	}
	return v.Add(acct)
}

// Code is what a person needs to use an account right now.
type Code struct {
	Code      string        `json:"code"`
	Next      string        `json:"next,omitempty"`
	Remaining time.Duration `json:"-"`
	Period    int           `json:"period,omitempty"`
	Counter   uint64        `json:"counter,omitempty"` // HOTP: the counter the code was issued for
}

// CurrentCode returns the code of a time-based account at the app's clock.
// For an HOTP account it issues a code: the counter advances and is saved
// first, because showing an HOTP code is what uses it up.
func (a *App) CurrentCode(id string) (Code, error) {
	v, err := a.Vault()
	if err != nil {
		return Code{}, err
	}
	acct, err := v.Get(id)
	if err != nil {
		return Code{}, err
	}
	if acct.Kind == vault.KindHOTP {
		code, err := v.IssueHOTP(id)
		if err != nil {
			return Code{}, err
		}
		return Code{Code: code, Counter: acct.Counter}, nil
	}
	now := a.now()
	code, err := acct.CodeAt(now)
	if err != nil {
		return Code{}, err
	}
	next, err := acct.NextCodeAt(now)
	if err != nil {
		return Code{}, err
	}
	return Code{Code: code, Next: next, Remaining: acct.Remaining(now), Period: acct.Period}, nil
}

// FindAccount resolves a name typed by a person (see vault.Vault.Find).
func (a *App) FindAccount(query string) (*vault.Account, error) {
	v, err := a.Vault()
	if err != nil {
		return nil, err
	}
	acct, err := v.Find(query)
	if err != nil {
		return nil, fmt.Errorf("%w", err)
	}
	return acct, nil
}
