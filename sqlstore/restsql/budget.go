package restsql

import (
	"encoding/json"
	"fmt"

	"github.com/connectgain/server/crm"
)

// Bounds of one REST response, embedded rows included. MaxRows caps the
// top level only; an embedding could still multiply it (one contact with
// 3,002 deals made contacts?select=id,deals(id,contacts(id,deals(id)))
// answer 415 MB). Reads stop as soon as either bound is passed.
const (
	// MaxResponseRows bounds the rows read for one response, at every
	// level of embedding together.
	MaxResponseRows = 20000
	// MaxResponseBytes bounds the values read for one response (an
	// estimate of its JSON size, counted while reading).
	MaxResponseBytes = 32 << 20
)

// CodeResponseTooLarge is the 400 of a response past a bound.
const CodeResponseTooLarge = "response_too_large"

// rowBudget counts what a request has read, and what its response
// holds: embedded groups are shared between parents (every deal of one
// contact embeds the same contacts(deals) group), so a response can hold
// far more rows than were read. costs remembers each row's size with
// everything embedded in it.
type rowBudget struct {
	read  rowCost
	costs map[*Row]rowCost
	// writtenFree: the top-level rows of a write's representation (the
	// rows written, bounded by the body) count bytes but not rows.
	writtenFree bool
}

// rowCost is a count of rows and estimated JSON bytes.
type rowCost struct {
	rows, bytes int64
}

func (c *rowCost) add(o rowCost) { c.rows += o.rows; c.bytes += o.bytes }

// spend counts one row of n estimated bytes read for plan p.
func (b *rowBudget) spend(p *plan, n int) error {
	b.read.add(rowCost{b.rowsOf(p), int64(n)})
	return b.read.check(p.table.Name)
}

func (b *rowBudget) rowsOf(p *plan) int64 {
	if b.writtenFree && p.depth == 0 {
		return 0
	}
	return 1
}

// charge records row's cost (its own size plus its embedded rows') and
// adds it to level, the total of its level of the response.
func (b *rowBudget) charge(level *rowCost, p *plan, row *Row, size int, cells []any) error {
	c := rowCost{rows: b.rowsOf(p), bytes: int64(size)}
	for i, it := range p.items {
		if it.embed == nil {
			continue
		}
		switch v := cells[i].(type) {
		case *Row:
			c.add(b.costs[v])
		case []*Row:
			for _, r := range v {
				c.add(b.costs[r])
			}
		}
	}
	if p.depth > 0 { // only an embedded row's cost is looked up again, by its parent's
		if b.costs == nil {
			b.costs = map[*Row]rowCost{}
		}
		b.costs[row] = c
	}
	level.add(c)
	return level.check(p.table.Name)
}

// check is the 400 of a count past a bound.
func (c rowCost) check(table string) error {
	switch {
	case c.rows > MaxResponseRows:
		return &crm.Error{Code: CodeResponseTooLarge,
			Message: fmt.Sprintf("the response would hold more than %d rows (MaxResponseRows), embedded rows included", MaxResponseRows),
			Details: fmt.Sprintf("the limit was passed while reading %s", table),
			Hint:    "read fewer parent rows at a time (limit=10, or Range), filter the embedded rows (deals.stage=eq.won), or embed fewer levels"}
	case c.bytes > MaxResponseBytes:
		return &crm.Error{Code: CodeResponseTooLarge,
			Message: fmt.Sprintf("the response would be larger than %d MB (MaxResponseBytes)", MaxResponseBytes>>20),
			Details: fmt.Sprintf("the limit was passed while reading %s, after %d rows", table, c.rows),
			Hint:    "select fewer columns, read fewer rows at a time (limit=, or Range), or embed fewer levels; a write can answer with Prefer: return=minimal"}
	}
	return nil
}

// cellSize estimates the JSON bytes of one response value.
func cellSize(v any) int {
	switch x := v.(type) {
	case string:
		return len(x) + 2
	case json.RawMessage:
		return len(x)
	case []string:
		n := 2
		for _, s := range x {
			n += len(s) + 3
		}
		return n
	}
	return 8
}
