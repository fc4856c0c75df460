package backup

import (
	"crypto/rand"
	"runtime"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/scrypt"
)

// threadCPU is the CPU time of the calling OS thread: unlike wall time, it
// does not grow when other processes compete for the cores.
func threadCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	const rusageThread = 1 // RUSAGE_THREAD
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPassphraseOverhead interleaves scrypt alone, a backup and a
// restore of 1,000 accounts in every iteration, measured in CPU time of the
// (locked) thread so that load from other processes does not skew them, and
// reports backup and restore as ratios of scrypt alone (target: ≤ 1.10).
func BenchmarkPassphraseOverhead(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	accts := manyAccounts(b, 1000)
	salt := make([]byte, 16)
	rand.Read(salt)
	pass := passphrase("benchmark passphrase")
	var scryptTime, backupTime, restoreTime time.Duration
	for b.Loop() {
		start := threadCPU(b)
		if _, err := scrypt.Key([]byte("benchmark passphrase"), salt, 1<<DefaultWorkFactor, 8, 1, 32); err != nil {
			b.Fatal(err)
		}
		mid := threadCPU(b)
		scryptTime += mid - start

		data, err := Encrypt(accts, Target{Passphrase: pass}, nil)
		if err != nil {
			b.Fatal(err)
		}
		end := threadCPU(b)
		backupTime += end - mid

		if _, err := Open(data, Unlock{Passphrase: pass}, nil); err != nil {
			b.Fatal(err)
		}
		restoreTime += threadCPU(b) - end
	}
	b.ReportMetric(float64(scryptTime.Milliseconds())/float64(b.N), "scrypt-cpu-ms/op")
	b.ReportMetric(float64(backupTime)/float64(scryptTime), "backup/scrypt")
	b.ReportMetric(float64(restoreTime)/float64(scryptTime), "restore/scrypt")
}
