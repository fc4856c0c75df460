package practice

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
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

// BenchmarkOrganizationFanOut is the practice side of an organization
// audit: ListAccounts through every page of a 200-member Organization, then
// one AssumeRole into each member's OrganizationAccountAccessRole, over
// loopback HTTP with SigV4 on every request, with 8 callers at a time.
// One iteration is the whole fan-out (10 + 200 requests). With 50 ms of
// injected latency the pages come one after another and the AssumeRoles
// eight at a time: about 10×50 + 25×50 ms if the server never serializes
// the wait.
func BenchmarkOrganizationFanOut(b *testing.B) {
	for _, latency := range []time.Duration{0, 50 * time.Millisecond} {
		b.Run("latency="+latency.String(), func(b *testing.B) { benchmarkFanOut(b, latency) })
	}
}

func benchmarkFanOut(b *testing.B, latency time.Duration) {
	srv, err := New(Options{MemberAccounts: 200, Latency: latency})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	endpoint, err := srv.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	admin := srv.AdminCredentials()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	send := func(body []byte, header map[string]string, service string) []byte {
		req, _ := http.NewRequest(http.MethodPost, endpoint+"/", bytes.NewReader(body))
		for k, v := range header {
			req.Header.Set(k, v)
		}
		signForTest(b, req, body, admin, service)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("HTTP %d: %s", resp.StatusCode, out)
		}
		return out
	}
	const callers = 8
	requests := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var ids []string
		token := ""
		for {
			in := map[string]any{"MaxResults": 20}
			if token != "" {
				in["NextToken"] = token
			}
			body, _ := json.Marshal(in)
			var page struct {
				Accounts  []struct{ Id string }
				NextToken string
			}
			json.Unmarshal(send(body, map[string]string{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": organizationsTargetPrefix + "ListAccounts"}, "organizations"), &page)
			requests++
			for _, a := range page.Accounts {
				if a.Id != DefaultAccountID {
					ids = append(ids, a.Id)
				}
			}
			if token = page.NextToken; token == "" {
				break
			}
		}
		if len(ids) != 200 {
			b.Fatalf("listed %d members", len(ids))
		}
		work := make(chan string)
		var wg sync.WaitGroup
		for w := 0; w < callers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for id := range work {
					body := []byte("Action=AssumeRole&Version=2011-06-15&RoleSessionName=audit&RoleArn=" +
						url.QueryEscape("arn:aws:iam::"+id+":role/"+OrganizationAccountAccessRole))
					out := send(body, map[string]string{"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, "sts")
					if !bytes.Contains(out, []byte("<AssumedRoleUser>")) {
						b.Errorf("AssumeRole: %s", out)
					}
				}
			}()
		}
		for _, id := range ids {
			work <- id
		}
		close(work)
		wg.Wait()
		requests += len(ids)
	}
	b.ReportMetric(float64(requests)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/fan-out")
}
