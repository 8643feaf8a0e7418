package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/connectgain/server/api"
	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/postgres"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// restBenchDeals is the table size of the REST benchmarks (as on SQLite).
const restBenchDeals = 100_000

// restQueries are the GETs of sqlstore/sqlite/rest_bench_test.go.
var restQueries = []struct{ name, url string }{
	{"title_ilike", "/deals?select=id,title,value,stage&title=ilike.*Order%2010424*&order=created_at.desc&limit=50"},
	{"stage_in", "/deals?select=id,title,value,stage&stage=in.(won,lost)&order=created_at.desc&limit=50"},
	{"phone_lookup", "/contacts?select=id,first_name,phones&phones=cs.%7B%2B201000000424%7D"},
}

type capturedSQL struct {
	sql  string
	args []any
}

type restBenchEnv struct {
	srv  *httptest.Server
	key  string
	ws   string
	bare *sql.DB                // a second pool with the store's settings, for the bare SQL
	sql  map[string]capturedSQL // the statement each query ran, captured from the driver
	// contact is the contact whose deals contact_id=eq.X lists.
	contact string
}

var (
	restOnce  sync.Once
	restBench *restBenchEnv
)

// captureTracer records the statements a pgx connection runs.
type captureTracer struct {
	mu   sync.Mutex
	seen []capturedSQL
}

func (t *captureTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	var args []any
	for _, a := range d.Args {
		if _, opt := a.(pgx.QueryResultFormatsByOID); !opt { // database/sql's driver adds it
			args = append(args, a)
		}
	}
	t.mu.Lock()
	t.seen = append(t.seen, capturedSQL{d.SQL, args})
	t.mu.Unlock()
	return ctx
}

func (t *captureTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// mustRestBench seeds 100,000 deals (1,000 contacts) through
// CreateDealsBulk once per test binary, then captures the SQL each REST
// query runs by sending it once through a store whose driver records
// its statements (same dialect, same connection settings).
func mustRestBench(b *testing.B) *restBenchEnv {
	b.Helper()
	restOnce.Do(func() {
		ctx := context.Background()
		dsn := restBenchURL(b)
		store, err := postgres.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		ws, err := store.CreateWorkspace(ctx, "bench", "SAR", "EG")
		if err != nil {
			b.Fatal(err)
		}
		key, _, _ := store.CreateKey(ctx, ws.ID, "bench", crm.ScopeWrite)
		p := &crm.Principal{Workspace: *ws, Scope: crm.ScopeWrite}
		stages := []string{"new", "lead", "qualified", "proposal", "won", "lost"}
		for chunk := 0; chunk < restBenchDeals/10000; chunk++ {
			req := &crm.BulkRequest{}
			for i := 0; i < 10000; i++ {
				n := chunk*10000 + i
				d, _ := json.Marshal(map[string]any{"title": fmt.Sprintf("Order %d", 1000000+n), "value": n % 5000,
					"stage": stages[n%len(stages)], "contact_phone": fmt.Sprintf("+2010%08d", n%1000),
					"create_contact_if_missing": true, "contact_first_name": fmt.Sprintf("C%d", n%1000), "tags": benchTags(n)})
				req.Deals = append(req.Deals, d)
			}
			if _, err := store.CreateDealsBulk(ctx, p, req); err != nil {
				b.Fatal(err)
			}
		}
		// What autovacuum does within a minute of such an import: statistics
		// for the planner, and the trigram index's pending list merged.
		bare, err := postgres.OpenDB(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bare.ExecContext(ctx, `VACUUM ANALYZE deals, deal_tags, contacts, contact_identifiers`); err != nil {
			b.Fatal(err)
		}
		// Write the import's dirty pages now rather than during the first
		// benchmark (needs superuser or pg_checkpoint; skipped without).
		_, _ = bare.ExecContext(ctx, `CHECKPOINT`)

		// Capture the SQL of each query.
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			b.Fatal(err)
		}
		cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
		tr := &captureTracer{}
		cfg.Tracer = tr
		capDB := stdlib.OpenDB(*cfg)
		defer capDB.Close()
		capSrv := httptest.NewServer(api.New(sqlstore.New(capDB, capDB, postgres.Dialect{}), api.Config{}, nil).Handler())
		defer capSrv.Close()
		captured := map[string]capturedSQL{}
		contact := ""
		if err := bare.QueryRowContext(ctx, `SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY id LIMIT 1 OFFSET 424`, ws.ID).Scan(&contact); err != nil {
			b.Fatal(err)
		}
		queries := append([]struct{ name, url string }{}, restQueries...)
		for _, q := range listQueries {
			queries = append(queries, struct{ name, url string }{"list_" + q.name, strings.Replace(q.url, "CONTACT", contact, 1)})
		}
		for _, q := range queries {
			get(b, capSrv.URL+api.RestPrefix+q.url, key) // authenticates (cached afterwards)
			tr.mu.Lock()
			tr.seen = nil
			tr.mu.Unlock()
			get(b, capSrv.URL+api.RestPrefix+q.url, key)
			tr.mu.Lock()
			var rest []capturedSQL
			for _, c := range tr.seen {
				if !strings.Contains(c.sql, "api_keys") && !strings.Contains(c.sql, "workspaces") {
					rest = append(rest, c)
				}
			}
			tr.mu.Unlock()
			if len(rest) != 1 {
				b.Fatalf("%s ran %d statements, want 1: %v", q.name, len(rest), rest)
			}
			captured[q.name] = rest[0]
			b.Logf("%s: %s %v", q.name, rest[0].sql, rest[0].args)
		}
		restBench = &restBenchEnv{srv: httptest.NewServer(api.New(store, api.Config{}, nil).Handler()), key: key, ws: ws.ID, bare: bare, sql: captured, contact: contact}
	})
	if restBench == nil {
		b.Fatal("bench setup failed")
	}
	return restBench
}

// restBenchSchema is the schema the REST benchmarks share, dropped by
// TestMain (storetest.PostgresURL's would go with the first benchmark).
var restBenchSchema string

func restBenchURL(b *testing.B) string {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		b.Skip("skipping PostgreSQL: " + storetest.EnvPostgres + " is not set")
	}
	ctx := context.Background()
	admin, err := postgres.OpenDB(ctx, base)
	if err != nil {
		b.Skipf("skipping PostgreSQL: %v", err)
	}
	defer admin.Close()
	var rnd [6]byte
	rand.Read(rnd[:])
	schema := "cg_bench_" + hex.EncodeToString(rnd[:])
	if _, err := admin.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`); err != nil {
		b.Fatal(err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		b.Fatal(err)
	}
	restBenchSchema = schema
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

func TestMain(m *testing.M) {
	code := m.Run()
	if restBenchSchema != "" {
		if admin, err := postgres.OpenDB(context.Background(), os.Getenv(storetest.EnvPostgres)); err == nil {
			admin.Exec(`DROP SCHEMA ` + restBenchSchema + ` CASCADE`)
			admin.Close()
		}
	}
	os.Exit(code)
}

func get(b *testing.B, url, key string) []byte {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("X-API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body) < 2 {
		b.Fatalf("%s: %d %s", url, resp.StatusCode, body)
	}
	return body
}

// BenchmarkRestHTTP is the endpoint end to end on PostgreSQL: HTTP, auth,
// parse, SQL, JSON. Compare with BenchmarkRestSQL, the same statement
// (captured from the driver) run directly.
//
//	CONNECTGAIN_TEST_POSTGRES=... go test ./sqlstore/postgres -run '^$' -bench 'Rest(HTTP|SQL)' -benchtime 2s
func BenchmarkRestHTTP(b *testing.B) {
	e := mustRestBench(b)
	// The fixed cost of an HTTP round trip on this server, no database.
	b.Run("healthz", func(b *testing.B) {
		for b.Loop() {
			resp, err := http.Get(e.srv.URL + "/healthz")
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	for _, q := range restQueries {
		b.Run(q.name, func(b *testing.B) { storetest.BenchGET(b, e.srv.URL+api.RestPrefix+q.url, e.key) })
	}
}

// BenchmarkRestSQL runs the statement the proxy sent, with the same
// arguments, through database/sql on a pool with the store's settings,
// scanning every column.
func BenchmarkRestSQL(b *testing.B) {
	e := mustRestBench(b)
	for _, q := range restQueries {
		c := e.sql[q.name]
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				rows, err := e.bare.Query(c.sql, c.args...)
				if err != nil {
					b.Fatal(err)
				}
				cols, _ := rows.Columns()
				n := 0
				for rows.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(vals))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rows.Scan(ptrs...); err != nil {
						b.Fatal(err)
					}
					n++
				}
				rows.Close()
				if n == 0 {
					b.Fatal("no rows")
				}
			}
		})
	}
}

// BenchmarkRestConcurrent is the title-contains search under 16
// concurrent clients; it reports requests per second.
func BenchmarkRestConcurrent(b *testing.B) {
	e := mustRestBench(b)
	storetest.BenchGETParallel(b, e.srv.URL+api.RestPrefix+restQueries[0].url, e.key, 16)
}
