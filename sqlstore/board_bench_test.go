package sqlstore_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/loadgen"
	"github.com/connectgain/server/sqlstore/sqlite"
	"github.com/connectgain/server/sqlstore/storetest"
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
		start, w := storetest.ProcessCPU(), bytesWritten(b)
		bulk(i + 1)
		cpu, written = cpu+storetest.ProcessCPU()-start, written+bytesWritten(b)-w
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

// BenchmarkIngestPostgresCPU is BenchmarkIngestPages on PostgreSQL: 10,000
// deals per request into one schema, reporting the CPU time of the
// PostgreSQL backends serving this store (their /proc/PID/stat, found by
// the connections' application_name) and of this process, per deal. The
// backends' CPU is where index maintenance runs; other sessions' work on
// the same server is not counted.
//
//	CONNECTGAIN_TEST_POSTGRES=... go test ./sqlstore -run '^$' -bench IngestPostgresCPU -benchtime 10x
func BenchmarkIngestPostgresCPU(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	u, err := url.Parse(storetest.PostgresURL(b))
	if err != nil {
		b.Fatal(err)
	}
	app := fmt.Sprintf("cg_ingest_%d", os.Getpid())
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	s := storetest.MustOpenPostgresURL(b, u.String())
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
	bulk(0)
	var server, client time.Duration
	for i := 0; b.Loop(); i++ {
		sv, cl := storetest.PostgresBackendsCPU(b, s, app), storetest.ProcessCPU()
		bulk(i + 1)
		server, client = server+storetest.PostgresBackendsCPU(b, s, app)-sv, client+storetest.ProcessCPU()-cl
	}
	b.ReportMetric(float64(server.Microseconds())/1000/float64(n*b.N), "pg-cpu-ms/deal")
	b.ReportMetric(float64(client.Microseconds())/1000/float64(n*b.N), "cpu-ms/deal")
}
