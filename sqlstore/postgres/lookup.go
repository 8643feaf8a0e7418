package postgres

import (
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

var _ sqlstore.ArrayLookup = Dialect{}

// InArrays implements sqlstore.ArrayLookup: one text array parameter per
// column, cast to the column's type on the server, so a lookup is one
// statement text (prepared once per connection) whatever the list's
// length. One column: col = ANY(?::text[]::T[]), an index scan with the
// array as keys. Several: a semi-join against unnest of the arrays, one
// index probe per tuple (an = ANY per column would make the btree visit
// every combination).
func (Dialect) InArrays(cols []string, kinds []crm.Kind, lists [][]string) (string, []any) {
	args := make([]any, len(lists))
	for i, l := range lists {
		if l == nil {
			l = []string{}
		}
		args[i] = l
	}
	arr := func(i int) string {
		if t := sqlType[kinds[i]]; t != "text" {
			return "?::text[]::" + t + "[]"
		}
		return "?::text[]"
	}
	if len(cols) == 1 {
		return cols[0] + " = ANY(" + arr(0) + ")", args
	}
	var b strings.Builder
	b.WriteString("(" + strings.Join(cols, ", ") + ") IN (SELECT * FROM unnest(")
	for i := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(arr(i))
	}
	b.WriteString("))")
	return b.String(), args
}
