package restsql

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
)

// MaxRows caps the rows of every REST read, at the top level, as
// PostgREST's db-max-rows does on Supabase: a larger limit or Range is
// silently cut to it.
const MaxRows = 1000

// Request is one request of the REST proxy, already parsed. The api
// package fills it from the URL and headers; the engine renders it to SQL.
type Request struct {
	Method string // GET, HEAD, POST, PATCH or DELETE
	Table  string
	Query  *pgrest.Query
	Prefer pgrest.Prefer

	// Reads: the rows to serve after Range, limit, offset and MaxRows
	// (Limit < 0: no limit), and whether to count the matching rows.
	Offset int64
	Limit  int64
	Count  bool

	// Writes: the rows of a POST, or the one object of a PATCH. Return
	// asks for the affected rows, shaped by Query.Select; Singular
	// requires exactly one affected row (else 406 PGRST116, rolled back).
	Body     []map[string]json.RawMessage
	Return   bool
	Singular bool
}

// Result is what a REST request read or wrote.
type Result struct {
	Rows []*Row
	// Total is the count of matching rows, -1 when not counted.
	Total int64
	// Affected counts the rows a write touched; Inserted those of a POST
	// that were new (an upsert's others were updated).
	Affected int
	Inserted int
	// IDs are the ids of the affected rows, in order (for Location).
	IDs []string
}

// Rest runs a REST proxy request for the principal's workspace. Errors
// are *crm.Error with PostgREST's codes (PGRST205 unknown table, 42703
// unknown column, 22P02 bad literal, ...) or the bulk endpoint's
// validation codes for written values.
func (s *Engine) Rest(ctx context.Context, p *crm.Principal, req *Request) (*Result, error) {
	schema := s.b.Schema()
	t, ok := schema.Table(req.Table)
	if !ok {
		return nil, unknownTable(schema, req.Table)
	}
	d, ok := s.b.Dialect().(Dialect)
	if !ok {
		return nil, &crm.Error{Code: crm.PGRSTNotImplemented, Message: "Feature not implemented",
			Details: fmt.Sprintf("the %s backend does not serve the REST proxy yet", s.b.Dialect().Name())}
	}
	rc := &restCtx{s: s, d: d, ws: &p.Workspace, q: req.Query, schema: schema}
	rc.budget.writtenFree = req.Method != http.MethodGet && req.Method != http.MethodHead
	switch req.Method {
	case http.MethodGet, http.MethodHead:
		rc.read = true
		return rc.readRows(ctx, s.b.Reader(), t, req)
	}
	if t.ReadOnly {
		return nil, &crm.Error{Code: crm.CodeMethodNotAllowed, Message: fmt.Sprintf("table %s is read-only", t.Name),
			Details: "rows are written by the server when a deal changes stage",
			Hint:    "read it with GET; change a deal's stage with PATCH /functions/v1/rest-api-proxy/deals?id=eq.ID"}
	}
	var res *Result
	err := s.b.InWrite(ctx, p.Workspace.ID, func(tx *sql.Tx) error {
		var err error
		res, err = rc.write(ctx, tx, t, req)
		return err
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	if err == nil && res != nil {
		s.b.NoteWrites(ctx, res.Affected)
	}
	return res, nil
}

// write runs a POST, PATCH or DELETE in tx, and refuses a result the
// request's preferences do not allow (Accept singular, max-affected);
// Prefer: tx=rollback ends it with errRollback.
func (rc *restCtx) write(ctx context.Context, tx *sql.Tx, t *crm.Table, req *Request) (*Result, error) {
	var res *Result
	var err error
	switch req.Method {
	case http.MethodPost:
		res, err = rc.insert(ctx, tx, t, req)
	case http.MethodPatch:
		res, err = rc.update(ctx, tx, t, req)
	case http.MethodDelete:
		res, err = rc.delete(ctx, tx, t, req)
	default:
		return nil, crm.Errorf(crm.PGRSTMethod, "Unsupported HTTP method: %s", req.Method)
	}
	if err != nil {
		return nil, err
	}
	if req.Singular && res.Affected != 1 {
		return nil, singularError(res.Affected)
	}
	if mx := req.Prefer.MaxAffected; mx != nil && req.Prefer.Handling == "strict" &&
		(req.Method == http.MethodPatch || req.Method == http.MethodDelete) && int64(res.Affected) > *mx {
		return nil, &crm.Error{Code: crm.PGRSTMaxAffected, Message: "Query result exceeds max-affected preference constraint",
			Details: fmt.Sprintf("The query affects %d rows", res.Affected)}
	}
	if req.Prefer.Tx == "rollback" {
		return res, errRollback
	}
	return res, nil
}

// UnknownTable is 404 PGRST205 with the closest table as a hint.
func UnknownTable(name string) *crm.Error { return unknownTable(crm.DefaultSchema, name) }

func unknownTable(sc *crm.Schema, name string) *crm.Error {
	e := &crm.Error{Code: crm.PGRSTUnknownTable, Message: fmt.Sprintf("Could not find the table 'public.%s' in the schema cache", name)}
	if n := crm.Nearest(name, sc.Names); n != "" {
		e.Hint = fmt.Sprintf("Perhaps you meant the table 'public.%s'", n)
	}
	return e
}

// singularError is 406 PGRST116 for a singular response of n rows.
func singularError(n int) *crm.Error {
	return &crm.Error{Code: crm.PGRSTSingular, Message: "Cannot coerce the result to a single JSON object",
		Details: fmt.Sprintf("The result contains %d rows", n)}
}

// readRows serves GET and HEAD. A plain read of a query seen before
// runs the plan and statement kept for it (readcache.go).
func (rc *restCtx) readRows(ctx context.Context, q queryer, t *crm.Table, req *Request) (*Result, error) {
	key := readKey{q: rc.q, schema: rc.schema, table: t.Name, ws: rc.ws.ID, region: rc.ws.PhoneRegion}
	e := rc.s.reads.get(key)
	if e != nil && cacheable(e.p, req) && sameWorkspaceArg(e.ws, rc.wsArg()) {
		return rc.readCached(ctx, q, e, req)
	}
	p, err := rc.compileTop(t)
	if err != nil {
		return nil, err
	}
	q = rc.readerFor(p, q) // point.go
	if cacheable(p, req) && (e != nil || rc.s.reads.admit(key)) {
		e, err := rc.render(p, req)
		if err != nil {
			return nil, err
		}
		if e != nil {
			rc.s.reads.put(key, e)
			return rc.readCached(ctx, q, e, req)
		}
	}
	if hasCounts(p) {
		return rc.readCount(ctx, q, p, req)
	}
	res := &Result{Total: -1}
	if req.Count {
		b, err := rc.countSQL(p)
		if err != nil {
			return nil, err
		}
		if err := rc.s.queryRow(ctx, q, b.String(), b.Args...).Scan(&res.Total); err != nil {
			return nil, fmt.Errorf("count %s: %w", t.Name, rc.d.Error(err))
		}
	}
	if req.Limit == 0 {
		res.Rows = []*Row{}
		return res, nil
	}
	b, err := rc.readSQL(p, req)
	if err != nil {
		return nil, err
	}
	rows, _, err := rc.run(ctx, q, p, b)
	if err != nil {
		return nil, err
	}
	res.Rows = rows
	return res, nil
}

// countSQL renders the COUNT(*) of the rows plan p selects.
func (rc *restCtx) countSQL(p *plan) (*sqlstore.Builder, error) {
	var b sqlstore.Builder
	b.Add("SELECT COUNT(*) FROM " + p.table.Name + " " + p.alias)
	rc.joinElements(p, &b)
	b.Add(" WHERE ")
	if err := rc.where(p, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// readSQL renders the top-level SELECT of a read: plan p's columns and
// keys, filtered, ordered and cut to req's page (at most MaxRows rows).
func (rc *restCtx) readSQL(p *plan, req *Request) (*sqlstore.Builder, error) {
	var b sqlstore.Builder
	rc.selectList(p, &b)
	rc.joinElements(p, &b)
	b.Add(" WHERE ")
	if err := rc.where(p, &b); err != nil {
		return nil, err
	}
	if err := rc.orderBy(p, &b); err != nil {
		return nil, err
	}
	limit, offset := pageOf(req)
	b.Add(" LIMIT ? OFFSET ?", limit, offset) // pageArgs: the read cache rebinds them
	return &b, nil
}

// pageOf is the LIMIT and OFFSET of a read: req's page, at most MaxRows.
func pageOf(req *Request) (limit, offset int64) {
	limit = req.Limit
	if limit < 0 || limit > MaxRows {
		limit = MaxRows
	}
	return limit, req.Offset
}
