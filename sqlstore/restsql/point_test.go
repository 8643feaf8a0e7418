package restsql_test

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/restsql"
	"github.com/connectgain/server/sqlstore/storetest"
)

// poolBackend is a store whose two read pools count the statements run
// on each: which reads the engine sends to the point pool.
type poolBackend struct {
	*sqlstore.Store
	mu           sync.Mutex
	reads, point []string
}

func (b *poolBackend) Reader() sqlstore.Queryer {
	return countingQueryer{b.Store.Reader(), b, &b.reads}
}

func (b *poolBackend) PointReader() sqlstore.Queryer {
	return countingQueryer{b.Store.PointReader(), b, &b.point}
}

type countingQueryer struct {
	sqlstore.Queryer
	b   *poolBackend
	log *[]string
}

func (q countingQueryer) note(query string) {
	q.b.mu.Lock()
	*q.log = append(*q.log, query)
	q.b.mu.Unlock()
}

func (q countingQueryer) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q.note(query)
	return q.Queryer.QueryContext(ctx, query, args...)
}

func (q countingQueryer) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	q.note(query)
	return q.Queryer.QueryRowContext(ctx, query, args...)
}

// TestPointReadsUseThePointPool checks, on every backend, which reads run
// on the point pool (restsql.PointReader): an equality on a unique key or
// an identifier lookup, and nothing else: a read whose plan may depend on
// its values (a range, a list, an OR, a negation, an embed) stays on the
// pool that plans every execution. Each read runs three times: planned,
// then admitted to the read cache, then from it; every run must choose
// the same pool.
func TestPointReadsUseThePointPool(t *testing.T) {
	const id = "0190a0b0-0000-7000-8000-0000000000ab"
	cases := []struct {
		table, query string
		point        bool
	}{
		{"deals", "id=eq." + id, true},
		{"deals", "select=id,title&id=eq." + id + "&order=created_at.desc", true},
		{"deals", "id=eq." + id + "&title=ilike.*order*", true},
		{"contacts", "select=id,first_name,phones&phones=cs.{+201000000424}", true},
		{"contacts", "emails=cs.{Sara@Example.com}", true},
		{"contacts", "phones=cs.{+201000000424}&first_name=eq.Ahmed", true},
		{"pipeline_stages", "pipeline_id=eq." + id + "&stage=eq.won", true},
		{"contacts", "phones=cs.{}", false},
		{"contacts", "tags=cs.{vip}", false},
		{"pipeline_stages", "stage=eq.won", false},
		{"deals", "stage=eq.won", false},
		{"deals", "id=neq." + id, false},
		{"deals", "id=not.eq." + id, false},
		{"deals", "id=in.(" + id + ")", false},
		{"deals", "id=gt." + id, false},
		{"deals", "id=eq(any).{" + id + "}", false},
		{"deals", "or=(id.eq." + id + ",stage.eq.won)", false},
		{"deals", "custom_fields->>id=eq.x", false},
		{"deals", "select=id,contact:contacts(id)&id=eq." + id, false},
		{"deals", "select=count&id=eq." + id, false},
	}
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			ctx := context.Background()
			ws, err := st.CreateWorkspace(ctx, "point", "USD", "EG")
			if err != nil {
				t.Fatal(err)
			}
			b := &poolBackend{Store: st}
			eng := restsql.New(b)
			p := &crm.Principal{Workspace: *ws, Scope: crm.ScopeWrite}
			for _, c := range cases {
				params, err := pgrest.ParseQueryString(c.query)
				if err != nil {
					t.Fatal(err)
				}
				q, err := pgrest.Parse(params)
				if err != nil {
					t.Fatalf("%s?%s: %v", c.table, c.query, err)
				}
				for run := range 3 {
					b.reads, b.point = nil, nil
					if _, err := eng.Rest(ctx, p, &restsql.Request{Method: http.MethodGet, Table: c.table, Query: q, Limit: -1}); err != nil {
						t.Fatalf("GET %s?%s: %v", c.table, c.query, err)
					}
					onPoint, onRead := len(b.point) > 0, len(b.reads) > 0
					if onPoint != c.point || onRead == c.point {
						t.Errorf("GET %s?%s (run %d): %d statements on the point pool, %d on the reader; want all on the %s\npoint: %s\nreader: %s",
							c.table, c.query, run+1, len(b.point), len(b.reads), map[bool]string{true: "point pool", false: "reader"}[c.point],
							strings.Join(b.point, "\n"), strings.Join(b.reads, "\n"))
					}
				}
			}
		})
	}
}
