package practice

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkListMFADevices measures ListMFADevices requests per second
// through the real handler: SigV4 verification, parsing, the lock, XML.
// "loopback" goes over HTTP on 127.0.0.1 with keep-alive; "handler" calls
// the handler directly, without the network.
func BenchmarkListMFADevices(b *testing.B) {
	srv, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	body := []byte("Action=ListMFADevices&Version=2010-05-08&UserName=alice")
	signed := func(url string) *http.Request {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		signForTest(b, req, body, srv.AdminCredentials(), "iam")
		return req
	}
	// A signature stays valid for 15 minutes and a read-only call may be
	// repeated, so one signed request serves every iteration.
	clone := func(tmpl *http.Request) *http.Request {
		r := tmpl.Clone(tmpl.Context())
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		return r
	}

	b.Run("handler", func(b *testing.B) {
		tmpl := signed("http://practice.local/")
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rec := httptest.NewRecorder()
				srv.Handler().ServeHTTP(rec, clone(tmpl))
				if rec.Code != http.StatusOK {
					b.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})

	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("loopback", func(b *testing.B) {
		tmpl := signed(endpoint + "/")
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := client.Do(clone(tmpl))
				if err != nil {
					b.Fatal(err)
				}
				out, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(out), "<MFADevices>") {
					b.Fatalf("HTTP %d: %s", resp.StatusCode, out)
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}
