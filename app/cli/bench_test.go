package cli

import (
	"io"
	"os/exec"
	"strings"
	"testing"

	"github.com/sparekey/sparekey/app/testenv"
)

// BenchmarkRunCode is `sparekey code NAME` in process, on a keyring-mode
// vault of 1,000 accounts: opening, finding and generating, without the
// process start-up that BenchmarkProcess measures.
func BenchmarkRunCode(b *testing.B) {
	c := newCoreEnv(b)
	e := &Env{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, appOpts: c.e.appOpts}
	if Run(e, []string{"init"}) != 0 {
		b.Fatal("init failed")
	}
	a, _ := e.App()
	for i := range 1000 {
		if _, err := a.AddURI("otpauth://totp/Issuer" + itoa3(i) + ":user" + itoa3(i) + "?secret=GEZDGNBVGY3TQ" + strings.NewReplacer("0", "A", "1", "B", "8", "C", "9", "D").Replace(itoa3(i))); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		e := &Env{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, appOpts: c.e.appOpts}
		if code := Run(e, []string{"code", "issuer500"}); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

func itoa3(i int) string {
	return string([]byte{byte('0' + i/100%10), byte('0' + i/10%10), byte('0' + i%10)})
}

// BenchmarkProcess execs the real binary and oathtool, to compare whole
// processes (the target: sparekey code within 3x of oathtool --totp).
// packaging/bench-cli.sh does the same with hyperfine.
func BenchmarkProcess(b *testing.B) {
	oathtool := testenv.Tool(b, "oathtool")
	env := privateSecretService(b)
	bin := sparekeyBinary(b)
	home := b.TempDir()
	env = append(env, "SPAREKEY_HOME="+home)
	run := func(name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	run(bin, "init")
	run(bin, "add", "otpauth://totp/Bench:alice?secret=JBSWY3DPEHPK3PXP")
	b.Run("oathtool", func(b *testing.B) {
		for b.Loop() {
			run(oathtool, "--totp", "-b", "JBSWY3DPEHPK3PXP")
		}
	})
	b.Run("sparekey--version", func(b *testing.B) {
		for b.Loop() {
			run(bin, "--version")
		}
	})
	b.Run("sparekey-code", func(b *testing.B) {
		for b.Loop() {
			run(bin, "code", "alice")
		}
	})
}
