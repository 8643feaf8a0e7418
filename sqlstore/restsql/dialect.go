package restsql

import (
	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
)

// Dialect is the capability the REST engine needs of a dialect, kept
// as its own interface so a backend compiles before it has it; Engine.Rest
// answers 501-like errors (code PGRST127) without it.
type Dialect interface {
	sqlstore.Dialect
	// Everything else the renderer writes is portable SQL: comparisons,
	// IN lists, IS [NOT] NULL, IS DISTINCT FROM, NULLS FIRST/LAST,
	// LIMIT/OFFSET, EXISTS and IN subqueries.

	// PathExpr is the SQL reading a JSON path from col (a qualified
	// column of kind k, KindJSON or KindTextArray). A path whose last step
	// is ->> (Text) yields text, read back with Decode(KindText); else
	// JSON, read back with Decode(KindJSON). A missing key yields NULL.
	PathExpr(col string, k crm.Kind, path []pgrest.JSONStep) (sql string, args []any)
	// RestFilter renders the filter leaves whose SQL differs between
	// engines (sqlstore.RestFilter says which).
	sqlstore.FilterRenderer
}

// OrderCollator is an optional Dialect capability: the COLLATE
// clause (or "") that makes ORDER BY on a value of kind k sort as
// PostgreSQL sorts it (text[] element by element, jsonb in jsonb order).
type OrderCollator interface {
	OrderCollate(k crm.Kind) string
}

// SelectivityHinter is an optional Dialect capability for a planner that
// needs to be told that an IN list is selective: SQLite's statistics
// cannot tell a stage no deal is in from one every deal is in, and it
// walked the whole created_at index for
// stage=in.(won,qualified)&order=created_at.desc rather than reading each
// stage's newest rows from (stage, created_at).
type SelectivityHinter interface {
	// Selective wraps a boolean expression the planner should take as
	// matching few rows.
	Selective(expr string) string
}

// RestFilter is the filter leaf a dialect renders. It is defined in
// sqlstore because the board search renders the same leaves.
type RestFilter = sqlstore.RestFilter
