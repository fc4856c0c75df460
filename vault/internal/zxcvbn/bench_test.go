package zxcvbn

import (
	"testing"

	upstream "github.com/trustelem/zxcvbn"
)

// BenchmarkBuildDictionaries is what the first estimate pays once, and what
// upstream pays in init on every start.
func BenchmarkBuildDictionaries(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		loadDefaultDictionnaries()
	}
}

func BenchmarkPasswordStrength(b *testing.B) {
	defaultDictionaries()
	b.ReportAllocs()
	for b.Loop() {
		PasswordStrength("correct horse battery staple", []string{"sparekey"})
	}
}

func BenchmarkUpstreamPasswordStrength(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		upstream.PasswordStrength("correct horse battery staple", []string{"sparekey"})
	}
}
