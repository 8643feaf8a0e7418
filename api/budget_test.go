package api

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore/restsql"
	"github.com/connectgain/server/sqlstore/storetest"
)

// peakHeap samples the heap in use while fn runs and returns the peak
// above the heap at the start.
func peakHeap(fn func()) uint64 {
	base := heapInUse()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	fn()
	close(done)
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// TestEmbeddedRowBudget: with one contact owning 3,002 deals,
// contacts?select=id,deals(id,contacts(id,deals(id))) used to answer
// 415 MB. Now it is a 400 naming MaxResponseRows, reached with little
// memory, on every backend; one level of embedding still answers whole.
func TestEmbeddedRowBudget(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := mustBulkEnv(t, be, Config{}, "SAR", "SA")
			pad := strings.Repeat("x", 12<<10)
			items := make([]string, 3002)
			for i := range items {
				items[i] = fmt.Sprintf(`{"title":"Order %d","value":1,"contact_phone":"+201017177777","create_contact_if_missing":true,"custom_fields":{"pad":"%s"}}`, i, pad)
			}
			if st, out, raw := e.post(e.writeKey, deals(items...)); st != 200 || out.Summary.Created != 3002 {
				t.Fatalf("seed: %d %.300s", st, raw)
			}
			get := func(q string) (int, string) {
				req, _ := http.NewRequest("GET", e.url+proxy+q, nil)
				req.Header.Set("X-API-Key", e.readKey)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				return res.StatusCode, readAll(res)
			}
			var st int
			var body string
			peak := peakHeap(func() { st, body = get("/contacts?select=id,deals(id,contacts(id,deals(id)))") })
			t.Logf("nested embedding: %d, %d bytes, peak heap +%d MB", st, len(body), peak>>20)
			if st != 400 || !strings.Contains(body, restsql.CodeResponseTooLarge) || !strings.Contains(body, "MaxResponseRows") ||
				!strings.Contains(body, `"hint":"`) {
				t.Errorf("nested embedding: %d %.300s, want 400 %s", st, body, restsql.CodeResponseTooLarge)
			}
			if peak > 200<<20 {
				t.Errorf("peak heap +%d MB for a refused read", peak>>20)
			}
			if st, body := get("/contacts?select=id,deals(id)"); st != 200 || strings.Count(body, `"id"`) != 3003 {
				t.Errorf("one level: %d, %d ids", st, strings.Count(body, `"id"`))
			}
			// A write whose representation embeds the same explosion is
			// refused and rolled back.
			_, cs := get("/contacts?select=id")
			cid := cs[strings.Index(cs, `"id":"`)+6:][:36]
			wst, wbody := e.send("POST", proxy+"/deals?select=id,contacts(id,deals(id,contacts(id,deals(id))))",
				`{"title":"one more","value":1,"contact_id":"`+cid+`"}`)
			if wst != 400 || !strings.Contains(wbody, restsql.CodeResponseTooLarge) {
				t.Errorf("write with an exploding representation: %d %.300s", wst, wbody)
			}
			if n := e.count("SELECT COUNT(*) FROM deals"); n != 3002 {
				t.Errorf("%d deals after the refused write, want 3002", n)
			}
			// 3,002 deals of 12 KB each embedded: past MaxResponseBytes.
			st, body = get("/contacts?select=id,deals(custom_fields)")
			if st != 400 || !strings.Contains(body, "MaxResponseBytes") {
				t.Errorf("large embedding: %d %.300s, want 400 naming MaxResponseBytes", st, body)
			}
		})
	}
}
