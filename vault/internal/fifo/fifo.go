// Package fifo frees a goroutine blocked reading a named pipe that nobody
// writes to, so an import or a restore given a FIFO can be interrupted
// (Ctrl-C) without leaving a reader behind.
package fifo

import "time"

// Release frees the reader of the FIFO at path and waits until it has
// ended (ended is closed) before returning. A writer that comes and goes
// releases a reader only once it is blocked in open: one that has not got
// there yet (a busy machine) would stay blocked and later take the data
// meant for the next reader, so the release is repeated until the reader
// has ended, for a few seconds at most (a reader held by a live writer
// that never closes is left).
func Release(path string, ended <-chan struct{}) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		releaseOnce(path)
		select {
		case <-ended:
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}
