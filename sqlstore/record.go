package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/pgtext"
)

// Rows are read and written by column name from the table's description
// (crm.Table): the statements below list every described column, so a new
// column needs no change here. What a table's SQL needs is computed once
// per table and kept.

// tableSQL is what writing and reading whole rows of one table needs.
type tableSQL struct {
	insertCols  []string   // workspace_id, then every column
	insertKinds []crm.Kind // their kinds
}

// sqlOf returns what writing rows of t needs, computed once per table
// and kept by the store.
func (s *Store) sqlOf(t *crm.Table) *tableSQL {
	if v, ok := s.tableSQL.Load(t); ok {
		return v.(*tableSQL)
	}
	ts := &tableSQL{insertCols: []string{"workspace_id"}, insertKinds: []crm.Kind{crm.KindUUID}}
	for _, c := range t.Columns {
		ts.insertCols = append(ts.insertCols, c.Name)
		ts.insertKinds = append(ts.insertKinds, c.Kind)
	}
	v, _ := s.tableSQL.LoadOrStore(t, ts)
	return v.(*tableSQL)
}

// readCols renders the SELECT list of every column of t, qualified by
// alias, in the form Decode reads.
func (s *Store) readCols(t *crm.Table, alias string) string {
	parts := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		parts[i] = s.d.ReadExpr(alias+"."+c.Name, c.Kind)
	}
	return strings.Join(parts, ", ")
}

// scanRecord reads one row of readCols(t, ...) into a record: every
// column set, in its Go form (timestamps as TimeFormat text).
func (s *Store) scanRecord(t *crm.Table, rows *sql.Rows) (*crm.Record, error) {
	rec := t.NewRecord()
	ptrs := make([]any, len(rec.Vals))
	for i := range ptrs {
		ptrs[i] = &rec.Vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	for i, c := range t.Columns {
		v, err := s.decodeValue(c.Kind, rec.Vals[i])
		if err != nil {
			return nil, fmt.Errorf("read %s.%s: %w", t.Name, c.Name, err)
		}
		rec.SetAt(i, v)
	}
	return rec, nil
}

// decodeValue is Dialect.Decode with timestamps as TimeFormat text, the
// form records hold them in.
func (s *Store) decodeValue(k crm.Kind, raw any) (any, error) {
	v, err := s.d.Decode(k, raw)
	if t, ok := v.(time.Time); ok {
		return crm.FormatTime(t), err
	}
	return v, err
}

// bindRecord writes into args the arguments that insert rec: ws (the
// workspace, already bound), then every column of its table bound by
// kind (an unset column is NULL).
func (s *Store) bindRecord(args []any, ws any, rec *crm.Record) []any {
	args[0] = ws
	for i, c := range rec.T.Columns {
		args[i+1] = s.bindValue(c.Kind, rec.Vals[i])
	}
	return args
}

func (s *Store) bindValue(k crm.Kind, v any) any {
	if v == nil {
		return nil
	}
	return s.d.Bind(k, v)
}

// insertRecords inserts prepared records of one table in as few
// statements as the dialect allows.
func (s *Store) insertRecords(ctx context.Context, tx *sql.Tx, wsID string, t *crm.Table, recs []*crm.Record) error {
	if len(recs) == 0 {
		return nil
	}
	return s.insertBound(ctx, tx, t, s.bindRecords(wsID, recs))
}

// bindRecords binds prepared records of one table as insertBound takes
// them: the workspace, then every column. It runs no statement, so a bulk
// request binds one table's rows while the server inserts another's.
func (s *Store) bindRecords(wsID string, recs []*crm.Record) [][]any {
	if len(recs) == 0 {
		return nil
	}
	// One argument array for every row, and the workspace bound once:
	// per row, they were two allocations of a 10,000-deal request's 20,000
	// rows.
	w := len(recs[0].T.Columns) + 1
	flat := make([]any, len(recs)*w)
	ws := s.WorkspaceArg(wsID)
	rows := make([][]any, len(recs))
	for i, r := range recs {
		rows[i] = s.bindRecord(flat[i*w:(i+1)*w:(i+1)*w], ws, r)
	}
	return rows
}

// insertBound inserts rows of t bound by bindRecords.
func (s *Store) insertBound(ctx context.Context, tx *sql.Tx, t *crm.Table, rows [][]any) error {
	ts := s.sqlOf(t)
	if err := s.insertRows(ctx, tx, t.Name, ts.insertCols, ts.insertKinds, rows); err != nil {
		return fmt.Errorf("insert %s: %w", t.Name, err)
	}
	return nil
}

// applyEffects runs the writes hooks asked for: every Clear first, then
// the rows of each table in one insert (defaults filled as on insert).
func (s *Store) applyEffects(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, effects []crm.Effect) error {
	var order []*crm.Table
	rows := map[*crm.Table][]*crm.Record{}
	for _, e := range effects {
		if e.Clear != nil {
			if err := s.clearRows(ctx, tx, env.Workspace.ID, e.Clear); err != nil {
				return err
			}
		}
		if len(e.Rows) == 0 {
			continue
		}
		if _, seen := rows[e.Table]; !seen {
			order = append(order, e.Table)
		}
		for _, r := range e.Rows {
			if err := e.Table.PrepareInsert(env, r); err != nil {
				return err
			}
		}
		rows[e.Table] = append(rows[e.Table], e.Rows...)
	}
	for _, t := range order {
		if err := s.insertRecords(ctx, tx, env.Workspace.ID, t, rows[t]); err != nil {
			return err
		}
	}
	return nil
}

// clearRows deletes the workspace's rows of cond's table whose columns
// equal every column set in cond.
func (s *Store) clearRows(ctx context.Context, tx *sql.Tx, wsID string, cond *crm.Record) error {
	var b Builder
	b.Add("DELETE FROM "+cond.T.Name+" WHERE workspace_id = ?", s.WorkspaceArg(wsID))
	for i, c := range cond.T.Columns {
		if cond.HasAt(i) {
			b.Add(" AND "+c.Name+" = ?", s.bindValue(c.Kind, cond.Vals[i]))
		}
	}
	if _, err := s.exec(ctx, tx, b.String(), b.Args...); err != nil {
		return fmt.Errorf("clear %s: %w", cond.T.Name, err)
	}
	return nil
}

// loadRecords reads columns cols (id among them) of the workspace's rows
// ids of t, by id.
func (s *Store) loadRecords(ctx context.Context, q queryer, wsID string, t *crm.Table, cols, ids []string) (map[string]*crm.Record, error) {
	exprs := make([]string, len(cols))
	kinds := make([]crm.Kind, len(cols))
	for i, n := range cols {
		c, _ := t.Column(n)
		exprs[i], kinds[i] = s.d.ReadExpr(n, c.Kind), c.Kind
	}
	out := make(map[string]*crm.Record, len(ids))
	raw := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for _, chunk := range s.lookupChunks(ids) {
		cond, args := s.inCond("id", crm.KindUUID, chunk)
		rows, err := s.query(ctx, q, "SELECT "+strings.Join(exprs, ", ")+" FROM "+t.Name+" WHERE workspace_id = ? AND "+cond, append([]any{s.WorkspaceArg(wsID)}, args...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			rec := t.NewRecord()
			for i, n := range cols {
				v, err := s.decodeValue(kinds[i], raw[i])
				if err != nil {
					rows.Close()
					return nil, fmt.Errorf("read %s.%s: %w", t.Name, n, err)
				}
				rec.Set(n, v)
			}
			out[rec.Str("id")] = rec
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// updateRecords writes the columns each of recs sets (recs[i] has the id
// of stored row olds[i], which holds what its table's hooks read):
// crm.Table.PrepareUpdate completes each, then rows whose values agree
// share one statement per chunk (else each row gets its own), and the
// writes the hooks ask for follow. Every update, REST or bulk, comes here.
func (s *Store) updateRecords(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, olds, recs []*crm.Record) error {
	if len(recs) == 0 {
		return nil
	}
	t := recs[0].T
	wsID := env.Workspace.ID
	type rowSet struct {
		id   string
		set  string
		args []any
	}
	sets := make([]rowSet, len(recs))
	same := true
	var effects []crm.Effect
	for i, rec := range recs {
		if e := t.PrepareUpdate(env, olds[i], rec); e != nil {
			return e
		}
		var parts []string
		var args []any
		for j, c := range t.Columns {
			if rec.HasAt(j) && !c.Generated {
				parts = append(parts, c.Name+" = ?")
				args = append(args, s.bindValue(c.Kind, rec.Vals[j]))
			}
		}
		sets[i] = rowSet{id: rec.Str("id"), set: strings.Join(parts, ", "), args: args}
		same = same && sets[i].set == sets[0].set && reflect.DeepEqual(sets[i].args, sets[0].args)
		effects = append(effects, t.After(env, olds[i], rec)...)
	}
	if same {
		ids := make([]string, len(sets))
		for i, x := range sets {
			ids[i] = x.id
		}
		for _, chunk := range s.lookupChunks(ids) {
			cond, in := s.inCond("id", crm.KindUUID, chunk)
			a := append(append(append([]any{}, sets[0].args...), s.WorkspaceArg(wsID)), in...)
			if _, err := s.exec(ctx, tx, "UPDATE "+t.Name+" SET "+sets[0].set+" WHERE workspace_id = ? AND "+cond, a...); err != nil {
				return err
			}
		}
	} else {
		for _, x := range sets {
			if _, err := s.exec(ctx, tx, "UPDATE "+t.Name+" SET "+x.set+" WHERE workspace_id = ? AND id = ?", append(x.args, s.WorkspaceArg(wsID), s.d.Bind(crm.KindUUID, x.id))...); err != nil {
				return err
			}
		}
	}
	return s.applyEffects(ctx, tx, env, effects)
}

// storedForm replaces each JSON value of rec with the text both backends
// store and read back (jsonb's: keys in jsonb order, 1e2 as 100,
// strings escaped as PostgreSQL escapes them), so that a record shown
// without being read again (the bulk result's deal) shows what a read
// would. A value pgtext cannot read is left as it is.
func storedForm(rec *crm.Record) {
	for i := range rec.T.Columns {
		if rec.T.Columns[i].Kind != crm.KindJSON {
			continue
		}
		if r, ok := rec.Vals[i].(json.RawMessage); ok && r != nil {
			if c, err := pgtext.CanonicalJSON(r); err == nil {
				rec.Vals[i] = json.RawMessage(c)
			}
		}
	}
}

// rowOf renders a record as a response row: every column, in order. The
// row shares the record's values (a record holds only kinds the row
// renders), so a bulk request does not copy each deal.
func rowOf(rec *crm.Record) *Row { return &Row{Keys: rec.T.ColumnNames(), Vals: rec.Vals} }

// RowInserter is an optional Dialect capability: write many rows of one
// table in a single round trip (PostgreSQL: one INSERT ... SELECT FROM
// unnest of one array per column). Values are already passed through Bind.
// Without it, insertRows sends multi-row VALUES statements.
type RowInserter interface {
	InsertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, kinds []crm.Kind, rows [][]any) error
}

// insertRows writes rows (each already bound) to table.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, kinds []crm.Kind, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if ri, ok := s.d.(RowInserter); ok {
		return s.d.Error(ri.InsertRows(ctx, tx, table, cols, kinds, rows))
	}
	per := min(insertChunk, s.d.MaxParams()/len(cols))
	head := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `
	// Full chunks share one prepared statement: parsing an 8,000-parameter
	// INSERT once per chunk cost more than executing it.
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, per*len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args = args[:0]
		for _, r := range chunk {
			args = append(args, r...)
		}
		if len(chunk) < per {
			if _, err := s.exec(ctx, tx, head+placeholders(len(chunk), len(cols)), args...); err != nil {
				return err
			}
			continue
		}
		if full == nil {
			var err error
			if full, err = tx.PrepareContext(ctx, s.d.Rebind(head+placeholders(per, len(cols)))); err != nil {
				return s.d.Error(err)
			}
		}
		if _, err := full.ExecContext(ctx, args...); err != nil {
			return s.d.Error(err)
		}
	}
	return nil
}

// insertChunk is the rows per multi-row INSERT.
const insertChunk = 250
