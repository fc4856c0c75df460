package practice

import (
	"crypto/subtle"
	"sort"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// TOTP as AWS virtual devices use it: RFC 6238, SHA1, 30 s, 6 digits.
//
// Practice model (AWS documents no window): Enable and Resync look for two
// consecutive codes within ±enrollWindow steps of the server's clock and
// record the offset as the device's drift; authentication accepts ±1 step
// around that drift; a step accepted once is never accepted again.
const (
	period       = 30
	enrollWindow = 10
	authWindow   = 1
	// usedStepsKept bounds the replay memory: steps older than the widest
	// window can never match again anyway.
	usedStepsKept = 2*enrollWindow + 4
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

func stepAt(t time.Time) int64 { return t.Unix() / period }

// codeFor is the device's code for a time step.
func codeFor(seed string, step int64) string {
	if step < 0 {
		return ""
	}
	code, err := hotp.GenerateCodeCustom(seed, uint64(step), totpOpts)
	if err != nil {
		return ""
	}
	return code
}

func sameCode(a, b string) bool {
	return a != "" && len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func (d *mfaDevice) used(step int64) bool {
	for _, s := range d.UsedSteps {
		if s == step {
			return true
		}
	}
	return false
}

func (d *mfaDevice) markUsed(steps ...int64) {
	d.UsedSteps = append(d.UsedSteps, steps...)
	sort.Slice(d.UsedSteps, func(i, j int) bool { return d.UsedSteps[i] < d.UsedSteps[j] })
	if n := len(d.UsedSteps); n > usedStepsKept {
		d.UsedSteps = append([]int64(nil), d.UsedSteps[n-usedStepsKept:]...)
	}
}

// findPair looks for code1, code2 at consecutive steps k, k+1 within the
// enrollment window and returns the drift (k+1 − now's step), nearest to
// zero first. Steps already used do not count.
func (d *mfaDevice) findPair(now time.Time, code1, code2 string) (drift int, ok bool) {
	cur := stepAt(now)
	for i := 0; i <= 2*enrollWindow; i++ {
		off := (i + 1) / 2
		if i%2 == 1 {
			off = -off
		}
		second := cur + int64(off)
		if d.used(second) || d.used(second-1) {
			continue
		}
		if sameCode(codeFor(d.Seed, second-1), code1) && sameCode(codeFor(d.Seed, second), code2) {
			return off, true
		}
	}
	return 0, false
}

// enroll records a consecutive pair found by findPair (Enable, Resync).
func (d *mfaDevice) enroll(now time.Time, drift int) {
	second := stepAt(now) + int64(drift)
	d.Drift = drift
	d.markUsed(second-1, second)
}

// authenticate checks one code around the recorded drift and consumes its
// step on success.
func (d *mfaDevice) authenticate(now time.Time, code string) bool {
	center := stepAt(now) + int64(d.Drift)
	for _, off := range []int64{0, -1, 1} {
		step := center + off
		if off < -authWindow || off > authWindow || d.used(step) {
			continue
		}
		if sameCode(codeFor(d.Seed, step), code) {
			d.markUsed(step)
			return true
		}
	}
	return false
}
