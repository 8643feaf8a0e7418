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

// RestFilter is the filter leaf a dialect renders. It is defined in
// sqlstore because the board search renders the same leaves.
type RestFilter = sqlstore.RestFilter
