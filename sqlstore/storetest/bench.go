package storetest

import (
	"io"
	"net/http"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// BenchGET measures one GET of url with key per iteration, failing on any
// status but 200 or an empty body. Both backends' REST benchmarks use it,
// so their HTTP figures are comparable. Besides wall time it reports
// cpu-ms/op, the process's CPU time (client and server) per request, and
// allocations, which other work on a shared machine disturbs less.
func BenchGET(b *testing.B, url, key string) {
	b.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("X-API-Key", key)
	b.ReportAllocs()
	cpu0 := ProcessCPU()
	defer func() { b.ReportMetric(float64(ProcessCPU()-cpu0)/1e6/float64(max(b.N, 1)), "cpu-ms/op") }()
	for b.Loop() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) < 3 {
			b.Fatalf("%d %s", resp.StatusCode, body)
		}
	}
}

// BenchGETParallel runs GET url from clients concurrent clients and
// reports requests per second.
func BenchGETParallel(b *testing.B, url, key string, clients int) {
	b.Helper()
	b.SetParallelism(max(1, clients/runtime.GOMAXPROCS(0)))
	b.ResetTimer() // the caller's seeding is not part of the figure
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("X-API-Key", key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// ProcessCPU is the user and system CPU time this process has used (0
// where getrusage fails): a benchmark's server and client together,
// steadier than the wall clock on a shared machine.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
