package restsql

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
)

// restCtx renders and runs one REST request.
type restCtx struct {
	s  *Engine
	d  Dialect
	ws *crm.Workspace
	// wsBound is what workspace_id binds for ws (wsArg).
	wsBound any
	q       *pgrest.Query
	schema  *crm.Schema // the tables (Backend.Schema)
	// read is set for GET and HEAD, where a top-level select=count is
	// PostgREST's legacy count of the matching rows.
	read bool
	// budget bounds the rows and bytes the request reads (rest_budget.go).
	budget rowBudget
}

// wsArg is what workspace_id binds for the request's workspace
// (Backend.WorkspaceArg, asked once per request, when first bound).
func (rc *restCtx) wsArg() any {
	if rc.wsBound == nil {
		rc.wsBound = rc.s.b.WorkspaceArg(rc.ws.ID)
	}
	return rc.wsBound
}

// plan is one level of a read: a table, its output items, its modifiers
// and the key columns fetched (unshown) to link embeds.
type plan struct {
	table  *crm.Table
	alias  string
	depth  int
	items  []planItem
	mods   *pgrest.Modifiers
	keys   []string // hidden columns: embed links, and the link to the parent
	embeds []*embedPlan
	// elemJoin is the join to an element list (elements.go), or nil.
	elemJoin *elementJoin
}

type planItem struct {
	col   *planCol
	embed *embedPlan
	count *planCount
}

// planCol is a selected column, possibly through a JSON path and a cast.
type planCol struct {
	out  string
	col  *crm.Column
	path []pgrest.JSONStep
	kind crm.Kind // kind of the SQL value read
	cast string
}

type embedPlan struct {
	out    string
	name   string // alias or relation, as embed paths name it
	rel    *crm.Relation
	child  *plan
	inner  bool
	spread bool
	// empty is rel() (or an embed of only empty embeds): it filters, with
	// !inner or rel.col=…, but adds no key to the row, as in PostgREST.
	empty bool
	// count is rel(count): the child plan's items are all counts.
	count bool
}

var noMods = &pgrest.Modifiers{}

// compileTop plans the whole select of the query over t and checks that
// every embedded modifier names an embed of the select (else PGRST108).
func (rc *restCtx) compileTop(t *crm.Table) (*plan, error) {
	if hasNUL(rc.q) {
		return nil, &crm.Error{Code: crm.SQLStateUntranslatable, Message: `invalid byte sequence for encoding "UTF8": 0x00`}
	}
	used := map[string]bool{}
	p, err := rc.compile(t, rc.q.Select, &rc.q.Modifiers, nil, 0, used)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(rc.q.Embedded))
	for k := range rc.q.Embedded {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !used[k] {
			last := k[strings.LastIndexByte(k, '.')+1:]
			return nil, &crm.Error{Code: crm.PGRSTEmbedFilter, Message: fmt.Sprintf("'%s' is not an embedded resource in this request", last),
				Hint: fmt.Sprintf("Verify that '%s' is included in the 'select' query parameter.", last)}
		}
	}
	return p, nil
}

// hasNUL reports whether a filter operand, a JSON path key or a
// text-search configuration of q holds a NUL byte. PostgreSQL rejects such
// text (22021); SQLite would read it only up to the NUL in JSON paths and
// in the functions behind fts and match, and fail at run time.
func hasNUL(q *pgrest.Query) bool {
	has := func(s string) bool { return strings.IndexByte(s, 0) >= 0 }
	path := func(f pgrest.Field) bool {
		for _, s := range f.JSONPath {
			if has(s.Key) {
				return true
			}
		}
		return false
	}
	var conds func([]pgrest.Cond) bool
	conds = func(cs []pgrest.Cond) bool {
		for _, c := range cs {
			if f := c.Filter; f != nil {
				if has(f.Value) || has(f.FTSConfig) || path(f.Field) || slices.ContainsFunc(f.List, has) {
					return true
				}
			} else if conds(c.Children) {
				return true
			}
		}
		return false
	}
	mods := func(m *pgrest.Modifiers) bool {
		return m != nil && (conds(m.Where) || slices.ContainsFunc(m.Order, func(o pgrest.OrderTerm) bool { return path(o.Field) }))
	}
	var items func([]pgrest.SelectItem) bool
	items = func(its []pgrest.SelectItem) bool {
		return slices.ContainsFunc(its, func(it pgrest.SelectItem) bool {
			return path(it.Field) || it.Embed != nil && items(it.Embed.Select)
		})
	}
	if mods(&q.Modifiers) || items(q.Select) {
		return true
	}
	for _, m := range q.Embedded {
		if mods(m) {
			return true
		}
	}
	return false
}

func (rc *restCtx) compile(t *crm.Table, items []pgrest.SelectItem, mods *pgrest.Modifiers, path []string, depth int, used map[string]bool) (*plan, error) {
	if mods == nil {
		mods = noMods
	}
	p := &plan{table: t, alias: planAlias(depth), depth: depth, mods: mods}
	// The items and their columns in one allocation each, sized for the
	// select (a select=* of deals used to make 15 columns and grow the
	// list 5 times).
	n := selectWidth(t, items)
	p.items = make([]planItem, 0, n)
	cols := make([]planCol, 0, n)
	newCol := func(pc planCol) *planCol {
		cols = append(cols, pc)
		return &cols[len(cols)-1]
	}
	for _, it := range items {
		switch {
		case it.Star:
			for i := range t.Columns {
				c := &t.Columns[i]
				p.items = append(p.items, planItem{col: newCol(planCol{out: c.Name, col: c, kind: c.Kind})})
			}
		case it.Aggregate != "":
			return nil, &crm.Error{Code: crm.PGRSTAggregates, Message: "Use of aggregate functions is not allowed"}
		case it.Embed != nil:
			e, err := rc.compileEmbed(t, it.Embed, path, depth, used)
			if err != nil {
				return nil, err
			}
			p.items = append(p.items, planItem{embed: e})
			p.embeds = append(p.embeds, e)
			addKey(&p.keys, e.rel.Local)
		case (depth > 0 || rc.read) && isCountItem(t, it):
			p.items = append(p.items, planItem{count: &planCount{out: it.OutputName(), cast: strings.ToLower(it.Cast)}})
			if _, ok := casts[strings.ToLower(it.Cast)]; it.Cast != "" && !ok {
				return nil, &crm.Error{Code: crm.SQLStateUndefinedObject, Message: fmt.Sprintf("type %q does not exist", it.Cast)}
			}
		default:
			c, ok := t.Column(it.Field.Name)
			if !ok {
				return nil, UnknownColumn(t, it.Field.Name)
			}
			pc := newCol(planCol{out: it.OutputName(), col: c, path: it.Field.JSONPath, kind: c.Kind, cast: strings.ToLower(it.Cast)})
			if len(pc.path) > 0 {
				pc.kind = pathKind(pc.path)
			}
			if pc.cast != "" {
				if _, ok := casts[pc.cast]; !ok {
					return nil, &crm.Error{Code: crm.SQLStateUndefinedObject, Message: fmt.Sprintf("type %q does not exist", it.Cast)}
				}
			}
			p.items = append(p.items, planItem{col: pc})
		}
	}
	return p, checkCounts(p)
}

// selectWidth is the number of plan items a select list makes over t.
func selectWidth(t *crm.Table, items []pgrest.SelectItem) int {
	n := 0
	for _, it := range items {
		if it.Star {
			n += len(t.Columns)
		} else {
			n++
		}
	}
	return n
}

// aliases are the table aliases of the first levels, made once.
var aliases = [...]string{"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"}

// planAlias is the alias of the table read at depth.
func planAlias(depth int) string {
	if depth < len(aliases) {
		return aliases[depth]
	}
	return "t" + strconv.Itoa(depth)
}

// emptyPlan reports whether p adds nothing to a row: no item, or only
// empty embeds.
func emptyPlan(p *plan) bool {
	for _, it := range p.items {
		if it.embed == nil || !it.embed.empty {
			return false
		}
	}
	return true
}

func (rc *restCtx) compileEmbed(t *crm.Table, e *pgrest.Embed, path []string, depth int, used map[string]bool) (*embedPlan, error) {
	rel, ok := t.Relation(e.Relation, e.Hint)
	if !ok {
		return nil, &crm.Error{Code: crm.PGRSTNoRelation,
			Message: fmt.Sprintf("Could not find a relationship between '%s' and '%s' in the schema cache", t.Name, e.Relation),
			Hint:    fmt.Sprintf("embeddable from %s: %s", t.Name, relationNames(t))}
	}
	name := e.Relation
	if e.Alias != "" {
		name = e.Alias
	}
	sub := append(append([]string{}, path...), name)
	key := pgrest.EmbedKey(sub...)
	used[key] = true
	var mods *pgrest.Modifiers
	if rc.q.Embedded != nil {
		mods = rc.q.Embedded[key]
	}
	child, err := rc.compile(rc.schema.Tables[rel.Table], e.Select, mods, sub, depth+1, used)
	if err != nil {
		return nil, err
	}
	addKey(&child.keys, rel.Foreign)
	if e.Spread && !rel.ToOne {
		return nil, &crm.Error{Code: crm.PGRSTNotImplemented, Message: "Feature not implemented",
			Details: fmt.Sprintf("spreading the to-many relationship '%s' is not supported", name),
			Hint:    "embed it without ... to get an array"}
	}
	out := name
	ep := &embedPlan{out: out, name: name, rel: rel, child: child, inner: e.Inner, spread: e.Spread, empty: emptyPlan(child)}
	ep.count = !ep.empty && slices.ContainsFunc(child.items, func(it planItem) bool { return it.count != nil })
	return ep, nil
}

func relationNames(t *crm.Table) string {
	var names []string
	for _, r := range t.Relations {
		names = append(names, r.Table)
	}
	return strings.Join(names, ", ")
}

func addKey(keys *[]string, k string) {
	for _, x := range *keys {
		if x == k {
			return
		}
	}
	*keys = append(*keys, k)
}

// UnknownColumn is 400 42703, as PostgreSQL reports a column that does not
// exist in a filter, select or order.
func UnknownColumn(t *crm.Table, name string) *crm.Error {
	e := &crm.Error{Code: crm.SQLStateUndefinedColumn, Message: fmt.Sprintf("column %s.%s does not exist", t.Name, name)}
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	if n := crm.Nearest(name, names); n != "" {
		e.Hint = fmt.Sprintf("Perhaps you meant to reference the column \"%s.%s\".", t.Name, n)
	}
	return e
}

// pathKind is the kind a JSON path yields: text after ->>, JSON after ->.
func pathKind(path []pgrest.JSONStep) crm.Kind {
	if path[len(path)-1].Text {
		return crm.KindText
	}
	return crm.KindJSON
}

// colExpr is the SQL reading column c of plan p through path.
func (rc *restCtx) colExpr(alias string, c *crm.Column, path []pgrest.JSONStep) (string, []any) {
	q := alias + "." + c.Name
	if len(path) == 0 {
		return q, nil
	}
	if c.Kind != crm.KindJSON && c.Kind != crm.KindTextArray {
		return "NULL", nil
	}
	return rc.d.PathExpr(q, c.Kind, path)
}

// selectList writes "SELECT <columns>, <keys> FROM table alias".
func (rc *restCtx) selectList(p *plan, b *sqlstore.Builder) {
	// Room for the statement at once (it grew 7 times per point read):
	// about 20 bytes a column, the FROM, a WHERE and a page.
	b.Grow(160 + 20*(len(p.items)+len(p.keys)))
	if b.Args == nil {
		b.Args = make([]any, 0, 8)
	}
	b.Add("SELECT ")
	n := 0
	sep := func() {
		if n > 0 {
			b.Add(", ")
		}
		n++
	}
	for _, it := range p.items {
		if it.col == nil {
			continue
		}
		sep()
		if len(it.col.path) > 0 {
			e, args := rc.colExpr(p.alias, it.col.col, it.col.path)
			b.Add(e, args...)
		} else {
			b.Add(rc.d.ReadExpr(p.alias+"."+it.col.col.Name, it.col.kind))
		}
	}
	for _, k := range p.keys {
		sep()
		b.Add(rc.d.ReadExpr(p.alias+"."+k, crm.KindUUID))
	}
	if n == 0 {
		b.Add("1")
	}
	b.Add(" FROM " + p.table.Name + " " + p.alias)
}

// fillEmbed reads embed e for the rows all and sets each row's cell i:
// the related row (or null) of a to-one embed, else the list (empty when
// none; a count embed's one row counts 0).
func (rc *restCtx) fillEmbed(ctx context.Context, q queryer, e *embedPlan, i int, all []pendingRow) error {
	var vals []string
	seen := map[string]bool{}
	for _, pr := range all {
		if v, ok := pr.keys[e.rel.Local]; ok && !seen[v] {
			seen[v] = true
			vals = append(vals, v)
		}
	}
	var groups map[string][]*Row
	var err error
	if e.count {
		groups, err = rc.fetchCounts(ctx, q, e, vals)
	} else {
		groups, err = rc.fetchEmbed(ctx, q, e, vals)
	}
	if err != nil {
		return err
	}
	for _, pr := range all {
		g := groups[pr.keys[e.rel.Local]]
		switch {
		case e.count && g == nil:
			g = []*Row{countRow(e.child, 0)}
		case g == nil && !e.rel.ToOne:
			g = []*Row{}
		}
		if !e.rel.ToOne {
			pr.cells[i] = g
		} else if len(g) > 0 {
			pr.cells[i] = g[0]
		} else {
			pr.cells[i] = (*Row)(nil)
		}
	}
	return nil
}

// fetchEmbed reads the rows of embed e whose link column is in vals,
// grouped by that value, each group ordered and paginated.
func (rc *restCtx) fetchEmbed(ctx context.Context, q queryer, e *embedPlan, vals []string) (map[string][]*Row, error) {
	c := e.child
	groups := map[string][]*Row{}
	for _, chunk := range chunks(vals, lookupChunk) {
		b, err := rc.embedSQL(e, chunk)
		if err != nil {
			return nil, err
		}
		rows, keys, err := rc.run(ctx, q, c, b)
		if err != nil {
			return nil, err
		}
		for i, r := range rows {
			k := keys[i][e.rel.Foreign]
			groups[k] = append(groups[k], r)
		}
	}
	if m := c.mods; m.Offset > 0 || m.Limit != nil {
		for k, g := range groups {
			lo := min(int(m.Offset), len(g))
			hi := len(g)
			if m.Limit != nil && int64(hi-lo) > *m.Limit {
				hi = lo + int(*m.Limit)
			}
			groups[k] = g[lo:hi]
		}
	}
	return groups, nil
}

// embedSQL renders the SELECT of embed e's rows linked to the parent key
// values vals (one chunk), filtered and ordered (ties by id); the
// per-parent limit and offset are applied afterwards, in Go.
func (rc *restCtx) embedSQL(e *embedPlan, vals []string) (*sqlstore.Builder, error) {
	c := e.child
	var b sqlstore.Builder
	rc.selectList(c, &b)
	b.Add(" WHERE ")
	if err := rc.where(c, &b); err != nil {
		return nil, err
	}
	// The link is selective (a page of parents): said so, SQLite reads
	// the children through the link's index and sorts them, rather than
	// walking the workspace in id order for the tie-break below (a
	// contact with its deals read every deal of the workspace).
	link := c.alias + "." + e.rel.Foreign + " IN (" + inList(len(vals)) + ")"
	if h, ok := rc.d.(SelectivityHinter); ok {
		link = h.Selective(link)
	}
	b.Add(" AND "+link, bindAll(rc.d, columnKind(c.table, e.rel.Foreign), vals)...)
	if err := rc.orderBy(c, &b); err != nil {
		return nil, err
	}
	// Rows of a to-many embed that the order leaves tied come by primary
	// key, which (UUIDv7) is creation order: every backend and query plan
	// nests them alike.
	if _, ok := c.table.Column("id"); ok && !e.rel.ToOne {
		if len(c.mods.Order) == 0 {
			b.Add(" ORDER BY " + c.alias + ".id")
		} else {
			b.Add(", " + c.alias + ".id")
		}
	}
	return &b, nil
}
