package vault

import (
	"context"
	"encoding/base32"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparekey/sparekey/app/testenv"
)

// oathCase is one random account and moment, checked over a window of
// consecutive codes with a single oathtool call.
type oathCase struct {
	raw       []byte
	alg       Algorithm
	digits    int
	period    int       // TOTP
	at        time.Time // TOTP
	counter   uint64    // HOTP
	hotp      bool
	oathCodes []string
}

const oathWindow = 2 // each call prints 3 consecutive codes

func (c *oathCase) args() []string {
	padded := base32.StdEncoding.EncodeToString(c.raw) // oathtool wants padding for odd lengths
	args := []string{"-b", fmt.Sprintf("--digits=%d", c.digits), fmt.Sprintf("--window=%d", oathWindow)}
	if c.hotp {
		args = append(args, "--hotp", fmt.Sprintf("--counter=%d", c.counter))
	} else {
		alg := map[Algorithm]string{SHA1: "sha1", SHA256: "sha256", SHA512: "sha512"}[c.alg]
		args = append(args, "--totp="+alg, fmt.Sprintf("--time-step-size=%ds", c.period),
			"--now", c.at.UTC().Format("2006-01-02 15:04:05")+" UTC")
	}
	return append(args, padded)
}

func (c *oathCase) String() string {
	if c.hotp {
		return fmt.Sprintf("HOTP %d-byte key, %d digits, counter %d", len(c.raw), c.digits, c.counter)
	}
	return fmt.Sprintf("TOTP %s %d-byte key, %d digits, period %ds, at %s", c.alg, len(c.raw), c.digits, c.period, c.at.UTC().Format(time.RFC3339))
}

func randomOathCases(rng *rand.Rand, n int, hotp bool) []*oathCase {
	algs := []Algorithm{SHA1, SHA256, SHA512}
	// oathtool's date parser covers this range comfortably.
	lo, hi := time.Date(1971, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2099, 12, 1, 0, 0, 0, 0, time.UTC).Unix()
	cases := make([]*oathCase, n)
	for i := range cases {
		raw := make([]byte, 1+rng.IntN(64))
		for j := range raw {
			raw[j] = byte(rng.UintN(256))
		}
		c := &oathCase{raw: raw, digits: 6 + rng.IntN(3), hotp: hotp}
		if hotp {
			c.alg = SHA1 // oathtool's HOTP is SHA1 only, as RFC 4226 is
			switch rng.IntN(3) {
			case 0:
				c.counter = rng.Uint64N(1000)
			case 1:
				c.counter = rng.Uint64N(1 << 40)
			default:
				c.counter = rng.Uint64() >> 1
			}
		} else {
			c.alg = algs[rng.IntN(3)]
			c.period = []int{30, 60, 15, 1 + rng.IntN(300)}[rng.IntN(4)]
			c.at = time.Unix(lo+rng.Int64N(hi-lo), 0)
		}
		cases[i] = c
	}
	return cases
}

// TestAgainstOathtool checks codes against the reference implementation
// over random keys, algorithms, lengths, periods, moments and counters.
func TestAgainstOathtool(t *testing.T) {
	oathtool := testenv.Tool(t, "oathtool")
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0x5ba4e))
	cases := append(randomOathCases(rng, 1000, false), randomOathCases(rng, 200, true)...)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	work := make(chan *oathCase)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for range 6 { // process start-up dominates; a few in flight hide it
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				cmd := exec.CommandContext(ctx, oathtool, c.args()...)
				cmd.WaitDelay = 5 * time.Second
				out, err := cmd.Output()
				if err != nil {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s: oathtool failed: %v", c, err))
					mu.Unlock()
					continue
				}
				c.oathCodes = strings.Fields(string(out))
			}
		}()
	}
	for _, c := range cases {
		work <- c
	}
	close(work)
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}

	checked := 0
	for _, c := range cases {
		if c.oathCodes == nil {
			continue
		}
		kind := KindTOTP
		if c.hotp {
			kind = KindHOTP
		}
		a, err := NewAccount(Account{Name: "oath", Secret: SecretFromBytes(c.raw), Kind: kind, Algorithm: c.alg, Digits: c.digits, Period: c.period, Counter: c.counter})
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if len(c.oathCodes) != oathWindow+1 {
			t.Fatalf("%s: oathtool printed %q", c, c.oathCodes)
		}
		for i, want := range c.oathCodes {
			var got string
			switch {
			case c.hotp:
				got, err = a.CodeForCounter(c.counter + uint64(i))
			case i == 0:
				got, err = a.CodeAt(c.at)
			case i == 1:
				got, err = a.NextCodeAt(c.at)
			default:
				got, err = a.CodeAt(c.at.Add(time.Duration(i*c.period) * time.Second))
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s, code +%d: got %s, oathtool says %s", c, i, got, want)
			}
			checked++
		}
	}
	t.Logf("%d cases, %d codes agree with oathtool", len(cases), checked)
}
