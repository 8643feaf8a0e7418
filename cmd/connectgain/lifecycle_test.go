package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/loadgen"
)

// slowBody opens a connection to base, sends a POST with Content-Length
// 100000 (with key, when not empty) and then one byte every gap. It
// returns a channel that yields the status line the server answered (""
// if none) and how long after the headers the connection closed.
func slowBody(t *testing.T, base, key string, gap time.Duration) <-chan slowResult {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	hdr := "POST /functions/v1/create-deals-bulk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n"
	if key != "" {
		hdr += "X-API-Key: " + key + "\r\n"
	}
	if _, err := io.WriteString(conn, hdr+"\r\n{"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	go func() {
		for range 100000 {
			time.Sleep(gap)
			if _, err := conn.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
	ch := make(chan slowResult, 1)
	go func() {
		status, _ := bufio.NewReader(conn).ReadString('\n')
		_, _ = io.Copy(io.Discard, conn)
		ch <- slowResult{strings.TrimSpace(status), time.Since(start)}
	}()
	return ch
}

type slowResult struct {
	status string
	after  time.Duration
}

// TestSlowBodyClosed: a body that trickles in is cut off after
// --body-timeout, with or without a key; one that arrives at the minimum
// rate is accepted even when it takes longer than --body-timeout.
func TestSlowBodyClosed(t *testing.T) {
	ts := mustServe(t, "--body-timeout", "1s", "--body-min-rate", "2000")
	var chs []<-chan slowResult
	for i := range 6 {
		key := ""
		if i%2 == 1 {
			key = ts.Key
		}
		chs = append(chs, slowBody(t, ts.URL, key, 300*time.Millisecond))
	}
	for i, ch := range chs {
		select {
		case r := <-ch:
			if r.after > 3*time.Second || !strings.HasPrefix(r.status, "HTTP/1.1 4") {
				t.Errorf("slow body %d: closed after %v with %q; want a 4xx within about 1s", i, r.after, r.status)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("slow body %d still open after 10s", i)
		}
	}

	// 3,400 bytes at ~2,700 bytes/s: 1.3s, past --body-timeout, but never
	// behind the minimum rate.
	body := loadgen.BulkBody(loadgen.Deals(0, 12, 1))
	pr, pw := io.Pipe()
	go func() {
		for i := 0; i < len(body); i += 540 {
			pw.Write(body[i:min(i+540, len(body))])
			time.Sleep(200 * time.Millisecond)
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", ts.URL+"/functions/v1/create-deals-bulk", pr)
	req.ContentLength = int64(len(body))
	req.Header.Set("X-API-Key", ts.Key)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("a steady slow body: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || time.Since(start) < time.Second {
		t.Errorf("a steady slow body over %v: %d %.200s", time.Since(start), res.StatusCode, b)
	}
}

// TestShutdownWithSlowBody: a client trickling a body does not hold
// SIGTERM up: serve returns cleanly within seconds, not after the
// shutdown timeout.
func TestShutdownWithSlowBody(t *testing.T) {
	ts := mustServe(t)
	chs := []<-chan slowResult{slowBody(t, ts.URL, "", time.Second), slowBody(t, ts.URL, ts.Key, time.Second)}
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	if err := ts.stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if d := time.Since(start); d > drainGrace+2*time.Second {
		t.Errorf("shutdown with slow bodies took %v", d)
	}
	for _, ch := range chs {
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
			t.Error("a slow-body connection is still open after shutdown")
		}
	}
}

// TestForcedShutdown: a request still running when the shutdown timeout
// passes is stopped (its context cancelled) and answered 503 with
// Retry-After instead of its 500; a request that comes in while draining
// gets 503 too; runServer returns only after both answered.
func TestForcedShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{}, 2)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/wait" {
			started <- struct{}{}
			<-r.Context().Done() // a write queued behind a long one
			http.Error(w, "sql: "+r.Context().Err().Error(), 500)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	ctx, cancel := context.WithCancel(context.Background())
	tm := timeouts{readHeader: time.Second, body: time.Second, bodyRate: 1000, write: 10 * time.Second, shutdown: 300 * time.Millisecond}
	done := make(chan error, 1)
	go func() { done <- runServer(ctx, ln, h, tm, slog.New(slog.DiscardHandler)) }()
	base := "http://" + ln.Addr().String()
	got := make(chan *http.Response, 1)
	go func() {
		res, err := http.Get(base + "/wait")
		if err != nil {
			t.Error(err)
			got <- nil
			return
		}
		got <- res
	}()
	<-started
	// A connection whose request arrives only once draining has begun.
	late, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer late.Close()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	cancel()
	time.Sleep(100 * time.Millisecond)
	io.WriteString(late, "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
	lateRes, lateErr := http.ReadResponse(bufio.NewReader(late), nil)

	res := <-got
	if res == nil {
		t.Fatal("no answer")
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 503 || res.Header.Get("Retry-After") == "" || !strings.Contains(string(b), `"code":"unavailable"`) {
		t.Errorf("stopped request: %d Retry-After=%q %s", res.StatusCode, res.Header.Get("Retry-After"), b)
	}
	if err := <-done; err != nil {
		t.Errorf("runServer: %v", err)
	}
	if d := time.Since(start); d < tm.shutdown || d > tm.shutdown+2*time.Second {
		t.Errorf("shutdown took %v; want just over the shutdown timeout %v", d, tm.shutdown)
	}
	// The late request is either answered 503 or its connection is closed
	// unanswered before it was read (Shutdown closes idle connections);
	// never served.
	if lateErr == nil && (lateRes.StatusCode != 503 || lateRes.Header.Get("Retry-After") == "") {
		t.Errorf("a request during shutdown got %d", lateRes.StatusCode)
	}
}
