package sqlite_test

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/connectgain/server/api"
	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/sqlite"
	"github.com/connectgain/server/sqlstore/storetest"
)

// dealColumns are the columns of select=* on deals, in order.
var (
	dealNames = []string{"id", "title", "value", "currency", "stage", "pipeline_id", "contact_id", "company_id",
		"expected_close_date", "probability", "source", "tags", "custom_fields", "created_at", "updated_at"}
	dealKinds = []crm.Kind{crm.KindUUID, crm.KindText, crm.KindDecimal, crm.KindText, crm.KindText, crm.KindUUID,
		crm.KindUUID, crm.KindUUID, crm.KindDate, crm.KindInt, crm.KindText, crm.KindTextArray, crm.KindJSON,
		crm.KindTime, crm.KindTime}
)

// BenchmarkPointRead compares the REST proxy's point reads (a contact by
// exact phone, a deal by id) with a bare net/http handler that runs the
// same SQL on the same database file (a read pool of the same size) and
// writes the same JSON, 16 connections over loopback, rounds alternating:
//
//	go test ./sqlstore/sqlite -run '^$' -bench PointRead -benchtime 20000x
func BenchmarkPointRead(b *testing.B) {
	e := mustBenchEnv(b)
	bare, err := sql.Open("sqlite", "file:"+benchPath+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Close()
	n := max(4, 2*runtime.NumCPU()) // the store's read pool
	bare.SetMaxOpenConns(n)
	bare.SetMaxIdleConns(n)
	d := sqlite.Dialect{}
	dealID := benchDealID(b, e)
	// The bare handler reads ids and timestamps as the store stores them.
	read := func(k crm.Kind, v any) any {
		if k == crm.KindUUID || k == crm.KindTime {
			if x, err := d.Decode(k, v); err == nil {
				return x
			}
		}
		return v
	}
	after := func(r *http.Request, prefix string) string {
		for _, v := range r.URL.Query() {
			if strings.HasPrefix(v[0], prefix) {
				return strings.Trim(strings.TrimPrefix(v[0], prefix), "{}")
			}
		}
		return ""
	}
	cases := []struct {
		name, url string
		q         storetest.BareQuery
	}{
		{"contact_by_phone", "/contacts?select=id,first_name,phones&phones=cs.%7B%2B201000000424%7D", storetest.BareQuery{
			SQL:   `SELECT t0.id, t0.first_name, t0.phones FROM contacts t0 WHERE t0.workspace_id = ? AND (t0.id IN (SELECT ci.contact_id FROM contact_identifiers ci WHERE ci.workspace_id = ? AND ci.kind = ? AND ci.value = ?)) LIMIT ? OFFSET ?`,
			Args:  func(r *http.Request) []any { return []any{e.ws, e.ws, "phone", after(r, "cs."), 1000, 0} },
			Names: []string{"id", "first_name", "phones"}, Kinds: []crm.Kind{crm.KindUUID, crm.KindText, crm.KindTextArray}, Read: read}},
		{"deal_by_id", "/deals?id=eq." + dealID, storetest.BareQuery{
			SQL:   `SELECT t0.id, t0.title, t0.value, t0.currency, t0.stage, t0.pipeline_id, t0.contact_id, t0.company_id, t0.expected_close_date, t0.probability, t0.source, t0.tags, t0.custom_fields, t0.created_at, t0.updated_at FROM deals t0 WHERE t0.workspace_id = ? AND (t0.id = ?) LIMIT ? OFFSET ?`,
			Args:  func(r *http.Request) []any { return []any{e.ws, d.Bind(crm.KindUUID, after(r, "eq.")), 1000, 0} },
			Names: dealNames, Kinds: dealKinds, Read: read}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			srv := httptest.NewServer(storetest.BareHandler(bare, c.q))
			defer srv.Close()
			storetest.CheckSameJSON(b, e.srv.URL+api.RestPrefix+c.url, srv.URL+c.url, e.key)
			storetest.BenchVersus(b, e.srv.URL+api.RestPrefix+c.url, srv.URL+c.url, e.key, 16)
		})
	}
}

// BenchmarkPointHandler is BenchmarkPointRead's two requests served by
// the API's handler directly, with no network and no client in the
// process: ns/op is the handler's CPU per request, allocs/op its
// allocations (what drives the GC pauses behind the p99 of
// BenchmarkPointRead on two cores):
//
//	go test ./sqlstore/sqlite -run '^$' -bench PointHandler -benchtime 20000x
func BenchmarkPointHandler(b *testing.B) {
	e := mustBenchEnv(b)
	dealID := benchDealID(b, e)
	for _, c := range []struct{ name, url string }{
		{"contact_by_phone", "/contacts?select=id,first_name,phones&phones=cs.%7B%2B201000000424%7D"},
		{"deal_by_id", "/deals?id=eq." + dealID},
	} {
		b.Run(c.name, func(b *testing.B) {
			storetest.BenchHandler(b, e.srv.Config.Handler, api.RestPrefix+c.url, e.key)
		})
	}
}

// benchDealID is the id of the point reads' deal (the 54,322nd), as the
// API shows it.
func benchDealID(b *testing.B, e *benchEnv) string {
	b.Helper()
	var rawID any
	if err := e.bare.QueryRow(`SELECT id FROM deals WHERE workspace_id = ? ORDER BY rid LIMIT 1 OFFSET 54321`, e.ws).Scan(&rawID); err != nil {
		b.Fatal(err)
	}
	id, err := sqlite.Dialect{}.Decode(crm.KindUUID, rawID)
	if err != nil {
		b.Fatal(err)
	}
	return id.(string)
}
