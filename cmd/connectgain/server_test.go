package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is an io.Writer safe to read while the server writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var (
	serveAddrRE = regexp.MustCompile(`listening addr=(http://[0-9.:]+)`)
	keyRE       = regexp.MustCompile(`(?m)^(cg_[A-Za-z0-9_-]{32,})$`)
)

// testServer is the real server started in-process by run, on a fresh
// SQLite database, as a user starts it.
type testServer struct {
	URL    string
	Key    string // the key serve printed for the default workspace
	stderr *syncBuffer
	stop   func() error
}

// mustServe runs "connectgain serve" on 127.0.0.1:0 on a fresh database
// (or the --db in extra) and waits for /healthz; it fails the test unless
// serve printed the first workspace's key.
func mustServe(t *testing.T, extra ...string) *testServer {
	t.Helper()
	ts := startServe(t, extra...)
	if !strings.Contains(ts.stderr.String(), "created workspace") || ts.Key == "" {
		t.Fatalf("serve on an empty database printed no key:\n%s", ts.stderr.String())
	}
	return ts
}

// startServe is mustServe without the check for a key.
func startServe(t *testing.T, extra ...string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "cg.db")}, extra...)
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, func(string) string { return "" }, &bytes.Buffer{}, stderr) }()
	ts := &testServer{stderr: stderr}
	var once sync.Once
	var stopErr error
	ts.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(35 * time.Second):
				stopErr = context.DeadlineExceeded
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = ts.stop() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && ts.URL == "" {
		if m := serveAddrRE.FindStringSubmatch(stderr.String()); m != nil {
			ts.URL = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if ts.URL == "" {
		t.Fatalf("server did not start:\n%s", stderr.String())
	}
	for time.Now().Before(deadline) {
		if res, err := http.Get(ts.URL + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if m := keyRE.FindStringSubmatch(stderr.String()); m != nil {
		ts.Key = m[1]
	}
	return ts
}
