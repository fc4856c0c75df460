package ui

import "github.com/sparekey/sparekey/vault"

// shownLabel is an account's label as the window shows it: control
// characters and bidi overrides (possible in vaults written before input
// was cleaned, or by another program) escaped, never acted on.
func shownLabel(a *vault.Account) string { return vault.EscapeLabel(a.Label()) }
