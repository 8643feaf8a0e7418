package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore/storetest"
)

// bigBulk is a bulk body of n deals with ~2 KB of custom fields each.
func bigBulk(tag string, n int) string {
	pad := strings.Repeat("p", 2000)
	var b strings.Builder
	b.WriteString(`{"deals":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"title":"%s %d","value":%d,"contact_phone":"+201017177777","create_contact_if_missing":true,"custom_fields":{"pad":"%s"}}`, tag, i, i+1, pad)
	}
	b.WriteString(`]}`)
	return b.String()
}

// TestHeavyRequestsBounded: 16 concurrent bulk requests of 10,000 deals
// with 2 KB of custom fields each (1.74 GB peak before) run at most
// MaxHeavyRequests at a time; the others are 503 with Retry-After before
// their bodies are read, and the heap stays bounded.
func TestHeavyRequestsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 16 x 20 MB bodies")
	}
	e := mustBulkEnv(t, storetest.Backend{Name: "sqlite", Open: storetest.MustOpenSQLite},
		Config{MaxHeavyRequests: 1, HeavyQueueWait: 300 * time.Millisecond}, "SAR", "SA")
	body := bigBulk("Order", 10000)
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 30 * time.Second}}
	var mu sync.Mutex
	statuses := map[int]int{}
	peak := peakHeap(func() {
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req, _ := http.NewRequest("POST", e.url+bulkURL, strings.NewReader(body))
				req.Header.Set("X-API-Key", e.writeKey)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Expect", "100-continue")
				res, err := client.Do(req)
				if err != nil {
					t.Errorf("POST: %v", err)
					return
				}
				b := readAll(res)
				mu.Lock()
				statuses[res.StatusCode]++
				mu.Unlock()
				if res.StatusCode == 503 && (res.Header.Get("Retry-After") == "" || !strings.Contains(b, CodeBusy)) {
					t.Errorf("503 without Retry-After or code: %v %s", res.Header, b)
				}
			}()
		}
		wg.Wait()
	})
	t.Logf("statuses %v; peak heap +%d MB (client's 20 MB body included)", statuses, peak>>20)
	if statuses[200] < 1 || statuses[503] < 1 || statuses[200]+statuses[503] != 16 {
		t.Errorf("statuses %v, want some 200 and the rest 503", statuses)
	}
	if n := e.count("SELECT COUNT(*) FROM deals"); n != 10000*statuses[200] {
		t.Errorf("%d deals, want 10,000 per 200", n)
	}
	if peak > 700<<20 {
		t.Errorf("peak heap +%d MB with 1 heavy slot", peak>>20)
	}
}

// TestRateLimit: a token bucket per key, off by default; over it 429
// with Retry-After and RateLimit-* headers; another key is unaffected.
func TestRateLimit(t *testing.T) {
	be := storetest.Backend{Name: "sqlite", Open: storetest.MustOpenSQLite}
	get := func(url, key string) *http.Response {
		req, _ := http.NewRequest("GET", url+proxy+"/deals?select=id", nil)
		req.Header.Set("X-API-Key", key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(res)
		return res
	}
	off := mustBulkEnv(t, be, Config{}, "", "")
	for range 30 {
		if res := get(off.url, off.writeKey); res.StatusCode != 200 || res.Header.Get("RateLimit-Limit") != "" {
			t.Fatalf("rate limit off: %d %v", res.StatusCode, res.Header)
		}
	}
	e := mustBulkEnv(t, be, Config{RateLimit: 2, RateBurst: 3}, "", "")
	for i, want := range []string{"2", "1", "0"} {
		res := get(e.url, e.writeKey)
		if res.StatusCode != 200 || res.Header.Get("RateLimit-Limit") != "3" || res.Header.Get("RateLimit-Remaining") != want {
			t.Errorf("request %d: %d limit=%s remaining=%s, want 200 3 %s", i, res.StatusCode,
				res.Header.Get("RateLimit-Limit"), res.Header.Get("RateLimit-Remaining"), want)
		}
	}
	res := get(e.url, e.writeKey)
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "1" || res.Header.Get("RateLimit-Remaining") != "0" || res.Header.Get("RateLimit-Reset") == "" {
		t.Errorf("over the limit: %d %v, want 429 with Retry-After: 1", res.StatusCode, res.Header)
	}
	if res := get(e.url, e.readKey); res.StatusCode != 200 {
		t.Errorf("another key: %d, want its own bucket", res.StatusCode)
	}
	time.Sleep(600 * time.Millisecond) // 2/s: a token is back
	if res := get(e.url, e.writeKey); res.StatusCode != 200 {
		t.Errorf("after the refill: %d", res.StatusCode)
	}
}

// TestStatementTimeout: a request past the statement timeout is 504
// 57014 and writes nothing, on every backend.
func TestStatementTimeout(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := mustBulkEnv(t, be, Config{StatementTimeout: 20 * time.Millisecond}, "SAR", "SA")
			var items []string
			for i := range 5000 {
				items = append(items, fmt.Sprintf(`{"title":"T %d","value":1,"contact_phone":"+2010%08d","create_contact_if_missing":true}`, i, i))
			}
			st, out, raw := e.post(e.writeKey, deals(items...))
			if st != 504 || out.Code != CodeTimeout || !strings.Contains(out.Message, "statement timeout") || out.Hint == nil {
				t.Errorf("past the timeout: %d %.300s, want 504 57014", st, raw)
			}
			if n := e.count("SELECT COUNT(*) FROM deals"); n != 0 {
				t.Errorf("%d deals written by a timed-out request", n)
			}
		})
	}
}

// TestIsHeavy: a stage move or a contact looked up with its deals never
// waits behind bulk ingest; large bodies and nested embeddings do.
func TestIsHeavy(t *testing.T) {
	for _, c := range []struct {
		method, url string
		length      int64
		want        bool
	}{
		{"PATCH", "/rest/v1/deals?id=eq.1", 20, false},
		{"POST", "/functions/v1/create-deals-bulk", 300, false},
		{"POST", "/functions/v1/create-deals-bulk", 5 << 20, true},
		{"POST", "/rest/v1/deals", -1, true},
		{"GET", "/rest/v1/contacts?select=id,deals(title)", 0, false},
		{"GET", "/rest/v1/contacts?select=id,deals(id,contacts(id))", 0, true},
		{"GET", "/rest/v1/deals?select=id,title", 0, false},
	} {
		r := httptest.NewRequest(c.method, c.url, nil)
		r.ContentLength = c.length
		if got := isHeavy(r); got != c.want {
			t.Errorf("%s %s (%d bytes): heavy %v, want %v", c.method, c.url, c.length, got, c.want)
		}
	}
}
