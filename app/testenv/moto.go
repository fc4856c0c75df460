package testenv

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// StartMoto runs moto_server (an independent implementation of IAM, STS
// and Organizations) on a free loopback port until the test ends, and
// returns its endpoint. A missing moto_server skips the test, or fails it
// when SPAREKEY_REQUIRE_PEERS=1.
func StartMoto(t testing.TB) string {
	t.Helper()
	bin := Tool(t, "moto_server")
	addr := FreeAddr(t)
	host, port, _ := strings.Cut(addr, ":")
	cmd := exec.Command(bin, "-H", host, "-p", port)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto_server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	endpoint := "http://" + addr
	// moto imports its whole service catalogue at start: slow on a busy machine.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s: %v", endpoint, err)
		}
	}
}
