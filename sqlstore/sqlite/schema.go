package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

var _ sqlstore.SchemaReader = Dialect{}

// columnTypes is the declared type of each kind in the migrations: text,
// dates, JSON and arrays are TEXT; integers, booleans, money (units of
// 10^-4) and timestamps (microseconds since the epoch) are INTEGER; ids
// are 16-byte BLOBs (migrations/00011, storage.go).
var columnTypes = [...]string{
	crm.KindUUID: "blob", crm.KindText: "text", crm.KindInt: "integer", crm.KindDecimal: "integer",
	crm.KindBool: "integer", crm.KindDate: "text", crm.KindTime: "integer", crm.KindJSON: "text", crm.KindTextArray: "text",
}

// ColumnType implements sqlstore.SchemaReader.
func (Dialect) ColumnType(k crm.Kind) string { return columnTypes[k] }

// TableColumns implements sqlstore.SchemaReader from PRAGMA table_info;
// an INTEGER PRIMARY KEY of its own (the rowid alias deals.rid) is left
// out, not an integer that begins a longer key (workspace_id).
func (Dialect) TableColumns(ctx context.Context, db *sql.DB, table string) ([]sqlstore.DBColumn, error) {
	rows, err := db.QueryContext(ctx, `SELECT name, type, "notnull", dflt_value IS NOT NULL, pk,
		(SELECT COUNT(*) FROM pragma_table_info(?) WHERE pk > 0) FROM pragma_table_info(?)`, table, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sqlstore.DBColumn
	for rows.Next() {
		var c sqlstore.DBColumn
		var pk, pkCols int
		if err := rows.Scan(&c.Name, &c.Type, &c.NotNull, &c.HasDefault, &pk, &pkCols); err != nil {
			return nil, err
		}
		c.Type = strings.ToLower(c.Type)
		if pk == 1 && pkCols == 1 && c.Type == "integer" {
			continue
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
