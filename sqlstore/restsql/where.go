package restsql

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
)

// where writes the WHERE clause of plan p: the workspace condition
// first, then EXISTS for each !inner embed, then each user condition in
// its own parentheses, so no or= can reach past the workspace.
func (rc *restCtx) where(p *plan, b *sqlstore.Builder) error {
	b.Add(p.alias+".workspace_id = ?", rc.wsArg())
	for _, e := range p.embeds {
		// A count embed always has its one row, so !inner keeps every
		// parent, as in PostgREST (an aggregate over no rows is a row).
		if e.inner && !e.count {
			b.Add(" AND ")
			if err := rc.exists(p, e, b); err != nil {
				return err
			}
		}
	}
	for _, c := range p.mods.Where {
		b.Add(" AND (")
		if err := rc.cond(p, c, b); err != nil {
			return err
		}
		b.Add(")")
	}
	return nil
}

// exists writes EXISTS (rows of embed e linked to the current row of p).
func (rc *restCtx) exists(p *plan, e *embedPlan, b *sqlstore.Builder) error {
	c := e.child
	b.Add("EXISTS (SELECT 1 FROM " + c.table.Name + " " + c.alias + " WHERE ")
	if err := rc.where(c, b); err != nil {
		return err
	}
	b.Add(" AND " + c.alias + "." + e.rel.Foreign + " = " + p.alias + "." + e.rel.Local + ")")
	return nil
}

func (rc *restCtx) cond(p *plan, c pgrest.Cond, b *sqlstore.Builder) error {
	if c.IsLeaf() {
		if c.Filter.Negate {
			b.Add("NOT (")
			defer b.Add(")")
		}
		return rc.leaf(p, c.Filter, b)
	}
	if c.Negate {
		b.Add("NOT ")
	}
	b.Add("(")
	for i, ch := range c.Children {
		if i > 0 {
			b.Add(" " + strings.ToUpper(string(c.Logic)) + " ")
		}
		b.Add("(")
		if err := rc.cond(p, ch, b); err != nil {
			return err
		}
		b.Add(")")
	}
	b.Add(")")
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

// search is the term's declared search index: the column's, when the
// term is the column itself.
func (t *term) search() crm.TextSearch {
	if !t.plain {
		return crm.TextSearch{}
	}
	return t.col.Search
}

func (rc *restCtx) leaf(p *plan, f *pgrest.Filter, b *sqlstore.Builder) error {
	c, ok := p.table.Column(f.Field.Name)
	if !ok {
		// rel=is.null / rel=not.is.null on an embed of the select.
		for _, e := range p.embeds {
			if e.name == f.Field.Name && f.Op == pgrest.OpIs && len(f.Field.JSONPath) == 0 &&
				(f.Value == pgrest.IsNull || f.Value == pgrest.IsNotNull) {
				if e.count { // its one row is never null, as in PostgREST
					b.Add(map[bool]string{true: "FALSE", false: "TRUE"}[f.Value == pgrest.IsNull])
					return nil
				}
				if f.Value == pgrest.IsNull {
					b.Add("NOT ")
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
				b.Add("TRUE")
			} else {
				b.Add("FALSE")
			}
			return nil
		}
		b.Add("(")
		for i, v := range f.List {
			if i > 0 {
				b.Add(join)
			}
			if err := rc.single(p, &t, f, v, b); err != nil {
				return err
			}
		}
		b.Add(")")
		return nil
	}
	return rc.single(p, &t, f, f.Value, b)
}

// single renders filter f with operand v (one element for any/all).
func (rc *restCtx) single(p *plan, t *term, f *pgrest.Filter, v string, b *sqlstore.Builder) error {
	switch f.Op {
	case pgrest.OpEq, pgrest.OpNeq, pgrest.OpGt, pgrest.OpGte, pgrest.OpLt, pgrest.OpLte:
		return rc.compare(t, f.Op, v, b)
	case pgrest.OpLike, pgrest.OpILike, pgrest.OpMatch, pgrest.OpIMatch:
		if t.kind != crm.KindText {
			return noOperator(t.kind, f.Op)
		}
		pat, err := textPattern(f.Op, v)
		if err != nil {
			return err
		}
		return rc.dialect(b, RestFilter{Op: f.Op, Search: t.search(), Alias: p.alias, Workspace: rc.wsArg(), Col: t.qcol, Kind: t.col.Kind, Path: t.path, Pattern: pat})
	case pgrest.OpFts, pgrest.OpPlFts, pgrest.OpPhFts, pgrest.OpWFts:
		if t.kind != crm.KindText && t.kind != crm.KindJSON {
			return noOperator(t.kind, "@@")
		}
		cfg, err := ftsConfig(f.Op, f.FTSConfig, v)
		if err != nil {
			return err
		}
		return rc.dialect(b, RestFilter{Op: f.Op, Col: t.qcol, Kind: t.col.Kind, Path: t.path, Pattern: v, Config: cfg})
	case pgrest.OpIn:
		return rc.in(t, f.List, p.elemJoin == nil, b)
	case pgrest.OpIs:
		switch f.Value {
		case pgrest.IsNull:
			b.Add(t.expr+" IS NULL", t.args...)
		case pgrest.IsNotNull:
			b.Add(t.expr+" IS NOT NULL", t.args...)
		default:
			if t.kind != crm.KindBool {
				return &crm.Error{Code: crm.SQLStateDatatypeMismatch, Message: fmt.Sprintf("argument of IS %s must be type boolean, not type %s", strings.ToUpper(f.Value), t.kind)}
			}
			b.Add(t.expr+" IS "+map[string]string{pgrest.IsTrue: "TRUE", pgrest.IsFalse: "FALSE", pgrest.IsUnknown: "NULL"}[f.Value], t.args...)
		}
		return nil
	case pgrest.OpIsDistinct:
		if t.kind == crm.KindJSON {
			b.Add("COALESCE(NOT (")
			if err := rc.compare(t, pgrest.OpEq, v, b); err != nil {
				return err
			}
			b.Add("), TRUE)")
			return nil
		}
		val, err := rc.operand(t, v)
		if err != nil {
			return err
		}
		b.Add(t.expr+" IS DISTINCT FROM ?", append(t.args, val)...)
		return nil
	case pgrest.OpCs, pgrest.OpCd, pgrest.OpOv:
		if j := p.elemJoin; j != nil && j.filter == f {
			return rc.listedElements(p, t, v, b)
		}
		return rc.contains(p, t, f.Op, v, b)
	}
	return noOperator(t.kind, f.Op)
}

func (rc *restCtx) dialect(b *sqlstore.Builder, f RestFilter) error {
	s, args, err := rc.d.RestFilter(f)
	if err != nil {
		return err
	}
	b.Add(s, args...)
	return nil
}

var sqlOps = map[pgrest.Operator]string{
	pgrest.OpEq: "=", pgrest.OpNeq: "<>", pgrest.OpGt: ">", pgrest.OpGte: ">=", pgrest.OpLt: "<", pgrest.OpLte: "<=",
}

// compare renders t op v.
func (rc *restCtx) compare(t *term, op pgrest.Operator, v string, b *sqlstore.Builder) error {
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
				b.Add(t.expr+" <> "+t.expr, append(t.args, t.args...)...)
				return nil
			case pgrest.OpNeq:
				b.Add(t.expr+" = "+t.expr, append(t.args, t.args...)...)
				return nil
			case pgrest.OpGt, pgrest.OpLte:
				d = d.RoundFloor(crm.MaxValueScale)
			default:
				d = d.RoundCeil(crm.MaxValueScale)
			}
		}
		b.Add(t.expr+" "+sqlOps[op]+" ?", append(t.args, rc.d.Bind(crm.KindDecimal, d))...)
		return nil
	}
	val, err := rc.operand(t, v)
	if err != nil {
		return err
	}
	b.Add(t.expr+" "+sqlOps[op]+" ?", append(t.args, val)...)
	return nil
}

// in renders t IN (list); hint allows the dialect's selectivity hint
// (not with an element join, whose ordered rows the hint would lose:
// elements.go).
func (rc *restCtx) in(t *term, list []string, hint bool, b *sqlstore.Builder) error {
	if t.kind == crm.KindJSON {
		if len(list) == 0 {
			b.Add("FALSE")
			return nil
		}
		b.Add("(")
		for i, v := range list {
			if i > 0 {
				b.Add(" OR ")
			}
			if err := rc.compare(t, pgrest.OpEq, v, b); err != nil {
				return err
			}
		}
		b.Add(")")
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
		b.Add("FALSE")
		return nil
	}
	in := t.expr + " IN (" + inList(len(vals)) + ")"
	if h, ok := rc.d.(SelectivityHinter); ok && hint && len(vals) > 1 {
		in = h.Selective(in)
	}
	b.Add(in, append(t.args, vals...)...)
	return nil
}

// contains renders cs, cd and ov. cs on an identifier column (a
// contact's phones, emails) is answered from the table's identifier
// index (crm.Table.Identifiers), the exact index of normalised values.
func (rc *restCtx) contains(p *plan, t *term, op pgrest.Operator, v string, b *sqlstore.Builder) error {
	switch {
	case t.kind == crm.KindTextArray && t.plain:
		// A single element without braces is a one-element array: curl
		// drops the braces of the guide's cs.{"+201017177777"}.
		elems, err := pgrest.ParseArrayOperand(v)
		if err != nil {
			return pgrest.AsCrmError(err)
		}
		elems = normalizeElems(t.col, elems, rc.ws.PhoneRegion)
		if ix := p.table.Identifiers; op == pgrest.OpCs && t.col.Identifier != "" && ix != nil {
			if len(elems) == 0 {
				b.Add("TRUE")
				return nil
			}
			for i, e := range elems {
				if i > 0 {
					b.Add(" AND ")
				}
				b.Add(p.alias+".id IN (SELECT ci."+ix.Row+" FROM "+ix.Table+" ci WHERE ci.workspace_id = ? AND ci."+ix.Kind+" = ? AND ci."+ix.Value+" = ?)",
					rc.wsArg(), t.col.Identifier, e)
			}
			return nil
		}
		return rc.dialect(b, RestFilter{Op: op, Col: t.qcol, Kind: t.col.Kind, Elems: elems})
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

// orderBy writes ORDER BY for the plan's order terms (nothing without).
// NULLS placement is always explicit: PostgreSQL's defaults (last when
// ascending, first when descending), which SQLite does not share.
func (rc *restCtx) orderBy(p *plan, b *sqlstore.Builder) error {
	for i, o := range p.mods.Order {
		if i == 0 {
			b.Add(" ORDER BY ")
		} else {
			b.Add(", ")
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
			e, args := rc.colExpr(p.orderAlias(c.Name, o.Field.JSONPath), c, o.Field.JSONPath)
			b.Add(e, args...)
			if oc, ok := rc.d.(OrderCollator); ok {
				k := c.Kind
				if len(o.Field.JSONPath) > 0 {
					k = pathKind(o.Field.JSONPath)
				}
				b.Add(oc.OrderCollate(k))
			}
		}
		nulls := o.Nulls
		if o.Desc {
			b.Add(" DESC")
			if nulls == "" {
				nulls = pgrest.NullsFirst
			}
		} else if nulls == "" {
			nulls = pgrest.NullsLast
		}
		b.Add(" NULLS " + strings.ToUpper(nulls))
	}
	return nil
}

// relatedOrder writes the value of a to-one embed's column: order=rel(col).
func (rc *restCtx) relatedOrder(p *plan, o pgrest.OrderTerm, b *sqlstore.Builder) error {
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
	b.Add("(SELECT "+ex+" FROM "+rt.Name+" "+a+" WHERE "+a+".workspace_id = ? AND "+a+"."+e.rel.Foreign+" = "+p.alias+"."+e.rel.Local+")",
		append(args, rc.wsArg())...)
	return nil
}
