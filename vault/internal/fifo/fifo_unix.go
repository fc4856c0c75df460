//go:build unix

package fifo

import "syscall"

// releaseOnce opens the FIFO for writing without blocking and closes it at
// once, which lets a reader stuck opening it go on to read end-of-file.
func releaseOnce(path string) {
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err == nil {
		syscall.Close(fd)
	}
}
