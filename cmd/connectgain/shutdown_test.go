package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/loadgen"
	"github.com/connectgain/server/sqlstore/sqlite"
)

// TestGracefulShutdown: a bulk request in flight when SIGTERM arrives (here:
// the context run watches) still completes and is stored; the server then
// exits cleanly.
func TestGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	ts := mustServe(t, "--db", "sqlite:"+filepath.Join(dir, "graceful.db"))
	body := loadgen.BulkBody(loadgen.Deals(0, 2000, 1))
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", ts.URL+"/functions/v1/create-deals-bulk", pr)
	req.Header.Set("X-API-Key", ts.Key)
	req.ContentLength = int64(len(body))
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		// A connection of its own: a pooled idle one could be closed by
		// the shutdown before the server reads this request from it.
		client := &http.Client{Transport: &http.Transport{}}
		res, err := client.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		done <- result{status: res.StatusCode, body: string(b)}
	}()
	// Half the body is on the wire: the request is in flight.
	if _, err := pw.Write(body[:len(body)/2]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the server has read the headers
	stopped := make(chan error, 1)
	go func() { stopped <- ts.stop() }()
	time.Sleep(200 * time.Millisecond) // shutdown has begun and is waiting for us
	if _, err := http.Get(ts.URL + "/healthz"); err == nil {
		t.Error("the server still accepts new connections during shutdown")
	}
	if _, err := pw.Write(body[len(body)/2:]); err != nil {
		r := <-done
		t.Fatalf("%v; the request ended with %d %v %.300s\n%s", err, r.status, r.err, r.body, ts.stderr.String())
	}
	pw.Close()
	r := <-done
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, `"created":2000`) {
		t.Fatalf("in-flight request: %d %v %.200s", r.status, r.err, r.body)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if n := strings.Count(ts.stderr.String(), ts.Key); n != 2 {
		t.Errorf("the key appears %d times in the server's output; want twice (the first-start notice and its curl), never in request logs", n)
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "graceful.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if n, err := store.CountForTest(context.Background(), `SELECT COUNT(*) FROM deals`); err != nil || n != 2000 {
		t.Errorf("%d deals stored after shutdown (%v); want 2000", n, err)
	}
}
