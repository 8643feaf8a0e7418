package postgres_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/jackc/pgx/v5"
)

// BenchmarkBulkVsCopyFrom runs BenchmarkBulk's request and
// BenchmarkCopyFrom's load of the same rows in one process, in turn (the
// order swapped each iteration), each into a schema of its own, so the
// ratio of their deals/s is read from the same moments of a shared
// machine. Besides each one's deals/s and the ratio (bulk/copy, the
// issue's 85% goal), it reports CPU per deal: this process's (cpu-ms,
// the request's validation and linking or pgx's encoding) and the
// PostgreSQL backends' (pg-cpu-ms, from /proc, counted until they are
// idle after the step: the ANALYZE the store starts in the background
// after a doubling of its rows counts with the request that started it).
// Before each timed step it waits until neither schema's connections run
// anything.
func BenchmarkBulkVsCopyFrom(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			bulkApp, copyApp := uniqueApp("bulk"), uniqueApp("copy")
			s := storetest.MustOpenPostgresURL(b, withApp(b, storetest.PostgresURL(b), bulkApp))
			p := mustPrincipal(b, s)
			cdsn := withApp(b, storetest.PostgresURL(b), copyApp)
			cs := storetest.MustOpenPostgresURL(b, cdsn)
			cp := mustPrincipal(b, cs)
			pipes, err := cs.Pipelines(ctx, nil, cp.Workspace.ID)
			if err != nil {
				b.Fatal(err)
			}
			conn, err := pgx.Connect(ctx, cdsn)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close(ctx)
			var bulk, cpy cost
			for r := 0; b.Loop(); r++ {
				b.StopTimer()
				req := seedAndBody(b, s, p, r, n)
				seedAndBody(b, cs, cp, r, n)
				rows := copyRows(b, conn, cp.Workspace.ID, pipes.Default.ID, r, n)
				b.StartTimer()
				runBulk := func() {
					waitIdle(b, s, bulkApp, copyApp)
					bulk.measure(b, s, bulkApp, func() {
						out, err := s.CreateDealsBulk(ctx, p, req)
						if err != nil || out.Summary.Created != n {
							b.Fatalf("bulk: %v %+v", err, out)
						}
					})
				}
				runCopy := func() {
					waitIdle(b, s, bulkApp, copyApp)
					cpy.measure(b, s, copyApp, func() { copyTx(b, conn, rows) })
				}
				if r%2 == 0 {
					runBulk()
					runCopy()
				} else {
					runCopy()
					runBulk()
				}
			}
			deals := float64(n * b.N)
			b.ReportMetric(deals/bulk.wall.Seconds(), "bulk-deals/s")
			b.ReportMetric(deals/cpy.wall.Seconds(), "copy-deals/s")
			b.ReportMetric(cpy.wall.Seconds()/bulk.wall.Seconds(), "bulk/copy")
			b.ReportMetric(ms(bulk.client)/deals, "bulk-cpu-ms/deal")
			b.ReportMetric(ms(bulk.server)/deals, "bulk-pg-cpu-ms/deal")
			b.ReportMetric(ms(cpy.client)/deals, "copy-cpu-ms/deal")
			b.ReportMetric(ms(cpy.server)/deals, "copy-pg-cpu-ms/deal")
		})
	}
}

// seedAndBody stores seedBody(r, n) on s and returns benchDeals(r, n)
// parsed.
func seedAndBody(b *testing.B, s *sqlstore.Store, p *crm.Principal, r, n int) *crm.BulkRequest {
	seed, err := crm.ParseBulkRequest(seedBody(r, n), n)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.CreateDealsBulk(context.Background(), p, seed); err != nil {
		b.Fatal(err)
	}
	req, err := crm.ParseBulkRequest(benchDeals(r, n), n)
	if err != nil {
		b.Fatal(err)
	}
	return req
}

// cost sums a step's wall time, this process's CPU and the CPU of the
// PostgreSQL backends of one application_name.
type cost struct{ wall, client, server time.Duration }

// measure runs step, adding its wall time and this process's CPU, and the
// backends' CPU until they are idle again: what step started in the
// background (an ANALYZE) counts too.
func (c *cost) measure(b *testing.B, s *sqlstore.Store, app string, step func()) {
	sv, cl, start := storetest.PostgresBackendsCPU(b, s, app), storetest.ProcessCPU(), time.Now()
	step()
	c.wall += time.Since(start)
	c.client += storetest.ProcessCPU() - cl
	b.StopTimer()
	waitIdle(b, s, app)
	c.server += storetest.PostgresBackendsCPU(b, s, app) - sv
	b.StartTimer()
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

func uniqueApp(kind string) string {
	return fmt.Sprintf("cg_bench_%s_%d_%d", kind, os.Getpid(), time.Now().UnixNano()%1e9)
}

// withApp sets the application_name of dsn's connections.
func withApp(b *testing.B, dsn, app string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	return u.String()
}

// waitIdle waits until no connection of apps but the asking one runs a
// statement.
func waitIdle(b *testing.B, s *sqlstore.Store, apps ...string) {
	for deadline := time.Now().Add(time.Minute); ; {
		var busy int
		err := s.Reader().QueryRowContext(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE application_name = ANY($1) AND state = 'active' AND pid <> pg_backend_pid()`, apps).Scan(&busy)
		if err != nil {
			b.Fatal(err)
		}
		if busy == 0 {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d statements of %v still running after a minute", busy, apps)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
