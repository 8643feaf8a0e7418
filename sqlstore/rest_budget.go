package sqlstore

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

// rowBudget counts what a request has read.
type rowBudget struct {
	rows, bytes int64
}

// spend counts one row of n estimated bytes read for table.
func (b *rowBudget) spend(table string, n int) error {
	b.rows++
	b.bytes += int64(n)
	switch {
	case b.rows > MaxResponseRows:
		return &crm.Error{Code: CodeResponseTooLarge,
			Message: fmt.Sprintf("the response would hold more than %d rows (MaxResponseRows), embedded rows included", MaxResponseRows),
			Details: fmt.Sprintf("the limit was passed while reading %s", table),
			Hint:    "read fewer parent rows at a time (limit=10, or Range), filter the embedded rows (deals.stage=eq.won), or embed fewer levels"}
	case b.bytes > MaxResponseBytes:
		return &crm.Error{Code: CodeResponseTooLarge,
			Message: fmt.Sprintf("the response would be larger than %d MB (MaxResponseBytes)", MaxResponseBytes>>20),
			Details: fmt.Sprintf("the limit was passed while reading %s, after %d rows", table, b.rows),
			Hint:    "select fewer columns, read fewer rows at a time (limit=, or Range), or embed fewer levels"}
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
