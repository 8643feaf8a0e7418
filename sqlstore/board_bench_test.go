package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/loadgen"
	"github.com/connectgain/server/sqlstore/sqlite"
)

// BenchmarkIngestPages measures what the indexes on deals cost a bulk
// request of 10,000 deals (half new contacts) on SQLite, with a figure
// that does not depend on how busy the machine is: the pages the request
// writes (to the WAL, then copied into the file by checkpoints: each index
// a deal enters dirties pages, and an index in random order dirties more of
// them as the table grows), beside the CPU time per deal. Each iteration is one request into the same database, so
// -benchtime 10x ends at 110,000 deals.
//
//	go test ./sqlstore -run '^$' -bench IngestPages -benchtime 10x
func BenchmarkIngestPages(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "ingest.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ws, err := s.CreateWorkspace(ctx, "bench", "SAR", "SA")
	if err != nil {
		b.Fatal(err)
	}
	p := &crm.Principal{Workspace: *ws, Scope: crm.ScopeWrite}
	bulk := func(batch int) {
		req, err := crm.ParseBulkRequest(loadgen.BulkBody(loadgen.Deals(batch, n, 0.5)), n)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.CreateDealsBulk(ctx, p, req); err != nil {
			b.Fatal(err)
		}
	}
	bulk(0) // the contacts later batches reuse
	var written int64
	var cpu time.Duration
	for i := 0; b.Loop(); i++ {
		start, w := processCPU(), bytesWritten(b)
		bulk(i + 1)
		cpu, written = cpu+processCPU()-start, written+bytesWritten(b)-w
	}
	b.ReportMetric(float64(written)/4096/float64(b.N), "pages-written/request")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n*b.N), "cpu-ms/deal")
}

// bytesWritten is what this process has passed to write(2) so far
// (/proc/self/io wchar): here the WAL's frames and the checkpoints that
// copy them into the database file.
func bytesWritten(b *testing.B) int64 {
	raw, err := os.ReadFile("/proc/self/io")
	if err != nil {
		b.Skipf("no /proc/self/io: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "wchar: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatal("no wchar in /proc/self/io")
	return 0
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
