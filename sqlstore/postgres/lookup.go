package postgres

import (
	"context"
	"database/sql"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

var (
	_ sqlstore.ArrayLookup     = Dialect{}
	_ sqlstore.PairLookupScope = Dialect{}
)

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

// ScopePairLookup implements sqlstore.PairLookupScope: the skip_if_exists
// look-up runs with enable_bitmapscan off, which rules out the trigram
// GIN on deals.title (GIN has bitmap scans only) and leaves the btree
// deals_contact_title or a hash join. pg_trgm's GIN serves "=", and the
// planner costed a probe of it (rows=1) below one of the btree: at
// ~80,000 deals a 10,000-deal request's look-up took that plan and ran
// 55-84 s (every "Order N" title shares most trigrams, so each of 5,000
// probes rechecked most of the table) instead of 10-17 ms. The setting
// is the transaction's until the look-up ends, then back to the
// connection's.
func (Dialect) ScopePairLookup(ctx context.Context, tx *sql.Tx, look func() error) error {
	if _, err := tx.ExecContext(ctx, `SET LOCAL enable_bitmapscan = off`); err != nil {
		return err
	}
	if err := look(); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `SET LOCAL enable_bitmapscan TO DEFAULT`)
	return err
}
