package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore/sqlite"
)

// loadResult is what one bulk request of the shutdown test got.
type loadResult struct {
	tag        string // every deal of the request has a title "tag-N"
	status     int
	retryAfter string
	err        error
	body       string
}

// bulkOf returns a bulk body of n deals titled tag-0 ... tag-(n-1).
func bulkOf(tag string, n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"deals":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"title":"%s-%d","value":%d,"contact_phone":"+2010%08d","create_contact_if_missing":true}`, tag, i, 100+i, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// TestShutdownUnderLoad: SIGTERM (the context run watches) while clients
// keep sending bulk writes and searches, with a shutdown timeout shorter
// than the queued writes: every 2xx is in the database, every 5xx is 503
// with Retry-After and stored nothing, no stored request went unanswered,
// and serve returns cleanly.
func TestShutdownUnderLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "load.db")
	ts := mustServe(t, "--db", "sqlite:"+path, "--shutdown-timeout", "300ms")
	const writers, searchers, deals = 6, 2, 2000
	var mu sync.Mutex
	var results []loadResult
	var badSearch []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				tag := fmt.Sprintf("W%d-%d", w, i)
				req, _ := http.NewRequest("POST", ts.URL+"/functions/v1/create-deals-bulk", bytes.NewReader(bulkOf(tag, deals)))
				req.Header.Set("X-API-Key", ts.Key)
				r := loadResult{tag: tag}
				res, err := client.Do(req)
				if err == nil {
					b, _ := io.ReadAll(res.Body)
					res.Body.Close()
					r.status, r.retryAfter, r.body = res.StatusCode, res.Header.Get("Retry-After"), string(b)
				}
				r.err = err
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				if err != nil {
					return // the server is gone
				}
			}
		}()
	}
	for range searchers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("GET", ts.URL+"/functions/v1/rest-api-proxy/deals?title=ilike.*W1-*&limit=20", nil)
				req.Header.Set("X-API-Key", ts.Key)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode >= 500 && (res.StatusCode != 503 || res.Header.Get("Retry-After") == "") {
					mu.Lock()
					badSearch = append(badSearch, res.Status)
					mu.Unlock()
				}
			}
		}()
	}
	// Stop once a write has been acknowledged and the next ones are in
	// flight: a fixed pause was too short on a slow machine (the race
	// detector), where no write had finished yet.
	acknowledged := func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, r := range results {
			if r.err == nil && r.status < 300 {
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(30 * time.Second); !acknowledged() && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	stopErr := ts.stop()
	close(stop)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("clients still running 30s after the shutdown")
	}
	if stopErr != nil {
		t.Errorf("serve returned %v\n%s", stopErr, ts.stderr.String())
	}
	if len(badSearch) > 0 {
		t.Errorf("searches got %v", badSearch)
	}

	store, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var ok, unavailable, failed int
	for _, r := range results {
		n, err := store.CountForTest(context.Background(), `SELECT COUNT(*) FROM deals WHERE title LIKE ?`, r.tag+"-%")
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case r.err == nil && r.status < 300:
			ok++
			if n != deals {
				t.Errorf("%s: answered %d but %d of %d deals are stored", r.tag, r.status, n, deals)
			}
		case r.err == nil && r.status == 503 && r.retryAfter != "":
			unavailable++
			if n != 0 {
				t.Errorf("%s: answered 503 but %d deals are stored", r.tag, n)
			}
		case r.err == nil:
			t.Errorf("%s: %d %.300s", r.tag, r.status, r.body)
		default:
			failed++ // refused or closed before it was read: nothing acknowledged
			if n != 0 {
				t.Errorf("%s: stored %d deals but the client got no answer: %v", r.tag, n, r.err)
			}
		}
	}
	t.Logf("%d requests: %d stored and acknowledged, %d answered 503, %d not accepted; forced stop: %v",
		len(results), ok, unavailable, failed, strings.Contains(ts.stderr.String(), "shutdown timeout passed"))
	if ok == 0 {
		t.Error("no request succeeded before the shutdown")
	}
}
