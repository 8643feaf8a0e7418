package restsql

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// where writes the WHERE clause of plan p: the workspace condition
// first, then EXISTS for each !inner embed, then each user condition in
// its own parentheses, so no or= can reach past the workspace.
func (rc *restCtx) where(p *plan, b *sqlb) error {
	b.add(p.alias+".workspace_id = ?", rc.wsArg())
	for _, e := range p.embeds {
		// A count embed always has its one row, so !inner keeps every
		// parent, as in PostgREST (an aggregate over no rows is a row).
		if e.inner && !e.count {
			b.add(" AND ")
			if err := rc.exists(p, e, b); err != nil {
				return err
			}
		}
	}
	for _, c := range p.mods.Where {
		b.add(" AND (")
		if err := rc.cond(p, c, b); err != nil {
			return err
		}
		b.add(")")
	}
	return nil
}

// exists writes EXISTS (rows of embed e linked to the current row of p).
func (rc *restCtx) exists(p *plan, e *embedPlan, b *sqlb) error {
	c := e.child
	b.add("EXISTS (SELECT 1 FROM " + c.table.Name + " " + c.alias + " WHERE ")
	if err := rc.where(c, b); err != nil {
		return err
	}
	b.add(" AND " + c.alias + "." + e.rel.Foreign + " = " + p.alias + "." + e.rel.Local + ")")
	return nil
}

func (rc *restCtx) cond(p *plan, c pgrest.Cond, b *sqlb) error {
	if c.IsLeaf() {
		if c.Filter.Negate {
			b.add("NOT (")
			defer b.add(")")
		}
		return rc.leaf(p, c.Filter, b)
	}
	if c.Negate {
		b.add("NOT ")
	}
	b.add("(")
	for i, ch := range c.Children {
		if i > 0 {
			b.add(" " + strings.ToUpper(string(c.Logic)) + " ")
		}
		b.add("(")
		if err := rc.cond(p, ch, b); err != nil {
			return err
		}
		b.add(")")
	}
	b.add(")")
	return nil
}

// term is the left side of a filter: a column, maybe through a JSON path.
type term struct {
	col   *crm.Column
	qcol  string
	path  []pgrest.JSONStep
	expr  string
	args  []any
	kind  crm.Kind // kind of the value compared
	plain bool     // the column itself: normalisation rules apply
}

func (rc *restCtx) leaf(p *plan, f *pgrest.Filter, b *sqlb) error {
	c, ok := p.table.Column(f.Field.Name)
	if !ok {
		// rel=is.null / rel=not.is.null on an embed of the select.
		for _, e := range p.embeds {
			if e.name == f.Field.Name && f.Op == pgrest.OpIs && len(f.Field.JSONPath) == 0 &&
				(f.Value == pgrest.IsNull || f.Value == pgrest.IsNotNull) {
				if e.count { // its one row is never null, as in PostgREST
					b.add(map[bool]string{true: "FALSE", false: "TRUE"}[f.Value == pgrest.IsNull])
					return nil
				}
				if f.Value == pgrest.IsNull {
					b.add("NOT ")
				}
				return rc.exists(p, e, b)
			}
		}
		return UnknownColumn(p.table, f.Field.Name)
	}
	t := term{col: c, qcol: p.alias + "." + c.Name, path: f.Field.JSONPath, kind: c.Kind, plain: len(f.Field.JSONPath) == 0}
	t.expr, t.args = rc.colExpr(p.alias, c, t.path)
	if !t.plain {
		t.kind = pathKind(t.path)
	}
	if f.Modifier != "" {
		join := " OR "
		if f.Modifier == pgrest.ModAll {
			join = " AND "
		}
		if len(f.List) == 0 {
			if f.Modifier == pgrest.ModAll {
				b.add("TRUE")
			} else {
				b.add("FALSE")
			}
			return nil
		}
		b.add("(")
		for i, v := range f.List {
			if i > 0 {
				b.add(join)
			}
			if err := rc.single(p, &t, f, v, b); err != nil {
				return err
			}
		}
		b.add(")")
		return nil
	}
	return rc.single(p, &t, f, f.Value, b)
}

// single renders filter f with operand v (one element for any/all).
func (rc *restCtx) single(p *plan, t *term, f *pgrest.Filter, v string, b *sqlb) error {
	switch f.Op {
	case pgrest.OpEq, pgrest.OpNeq, pgrest.OpGt, pgrest.OpGte, pgrest.OpLt, pgrest.OpLte:
		return rc.compare(t, f.Op, v, b)
	case pgrest.OpLike, pgrest.OpILike, pgrest.OpMatch, pgrest.OpIMatch:
		if t.kind != crm.KindText {
			return noOperator(t.kind, f.Op)
		}
		pat := v
		if f.Op == pgrest.OpLike || f.Op == pgrest.OpILike {
			pat = strings.ReplaceAll(v, "*", "%")
			if err := checkLikePattern(pat); err != nil {
				return err
			}
		}
		return rc.dialect(b, RestFilter{Op: f.Op, Table: p.table.Name, Alias: p.alias, Workspace: rc.wsArg(), Col: t.qcol, Kind: t.col.Kind, Path: t.path, Pattern: pat})
	case pgrest.OpFts, pgrest.OpPlFts, pgrest.OpPhFts, pgrest.OpWFts:
		if t.kind != crm.KindText && t.kind != crm.KindJSON {
			return noOperator(t.kind, "@@")
		}
		if err := checkTSConfig(f.FTSConfig); err != nil {
			return err
		}
		return rc.dialect(b, RestFilter{Op: f.Op, Col: t.qcol, Kind: t.col.Kind, Path: t.path, Pattern: v, Config: f.FTSConfig})
	case pgrest.OpIn:
		return rc.in(t, f.List, b)
	case pgrest.OpIs:
		switch f.Value {
		case pgrest.IsNull:
			b.add(t.expr+" IS NULL", t.args...)
		case pgrest.IsNotNull:
			b.add(t.expr+" IS NOT NULL", t.args...)
		default:
			if t.kind != crm.KindBool {
				return &crm.Error{Code: crm.SQLStateDatatypeMismatch, Message: fmt.Sprintf("argument of IS %s must be type boolean, not type %s", strings.ToUpper(f.Value), t.kind)}
			}
			b.add(t.expr+" IS "+map[string]string{pgrest.IsTrue: "TRUE", pgrest.IsFalse: "FALSE", pgrest.IsUnknown: "NULL"}[f.Value], t.args...)
		}
		return nil
	case pgrest.OpIsDistinct:
		if t.kind == crm.KindJSON {
			b.add("COALESCE(NOT (")
			if err := rc.compare(t, pgrest.OpEq, v, b); err != nil {
				return err
			}
			b.add("), TRUE)")
			return nil
		}
		val, err := rc.operand(t, v)
		if err != nil {
			return err
		}
		b.add(t.expr+" IS DISTINCT FROM ?", append(t.args, val)...)
		return nil
	case pgrest.OpCs, pgrest.OpCd, pgrest.OpOv:
		return rc.contains(p, t, f.Op, v, b)
	}
	return noOperator(t.kind, f.Op)
}

func (rc *restCtx) dialect(b *sqlb, f RestFilter) error {
	s, args, err := rc.d.RestFilter(f)
	if err != nil {
		return err
	}
	b.add(s, args...)
	return nil
}

var sqlOps = map[pgrest.Operator]string{
	pgrest.OpEq: "=", pgrest.OpNeq: "<>", pgrest.OpGt: ">", pgrest.OpGte: ">=", pgrest.OpLt: "<", pgrest.OpLte: "<=",
}

// compare renders t op v.
func (rc *restCtx) compare(t *term, op pgrest.Operator, v string, b *sqlb) error {
	if t.kind == crm.KindJSON {
		doc, err := jsonOperand(v)
		if err != nil {
			return err
		}
		return rc.dialect(b, RestFilter{Op: op, Col: t.qcol, Kind: t.col.Kind, Path: t.path, JSON: doc})
	}
	if t.kind == crm.KindDecimal {
		d, err := decimalOperand(v)
		if err != nil {
			return err
		}
		// Stored values have at most MaxValueScale decimals: an operand
		// off that grid compares as the nearest grid point on the right
		// side, so every backend (and SQLite's scaled integers) agree.
		if !d.Equal(d.Round(crm.MaxValueScale)) {
			switch op {
			case pgrest.OpEq:
				b.add(t.expr+" <> "+t.expr, append(t.args, t.args...)...)
				return nil
			case pgrest.OpNeq:
				b.add(t.expr+" = "+t.expr, append(t.args, t.args...)...)
				return nil
			case pgrest.OpGt, pgrest.OpLte:
				d = d.RoundFloor(crm.MaxValueScale)
			default:
				d = d.RoundCeil(crm.MaxValueScale)
			}
		}
		b.add(t.expr+" "+sqlOps[op]+" ?", append(t.args, rc.d.Bind(crm.KindDecimal, d))...)
		return nil
	}
	val, err := rc.operand(t, v)
	if err != nil {
		return err
	}
	b.add(t.expr+" "+sqlOps[op]+" ?", append(t.args, val)...)
	return nil
}

func (rc *restCtx) in(t *term, list []string, b *sqlb) error {
	if t.kind == crm.KindJSON {
		if len(list) == 0 {
			b.add("FALSE")
			return nil
		}
		b.add("(")
		for i, v := range list {
			if i > 0 {
				b.add(" OR ")
			}
			if err := rc.compare(t, pgrest.OpEq, v, b); err != nil {
				return err
			}
		}
		b.add(")")
		return nil
	}
	var vals []any
	for _, v := range list {
		if t.kind == crm.KindDecimal {
			d, err := decimalOperand(v)
			if err != nil {
				return err
			}
			if d.Equal(d.Round(crm.MaxValueScale)) {
				vals = append(vals, rc.d.Bind(crm.KindDecimal, d))
			}
			continue
		}
		val, err := rc.operand(t, v)
		if err != nil {
			return err
		}
		vals = append(vals, val)
	}
	if len(vals) == 0 {
		b.add("FALSE")
		return nil
	}
	in := t.expr + " IN (" + inList(len(vals)) + ")"
	if h, ok := rc.d.(SelectivityHinter); ok && len(vals) > 1 {
		in = h.Selective(in)
	}
	b.add(in, append(t.args, vals...)...)
	return nil
}

// contains renders cs, cd and ov. phones=cs. and emails=cs. are answered
// from contact_identifiers, the exact index of normalised identifiers.
func (rc *restCtx) contains(p *plan, t *term, op pgrest.Operator, v string, b *sqlb) error {
	switch {
	case t.kind == crm.KindTextArray && t.plain:
		// A single element without braces is a one-element array: curl
		// drops the braces of the guide's cs.{"+201017177777"}.
		elems, err := pgrest.ParseArrayOperand(v)
		if err != nil {
			return pgrest.AsCrmError(err)
		}
		elems = normalizeElems(t.col, elems, rc.ws.PhoneRegion)
		kind := t.col.Identifier
		if op == pgrest.OpCs && kind != "" {
			if len(elems) == 0 {
				b.add("TRUE")
				return nil
			}
			for i, e := range elems {
				if i > 0 {
					b.add(" AND ")
				}
				b.add(p.alias+".id IN (SELECT ci.contact_id FROM contact_identifiers ci WHERE ci.workspace_id = ? AND ci.kind = ? AND ci.value = ?)",
					rc.wsArg(), kind, e)
			}
			return nil
		}
		return rc.dialect(b, RestFilter{Op: op, Col: t.qcol, Kind: t.col.Kind, Elems: elems, Identifier: t.col.Identifier})
	case t.kind == crm.KindJSON && op != pgrest.OpOv:
		doc, err := jsonOperand(v)
		if err != nil {
			return err
		}
		return rc.dialect(b, RestFilter{Op: op, Col: t.qcol, Kind: t.col.Kind, Path: t.path, JSON: doc})
	}
	return noOperator(t.kind, op)
}

// normalizeElems applies a column's phone or email rule to filter
// elements; an element that does not normalise is kept as sent (and so
// matches nothing stored).
func normalizeElems(c *crm.Column, elems []string, region string) []string {
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		switch c.Normalize {
		case "phone":
			if n, err := crm.NormalizePhone(e, region); err == nil {
				e = n
			}
		case "email":
			if n, err := crm.NormalizeEmail(e); err == nil {
				e = n
			}
		}
		out = append(out, e)
	}
	return out
}

// noOperator is PostgreSQL's 42883 (404 in PostgREST) for an operator the
// column's type does not have.
func noOperator(k crm.Kind, op pgrest.Operator) *crm.Error {
	sym := map[pgrest.Operator]string{pgrest.OpLike: "~~", pgrest.OpILike: "~~*", pgrest.OpMatch: "~", pgrest.OpIMatch: "~*",
		pgrest.OpCs: "@>", pgrest.OpCd: "<@", pgrest.OpOv: "&&", pgrest.OpSl: "<<", pgrest.OpSr: ">>",
		pgrest.OpNxr: "&<", pgrest.OpNxl: "&>", pgrest.OpAdj: "-|-"}[op]
	if sym == "" {
		sym = string(op)
	}
	return &crm.Error{Code: crm.SQLStateUndefinedFunction, Message: fmt.Sprintf("operator does not exist: %s %s unknown", k, sym),
		Hint: "No operator matches the given name and argument types. You might need to add explicit type casts."}
}

// operand converts a filter value to the bound form of the term's kind,
// with PostgreSQL's errors for literals the type cannot read.
func (rc *restCtx) operand(t *term, v string) (any, error) {
	k := t.kind
	bad := func(code, typ string) error {
		return &crm.Error{Code: code, Message: fmt.Sprintf("invalid input syntax for type %s: %q", typ, v)}
	}
	switch k {
	case crm.KindText:
		if t.plain {
			switch t.col.Normalize {
			case "currency":
				v = strings.ToUpper(strings.TrimSpace(v))
			case "stage", "stage_id":
				v = crm.CanonicalStage(v)
			}
		}
		return v, nil
	case crm.KindUUID:
		u, err := uuid.Parse(strings.TrimSpace(v))
		if err != nil || len(strings.TrimSpace(v)) != 36 {
			return nil, bad(crm.SQLStateInvalidText, "uuid")
		}
		return u.String(), nil
	case crm.KindInt:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, bad(crm.SQLStateInvalidText, "integer")
		}
		return n, nil
	case crm.KindDecimal:
		d, err := decimalOperand(v)
		if err != nil {
			return nil, err
		}
		return rc.d.Bind(k, d), nil
	case crm.KindBool:
		x, ok := parseBool(v)
		if !ok {
			return nil, bad(crm.SQLStateInvalidText, "boolean")
		}
		return rc.d.Bind(k, x), nil
	case crm.KindDate:
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
		if err != nil {
			return nil, bad(crm.SQLStateDatetimeFormat, "date")
		}
		if d.Year() < 1 { // PostgreSQL has no year 0
			return nil, &crm.Error{Code: crm.SQLStateDatetimeOverflow, Message: fmt.Sprintf("date/time field value out of range: %q", v)}
		}
		return rc.d.Bind(k, d.Format(time.DateOnly)), nil
	case crm.KindTime:
		tm, ok := parseTimestamp(v)
		if !ok {
			return nil, bad(crm.SQLStateDatetimeFormat, "timestamp with time zone")
		}
		return rc.d.Bind(k, tm), nil
	case crm.KindTextArray:
		elems, err := pgrest.ParseArrayLiteral(v)
		if err != nil {
			return nil, pgrest.AsCrmError(err)
		}
		if t.plain {
			elems = normalizeElems(t.col, elems, rc.ws.PhoneRegion)
		}
		return rc.d.Bind(k, elems), nil
	}
	return nil, noOperator(k, "=")
}

func decimalOperand(v string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(strings.TrimSpace(v))
	if err != nil {
		return d, &crm.Error{Code: crm.SQLStateInvalidText, Message: fmt.Sprintf("invalid input syntax for type numeric: %q", v)}
	}
	lim := decimal.New(1, crm.MaxValueDigits)
	if d.GreaterThan(lim) {
		d = lim
	} else if d.LessThan(lim.Neg()) {
		d = lim.Neg()
	}
	return d, nil
}

func jsonOperand(v string) (json.RawMessage, error) {
	if !json.Valid([]byte(v)) {
		return nil, &crm.Error{Code: crm.SQLStateInvalidText, Message: "invalid input syntax for type json",
			Details: fmt.Sprintf("Token %q is invalid.", v)}
	}
	return json.RawMessage(v), nil
}

// timestampLayouts are the timestamp forms filters accept; a form without
// an offset is UTC (the session time zone).
var timestampLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z07", "2006-01-02T15:04:05.999999999Z07", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"}

func parseTimestamp(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// orderBy writes ORDER BY for the plan's order terms (nothing without).
// NULLS placement is always explicit: PostgreSQL's defaults (last when
// ascending, first when descending), which SQLite does not share.
func (rc *restCtx) orderBy(p *plan, b *sqlb) error {
	for i, o := range p.mods.Order {
		if i == 0 {
			b.add(" ORDER BY ")
		} else {
			b.add(", ")
		}
		if o.Relation != "" {
			if err := rc.relatedOrder(p, o, b); err != nil {
				return err
			}
		} else {
			c, ok := p.table.Column(o.Field.Name)
			if !ok {
				return UnknownColumn(p.table, o.Field.Name)
			}
			e, args := rc.colExpr(p.alias, c, o.Field.JSONPath)
			b.add(e, args...)
			if oc, ok := rc.d.(OrderCollator); ok {
				k := c.Kind
				if len(o.Field.JSONPath) > 0 {
					k = pathKind(o.Field.JSONPath)
				}
				b.add(oc.OrderCollate(k))
			}
		}
		nulls := o.Nulls
		if o.Desc {
			b.add(" DESC")
			if nulls == "" {
				nulls = pgrest.NullsFirst
			}
		} else if nulls == "" {
			nulls = pgrest.NullsLast
		}
		b.add(" NULLS " + strings.ToUpper(nulls))
	}
	return nil
}

// relatedOrder writes the value of a to-one embed's column: order=rel(col).
func (rc *restCtx) relatedOrder(p *plan, o pgrest.OrderTerm, b *sqlb) error {
	var e *embedPlan
	for _, x := range p.embeds {
		if x.name == o.Relation || x.rel.Table == o.Relation {
			e = x
			break
		}
	}
	if e == nil {
		return &crm.Error{Code: crm.PGRSTEmbedFilter, Message: fmt.Sprintf("'%s' is not an embedded resource in this request", o.Relation),
			Hint: fmt.Sprintf("Verify that '%s' is included in the 'select' query parameter.", o.Relation)}
	}
	if !e.rel.ToOne {
		return &crm.Error{Code: crm.PGRSTRelatedOrder, Message: fmt.Sprintf("A related order on '%s' is not possible", e.rel.Table),
			Details: fmt.Sprintf("'%s' and '%s' do not form a many-to-one or one-to-one relationship", p.table.Name, e.rel.Table)}
	}
	rt := rc.schema.Tables[e.rel.Table]
	c, ok := rt.Column(o.Field.Name)
	if !ok {
		return UnknownColumn(rt, o.Field.Name)
	}
	a := "o" + strconv.Itoa(p.depth)
	ex, args := rc.colExpr(a, c, o.Field.JSONPath)
	b.add("(SELECT "+ex+" FROM "+rt.Name+" "+a+" WHERE "+a+".workspace_id = ? AND "+a+"."+e.rel.Foreign+" = "+p.alias+"."+e.rel.Local+")",
		append(args, rc.wsArg())...)
	return nil
}

// checkLikePattern refuses what PostgreSQL refuses, so SQLite answers the
// same: a pattern ending in the escape character (22025).
func checkLikePattern(pat string) error {
	n := len(pat) - len(strings.TrimRight(pat, `\`))
	if n%2 == 1 {
		return &crm.Error{Code: crm.SQLStateInvalidEscape, Message: "LIKE pattern must not end with escape character",
			Hint: `escape the backslash as \\, or drop it`}
	}
	return nil
}

// tsConfigs are PostgreSQL's built-in text search configurations.
var tsConfigs = map[string]bool{
	"simple": true, "arabic": true, "armenian": true, "basque": true, "catalan": true, "danish": true,
	"dutch": true, "english": true, "finnish": true, "french": true, "german": true, "greek": true,
	"hindi": true, "hungarian": true, "indonesian": true, "irish": true, "italian": true,
	"lithuanian": true, "nepali": true, "norwegian": true, "portuguese": true, "romanian": true,
	"russian": true, "serbian": true, "spanish": true, "swedish": true, "tamil": true,
	"turkish": true, "yiddish": true,
}

// checkTSConfig refuses an unknown fts(config) on every backend, as
// PostgreSQL does (42704).
func checkTSConfig(cfg string) error {
	if cfg == "" || tsConfigs[strings.ToLower(cfg)] || tsConfigs[strings.TrimPrefix(strings.ToLower(cfg), "pg_catalog.")] {
		return nil
	}
	return &crm.Error{Code: crm.SQLStateUndefinedObject, Message: fmt.Sprintf("text search configuration %q does not exist", cfg),
		Hint: "use one of PostgreSQL's configurations, e.g. simple, english or arabic"}
}
