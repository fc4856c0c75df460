//go:build !unix

package fifo

// releaseOnce does nothing where named pipes are not files.
func releaseOnce(string) {}
