package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/shopspring/decimal"
)

// sqlType is the column type of each kind in this schema.
var sqlType = [...]string{
	crm.KindUUID:      "uuid",
	crm.KindText:      "text",
	crm.KindInt:       "integer",
	crm.KindDecimal:   "numeric",
	crm.KindBool:      "boolean",
	crm.KindDate:      "date",
	crm.KindTime:      "timestamptz",
	crm.KindJSON:      "jsonb",
	crm.KindTextArray: "text[]",
}

// insertSQL caches the statement text per table and column list, so each
// connection prepares it once.
var insertSQL sync.Map // string -> string

// InsertRows implements sqlstore.RowInserter: all rows of one table in
// one statement. From genericPlanMin rows on, COPY FROM STDIN in text
// format, streamed as the rows are rendered (copyRows); fewer rows go in
// one round trip as
//
//	INSERT INTO t (a, b, c) SELECT u.a::uuid, $3::timestamptz, u.b::numeric
//	FROM unnest($1::text[], $2::text[]) AS u(a, b)
//
// with one text array per column whose values differ and one scalar for a
// column whose rows all hold the same value (workspace_id, timestamps,
// stage, currency in a typical request). Every value travels as text and
// is cast (COPY: read) by the server, so one code path serves every type,
// and an array column travels as its array literal (unnest of a
// two-dimensional array would flatten it).
//
// Why COPY for many rows: the server's work per row is the same as the
// unnest INSERT's (measured alternated, same rows: 264-367 ms against
// 272-390 ms of backend CPU per 10,000 deals; the indexes and foreign-key
// checks are most of it), but COPY takes the rows as they are rendered,
// so the server inserts the first rows while Go renders the rest, and the
// statement needs no parameter arrays (pgx encoded 16 arrays of 10,000
// strings for a deals insert). pgx's binary CopyFrom cost ~95 ms of Go
// CPU per 10,000 deals (reflection per value) for no less server work.
//
// The foreign-key checks PostgreSQL runs per inserted row are cached
// plans: under the connection's force_custom_plan each one is planned
// again, which was most of a 10,000-deal insert (~30-45 us per check,
// four checks per deal; 3-4 us with a generic plan). For the COPY only,
// they may use generic plans: "SET LOCAL plan_cache_mode = auto; DISCARD
// PLANS" goes first in the same query, so that no generic plan built
// earlier, while a table was small (a seq scan, or a scan of
// contacts_created filtering on id: measured 0.6 ms per check), is
// reused as the table grows (the trap noted in postgres.go): each
// statement's checks build their generic plan after five custom ones,
// from the table sizes of that moment. The next round trip resets the
// connection's setting.
func (Dialect) InsertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, kinds []crm.Kind, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if len(rows) >= genericPlanMin {
		return copyRows(ctx, tx, table, cols, rows)
	}
	cells, err := textCells(table, cols, rows)
	if err != nil {
		return err
	}
	args, constant, key := insertArgs(table, cols, len(rows), cells)
	q, ok := insertSQL.Load(key)
	if !ok {
		q, _ = insertSQL.LoadOrStore(key, unnestInsert(table, cols, kinds, constant))
	}
	_, err = tx.ExecContext(ctx, q.(string), args...)
	return err
}

// textCells renders every cell as PostgreSQL text, row after row (nil:
// NULL), with one allocation for all the text.
func textCells(table string, cols []string, rows [][]any) ([]*string, error) {
	cells := make([]*string, len(rows)*len(cols))
	text := make([]string, len(rows)*len(cols))
	for r, row := range rows {
		if len(row) != len(cols) {
			return nil, fmt.Errorf("insert %s: row %d has %d values for %d columns", table, r, len(row), len(cols))
		}
		for c, v := range row {
			s, null, err := cellText(v)
			if err != nil {
				return nil, fmt.Errorf("insert %s.%s: %w", table, cols[c], err)
			}
			if !null {
				i := r*len(cols) + c
				text[i] = s
				cells[i] = &text[i]
			}
		}
	}
	return cells, nil
}

// insertArgs makes one argument per column: a scalar when every row holds
// the same value (constant[c]), else the column's array. key names the
// statement's shape (which columns are scalars), its cache key.
func insertArgs(table string, cols []string, nrows int, cells []*string) (args []any, constant []bool, key string) {
	constant = make([]bool, len(cols))
	args = make([]any, len(cols))
	var shape strings.Builder
	shape.WriteString(table)
	for c := range cols {
		constant[c] = true
		first := cells[c]
		for r := 1; r < nrows && constant[c]; r++ {
			x := cells[r*len(cols)+c]
			constant[c] = (x == nil) == (first == nil) && (x == nil || *x == *first)
		}
		if constant[c] {
			args[c] = first
			shape.WriteString(",=" + cols[c])
			continue
		}
		col := make([]*string, nrows)
		for r := range col {
			col[r] = cells[r*len(cols)+c]
		}
		args[c] = col
		shape.WriteString("," + cols[c])
	}
	return args, constant, shape.String()
}

// genericPlanMin is the row count from which InsertRows sends COPY and
// lets the foreign-key checks use generic plans: below it the extra round
// trip costs more than the planning it saves.
const genericPlanMin = 64

// unnestInsert writes the statement for InsertRows: parameter i+1 is
// column i, a scalar where constant[i], else a text array.
func unnestInsert(table string, cols []string, kinds []crm.Kind, constant []bool) string {
	var sel, params, names strings.Builder
	for i, c := range cols {
		if i > 0 {
			sel.WriteString(", ")
		}
		p := "$" + strconv.Itoa(i+1)
		if constant[i] {
			sel.WriteString(p + "::text")
		} else {
			sel.WriteString("u." + c)
			if params.Len() > 0 {
				params.WriteString(", ")
				names.WriteString(", ")
			}
			params.WriteString(p + "::text[]")
			names.WriteString(c)
		}
		if t := sqlType[kinds[i]]; t != "text" {
			sel.WriteString("::" + t)
		}
	}
	q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") SELECT " + sel.String()
	if params.Len() > 0 {
		q += " FROM unnest(" + params.String() + ") AS u(" + names.String() + ")"
	}
	return q
}

// cellText renders a bound value as PostgreSQL text input.
func cellText(v any) (s string, null bool, err error) {
	switch x := v.(type) {
	case nil:
		return "", true, nil
	case string:
		return x, false, nil
	case *string:
		if x == nil {
			return "", true, nil
		}
		return *x, false, nil
	case []string:
		return arrayLiteral(x), false, nil
	case json.RawMessage:
		if x == nil {
			return "", true, nil
		}
		return string(x), false, nil
	case []byte:
		return string(x), false, nil
	case decimal.Decimal:
		return x.String(), false, nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), false, nil
	case bool:
		return strconv.FormatBool(x), false, nil
	case int:
		return strconv.Itoa(x), false, nil
	case int32:
		return strconv.FormatInt(int64(x), 10), false, nil
	case int64:
		return strconv.FormatInt(x, 10), false, nil
	case *int:
		if x == nil {
			return "", true, nil
		}
		return strconv.Itoa(*x), false, nil
	}
	return "", false, fmt.Errorf("cannot send %T as text", v)
}
