package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/connectgain/server/crm"
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

var tableSQLs sync.Map // *crm.Table -> *tableSQL

func sqlOf(t *crm.Table) *tableSQL {
	if v, ok := tableSQLs.Load(t); ok {
		return v.(*tableSQL)
	}
	ts := &tableSQL{insertCols: []string{"workspace_id"}, insertKinds: []crm.Kind{crm.KindUUID}}
	for _, c := range t.Columns {
		ts.insertCols = append(ts.insertCols, c.Name)
		ts.insertKinds = append(ts.insertKinds, c.Kind)
	}
	v, _ := tableSQLs.LoadOrStore(t, ts)
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
		rec.Vals[i], rec.Has[i] = v, true
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

// bindRecord returns the arguments that insert rec: the workspace, then
// every column of its table bound by kind (an unset column is NULL).
func (s *Store) bindRecord(wsID string, rec *crm.Record) []any {
	args := make([]any, 0, len(rec.Vals)+1)
	args = append(args, wsID)
	for i, c := range rec.T.Columns {
		args = append(args, s.bindValue(c.Kind, rec.Vals[i]))
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
	rows := make([][]any, len(recs))
	for i, r := range recs {
		rows[i] = s.bindRecord(wsID, r)
	}
	ts := sqlOf(t)
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
	var b sqlb
	b.add("DELETE FROM "+cond.T.Name+" WHERE workspace_id = ?", wsID)
	for i, c := range cond.T.Columns {
		if cond.Has[i] {
			b.add(" AND "+c.Name+" = ?", s.bindValue(c.Kind, cond.Vals[i]))
		}
	}
	if _, err := s.exec(ctx, tx, b.String(), b.args...); err != nil {
		return fmt.Errorf("clear %s: %w", cond.T.Name, err)
	}
	return nil
}

// rowOf renders a record as a response row: every column, in order.
func rowOf(rec *crm.Record) *Row {
	vals := make([]any, len(rec.Vals))
	for i, v := range rec.Vals {
		vals[i] = outValue(v)
	}
	return &Row{Keys: rec.T.ColumnNames(), Vals: vals}
}

// Set sets the value of key k, when the row has it.
func (r *Row) Set(k string, v any) {
	for i, x := range r.Keys {
		if x == k {
			r.Vals[i] = v
			return
		}
	}
}
