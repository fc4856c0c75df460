package vault

import (
	"context"
	"errors"
	"fmt"
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

func (k SystemKeyring) Get(name string) (string, error) {
	var out string
	err := k.bounded(func() (err error) {
		out, err = keyring.Get(KeyringService, name)
		return err
	})
	return out, err
}

func (k SystemKeyring) Set(name, secret string) error {
	return k.bounded(func() error { return keyring.Set(KeyringService, name, secret) })
}

func (k SystemKeyring) Delete(name string) error {
	return k.bounded(func() error { return keyring.Delete(KeyringService, name) })
}

func (k SystemKeyring) bounded(call func() error) error {
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	done := make(chan error, 1)
	// The goroutine outlives a timed-out call; go-keyring has no way to
	// cancel a D-Bus call in flight, and the buffered channel lets it exit.
	go func() { done <- call() }()
	select {
	case err := <-done:
		return classifyKeyringError(err)
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrKeyringUnavailable, ErrKeyringTimeout)
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
type MemoryKeyring struct{ m map[string]string }

func (k *MemoryKeyring) Get(name string) (string, error) {
	if s, ok := k.m[name]; ok {
		return s, nil
	}
	return "", ErrKeyNotInKeyring
}

func (k *MemoryKeyring) Set(name, secret string) error {
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[name] = secret
	return nil
}

func (k *MemoryKeyring) Delete(name string) error {
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
