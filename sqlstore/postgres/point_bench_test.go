package postgres_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/connectgain/server/api"
	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
)

// BenchmarkPointRead is sqlstore/sqlite's on PostgreSQL: the REST
// proxy's contact by exact phone and deal by id against a bare net/http
// handler running the same SQL through a pool with the store's settings,
// 16 connections over loopback, rounds alternating:
//
//	CONNECTGAIN_TEST_POSTGRES=... go test ./sqlstore/postgres -run '^$' -bench PointRead -benchtime 20000x
func BenchmarkPointRead(b *testing.B) {
	e := mustRestBench(b)
	var dealID string
	if err := e.bare.QueryRow(`SELECT id FROM deals WHERE workspace_id = $1 ORDER BY id LIMIT 1 OFFSET 54321`, e.ws).Scan(&dealID); err != nil {
		b.Fatal(err)
	}
	after := func(r *http.Request, prefix string) string {
		for _, v := range r.URL.Query() {
			if strings.HasPrefix(v[0], prefix) {
				return strings.Trim(strings.TrimPrefix(v[0], prefix), "{}")
			}
		}
		return ""
	}
	dealNames := []string{"id", "title", "value", "currency", "stage", "pipeline_id", "contact_id", "company_id",
		"expected_close_date", "probability", "source", "tags", "custom_fields", "created_at", "updated_at"}
	dealKinds := []crm.Kind{crm.KindUUID, crm.KindText, crm.KindDecimal, crm.KindText, crm.KindText, crm.KindUUID,
		crm.KindUUID, crm.KindUUID, crm.KindDate, crm.KindInt, crm.KindText, crm.KindTextArray, crm.KindJSON,
		crm.KindTime, crm.KindTime}
	cases := []struct {
		name, url string
		q         storetest.BareQuery
	}{
		{"contact_by_phone", "/contacts?select=id,first_name,phones&phones=cs.%7B%2B201000000424%7D", storetest.BareQuery{
			SQL:   `SELECT t0.id, t0.first_name, t0.phones FROM contacts t0 WHERE t0.workspace_id = $1 AND (t0.id IN (SELECT ci.contact_id FROM contact_identifiers ci WHERE ci.workspace_id = $2 AND ci.kind = $3 AND ci.value = $4)) LIMIT $5 OFFSET $6`,
			Args:  func(r *http.Request) []any { return []any{e.ws, e.ws, "phone", after(r, "cs."), 1000, 0} },
			Names: []string{"id", "first_name", "phones"}, Kinds: []crm.Kind{crm.KindUUID, crm.KindText, crm.KindTextArray}}},
		{"deal_by_id", "/deals?id=eq." + dealID, storetest.BareQuery{
			SQL:   `SELECT t0.id, t0.title, t0.value, t0.currency, t0.stage, t0.pipeline_id, t0.contact_id, t0.company_id, t0.expected_close_date, t0.probability, t0.source, t0.tags, t0.custom_fields, t0.created_at, t0.updated_at FROM deals t0 WHERE t0.workspace_id = $1 AND (t0.id = $2) LIMIT $3 OFFSET $4`,
			Args:  func(r *http.Request) []any { return []any{e.ws, after(r, "eq."), 1000, 0} },
			Names: dealNames, Kinds: dealKinds}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			srv := httptest.NewServer(storetest.BareHandler(e.bare, c.q))
			defer srv.Close()
			storetest.CheckSameJSON(b, e.srv.URL+api.RestPrefix+c.url, srv.URL+c.url, e.key)
			storetest.BenchVersus(b, e.srv.URL+api.RestPrefix+c.url, srv.URL+c.url, e.key, 16)
		})
	}
}

// BenchmarkPointHandler is BenchmarkPointRead's two requests served by
// the API's handler directly, with no network and no client in the
// process: ns/op is the handler's time per request (its CPU and the
// round trips to PostgreSQL), allocs/op its allocations:
//
//	CONNECTGAIN_TEST_POSTGRES=... go test ./sqlstore/postgres -run '^$' -bench PointHandler -benchtime 6000x
func BenchmarkPointHandler(b *testing.B) {
	e := mustRestBench(b)
	var dealID string
	if err := e.bare.QueryRow(`SELECT id FROM deals WHERE workspace_id = $1 ORDER BY id LIMIT 1 OFFSET 54321`, e.ws).Scan(&dealID); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, url string }{
		{"contact_by_phone", "/contacts?select=id,first_name,phones&phones=cs.%7B%2B201000000424%7D"},
		{"deal_by_id", "/deals?id=eq." + dealID},
	} {
		b.Run(c.name, func(b *testing.B) {
			storetest.BenchHandler(b, e.srv.Config.Handler, api.RestPrefix+c.url, e.key)
		})
	}
}

// BenchmarkPointHandlerDistinct is BenchmarkPointHandler's deal by id
// with a different deal on every request, what caching costs a workload
// that does not repeat URLs: never_repeated reads 20,000 deals once each
// (run it with -benchtime 20000x or less: every request misses the api's
// query cache and restsql's read cache, and their doorkeepers admit
// none); cycle_of_4096 reads 4,096 deals in turn, the worst case: each
// URL comes back before the doorkeepers forget it but after the caches
// (1,024 entries) dropped it, so every request from the second turn on
// fills both caches:
//
//	CONNECTGAIN_TEST_POSTGRES=... go test ./sqlstore/postgres -run '^$' -bench PointHandlerDistinct -benchtime 20000x
func BenchmarkPointHandlerDistinct(b *testing.B) {
	e := mustRestBench(b)
	rows, err := e.bare.Query(`SELECT id FROM deals WHERE workspace_id = $1 ORDER BY id LIMIT 20000`, e.ws)
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil || len(ids) < 20000 {
		b.Fatalf("%d deals: %v", len(ids), err)
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"never_repeated", 20000}, {"cycle_of_4096", 4096}} {
		b.Run(c.name, func(b *testing.B) {
			if c.n == 20000 && b.N > c.n {
				b.Skipf("-benchtime %dx would repeat URLs; at most %dx", b.N, c.n)
			}
			reqs := make([]*http.Request, c.n)
			for i, id := range ids[:c.n] {
				r := httptest.NewRequest(http.MethodGet, api.RestPrefix+"/deals?id=eq."+id, nil)
				r.Header.Set("X-API-Key", e.key)
				r.Body = nil
				reqs[i] = r
			}
			h := e.srv.Config.Handler
			w := &statusOnly{h: http.Header{}}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := storetest.ProcessCPU()
			for i := range b.N {
				r := *reqs[i%len(reqs)]
				clear(w.h)
				w.status = 0
				h.ServeHTTP(w, &r)
				if w.status != http.StatusOK || w.n < 3 {
					b.Fatalf("GET %s: status %d, %d bytes", r.URL, w.status, w.n)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64((storetest.ProcessCPU()-cpu).Nanoseconds())/1000/float64(b.N), "cpu-us/op")
		})
	}
}

// statusOnly is a ResponseWriter that keeps the status and the body's
// length, reusing its header map.
type statusOnly struct {
	h      http.Header
	status int
	n      int
}

func (w *statusOnly) Header() http.Header { return w.h }
func (w *statusOnly) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *statusOnly) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n = len(b)
	return len(b), nil
}
