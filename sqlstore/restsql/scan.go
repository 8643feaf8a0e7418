package restsql

import (
	"context"
	"fmt"
	"slices"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

// Reading a plan's rows: the SELECT run, each row decoded and laid out.

// pendingRow is a row read but not yet assembled: its cells (embeds
// still to fill), its key columns' values and the estimated JSON bytes
// of its own columns.
type pendingRow struct {
	cells []any
	keys  map[string]string
	size  int
}

// run executes the SELECT in b (written by selectList and friends),
// assembles the rows and resolves their embeds. keyVals holds each row's
// values of the plan's key columns (the links to embeds and the parent;
// nil when the plan has none).
func (rc *restCtx) run(ctx context.Context, q queryer, p *plan, b *sqlstore.Builder) (rows []*Row, keyVals []map[string]string, err error) {
	return rc.runSQL(ctx, q, p, rc.d.Rebind(b.String()), b.Args)
}

// runSQL is run of a statement already rebound for the dialect.
func (rc *restCtx) runSQL(ctx context.Context, q queryer, p *plan, query string, args []any) (rows []*Row, keyVals []map[string]string, err error) {
	all, err := rc.scanRows(ctx, q, p, query, args)
	if err != nil {
		return nil, nil, err
	}
	for i, it := range p.items {
		if it.embed != nil && !it.embed.empty {
			if err := rc.fillEmbed(ctx, q, it.embed, i, all); err != nil {
				return nil, nil, err
			}
		}
	}
	rows = make([]*Row, len(all))
	if len(p.keys) > 0 { // else every row's keys are nil
		keyVals = make([]map[string]string, len(all))
	}
	var level rowCost
	for n, pr := range all {
		rows[n] = finalize(p, pr.cells)
		if keyVals != nil {
			keyVals[n] = pr.keys
		}
		if err := rc.budget.charge(&level, p, rows[n], pr.size, pr.cells); err != nil {
			return nil, nil, err
		}
	}
	return rows, keyVals, nil
}

// scanRows runs the SELECT query (rebound) and reads its rows, each
// charged to the request's budget as it comes.
func (rc *restCtx) scanRows(ctx context.Context, q queryer, p *plan, query string, args []any) ([]pendingRow, error) {
	rs, err := rc.s.queryRebound(ctx, q, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p.table.Name, err)
	}
	defer rs.Close()
	ncols, embedSize := 0, 2
	for _, it := range p.items {
		if it.col != nil {
			ncols++
		}
		if it.embed != nil {
			embedSize += len(it.embed.out) + 4
		}
	}
	width := max(ncols+len(p.keys), 1)
	cells := make([]any, 2*width) // the scanned values, then pointers to them
	raw, ptrs := cells[:width:width], cells[width:]
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	var all []pendingRow
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		pr, err := rc.decodeRow(p, raw, embedSize)
		if err != nil {
			return nil, err
		}
		if err := rc.budget.spend(p, pr.size); err != nil {
			return nil, err
		}
		all = append(all, pr)
	}
	if err := rs.Err(); err != nil {
		return nil, rc.d.Error(err)
	}
	return all, nil
}

// decodeRow decodes one scanned row: its columns (cast when asked) and
// then its key columns, in the order selectList wrote them.
func (rc *restCtx) decodeRow(p *plan, raw []any, size int) (pendingRow, error) {
	pr := pendingRow{cells: make([]any, len(p.items))}
	if len(p.keys) > 0 {
		pr.keys = make(map[string]string, len(p.keys))
	}
	j := 0
	for i, it := range p.items {
		if it.col == nil {
			continue
		}
		v, err := rc.d.Decode(it.col.kind, raw[j])
		if err != nil {
			return pr, fmt.Errorf("read %s.%s: %w", p.table.Name, it.col.col.Name, err)
		}
		v = outValue(v)
		if it.col.cast != "" {
			if v, err = applyCast(v, it.col.cast); err != nil {
				return pr, err
			}
		}
		pr.cells[i] = v
		size += len(it.col.out) + 4 + cellSize(v)
		j++
	}
	for _, k := range p.keys {
		v, err := rc.d.Decode(crm.KindUUID, raw[j])
		if err != nil {
			return pr, err
		}
		if s, ok := v.(string); ok {
			pr.keys[k] = s
		}
		j++
	}
	pr.size = size
	return pr, nil
}

// finalize lays out a row's cells as its output keys (spreads inlined).
// A plan of columns only keeps the cells as the row's values.
func finalize(p *plan, cells []any) *Row {
	if len(p.embeds) == 0 && !slices.ContainsFunc(p.items, func(it planItem) bool { return it.col == nil }) {
		r := &Row{Keys: make([]string, len(p.items)), Vals: cells}
		for i, it := range p.items {
			r.Keys[i] = it.col.out
		}
		return r
	}
	r := &Row{Keys: make([]string, 0, len(cells)), Vals: make([]any, 0, len(cells))}
	for i, it := range p.items {
		if it.col != nil {
			r.Keys = append(r.Keys, it.col.out)
			r.Vals = append(r.Vals, cells[i])
			continue
		}
		if it.count != nil || it.embed.empty {
			continue
		}
		if it.embed.spread {
			if sub, _ := cells[i].(*Row); sub != nil {
				r.Keys = append(r.Keys, sub.Keys...)
				r.Vals = append(r.Vals, sub.Vals...)
			} else {
				for _, ci := range it.embed.child.items {
					if ci.col != nil {
						r.Keys = append(r.Keys, ci.col.out)
						r.Vals = append(r.Vals, nil)
					}
				}
			}
			continue
		}
		r.Keys = append(r.Keys, it.embed.out)
		r.Vals = append(r.Vals, cells[i])
	}
	return r
}
