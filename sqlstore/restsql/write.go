package restsql

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

// insert serves POST: plain inserts, or upserts with Prefer: resolution.
func (rc *restCtx) insert(ctx context.Context, tx *sql.Tx, t *crm.Table, req *Request) (*Result, error) {
	cols, err := insertColumns(t, req)
	if err != nil {
		return nil, err
	}
	conflict, err := conflictTarget(t, req)
	if err != nil {
		return nil, err
	}
	env, err := rc.writeEnv(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	res := &Result{Total: -1}
	for i, obj := range req.Body {
		rec, err := rc.rowValues(t, env, obj, cols, req.Prefer.Missing == "default", true)
		if err != nil {
			return nil, rowError(len(req.Body), i, err)
		}
		if err := rc.upsertRow(ctx, tx, t, env, req, i, conflict, rec, res); err != nil {
			return nil, err
		}
	}
	res.Affected = len(res.IDs)
	if req.Return {
		if res.Rows, err = rc.readIDs(ctx, tx, t, res.IDs); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// insertColumns checks the columns a POST names (?columns=), or else that
// every object of the body has the same keys; it returns the columns
// named, or nil.
func insertColumns(t *crm.Table, req *Request) ([]string, error) {
	q := req.Query
	if q.HasColumns {
		for _, c := range q.Columns {
			if _, ok := t.Column(c); !ok {
				return nil, unknownWriteColumn(t, c)
			}
		}
		return q.Columns, nil
	}
	if len(req.Body) > 1 {
		first := strings.Join(sortedKeys(req.Body[0]), ",")
		for _, r := range req.Body[1:] {
			if strings.Join(sortedKeys(r), ",") != first {
				return nil, &crm.Error{Code: crm.PGRSTInvalidBody, Message: "All object keys must match",
					Hint: "send the same keys in every object, or name the columns with ?columns=a,b"}
			}
		}
	}
	return nil, nil
}

// conflictTarget is an upsert's on_conflict columns (id by default),
// which must carry a unique constraint; nil for a plain insert.
func conflictTarget(t *crm.Table, req *Request) ([]string, error) {
	if req.Prefer.Resolution == "" {
		return nil, nil
	}
	conflict := req.Query.OnConflict
	if len(conflict) == 0 {
		conflict = []string{"id"}
	}
	if !uniqueSet(t, conflict) {
		return nil, &crm.Error{Code: crm.SQLStateNoConflictTarget, Message: "there is no unique or exclusion constraint matching the ON CONFLICT specification",
			Hint: fmt.Sprintf("on_conflict may name id%s", uniqueHint(t))}
	}
	return conflict, nil
}

// upsertRow writes row rec (row i of the body) of a POST: inserted, or,
// when it conflicts with a stored row on the conflict columns, skipped
// (ignore-duplicates) or merged into it (merge-duplicates). res gets the
// row's id.
func (rc *restCtx) upsertRow(ctx context.Context, tx *sql.Tx, t *crm.Table, env *crm.WriteEnv, req *Request, i int, conflict []string, rec *crm.Record, res *Result) error {
	if conflict != nil {
		id, found, err := rc.findConflict(ctx, tx, t, conflict, rec)
		if err != nil || (found && req.Prefer.Resolution == "ignore-duplicates") {
			return err
		}
		if found {
			if err := rc.updateConflicting(ctx, tx, t, env, id, conflict, rec, req.Prefer.MergeCustomFields); err != nil {
				return rowError(len(req.Body), i, err)
			}
			res.IDs = append(res.IDs, id)
			return nil
		}
	}
	id, err := rc.insertRow(ctx, tx, t, env, rec)
	if err != nil {
		return rowError(len(req.Body), i, err)
	}
	res.IDs = append(res.IDs, id)
	res.Inserted++
	return nil
}

// updateConflicting serves merge-duplicates: the stored row id that rec
// conflicts with gets rec's values but its conflict columns and id.
func (rc *restCtx) updateConflicting(ctx context.Context, tx *sql.Tx, t *crm.Table, env *crm.WriteEnv, id string, conflict []string, rec *crm.Record, merge bool) error {
	for _, c := range conflict {
		rec.Unset(c)
	}
	rec.Unset("id")
	old, err := rc.targets(ctx, tx, t, []string{id}, merge)
	if err != nil {
		return err
	}
	return rc.updateRows(ctx, tx, t, env, old, rec, merge)
}

// rowError says which row of a bulk write failed.
func rowError(n, i int, err error) error {
	e, ok := crm.AsError(err)
	if !ok || n == 1 {
		return err
	}
	c := *e
	if c.Details == "" {
		c.Details = fmt.Sprintf("row %d of the request", i)
	} else {
		c.Details = fmt.Sprintf("row %d of the request: %s", i, c.Details)
	}
	return &c
}

func sortedKeys(m map[string]json.RawMessage) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func uniqueSet(t *crm.Table, cols []string) bool {
	if len(cols) == 1 && cols[0] == "id" {
		return true
	}
	for _, u := range t.Unique {
		if len(u) == len(cols) {
			a, b := append([]string{}, u...), append([]string{}, cols...)
			sort.Strings(a)
			sort.Strings(b)
			if strings.Join(a, ",") == strings.Join(b, ",") {
				return true
			}
		}
	}
	return false
}

func uniqueHint(t *crm.Table) string {
	var s string
	for _, u := range t.Unique {
		s += " or " + strings.Join(u, ",")
	}
	return s
}

// findConflict looks up the workspace's row whose conflict columns equal
// the row's values.
func (rc *restCtx) findConflict(ctx context.Context, tx *sql.Tx, t *crm.Table, conflict []string, rec *crm.Record) (string, bool, error) {
	var b sqlstore.Builder
	b.Add("SELECT id FROM "+t.Name+" WHERE workspace_id = ?", rc.wsArg())
	for _, c := range conflict {
		v, _ := rec.Get(c)
		if v == nil {
			return "", false, nil
		}
		col, _ := t.Column(c)
		b.Add(" AND "+c+" = ?", rc.d.Bind(col.Kind, v))
	}
	var raw any
	err := rc.s.queryRow(ctx, tx, b.String(), b.Args...).Scan(&raw)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("find conflict: %w", rc.d.Error(err))
	}
	id, err := rc.scanID(raw)
	if err != nil {
		return "", false, fmt.Errorf("find conflict: %w", err)
	}
	return id, true, nil
}

// writeEnv is what preparing the rows of a write needs: the workspace, the
// time and, when the table's hooks ask, its pipelines.
func (rc *restCtx) writeEnv(ctx context.Context, tx *sql.Tx, t *crm.Table) (*crm.WriteEnv, error) {
	env := &crm.WriteEnv{Workspace: rc.ws, Now: crm.FormatTime(rc.s.Now())}
	if t.Hooks.Pipelines {
		var err error
		if env.Pipelines, err = rc.s.Pipelines(ctx, tx, rc.ws.ID); err != nil {
			return nil, err
		}
	}
	return env, nil
}

// insertRow completes a validated row (crm.Table.PrepareInsert: defaults
// and the table's hook, as for a bulk item), checks its references,
// inserts it and runs the writes its hook asks for.
func (rc *restCtx) insertRow(ctx context.Context, tx *sql.Tx, t *crm.Table, env *crm.WriteEnv, rec *crm.Record) (string, error) {
	if e := t.PrepareInsert(env, rec); e != nil {
		return "", e
	}
	if err := rc.checkRefs(ctx, tx, t, rec); err != nil {
		return "", err
	}
	names := []string{"workspace_id"}
	args := []any{rc.wsArg()}
	for i, c := range t.Columns {
		if rec.HasAt(i) {
			names = append(names, c.Name)
			args = append(args, rc.s.bindValue(c.Kind, rec.Vals[i]))
		}
	}
	if _, err := rc.s.exec(ctx, tx, "INSERT INTO "+t.Name+" ("+strings.Join(names, ", ")+") VALUES ("+inList(len(names))+")", args...); err != nil {
		return "", err
	}
	if err := rc.s.applyEffects(ctx, tx, env, t.After(env, nil, rec)); err != nil {
		return "", err
	}
	return rec.Str("id"), nil
}

// checkRefs checks that the row's references name rows of the workspace
// (another workspace's id is as absent as one that never existed), but
// those the table's hook checks itself.
func (rc *restCtx) checkRefs(ctx context.Context, tx *sql.Tx, t *crm.Table, rec *crm.Record) error {
	for _, r := range t.Relations {
		if !r.ToOne || t.Checks(r.Local) {
			continue
		}
		id, ok := rec.Get(r.Local)
		if !ok || id == nil {
			continue
		}
		var n int
		if err := rc.s.queryRow(ctx, tx, "SELECT COUNT(*) FROM "+r.Table+" WHERE workspace_id = ? AND id = ?", rc.wsArg(), rc.d.Bind(crm.KindUUID, id)).Scan(&n); err != nil {
			return rc.d.Error(err)
		}
		if n == 0 {
			return crm.ForeignKeyError(t.Name, r.Local, id.(string), r.Table)
		}
	}
	return nil
}

// matching returns the ids of the rows the request's filters select.
func (rc *restCtx) matching(ctx context.Context, tx *sql.Tx, t *crm.Table) ([]string, error) {
	b, err := rc.matchingSQL(t)
	if err != nil {
		return nil, err
	}
	rows, err := rc.s.query(ctx, tx, b.String(), b.Args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var raw any
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		id, err := rc.scanID(raw)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rc.d.Error(rows.Err())
}

// matchingSQL renders the SELECT of the ids of t's rows that the
// request's filters select (PATCH and DELETE).
func (rc *restCtx) matchingSQL(t *crm.Table) (*sqlstore.Builder, error) {
	p, err := rc.compileTop(t)
	if err != nil {
		return nil, err
	}
	var b sqlstore.Builder
	b.Add("SELECT " + p.alias + ".id FROM " + t.Name + " " + p.alias + " WHERE ")
	if err := rc.where(p, &b); err != nil {
		return nil, err
	}
	if err := rc.orderBy(p, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// needsWhere is Supabase's pg-safeupdate: PATCH and DELETE need a filter.
func needsWhere(q *Request, verb string) error {
	if len(q.Query.Where) == 0 {
		return &crm.Error{Code: crm.SQLStateCardinality, Message: verb + " requires a WHERE clause",
			Hint: "add a filter such as id=eq.ID; to change every row, say so with a filter that matches them all (e.g. id=not.is.null)"}
	}
	return nil
}

// update serves PATCH.
func (rc *restCtx) update(ctx context.Context, tx *sql.Tx, t *crm.Table, req *Request) (*Result, error) {
	if err := needsWhere(req, "UPDATE"); err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if len(req.Body) > 0 {
		obj = req.Body[0]
	}
	env, err := rc.writeEnv(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	patch, err := rc.rowValues(t, env, obj, req.Query.Columns, false, false)
	if err != nil {
		return nil, err
	}
	ids, err := rc.matching(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	res := &Result{Total: -1, IDs: ids, Affected: len(ids)}
	if patch.Empty() {
		res.IDs, res.Affected = nil, 0
		res.Rows = []*Row{}
		return res, nil
	}
	merge := req.Prefer.MergeCustomFields
	old, err := rc.targets(ctx, tx, t, ids, merge)
	if err != nil {
		return nil, err
	}
	if err := rc.updateRows(ctx, tx, t, env, old, patch, merge); err != nil {
		return nil, err
	}
	if req.Return {
		if res.Rows, err = rc.readIDs(ctx, tx, t, ids); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// targets loads, for each of the rows ids, what updating it needs: its id,
// the columns the table's hooks read (Hooks.Old) and, when merging,
// custom_fields.
func (rc *restCtx) targets(ctx context.Context, tx *sql.Tx, t *crm.Table, ids []string, merge bool) ([]*crm.Record, error) {
	cols := append([]string{"id"}, t.Hooks.Old...)
	if _, ok := t.Column("custom_fields"); ok && merge {
		cols = append(cols, "custom_fields")
	}
	byID, err := rc.s.loadRecords(ctx, tx, rc.ws.ID, t, cols, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*crm.Record, 0, len(ids))
	for _, id := range ids {
		if r := byID[id]; r != nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// updateRows applies a validated patch to the stored rows old: each row
// gets the patch (custom_fields merged when asked) and goes through the
// one update path (Backend.UpdateRecords: the table's hooks resolve a
// deal's stage against its own pipeline, record the stage change, keep a
// contact's identifiers).
func (rc *restCtx) updateRows(ctx context.Context, tx *sql.Tx, t *crm.Table, env *crm.WriteEnv, old []*crm.Record, patch *crm.Record, merge bool) error {
	if len(old) == 0 || patch.Empty() {
		return nil
	}
	if err := rc.checkRefs(ctx, tx, t, patch); err != nil {
		return err
	}
	recs := make([]*crm.Record, len(old))
	for i, o := range old {
		rec := patch.Clone()
		rec.Set("id", o.Str("id"))
		if cf := customFields(rec); merge && cf != nil {
			m, err := mergeObjects(customFields(o), cf)
			if err != nil {
				return err
			}
			rec.Set("custom_fields", m)
		}
		recs[i] = rec
	}
	return rc.s.updateRecords(ctx, tx, env, old, recs)
}

// customFields is the record's custom_fields object, nil when the table has
// none or it is not set.
func customFields(r *crm.Record) json.RawMessage {
	if i := r.T.Index("custom_fields"); i >= 0 {
		v, _ := r.Vals[i].(json.RawMessage)
		return v
	}
	return nil
}

// mergeObjects returns old with the keys of add set (shallow merge).
func mergeObjects(old, add json.RawMessage) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	if len(old) > 0 {
		if err := json.Unmarshal(old, &m); err != nil || m == nil {
			m = map[string]json.RawMessage{}
		}
	}
	var a map[string]json.RawMessage
	if err := json.Unmarshal(add, &a); err != nil {
		return nil, err
	}
	for k, v := range a {
		m[k] = v
	}
	b, err := json.Marshal(m)
	return json.RawMessage(b), err
}

// delete serves DELETE.
func (rc *restCtx) delete(ctx context.Context, tx *sql.Tx, t *crm.Table, req *Request) (*Result, error) {
	if err := needsWhere(req, "DELETE"); err != nil {
		return nil, err
	}
	ids, err := rc.matching(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	res := &Result{Total: -1, IDs: ids, Affected: len(ids)}
	if req.Return {
		if res.Rows, err = rc.readIDs(ctx, tx, t, ids); err != nil {
			return nil, err
		}
	}
	for _, chunk := range chunks(ids, lookupChunk) {
		args := append([]any{rc.wsArg()}, bindAll(rc.d, crm.KindUUID, chunk)...)
		if _, err := rc.s.exec(ctx, tx, "DELETE FROM "+t.Name+" WHERE workspace_id = ? AND id IN ("+inList(len(chunk))+")", args...); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// readIDs reads rows by id, shaped by the request's select, in ids order.
func (rc *restCtx) readIDs(ctx context.Context, q queryer, t *crm.Table, ids []string) ([]*Row, error) {
	if _, err := rc.compileTop(t); err != nil {
		return nil, err
	}
	p, err := rc.compile(t, rc.q.Select, noMods, nil, 0, map[string]bool{})
	if err != nil {
		return nil, err
	}
	addKey(&p.keys, "id")
	byID := map[string]*Row{}
	for _, chunk := range chunks(ids, lookupChunk) {
		var b sqlstore.Builder
		rc.selectList(p, &b)
		b.Add(" WHERE ")
		if err := rc.where(p, &b); err != nil {
			return nil, err
		}
		b.Add(" AND "+p.alias+".id IN ("+inList(len(chunk))+")", bindAll(rc.d, crm.KindUUID, chunk)...)
		rows, keys, err := rc.run(ctx, q, p, &b)
		if err != nil {
			return nil, err
		}
		for i, r := range rows {
			byID[keys[i]["id"]] = r
		}
	}
	out := make([]*Row, 0, len(ids))
	for _, id := range ids {
		if r := byID[id]; r != nil {
			out = append(out, r)
		}
	}
	return out, nil
}
