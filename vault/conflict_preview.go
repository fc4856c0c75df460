package vault

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
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
	if v.store == nil {
		return res, errors.New("an in-memory vault has no conflict copies")
	}
	theirs, _, err := readVault(c.Path, v.store.identity)
	if err != nil {
		var newer *NewerSchemaError
		switch {
		case errors.As(err, &newer):
			return res, err
		case errors.Is(err, ErrVaultNotFound):
			return res, fmt.Errorf("%w: %s", fs.ErrNotExist, c.Path)
		}
		return res, fmt.Errorf("%w: %s (%w)", ErrConflictKey, filepath.Base(c.Path), err)
	}
	if len(theirs.damaged) > 0 {
		return res, &ReadOnlyError{Damaged: theirs.damaged}
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
