package restsql

import (
	"slices"
	"strconv"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
)

// ElementJoiner is an optional Dialect capability: a table that lists
// the rows of a table under each element of an array column
// (crm.Column.Elements), in the order of one of the row's columns, that
// a read joins to when its filter requires an element. The read then
// takes its rows from the list in that order (a page of the rows tagged
// "vip", newest first, reads its own entries) instead of walking the
// table in order and testing each row: SQLite's deal_tags. The filter
// itself is still rendered (RestFilter), so the rows are exact whatever
// the list holds.
type ElementJoiner interface {
	// ElementJoin returns the JOIN clause (starting with a space) that
	// keeps, of the rows of the table aliased alias, those that ix lists
	// under elem in the workspace ws (what workspace_id binds), naming
	// the list as; its column ix.Order holds the row's value of ix.Order.
	// ok is false when the dialect keeps no list for ix.
	ElementJoin(ix crm.ElementIndex, alias, as string, ws any, elem string) (sql string, args []any, ok bool)
}

// elementJoin is a plan's join to an element list: ORDER BY on the
// column the list copies reads the list's copy, which the list's key
// orders, and the cs filter it answers tests only its other elements.
type elementJoin struct {
	alias  string         // the list's alias
	order  string         // the plan's column the list copies (crm.ElementIndex.Order)
	filter *pgrest.Filter // the cs filter whose element the join requires
	elem   string         // that element
}

// orderAlias is the alias whose copy of column name an ORDER BY of plan
// p reads: the element list's for the column it copies, else p's own.
func (p *plan) orderAlias(name string, path []pgrest.JSONStep) string {
	if j := p.elemJoin; j != nil && name == j.order && len(path) == 0 {
		return j.alias
	}
	return p.alias
}

// joinElements writes, after plan p's FROM, the join to the element list
// of an indexed array column whose element p's filter requires: a cs
// leaf, not negated, at the top level or in a top-level and=(...) that
// is not negated. A read without such a filter, or a dialect without
// lists, is left as it is.
func (rc *restCtx) joinElements(p *plan, b *sqlstore.Builder) {
	ej, ok := rc.d.(ElementJoiner)
	if !ok {
		return
	}
	p.elemJoin = nil
	c, f, elem, ok := requiredElement(p.table, p.mods.Where, rc.ws.PhoneRegion)
	if !ok {
		return
	}
	as := "x" + strconv.Itoa(p.depth)
	sql, args, ok := ej.ElementJoin(c.Elements, p.alias, as, rc.wsArg(), elem)
	if !ok {
		return
	}
	b.Add(sql, args...)
	p.elemJoin = &elementJoin{alias: as, order: c.Elements.Order, filter: f, elem: elem}
}

// listedElements renders the cs (or one-element ov) filter that p's
// element join answers: the join keeps only rows listed under its
// element, so the filter tests the operand's other elements (TRUE when
// there are none). The
// filter does not repeat the join: PostgreSQL's planner would count the
// same rows out twice (estimating one row where a rare tag has 1,000,
// and choosing a hash join and a sort).
func (rc *restCtx) listedElements(p *plan, t *term, v string, b *sqlstore.Builder) error {
	elems, err := pgrest.ParseArrayOperand(v)
	if err != nil {
		return pgrest.AsCrmError(err)
	}
	// cs: the other elements must be there too; ov: its one element is
	// the join's.
	rest := make([]string, 0, len(elems))
	for _, e := range normalizeElems(t.col, elems, rc.ws.PhoneRegion) {
		if e != p.elemJoin.elem {
			rest = append(rest, e)
		}
	}
	if len(rest) == 0 {
		b.Add("TRUE")
		return nil
	}
	return rc.dialect(b, RestFilter{Op: pgrest.OpCs, Col: t.qcol, Kind: t.col.Kind, Elems: rest})
}

// requiredElement finds, among the conditions every row of the result
// meets (conds and'ed, and the children of and'ed groups), a cs on an
// array column with an element list, or an ov whose operand is one
// element (ov.{vip} is cs.{vip}), and returns the column, the filter and
// the first element of its operand (normalised as the filter normalises
// it).
func requiredElement(t *crm.Table, conds []pgrest.Cond, region string) (*crm.Column, *pgrest.Filter, string, bool) {
	for _, c := range conds {
		if !c.IsLeaf() {
			if c.Logic == pgrest.LogicAnd && !c.Negate {
				if col, f, e, ok := requiredElement(t, c.Children, region); ok {
					return col, f, e, true
				}
			}
			continue
		}
		f := c.Filter
		if f.Negate || (f.Op != pgrest.OpCs && f.Op != pgrest.OpOv) || f.Modifier != "" || len(f.Field.JSONPath) > 0 {
			continue
		}
		col, ok := t.Column(f.Field.Name)
		if !ok || col.Kind != crm.KindTextArray || col.Elements.Table == "" {
			continue
		}
		elems, err := pgrest.ParseArrayOperand(f.Value)
		if err != nil {
			continue // the filter's own rendering reports it
		}
		elems = normalizeElems(col, elems, region)
		if len(elems) > 0 && (f.Op == pgrest.OpCs || !slices.ContainsFunc(elems, func(e string) bool { return e != elems[0] })) {
			return col, f, elems[0], true
		}
	}
	return nil, nil, "", false
}
