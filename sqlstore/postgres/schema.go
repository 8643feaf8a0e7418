package postgres

import (
	"context"
	"database/sql"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

var _ sqlstore.SchemaReader = Dialect{}

// ColumnType implements sqlstore.SchemaReader: PostgreSQL's name of the
// kind's type, as format_type prints it (numeric without its precision).
func (Dialect) ColumnType(k crm.Kind) string { return k.String() }

// TableColumns implements sqlstore.SchemaReader from pg_attribute, for
// the table of that name on the search path.
func (Dialect) TableColumns(ctx context.Context, db *sql.DB, table string) ([]sqlstore.DBColumn, error) {
	rows, err := db.QueryContext(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.atthasdef
		FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sqlstore.DBColumn
	for rows.Next() {
		var c sqlstore.DBColumn
		if err := rows.Scan(&c.Name, &c.Type, &c.NotNull, &c.HasDefault); err != nil {
			return nil, err
		}
		if i := strings.IndexByte(c.Type, '('); i > 0 {
			c.Type = c.Type[:i]
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
