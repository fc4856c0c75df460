package vault

import (
	"slices"
	"time"
)

// PreviewConflictCopy says what MergeConflictCopy would do with c against
// the accounts in memory, changing nothing and taking no lock: what the
// merge cannot decide is reported as undecided. The command line asks the
// person about those before merging, so the vault's lock is never held
// while someone thinks.
func (v *Vault) PreviewConflictCopy(c ConflictCopy) (ConflictResult, error) {
	res := ConflictResult{Copy: c}
	theirs, err := v.readConflictCopy(c)
	if err != nil {
		return res, err
	}
	v.mu.RLock()
	scratch := &Vault{deleted: slices.Clone(v.deleted)}
	for _, a := range v.accounts {
		scratch.accounts = append(scratch.accounts, a.Clone())
	}
	v.mu.RUnlock()
	res.Items = scratch.mergeContents(theirs, nil, time.Now().UTC().Truncate(time.Second))
	return res, nil
}

// Key names an item across a preview and the merge that follows it (the
// same account, for the same reason), so an answer given about the one is
// applied to the other; it holds no secret.
func (it ConflictItem) Key() string {
	return it.Account.ID + "\x00" + SeedFingerprint(it.Account) + "\x00" + it.Reason
}
