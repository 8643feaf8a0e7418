package restsql

import (
	"context"
	"fmt"
	"slices"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
)

// PostgREST's legacy count: a bare "count" in a select, rendered by
// PostgreSQL as count(table). rel(count) is an embedded count of the
// linked rows, select=count (reads only) the count of the matching rows.

// planCount is PostgREST's embedded count, rel(count): the number of the
// embed's rows linked to the parent row, under the embed's filters.
type planCount struct {
	out  string
	cast string
}

// isCountItem reports whether it is the count of PostgREST's embedded
// count, rel(count) or rel(n:count): a bare "count" where the table has
// no such column.
func isCountItem(t *crm.Table, it pgrest.SelectItem) bool {
	_, isCol := t.Column(it.Field.Name)
	return it.Field.Name == "count" && len(it.Field.JSONPath) == 0 && !isCol
}

// checkCounts refuses counts mixed with columns in one embed: PostgREST
// renders rel(count) as an aggregate, which PostgreSQL refuses beside an
// ungrouped column (42803).
func checkCounts(p *plan) error {
	var count, col *planItem
	for i := range p.items {
		switch it := &p.items[i]; {
		case it.count != nil:
			count = it
		case it.col != nil || it.embed != nil && !it.embed.empty:
			col = it
		}
	}
	if count == nil || col == nil {
		return nil
	}
	name := ""
	if col.col != nil {
		name = p.table.Name + "." + col.col.col.Name
	} else {
		name = col.embed.out
	}
	hint := fmt.Sprintf("select the count alone, e.g. %s(count), and the columns in another embed: n:%s(count),%s(...)", p.table.Name, p.table.Name, p.table.Name)
	if p.depth == 0 {
		hint = "select=count alone counts the rows; to count beside columns, send Prefer: count=exact and read Content-Range"
	}
	return &crm.Error{Code: crm.SQLStateGrouping, Message: fmt.Sprintf("column \"%s\" must appear in the GROUP BY clause or be used in an aggregate function", name),
		Hint: hint}
}

// hasCounts reports whether p's items are counts (checkCounts allows
// nothing else beside them but empty embeds).
func hasCounts(p *plan) bool {
	return slices.ContainsFunc(p.items, func(it planItem) bool { return it.count != nil })
}

// readCount answers a read whose select is only counts, PostgREST's
// legacy deals?select=count: one row holding the number of matching rows
// (none past an offset or under limit=0). An order has nothing to sort
// and, as in PostgreSQL, is 42803.
func (rc *restCtx) readCount(ctx context.Context, q queryer, p *plan, req *Request) (*Result, error) {
	if len(p.mods.Order) > 0 {
		return nil, &crm.Error{Code: crm.SQLStateGrouping,
			Message: fmt.Sprintf("column \"%s.%s\" must appear in the GROUP BY clause or be used in an aggregate function", p.table.Name, p.mods.Order[0].Field.Name),
			Hint:    "drop order= from a count: it returns one row"}
	}
	b, err := rc.countSQL(p)
	if err != nil {
		return nil, err
	}
	var n int64
	if err := rc.s.queryRow(ctx, q, b.String(), b.Args...).Scan(&n); err != nil {
		return nil, fmt.Errorf("count %s: %w", p.table.Name, rc.d.Error(err))
	}
	res := &Result{Total: -1, Rows: []*Row{}}
	if req.Count {
		res.Total = n
	}
	if req.Offset == 0 && req.Limit != 0 {
		res.Rows = []*Row{countRow(p, n)}
	}
	return res, nil
}

// fetchCounts answers embed e of counts: for each parent key value in
// vals, one row of the count of its linked rows under the embed's
// filters (parents without any are left out; the caller gives them 0).
func (rc *restCtx) fetchCounts(ctx context.Context, q queryer, e *embedPlan, vals []string) (map[string][]*Row, error) {
	c := e.child
	link := c.alias + "." + e.rel.Foreign
	groups := map[string][]*Row{}
	for _, chunk := range chunks(vals, lookupChunk) {
		var b sqlstore.Builder
		b.Add("SELECT " + rc.d.ReadExpr(link, crm.KindUUID) + ", COUNT(*) FROM " + c.table.Name + " " + c.alias + " WHERE ")
		if err := rc.where(c, &b); err != nil {
			return nil, err
		}
		b.Add(" AND "+link+" IN ("+inList(len(chunk))+") GROUP BY "+link, bindAll(rc.d, columnKind(c.table, e.rel.Foreign), chunk)...)
		if err := rc.scanCounts(ctx, q, c, &b, groups); err != nil {
			return nil, err
		}
	}
	return groups, nil
}

func (rc *restCtx) scanCounts(ctx context.Context, q queryer, c *plan, b *sqlstore.Builder, groups map[string][]*Row) error {
	rs, err := rc.s.query(ctx, q, b.String(), b.Args...)
	if err != nil {
		return fmt.Errorf("count %s: %w", c.table.Name, err)
	}
	defer rs.Close()
	for rs.Next() {
		var rawKey, rawN any
		if err := rs.Scan(&rawKey, &rawN); err != nil {
			return err
		}
		k, err := rc.d.Decode(crm.KindUUID, rawKey)
		if err != nil {
			return err
		}
		n, err := rc.d.Decode(crm.KindInt, rawN)
		if err != nil {
			return err
		}
		key, _ := k.(string)
		groups[key] = []*Row{countRow(c, outValue(n).(int64))}
	}
	return rc.d.Error(rs.Err())
}

// countRow is the row of a count embed: each count item holding n, cast
// when asked (an integer casts to every type of casts).
func countRow(c *plan, n int64) *Row {
	r := &Row{}
	for _, it := range c.items {
		if it.count != nil {
			v, err := applyCast(n, it.count.cast)
			if it.count.cast == "" || err != nil {
				v = n
			}
			r.Keys = append(r.Keys, it.count.out)
			r.Vals = append(r.Vals, v)
		}
	}
	return r
}
