package vault

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// KeyringService is the service name Sparekey's entries use in the OS keyring.
const KeyringService = "Sparekey"

var (
	// ErrKeyringUnavailable means the OS keyring cannot be used right now:
	// no Secret Service on the bus, a locked collection, a refused prompt, or
	// a call that did not answer in time. The wrapped error says which.
	ErrKeyringUnavailable = errors.New("the system keyring is not available")
	// ErrKeyringTimeout is wrapped inside ErrKeyringUnavailable when the
	// keyring did not answer in time (typically an unlock prompt nobody sees).
	ErrKeyringTimeout = errors.New("the keyring did not answer in time (it may be waiting for an unlock prompt)")
	// ErrKeyNotInKeyring means the keyring works but holds no key for this vault.
	ErrKeyNotInKeyring = errors.New("the keyring holds no key for this vault")
)

// Keyring is the small piece of the OS keyring the vault needs. SystemKeyring
// is the real one; tests and portable setups may supply their own.
type Keyring interface {
	Get(name string) (string, error)
	Set(name, secret string) error
	Delete(name string) error
}

// SystemKeyring talks to the OS keyring through go-keyring, bounding every
// call: gnome-keyring can block indefinitely on an unlock prompt, and a
// caller (the UI, a script) must never hang on it.
type SystemKeyring struct {
	Timeout time.Duration // 0 means DefaultKeyringTimeout
}

// DefaultKeyringTimeout bounds each keyring call.
const DefaultKeyringTimeout = 4 * time.Second

func (k SystemKeyring) bounded() BoundedKeyring {
	return BoundedKeyring{Keyring: osKeyring{}, Timeout: k.Timeout}
}

func (k SystemKeyring) Get(name string) (string, error) { return k.bounded().Get(name) }
func (k SystemKeyring) Set(name, secret string) error   { return k.bounded().Set(name, secret) }
func (k SystemKeyring) Delete(name string) error        { return k.bounded().Delete(name) }

// osKeyring is go-keyring with its errors sorted into ours, unbounded.
type osKeyring struct{}

func (osKeyring) Get(name string) (string, error) {
	if err := sessionBusMissing(); err != nil {
		return "", classifyKeyringError(err)
	}
	s, err := keyring.Get(KeyringService, name)
	return s, classifyKeyringError(err)
}

func (osKeyring) Set(name, secret string) error {
	if err := sessionBusMissing(); err != nil {
		return classifyKeyringError(err)
	}
	return classifyKeyringError(keyring.Set(KeyringService, name, secret))
}

func (osKeyring) Delete(name string) error {
	if err := sessionBusMissing(); err != nil {
		return classifyKeyringError(err)
	}
	return classifyKeyringError(keyring.Delete(KeyringService, name))
}

// BoundedKeyring gives up on a call to Keyring (nil: the OS keyring) that
// has not answered within Timeout, with an error wrapping both
// ErrKeyringUnavailable and ErrKeyringTimeout. SystemKeyring is built on it;
// it can wrap any Keyring that may block.
type BoundedKeyring struct {
	Keyring Keyring
	Timeout time.Duration // 0 means DefaultKeyringTimeout
}

func (k BoundedKeyring) inner() Keyring {
	if k.Keyring == nil {
		return osKeyring{}
	}
	return k.Keyring
}

func (k BoundedKeyring) Get(name string) (string, error) {
	return bound(k.Timeout, func() (string, error) { return k.inner().Get(name) })
}

func (k BoundedKeyring) Set(name, secret string) error {
	_, err := bound(k.Timeout, func() (string, error) { return "", k.inner().Set(name, secret) })
	return err
}

func (k BoundedKeyring) Delete(name string) error {
	_, err := bound(k.Timeout, func() (string, error) { return "", k.inner().Delete(name) })
	return err
}

func bound(timeout time.Duration, call func() (string, error)) (string, error) {
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	type result struct {
		s   string
		err error
	}
	// The goroutine outlives a timed-out call; go-keyring has no way to
	// cancel a D-Bus call in flight. The buffered channel lets it exit, and
	// the result travels only through it, so nothing is shared after we
	// give up.
	done := make(chan result, 1)
	go func() {
		s, err := call()
		done <- result{s, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.s, r.err
	case <-timer.C:
		return "", fmt.Errorf("%w: %w", ErrKeyringUnavailable, ErrKeyringTimeout)
	}
}

// classifyKeyringError keeps "not found" apart from every other failure,
// which all mean the keyring cannot be used.
func classifyKeyringError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrKeyNotInKeyring
	}
	return fmt.Errorf("%w: %w", ErrKeyringUnavailable, err)
}

// MemoryKeyring is an in-process keyring for tests and for --no-keyring runs.
// It is safe for concurrent use.
type MemoryKeyring struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *MemoryKeyring) Get(name string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if s, ok := k.m[name]; ok {
		return s, nil
	}
	return "", ErrKeyNotInKeyring
}

func (k *MemoryKeyring) Set(name, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[name] = secret
	return nil
}

func (k *MemoryKeyring) Delete(name string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[name]; !ok {
		return ErrKeyNotInKeyring
	}
	delete(k.m, name)
	return nil
}

// UnavailableKeyring fails every call, as a machine without a keyring does.
type UnavailableKeyring struct{ Reason error }

func (k UnavailableKeyring) err() error {
	if k.Reason == nil {
		return ErrKeyringUnavailable
	}
	return fmt.Errorf("%w: %w", ErrKeyringUnavailable, k.Reason)
}
func (k UnavailableKeyring) Get(string) (string, error) { return "", k.err() }
func (k UnavailableKeyring) Set(string, string) error   { return k.err() }
func (k UnavailableKeyring) Delete(string) error        { return k.err() }
