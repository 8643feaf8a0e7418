package crm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// Row is one row of a REST response: its keys in output order and their
// values (nil, string, int64, bool, Amount, []string,
// json.RawMessage, *Row or []*Row), rendered identically by every backend.
type Row struct {
	Keys []string
	Vals []any
}

// MarshalJSON writes the row as a JSON object with its keys in order.
func (r *Row) MarshalJSON() ([]byte, error) { return r.appendJSON(nil) }

// AppendJSON appends the row as a JSON object (the bulk endpoint's deal).
func (r *Row) AppendJSON(b []byte) ([]byte, error) { return r.appendJSON(b) }

// appendJSON appends the row as a JSON object. Written by hand: a GET of
// 50 rows spent a third of its time in reflection.
func (r *Row) appendJSON(b []byte) ([]byte, error) {
	if r == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '{')
	for i, k := range r.Keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendValue(b, r.Vals[i]); err != nil {
			return nil, fmt.Errorf("column %s: %w", k, err)
		}
	}
	return append(b, '}'), nil
}

// appendValue appends one value of a Row. PostgreSQL does not escape <, >
// and &, and neither does this.
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return AppendJSONString(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case Amount:
		return append(b, x.Decimal.String()...), nil
	case decimal.Decimal: // a record's value (the bulk endpoint's deal)
		return append(b, x.String()...), nil
	case json.RawMessage:
		if len(x) == 0 {
			return append(b, "null"...), nil
		}
		return append(b, x...), nil
	case []string:
		b = append(b, '[')
		for i, s := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONString(b, s)
		}
		return append(b, ']'), nil
	case *Row:
		return x.appendJSON(b)
	case []*Row:
		b = append(b, '[')
		for i, r := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = r.appendJSON(b); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}

// MarshalRows renders rows (a *Row or []*Row) as JSON the way the API
// shows them.
func MarshalRows(v any) ([]byte, error) { return appendValue(make([]byte, 0, 4096), v) }

// Get returns the value of key k.
func (r *Row) Get(k string) (any, bool) {
	for i, x := range r.Keys {
		if x == k {
			return r.Vals[i], true
		}
	}
	return nil, false
}

// Set sets the value of key k, when the row has it.
func (r *Row) Set(k string, v any) {
	for i, x := range r.Keys {
		if x == k {
			r.Vals[i] = v
			return
		}
	}
}

// OutValue turns a decoded value into its response form.
func OutValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return FormatTime(x)
	case decimal.Decimal:
		return Amount{Decimal: x}
	case int:
		return int64(x)
	}
	return v
}
