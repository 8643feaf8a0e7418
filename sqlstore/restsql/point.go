package restsql

import (
	"slices"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
)

// Point reads: a read whose rows are pinned, within the workspace, by an
// exact index lookup of its filter's values runs on the backend's point
// pool (PointReader), where a statement's plan may be cached: such a
// plan cannot depend on the values (one index lookup, whatever they are),
// so planning it on every execution buys nothing. Every other read keeps
// the planning of its values. This file is the one place that decides.

// PointReader is an optional Backend capability: the pool the reads
// pointRead accepts run on. A backend without one, or whose PointReader
// is its Reader, serves them like any read.
type PointReader interface {
	PointReader() sqlstore.Queryer
}

// pointRead reports whether plan p is a point read: a plain read of one
// table (no embeds, no counts, no element join) whose top-level
// conditions (all ANDed by PostgREST) include, unnegated and without a
// JSON path or modifier, either
//
//   - eq on every column of a unique key (id, or one of Table.Unique), or
//   - cs with at least one element on an identifier column, which
//     where.go answers from the identifier table's exact index
//     (workspace_id, kind, value).
//
// The other conditions only filter the row or rows that lookup yields.
func pointRead(p *plan) bool {
	if len(p.embeds) > 0 || hasCounts(p) || p.elemJoin != nil || p.mods == nil {
		return false
	}
	eq := map[string]bool{}
	for _, c := range p.mods.Where {
		f := c.Filter
		if !c.IsLeaf() || f.Negate || f.Modifier != "" || len(f.Field.JSONPath) > 0 {
			continue
		}
		col, ok := p.table.Column(f.Field.Name)
		if !ok {
			continue
		}
		switch f.Op {
		case pgrest.OpEq:
			eq[col.Name] = true
		case pgrest.OpCs:
			if identifierLookup(p.table, col, f.Value) {
				return true
			}
		}
	}
	if eq["id"] {
		return true
	}
	return slices.ContainsFunc(p.table.Unique, func(key []string) bool {
		return len(key) > 0 && !slices.ContainsFunc(key, func(c string) bool { return !eq[c] })
	})
}

// identifierLookup reports whether cs with operand v on column c of t is
// answered from t's identifier index by at least one value (contains in
// where.go; no element is TRUE, not a lookup).
func identifierLookup(t *crm.Table, c *crm.Column, v string) bool {
	if t.Identifiers == nil || c.Identifier == "" || c.Kind != crm.KindTextArray {
		return false
	}
	elems, err := pgrest.ParseArrayOperand(v)
	return err == nil && len(elems) > 0
}

// pointPool is the pool a read of plan p runs on when it is a point read
// and the backend has a PointReader; else nil.
func (rc *restCtx) pointPool(p *plan) queryer {
	if pr, ok := rc.s.b.(PointReader); ok && pointRead(p) {
		return pr.PointReader()
	}
	return nil
}

// readerFor is the pool a read of plan p runs on: its point pool, else q
// (the backend's Reader).
func (rc *restCtx) readerFor(p *plan, q queryer) queryer {
	if pq := rc.pointPool(p); pq != nil {
		return pq
	}
	return q
}
