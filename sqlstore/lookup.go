package sqlstore

import (
	"strings"

	"github.com/connectgain/server/crm"
)

// ArrayLookup is an optional Dialect capability: test a column, or a tuple
// of columns, against a list bound as one array parameter per column
// (PostgreSQL: col = ANY(?::text[]), or (a, b) IN (SELECT * FROM
// unnest(?, ?))). The bulk ingest's lookups then send one statement per
// list whatever its length: with IN (?,?,...) every distinct length is a
// new statement text, which the driver prepares (a round trip) and the
// server plans anew, and long lists are cut into chunks of lookupChunk.
// Without it the lookups send IN lists.
type ArrayLookup interface {
	// InArrays returns a boolean SQL condition, with "?" placeholders,
	// that holds when the tuple cols (qualified columns of kinds kinds)
	// equals (lists[0][i], lists[1][i], ...) for some i, and the values
	// to bind for it. The lists have equal lengths and hold values in the
	// form Bind accepts for their kinds.
	InArrays(cols []string, kinds []crm.Kind, lists [][]string) (sql string, args []any)
}

// lookupChunks splits a lookup list into the lists one statement carries:
// all of it when the dialect binds arrays, else IN lists of lookupChunk.
func (s *Store) lookupChunks(vals []string) [][]string {
	if _, ok := s.d.(ArrayLookup); ok {
		if len(vals) == 0 {
			return nil
		}
		return [][]string{vals}
	}
	return chunks(vals, lookupChunk)
}

// inCond renders "col IN (?,?,...)", or the dialect's array form.
func (s *Store) inCond(col string, k crm.Kind, vals []string) (string, []any) {
	if al, ok := s.d.(ArrayLookup); ok {
		return al.InArrays([]string{col}, []crm.Kind{k}, [][]string{vals})
	}
	return col + " IN (" + inList(len(vals)) + ")", BindAll(s.d, k, vals)
}

// pairCond renders the condition that (colA, colB) is one of pairs: with
// ArrayLookup exactly, else as colA IN (...) AND colB IN (...) (a
// superset the caller filters).
func (s *Store) pairCond(colA string, kA crm.Kind, colB string, kB crm.Kind, pairs []pairKey) (string, []any) {
	if al, ok := s.d.(ArrayLookup); ok {
		as, bs := make([]string, len(pairs)), make([]string, len(pairs))
		for i, p := range pairs {
			as[i], bs[i] = p.contact, p.title
		}
		return al.InArrays([]string{colA, colB}, []crm.Kind{kA, kB}, [][]string{as, bs})
	}
	cs, ts := map[string]bool{}, map[string]bool{}
	var cl, tl []string
	for _, p := range pairs {
		if !cs[p.contact] {
			cs[p.contact] = true
			cl = append(cl, p.contact)
		}
		if !ts[p.title] {
			ts[p.title] = true
			tl = append(tl, p.title)
		}
	}
	var b strings.Builder
	b.WriteString(colA + " IN (" + inList(len(cl)) + ") AND " + colB + " IN (" + inList(len(tl)) + ")")
	return b.String(), append(BindAll(s.d, kA, cl), BindAll(s.d, kB, tl)...)
}

// pairChunk is how many pairs one existingDeals statement carries.
func (s *Store) pairChunk(n int) int {
	if _, ok := s.d.(ArrayLookup); ok {
		return max(n, 1)
	}
	return lookupChunk / 2
}
