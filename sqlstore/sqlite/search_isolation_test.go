package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/restsql"
	"github.com/connectgain/server/sqlstore/sqlite"
)

// searchEnv is a store with an empty workspace ("quiet") and a busy one.
type searchEnv struct {
	store       *sqlstore.Store
	rest        *restsql.Engine
	quiet, busy *crm.Principal
}

func mustSearchEnv(tb testing.TB) *searchEnv {
	tb.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "search.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	e := &searchEnv{store: store, rest: restsql.New(store)}
	for _, name := range []string{"quiet", "busy"} {
		ws, err := store.CreateWorkspace(ctx, name, "SAR", "EG")
		if err != nil {
			tb.Fatal(err)
		}
		p := &crm.Principal{Workspace: *ws, Scope: crm.ScopeWrite}
		if name == "quiet" {
			e.quiet = p
		} else {
			e.busy = p
		}
	}
	// The quiet workspace has a few deals of its own, none matching.
	e.bulk(tb, e.quiet, 0, 20, "Invoice")
	return e
}

// bulk writes n deals titled "<prefix> <from+i>" in p's workspace.
func (e *searchEnv) bulk(tb testing.TB, p *crm.Principal, from, n int, prefix string) {
	tb.Helper()
	for lo := 0; lo < n; lo += 10000 {
		req := &crm.BulkRequest{}
		for i := lo; i < min(n, lo+10000); i++ {
			d, _ := json.Marshal(map[string]any{"title": fmt.Sprintf("%s %d", prefix, 1000000+from+i), "value": 1,
				"contact_phone": "+201017177777", "create_contact_if_missing": true})
			req.Deals = append(req.Deals, d)
		}
		if _, err := e.store.CreateDealsBulk(context.Background(), p, req); err != nil {
			tb.Fatal(err)
		}
	}
}

// search runs deals?select=id,title&title=ilike.*<term>* for p.
func (e *searchEnv) search(tb testing.TB, p *crm.Principal, term string) []string {
	tb.Helper()
	params, err := pgrest.ParseQueryString("select=id,title&title=ilike.*" + term + "*")
	if err != nil {
		tb.Fatal(err)
	}
	q, err := pgrest.Parse(params)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := e.rest.Rest(context.Background(), p, &restsql.Request{Method: http.MethodGet, Table: "deals", Query: q, Limit: 50})
	if err != nil {
		tb.Fatal(err)
	}
	var titles []string
	for _, r := range res.Rows {
		v, _ := r.Get("title")
		titles = append(titles, v.(string))
	}
	return titles
}

// median times fn over runs.
func median(runs int, fn func()) time.Duration {
	ds := make([]time.Duration, runs)
	for i := range ds {
		t := time.Now()
		fn()
		ds[i] = time.Since(t)
	}
	slices.Sort(ds)
	return ds[runs/2]
}

// TestTitleSearchCostIsolated: an empty workspace's title search takes
// the same time whatever another workspace holds. With one FTS5 index
// for every workspace it went from 0.4 ms to 52-69 ms when another
// workspace held 20,000 matching titles. The bound is loose (a shared,
// busy machine): within 4x plus 2 ms of the time before.
func TestTitleSearchCostIsolated(t *testing.T) {
	e := mustSearchEnv(t)
	const term = "Order 10"
	if got := e.search(t, e.quiet, term); len(got) != 0 {
		t.Fatalf("quiet workspace finds %v", got)
	}
	before := median(31, func() { e.search(t, e.quiet, term) })
	e.bulk(t, e.busy, 0, 20000, "Order")
	if got := e.search(t, e.busy, term); len(got) != 50 {
		t.Fatalf("busy workspace finds %d, want 50 (the page)", len(got))
	}
	if got := e.search(t, e.quiet, term); len(got) != 0 {
		t.Fatalf("quiet workspace finds %v after the busy one's writes", got)
	}
	after := median(31, func() { e.search(t, e.quiet, term) })
	t.Logf("quiet workspace's search: %v before, %v with 20,000 matching titles elsewhere", before, after)
	if after > 4*before+2*time.Millisecond {
		t.Errorf("the quiet workspace's search went from %v to %v because of another workspace's rows", before, after)
	}
}

// TestTitleSearchIndexFollowsWrites: the per-workspace trigrams follow
// inserts, title updates and deletes, case-insensitively.
func TestTitleSearchIndexFollowsWrites(t *testing.T) {
	e := mustSearchEnv(t)
	e.bulk(t, e.busy, 0, 3, "Shopify ORDER")
	if got := e.search(t, e.busy, "order 1000001"); !slices.Equal(got, []string{"Shopify ORDER 1000001"}) {
		t.Errorf("search = %v", got)
	}
	if got := e.search(t, e.quiet, "order 1000001"); len(got) != 0 {
		t.Errorf("the other workspace finds %v", got)
	}
	rest := func(method, query, body string) {
		params, _ := pgrest.ParseQueryString(query)
		q, err := pgrest.Parse(params)
		if err != nil {
			t.Fatal(err)
		}
		req := &restsql.Request{Method: method, Table: "deals", Query: q}
		if body != "" {
			var m map[string]json.RawMessage
			_ = json.Unmarshal([]byte(body), &m)
			req.Body = []map[string]json.RawMessage{m}
		}
		if _, err := e.rest.Rest(context.Background(), e.busy, req); err != nil {
			t.Fatal(err)
		}
	}
	rest("PATCH", "title=eq.Shopify ORDER 1000001", `{"title":"Renamed Invoice 77"}`)
	if got := e.search(t, e.busy, "order 1000001"); len(got) != 0 {
		t.Errorf("old title still found: %v", got)
	}
	if got := e.search(t, e.busy, "invoice 77"); !slices.Equal(got, []string{"Renamed Invoice 77"}) {
		t.Errorf("new title: %v", got)
	}
	rest("DELETE", "title=eq.Renamed Invoice 77", "")
	if got := e.search(t, e.busy, "invoice 77"); len(got) != 0 {
		t.Errorf("deleted deal found: %v", got)
	}
	n, err := e.store.CountForTest(context.Background(), `SELECT COUNT(*) FROM deal_title_grams g
		WHERE NOT EXISTS (SELECT 1 FROM deals d WHERE d.rid = g.rowid)`)
	if err != nil || n != 0 {
		t.Errorf("%d index rows of deleted deals (%v)", n, err)
	}
	total, _ := e.store.CountForTest(context.Background(), `SELECT COUNT(*) FROM deal_title_grams`)
	deals, _ := e.store.CountForTest(context.Background(), `SELECT COUNT(*) FROM deals`)
	if total != deals {
		t.Errorf("%d index rows for %d deals", total, deals)
	}
}

// BenchmarkTitleSearchEmptyWorkspace: an empty workspace's title search,
// with and without 20,000 matching titles in another workspace.
func BenchmarkTitleSearchEmptyWorkspace(b *testing.B) {
	e := mustSearchEnv(b)
	b.Run("others_empty", func(b *testing.B) {
		for b.Loop() {
			e.search(b, e.quiet, "Order 10")
		}
	})
	e.bulk(b, e.busy, 0, 20000, "Order")
	b.Run("others_20000_matching", func(b *testing.B) {
		for b.Loop() {
			e.search(b, e.quiet, "Order 10")
		}
	})
}
