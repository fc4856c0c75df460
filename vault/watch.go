package vault

import (
	"context"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// FollowPoll is how often Follow looks at the vault file when the system
// cannot notify it of changes (some network and FUSE file systems).
const FollowPoll = time.Second

// followSettle lets a burst of events (a sync tool writing, renaming and
// touching) end before the file is read.
const followSettle = 50 * time.Millisecond

// FollowHooks are what Follow tells its caller.
type FollowHooks struct {
	// OnError hears of a change that could not be read (say, a file another
	// program damaged); the accounts in memory stay as they were, and the
	// next change is tried again.
	OnError func(error)
	// OnConflictCopy hears of the conflict copies a sync tool leaves beside
	// the vault (see MergeConflictCopy): those there when Follow starts, and
	// each one that appears or changes later.
	OnConflictCopy func(ConflictCopy)
}

// Follow reads in every change another process saves to the vault file,
// until ctx ends; Reload does the reading and OnReload's function hears of
// it. It watches the vault's folder, because a save replaces the file by a
// rename, and falls back to polling the file's size, time and identity
// every FollowPoll where the folder cannot be watched.
func (v *Vault) Follow(ctx context.Context, hooks FollowHooks) {
	if v.store == nil {
		return
	}
	pending := map[string]ConflictCopy{}
	reload := func() {
		if _, err := v.Reload(); err != nil && hooks.OnError != nil {
			hooks.OnError(err)
		}
		for name, c := range pending {
			delete(pending, name)
			if hooks.OnConflictCopy != nil {
				hooks.OnConflictCopy(c)
			}
		}
	}
	if copies, err := ConflictCopies(v.store.path); err == nil {
		for _, c := range copies {
			pending[c.Path] = c
		}
		if len(copies) > 0 {
			reload()
		}
	}
	w, err := fsnotify.NewWatcher()
	if err == nil {
		if err = w.Add(filepath.Dir(v.store.path)); err != nil {
			w.Close()
		}
	}
	if err != nil {
		poll := time.NewTicker(FollowPoll)
		defer poll.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-poll.C:
				if copies, err := ConflictCopies(v.store.path); err == nil {
					for _, c := range copies {
						pending[c.Path] = c
					}
				}
				reload()
			}
		}
	}
	defer w.Close()
	name := filepath.Base(v.store.path)
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	defer settle.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			base := filepath.Base(ev.Name)
			c, isCopy := ConflictCopyOf(v.store.path, base)
			switch {
			case isCopy && ev.Has(fsnotify.Remove|fsnotify.Rename):
				delete(pending, c.Path)
			case isCopy:
				pending[c.Path] = c
				settle.Reset(followSettle)
			case base == name:
				settle.Reset(followSettle)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			// Events were dropped (a queue overflow): look for ourselves.
			_ = err
			settle.Reset(followSettle)
		case <-settle.C:
			reload()
		}
	}
}
