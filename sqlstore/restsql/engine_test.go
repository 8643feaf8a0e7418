package restsql_test

import (
	"context"
	"database/sql"
	"net/http"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/restsql"
	"github.com/connectgain/server/sqlstore/sqlite"
)

// fakeBackend is a Backend with no database: the tests below check what
// the engine answers before it touches storage. Any other Backend call
// panics on the nil embedded interface, failing the test.
type fakeBackend struct {
	restsql.Backend
	d      sqlstore.Dialect
	opened int // write transactions and reads begun
}

func (f *fakeBackend) Schema() *crm.Schema             { return crm.DefaultSchema }
func (f *fakeBackend) Dialect() sqlstore.Dialect       { return f.d }
func (f *fakeBackend) Reader() sqlstore.Queryer        { f.opened++; return nil }
func (f *fakeBackend) NoteWrites(context.Context, int) {}
func (f *fakeBackend) InWrite(context.Context, string, func(*sql.Tx) error) error {
	f.opened++
	return nil
}

// onlyDialect hides a dialect's REST capabilities.
type onlyDialect struct{ sqlstore.Dialect }

func restErr(t *testing.T, b *fakeBackend, method, table string) *crm.Error {
	t.Helper()
	q, err := pgrest.Parse(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &crm.Principal{Workspace: crm.Workspace{ID: "0190a0b0-0000-7000-8000-0000000000aa"}}
	res, err := restsql.New(b).Rest(context.Background(), p, &restsql.Request{Method: method, Table: table, Query: q, Limit: -1})
	e, ok := crm.AsError(err)
	if !ok {
		t.Fatalf("%s %s: got %+v, %v; want a *crm.Error", method, table, res, err)
	}
	if b.opened != 0 {
		t.Errorf("%s %s: the engine reached the database (%d times) before refusing", method, table, b.opened)
	}
	return e
}

func TestEngineRefusesBeforeStorage(t *testing.T) {
	cases := []struct {
		name, method, table string
		d                   sqlstore.Dialect
		code, hint          string
	}{
		{"unknown table, nearest named", http.MethodGet, "deal", sqlite.Dialect{}, crm.PGRSTUnknownTable, "Perhaps you meant the table 'public.deals'"},
		{"backend without a REST dialect", http.MethodGet, "deals", onlyDialect{sqlite.Dialect{}}, crm.PGRSTNotImplemented, ""},
		{"read-only table written", http.MethodPost, "deal_stage_changes", sqlite.Dialect{}, crm.CodeMethodNotAllowed,
			"read it with GET; change a deal's stage with PATCH /functions/v1/rest-api-proxy/deals?id=eq.ID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := restErr(t, &fakeBackend{d: c.d}, c.method, c.table)
			if e.Code != c.code || e.Hint != c.hint {
				t.Errorf("got code %q hint %q (%s); want %q hint %q", e.Code, e.Hint, e.Message, c.code, c.hint)
			}
		})
	}
}
