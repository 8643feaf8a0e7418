package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/connectgain/server/crm"
)

// target is a stored row a write touches, with what the write needs of
// its old state.
type target struct {
	id       string
	stage    string          // deals
	pipeline string          // deals
	custom   json.RawMessage // when merging custom_fields
}

// insert serves POST: plain inserts, or upserts with Prefer: resolution.
func (rc *restCtx) insert(ctx context.Context, tx *sql.Tx, t *crm.Table, req *RestRequest) (*RestResult, error) {
	q := req.Query
	var cols []string
	if q.HasColumns {
		for _, c := range q.Columns {
			if _, ok := t.Column(c); !ok {
				return nil, unknownWriteColumn(t, c)
			}
		}
		cols = q.Columns
	} else if len(req.Body) > 1 {
		first := sortedKeys(req.Body[0])
		for _, r := range req.Body[1:] {
			if strings.Join(sortedKeys(r), ",") != strings.Join(first, ",") {
				return nil, &crm.Error{Code: "PGRST102", Message: "All object keys must match",
					Hint: "send the same keys in every object, or name the columns with ?columns=a,b"}
			}
		}
	}
	var conflict []string
	if req.Prefer.Resolution != "" {
		conflict = q.OnConflict
		if len(conflict) == 0 {
			conflict = []string{"id"}
		}
		if !uniqueSet(t, conflict) {
			return nil, &crm.Error{Code: "42P10", Message: "there is no unique or exclusion constraint matching the ON CONFLICT specification",
				Hint: fmt.Sprintf("on_conflict may name id%s", uniqueHint(t))}
		}
	}
	ws, err := rc.writeState(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	res := &RestResult{Total: -1}
	for i, obj := range req.Body {
		vals, err := rc.rowValues(t, obj, cols, req.Prefer.Missing == "default", true)
		if err != nil {
			return nil, rowError(len(req.Body), i, err)
		}
		if conflict != nil {
			id, found, err := rc.findConflict(ctx, tx, t, conflict, vals)
			if err != nil {
				return nil, err
			}
			if found {
				if req.Prefer.Resolution == "ignore-duplicates" {
					continue
				}
				for _, c := range conflict {
					delete(vals, c)
				}
				delete(vals, "id")
				tg, err := rc.targets(ctx, tx, t, []string{id}, req.Prefer.MergeCustomFields)
				if err != nil {
					return nil, err
				}
				if err := rc.updateRows(ctx, tx, t, ws, tg, vals, req.Prefer.MergeCustomFields); err != nil {
					return nil, rowError(len(req.Body), i, err)
				}
				res.IDs = append(res.IDs, id)
				continue
			}
		}
		id, err := rc.insertRow(ctx, tx, t, ws, vals)
		if err != nil {
			return nil, rowError(len(req.Body), i, err)
		}
		res.IDs = append(res.IDs, id)
		res.Inserted++
	}
	res.Affected = len(res.IDs)
	if req.Return {
		if res.Rows, err = rc.readIDs(ctx, tx, t, res.IDs); err != nil {
			return nil, err
		}
	}
	return res, nil
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
func (rc *restCtx) findConflict(ctx context.Context, tx *sql.Tx, t *crm.Table, conflict []string, vals map[string]any) (string, bool, error) {
	var b sqlb
	b.add("SELECT id FROM "+t.Name+" WHERE workspace_id = ?", rc.ws.ID)
	for _, c := range conflict {
		v, ok := vals[c]
		if !ok || v == nil {
			return "", false, nil
		}
		col, _ := t.Column(c)
		b.add(" AND "+c+" = ?", rc.d.Bind(col.Kind, v))
	}
	var id string
	err := rc.s.queryRow(ctx, tx, b.String(), b.args...).Scan(&id)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("find conflict: %w", rc.d.Error(err))
	}
	return id, true, nil
}

// writeState is what validating a write needs: the pipelines (for deals
// and stages) and the time.
type writeState struct {
	pipes *crm.Pipelines
	now   string
}

func (rc *restCtx) writeState(ctx context.Context, tx *sql.Tx, t *crm.Table) (*writeState, error) {
	ws := &writeState{now: crm.FormatTime(rc.s.Now())}
	if t.Name == "deals" || t.Name == "pipeline_stages" {
		var err error
		if ws.pipes, err = rc.s.Pipelines(ctx, tx, rc.ws.ID); err != nil {
			return nil, err
		}
	}
	return ws, nil
}

// insertRow fills the defaults of a validated row and inserts it.
func (rc *restCtx) insertRow(ctx context.Context, tx *sql.Tx, t *crm.Table, ws *writeState, vals map[string]any) (string, error) {
	id, _ := vals["id"].(string)
	if id == "" {
		id = newID()
	}
	vals["id"] = id
	for _, c := range t.Columns {
		if _, ok := vals[c.Name]; ok {
			continue
		}
		if c.Kind == crm.KindTime {
			vals[c.Name] = ws.now
			continue
		}
		if d, ok := rc.defaultValue(t, &c); ok {
			vals[c.Name] = d
		} else if c.Required {
			return "", requiredError(t, &c)
		}
	}
	if t.Name == "deals" {
		pl, e := ws.pipes.Lookup(str(vals["pipeline_id"]))
		if e != nil {
			return "", e
		}
		vals["pipeline_id"] = pl.ID
		if s, ok := vals["stage"].(string); ok {
			c, e := pl.ResolveStage(s)
			if e != nil {
				return "", e
			}
			vals["stage"] = c
		} else {
			vals["stage"] = pl.FirstStage()
		}
	}
	if t.Name == "pipeline_stages" {
		if _, ok := ws.pipes.ByID[str(vals["pipeline_id"])]; !ok {
			return "", fkError(t, "pipeline_id", str(vals["pipeline_id"]), "pipelines")
		}
	}
	if err := rc.checkRefs(ctx, tx, t, vals); err != nil {
		return "", err
	}
	names := []string{"workspace_id"}
	args := []any{rc.ws.ID}
	for _, c := range t.Columns {
		v, ok := vals[c.Name]
		if !ok {
			continue
		}
		names = append(names, c.Name)
		args = append(args, rc.bind(c.Kind, v))
	}
	if _, err := rc.s.exec(ctx, tx, "INSERT INTO "+t.Name+" ("+strings.Join(names, ", ")+") VALUES ("+inList(len(names))+")", args...); err != nil {
		return "", err
	}
	if t.Name == "contacts" {
		if err := rc.writeIdentifiers(ctx, tx, id, vals); err != nil {
			return "", err
		}
	}
	return id, nil
}

func (rc *restCtx) bind(k crm.Kind, v any) any {
	if v == nil {
		return nil
	}
	if k == crm.KindTime {
		return v
	}
	return rc.d.Bind(k, v)
}

func str(v any) string { s, _ := v.(string); return s }

// defaultValue is a column's value when an insert omits it.
func (rc *restCtx) defaultValue(t *crm.Table, c *crm.Column) (any, bool) {
	switch {
	case c.Kind == crm.KindTextArray:
		return []string{}, true
	case c.Kind == crm.KindJSON:
		return json.RawMessage("{}"), true
	case c.Kind == crm.KindBool:
		return false, true
	case t.Name == "deals" && c.Name == "currency":
		return rc.ws.DefaultCurrency, true
	case t.Name == "pipeline_stages" && c.Name == "name":
		return "", true
	case t.Name == "pipeline_stages" && c.Name == "position":
		return int64(0), true
	case t.Name == "deals" && (c.Name == "stage" || c.Name == "pipeline_id"):
		return nil, false // resolved from the pipeline
	case c.Nullable:
		return nil, true
	}
	return nil, false
}

func requiredError(t *crm.Table, c *crm.Column) error {
	switch {
	case t.Name == "deals" && c.Name == "title":
		return crm.Errorf(crm.CodeInvalidTitle, "title is required").WithHint(`send a deal name, e.g. "title": "Order 12345"`)
	case t.Name == "deals" && c.Name == "value":
		return crm.Errorf(crm.CodeInvalidValue, "value is required").WithHint("send value as a JSON number, e.g. 11523")
	}
	return &crm.Error{Code: "23502", Message: fmt.Sprintf("null value in column %q of relation %q violates not-null constraint", c.Name, t.Name),
		Hint: fmt.Sprintf("send %s", c.Name)}
}

func fkError(t *crm.Table, col, id, ref string) error {
	return &crm.Error{Code: "23503", Message: fmt.Sprintf("insert or update on table %q violates foreign key constraint \"%s_%s_fkey\"", t.Name, t.Name, col),
		Details: fmt.Sprintf("Key (%s)=(%s) is not present in table %q.", col, id, ref)}
}

// checkRefs checks that the row's references name rows of the workspace
// (another workspace's id is as absent as one that never existed).
func (rc *restCtx) checkRefs(ctx context.Context, tx *sql.Tx, t *crm.Table, vals map[string]any) error {
	for _, r := range t.Relations {
		if !r.ToOne || r.Table == "pipelines" {
			continue
		}
		id, ok := vals[r.Local].(string)
		if !ok {
			continue
		}
		var n int
		if err := rc.s.queryRow(ctx, tx, "SELECT COUNT(*) FROM "+r.Table+" WHERE workspace_id = ? AND id = ?", rc.ws.ID, id).Scan(&n); err != nil {
			return rc.d.Error(err)
		}
		if n == 0 {
			return fkError(t, r.Local, id, r.Table)
		}
	}
	return nil
}

// writeIdentifiers replaces the contact_identifiers rows of contact id for
// the phones and emails set in vals. Two contacts may share a phone or an
// email (a REST POST inserts, as PostgREST does; see the schema); the bulk
// endpoint links to the oldest of them.
func (rc *restCtx) writeIdentifiers(ctx context.Context, tx *sql.Tx, id string, vals map[string]any) error {
	for _, kv := range []struct{ col, kind string }{{"phones", identPhone}, {"emails", identEmail}} {
		list, ok := vals[kv.col].([]string)
		if !ok {
			continue
		}
		if _, err := rc.s.exec(ctx, tx, "DELETE FROM contact_identifiers WHERE workspace_id = ? AND contact_id = ? AND kind = ?", rc.ws.ID, id, kv.kind); err != nil {
			return err
		}
		rows := make([][]any, 0, len(list))
		seen := map[string]bool{}
		for _, v := range list {
			if !seen[v] { // "+20 10…" and "+2010…" normalise alike
				seen[v] = true
				rows = append(rows, []any{rc.ws.ID, kv.kind, v, id})
			}
		}
		if err := rc.s.insertRows(ctx, tx, "contact_identifiers", identInsertCols, identInsertKinds, rows); err != nil {
			return err
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
	rows, err := rc.s.query(ctx, tx, b.String(), b.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rc.d.Error(rows.Err())
}

// matchingSQL renders the SELECT of the ids of t's rows that the
// request's filters select (PATCH and DELETE).
func (rc *restCtx) matchingSQL(t *crm.Table) (*sqlb, error) {
	p, err := rc.compileTop(t)
	if err != nil {
		return nil, err
	}
	var b sqlb
	b.add("SELECT " + p.alias + ".id FROM " + t.Name + " " + p.alias + " WHERE ")
	if err := rc.where(p, &b); err != nil {
		return nil, err
	}
	if err := rc.orderBy(p, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// needsWhere is Supabase's pg-safeupdate: PATCH and DELETE need a filter.
func needsWhere(q *RestRequest, verb string) error {
	if len(q.Query.Where) == 0 {
		return &crm.Error{Code: "21000", Message: verb + " requires a WHERE clause",
			Hint: "add a filter such as id=eq.ID; to change every row, say so with a filter that matches them all (e.g. id=not.is.null)"}
	}
	return nil
}

// update serves PATCH.
func (rc *restCtx) update(ctx context.Context, tx *sql.Tx, t *crm.Table, req *RestRequest) (*RestResult, error) {
	if err := needsWhere(req, "UPDATE"); err != nil {
		return nil, err
	}
	var obj map[string]json.RawMessage
	if len(req.Body) > 0 {
		obj = req.Body[0]
	}
	vals, err := rc.rowValues(t, obj, req.Query.Columns, false, false)
	if err != nil {
		return nil, err
	}
	ids, err := rc.matching(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	res := &RestResult{Total: -1, IDs: ids, Affected: len(ids)}
	if len(vals) == 0 {
		res.IDs, res.Affected = nil, 0
		res.Rows = []*Row{}
		return res, nil
	}
	merge := req.Prefer.MergeCustomFields
	tg, err := rc.targets(ctx, tx, t, ids, merge)
	if err != nil {
		return nil, err
	}
	ws, err := rc.writeState(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	if err := rc.updateRows(ctx, tx, t, ws, tg, vals, merge); err != nil {
		return nil, err
	}
	if req.Return {
		if res.Rows, err = rc.readIDs(ctx, tx, t, ids); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// targets loads what updateRows needs of the rows ids.
func (rc *restCtx) targets(ctx context.Context, tx *sql.Tx, t *crm.Table, ids []string, merge bool) ([]target, error) {
	cols := "id, '', ''"
	if t.Name == "deals" {
		cols = "id, stage, pipeline_id"
	}
	if _, ok := t.Column("custom_fields"); ok && merge {
		cols += ", " + rc.d.ReadExpr("custom_fields", crm.KindJSON)
	} else {
		cols += ", NULL"
	}
	byID := map[string]target{}
	for _, chunk := range chunks(ids, lookupChunk) {
		args := append([]any{rc.ws.ID}, anySlice(chunk)...)
		rows, err := rc.s.query(ctx, tx, "SELECT "+cols+" FROM "+t.Name+" WHERE workspace_id = ? AND id IN ("+inList(len(chunk))+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var tg target
			var cf any
			if err := rows.Scan(&tg.id, &tg.stage, &tg.pipeline, &cf); err != nil {
				rows.Close()
				return nil, err
			}
			if cf != nil {
				v, err := rc.d.Decode(crm.KindJSON, cf)
				if err != nil {
					rows.Close()
					return nil, err
				}
				tg.custom, _ = v.(json.RawMessage)
			}
			byID[tg.id] = tg
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]target, 0, len(ids))
	for _, id := range ids {
		out = append(out, byID[id])
	}
	return out, nil
}

// updateRows applies validated values to the target rows: deal stages are
// resolved against each row's pipeline and their changes recorded;
// contact identifiers follow phones and emails; custom_fields merges when
// asked.
func (rc *restCtx) updateRows(ctx context.Context, tx *sql.Tx, t *crm.Table, ws *writeState, tg []target, vals map[string]any, merge bool) error {
	if len(tg) == 0 || len(vals) == 0 {
		return nil
	}
	if err := rc.checkRefs(ctx, tx, t, vals); err != nil {
		return err
	}
	if t.Name == "pipeline_stages" {
		if pid, ok := vals["pipeline_id"].(string); ok {
			if _, ok := ws.pipes.ByID[pid]; !ok {
				return fkError(t, "pipeline_id", pid, "pipelines")
			}
		}
	}
	if _, ok := t.Column("updated_at"); ok {
		vals["updated_at"] = ws.now
	}
	// Deals: the stage each row ends with, checked against its pipeline.
	newStage := map[string]string{}
	_, stageSet := vals["stage"]
	_, pipeSet := vals["pipeline_id"]
	if t.Name == "deals" && (stageSet || pipeSet) {
		for _, x := range tg {
			pid := x.pipeline
			if p, ok := vals["pipeline_id"].(string); ok {
				pid = p
			}
			pl, e := ws.pipes.Lookup(pid)
			if e != nil {
				return e
			}
			stage := x.stage
			if s, ok := vals["stage"].(string); ok {
				stage = s
			}
			c, e := pl.ResolveStage(stage)
			if e != nil {
				return e
			}
			newStage[x.id] = c
		}
	}
	perRow := merge && vals["custom_fields"] != nil
	var names []string
	for _, c := range t.Columns {
		if _, ok := vals[c.Name]; ok {
			names = append(names, c.Name)
		}
	}
	set := func(x *target) (string, []any, error) {
		var parts []string
		var args []any
		for _, n := range names {
			c, _ := t.Column(n)
			v := vals[n]
			switch {
			case n == "stage" && t.Name == "deals":
				v = newStage[x.id]
			case n == "custom_fields" && perRow:
				m, err := mergeObjects(x.custom, v.(json.RawMessage))
				if err != nil {
					return "", nil, err
				}
				v = m
			}
			parts = append(parts, n+" = ?")
			args = append(args, rc.bind(c.Kind, v))
		}
		return strings.Join(parts, ", "), args, nil
	}
	// One statement per row when values differ by row; else per chunk.
	if perRow || (t.Name == "deals" && vals["stage"] != nil) {
		for i := range tg {
			s, args, err := set(&tg[i])
			if err != nil {
				return err
			}
			args = append(args, rc.ws.ID, tg[i].id)
			if _, err := rc.s.exec(ctx, tx, "UPDATE "+t.Name+" SET "+s+" WHERE workspace_id = ? AND id = ?", args...); err != nil {
				return err
			}
		}
	} else {
		s, args, err := set(&tg[0])
		if err != nil {
			return err
		}
		ids := make([]string, len(tg))
		for i, x := range tg {
			ids[i] = x.id
		}
		for _, chunk := range chunks(ids, lookupChunk) {
			a := append(append(append([]any{}, args...), rc.ws.ID), anySlice(chunk)...)
			if _, err := rc.s.exec(ctx, tx, "UPDATE "+t.Name+" SET "+s+" WHERE workspace_id = ? AND id IN ("+inList(len(chunk))+")", a...); err != nil {
				return err
			}
		}
	}
	if t.Name == "deals" {
		var changes [][]any
		for _, x := range tg {
			if ns, ok := newStage[x.id]; ok && ns != x.stage {
				from := any(x.stage)
				if x.stage == "" {
					from = nil
				}
				changes = append(changes, []any{rc.ws.ID, newID(), x.id, from, ns, rc.d.Bind(crm.KindTime, ws.now)})
			}
		}
		if err := rc.s.insertRows(ctx, tx, "deal_stage_changes", stageChangeCols, stageChangeKinds, changes); err != nil {
			return fmt.Errorf("record stage changes: %w", err)
		}
	}
	if t.Name == "contacts" {
		for _, x := range tg {
			if err := rc.writeIdentifiers(ctx, tx, x.id, vals); err != nil {
				return err
			}
		}
	}
	return nil
}

var (
	stageChangeCols  = []string{"workspace_id", "id", "deal_id", "from_stage", "to_stage", "changed_at"}
	stageChangeKinds = []crm.Kind{crm.KindUUID, crm.KindUUID, crm.KindUUID, crm.KindText, crm.KindText, crm.KindTime}
)

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
func (rc *restCtx) delete(ctx context.Context, tx *sql.Tx, t *crm.Table, req *RestRequest) (*RestResult, error) {
	if err := needsWhere(req, "DELETE"); err != nil {
		return nil, err
	}
	ids, err := rc.matching(ctx, tx, t)
	if err != nil {
		return nil, err
	}
	res := &RestResult{Total: -1, IDs: ids, Affected: len(ids)}
	if req.Return {
		if res.Rows, err = rc.readIDs(ctx, tx, t, ids); err != nil {
			return nil, err
		}
	}
	for _, chunk := range chunks(ids, lookupChunk) {
		args := append([]any{rc.ws.ID}, anySlice(chunk)...)
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
		var b sqlb
		rc.selectList(p, &b)
		b.add(" WHERE ")
		if err := rc.where(p, &b); err != nil {
			return nil, err
		}
		b.add(" AND "+p.alias+".id IN ("+inList(len(chunk))+")", anySlice(chunk)...)
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
