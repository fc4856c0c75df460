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

// Follow reads in every change another process saves to the vault file,
// until ctx ends; Reload does the reading and OnReload's function hears of
// it. It watches the vault's folder, because a save replaces the file by a
// rename, and falls back to polling the file's size, time and identity
// every FollowPoll where the folder cannot be watched. onError hears of a
// change that could not be read (say, a file another program damaged); the
// accounts in memory stay as they were, and the next change is tried again.
func (v *Vault) Follow(ctx context.Context, onError func(error)) {
	if v.store == nil {
		return
	}
	reload := func() {
		if _, err := v.Reload(); err != nil && onError != nil {
			onError(err)
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
			if filepath.Base(ev.Name) == name {
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
