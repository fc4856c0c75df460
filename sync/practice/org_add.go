package practice

import (
	"errors"
	"fmt"
)

// ErrAlreadyOrganization: AddOrganization was asked of a practice account
// that already manages an Organization.
var ErrAlreadyOrganization = errors.New("the practice account already manages an organization")

// AddOrganization makes a single practice account the management account
// of an Organization with n member accounts, as New does with
// Options.MemberAccounts. It exists for state files saved before the
// account had members: their users, devices and seeds stay as they are.
func (s *Server) AddOrganization(n int) error {
	if n < 1 || n > maxMemberAccounts {
		return fmt.Errorf("practice: %d member accounts: choose 1 to %d", n, maxMemberAccounts)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.Org != nil {
		return fmt.Errorf("practice: %w", ErrAlreadyOrganization)
	}
	org, err := newOrganization(s.st, n, s.now(), PresetDefault)
	if err != nil {
		return fmt.Errorf("practice: %w", err)
	}
	s.st.Org = org
	if err := s.save(); err != nil {
		s.st.Org = nil
		return err
	}
	return nil
}
