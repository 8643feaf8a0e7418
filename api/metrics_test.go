package api

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/connectgain/server/sqlstore/storetest"
)

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// rawRequest sends one request line and headers over TCP and reads the
// status line.
func rawRequest(t *testing.T, addr, method, path string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", method, path)
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("read status: %v", err)
	}
	io.Copy(io.Discard, c)
	return line
}

func getMetrics(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/metrics", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestMetricsMadeUpMethods: 200 requests with made-up 500 KB methods
// (no key) leave /metrics small and the server's heap flat. They used to
// grow /metrics from 1 MB to 101 MB and never free it.
func TestMetricsMadeUpMethods(t *testing.T) {
	e := mustBulkEnv(t, storetest.Backend{Name: "sqlite", Open: storetest.MustOpenSQLite}, Config{MetricsToken: "m-token"}, "", "")
	addr := strings.TrimPrefix(e.url, "http://")
	_, before := getMetrics(t, e.url, "Bearer m-token")
	heap0 := heapInUse()
	for i := range 200 {
		method := fmt.Sprintf("X%03d", i) + strings.Repeat("M", 500<<10)
		if line := rawRequest(t, addr, method, "/functions/v1/create-deals-bulk"); !strings.Contains(line, " 405 ") {
			t.Fatalf("made-up method: %q, want 405", line)
		}
	}
	heap1 := heapInUse()
	st, after := getMetrics(t, e.url, "Bearer m-token")
	if st != 200 {
		t.Fatalf("/metrics = %d", st)
	}
	t.Logf("/metrics %d -> %d bytes; heap in use %d -> %d KB", len(before), len(after), heap0>>10, heap1>>10)
	if len(after) > len(before)+8<<10 {
		t.Errorf("/metrics grew from %d to %d bytes", len(before), len(after))
	}
	if !strings.Contains(after, `method="OTHER",route="/functions/v1/create-deals-bulk",status="405"} 200`) {
		t.Errorf("made-up methods are not counted as OTHER:\n%s", grepLines(after, "connectgain_http_requests_total"))
	}
	if heap1 > heap0+16<<20 {
		t.Errorf("heap in use grew by %d MB over 200 made-up methods", (heap1-heap0)>>20)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestMetricsAccess: /metrics is not a tenant's: without a token it is
// not on the API listener; with one, only that Bearer token opens it (an
// API key does not); on its own listener it needs the token when set.
func TestMetricsAccess(t *testing.T) {
	be := storetest.Backend{Name: "sqlite", Open: storetest.MustOpenSQLite}
	open := mustBulkEnv(t, be, Config{}, "", "")
	if st, body := getMetrics(t, open.url, ""); st != 404 || !strings.Contains(body, "--metrics-addr") {
		t.Errorf("no token: /metrics = %d %s, want 404 naming --metrics-addr", st, body)
	}
	if st, _ := getMetrics(t, open.url, "Bearer "+open.writeKey); st != 404 {
		t.Errorf("no token, an API key: /metrics = %d, want 404", st)
	}
	e := mustBulkEnv(t, be, Config{MetricsToken: "m-token"}, "", "")
	for _, auth := range []string{"", "Bearer wrong", "Bearer " + e.writeKey, "Basic m-token", "m-token"} {
		if st, body := getMetrics(t, e.url, auth); st != 401 || !strings.Contains(body, `"code":"unauthorized"`) {
			t.Errorf("Authorization %q: /metrics = %d %s, want 401", auth, st, body)
		}
	}
	if st, body := getMetrics(t, e.url, "Bearer m-token"); st != 200 || !strings.Contains(body, "connectgain_http_requests_total") {
		t.Errorf("with the token: /metrics = %d", st)
	}
	if strings.Contains(grepLines(mustMetrics(t, e.url), "{"), "workspace") {
		t.Errorf("a metric carries a workspace label")
	}
	// Its own listener, as serve --metrics-addr runs it.
	srv := New(open.store, Config{}, nil)
	ml := httptest.NewServer(srv.MetricsHandler())
	defer ml.Close()
	if st, body := getMetrics(t, ml.URL, ""); st != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("own listener: /metrics = %d", st)
	}
	tokSrv := httptest.NewServer(New(open.store, Config{MetricsToken: "t2"}, nil).MetricsHandler())
	defer tokSrv.Close()
	if st, _ := getMetrics(t, tokSrv.URL, ""); st != 401 {
		t.Errorf("own listener with a token set, none sent: %d, want 401", st)
	}
}

func mustMetrics(t *testing.T, url string) string {
	t.Helper()
	st, b := getMetrics(t, url, "Bearer m-token")
	if st != 200 {
		t.Fatalf("/metrics = %d", st)
	}
	return b
}
