package storetest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// discardWriter is a ResponseWriter that keeps the status and the last
// body and reuses its header map, so that a benchmark counts the
// handler's allocations and not the recorder's.
type discardWriter struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (w *discardWriter) Header() http.Header { return w.h }

func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// reset empties the writer for the next request, keeping its storage.
func (w *discardWriter) reset() {
	clear(w.h)
	w.status = 0
	w.body.Reset()
}

// BenchHandler serves GET url (with the API key) through h directly, b.N
// times on one goroutine, with no network, client or other handler in
// the process: its allocs/op (reported) are the handler's own
// allocations, and cpu-us/op the process's CPU (user and system) per
// request: the handler's and its garbage collection's, steadier than
// ns/op on a shared machine. It fails unless every answer is 200 with the
// body of the first.
func BenchHandler(b *testing.B, h http.Handler, url, key string) {
	b.Helper()
	proto := httptest.NewRequest(http.MethodGet, url, nil)
	proto.Header.Set("X-API-Key", key)
	proto.Body = nil
	w := &discardWriter{h: http.Header{}}
	serve := func() {
		r := *proto // a request of its own (the handler wraps its Body); one allocation
		w.reset()
		h.ServeHTTP(w, &r)
		if w.status != http.StatusOK {
			b.Fatalf("GET %s: status %d: %s", url, w.status, w.body.Bytes())
		}
	}
	serve()
	want := bytes.Clone(w.body.Bytes())
	if len(want) < 3 {
		b.Fatalf("GET %s: no rows: %s", url, want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := ProcessCPU()
	for range b.N {
		serve()
	}
	b.StopTimer()
	b.ReportMetric(float64((ProcessCPU()-cpu).Nanoseconds())/1000/float64(b.N), "cpu-us/op")
	if !bytes.Equal(w.body.Bytes(), want) {
		b.Fatalf("GET %s: the last answer differs from the first:\n%s\n%s", url, w.body.Bytes(), want)
	}
}
