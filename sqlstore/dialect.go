package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/shopspring/decimal"
)

// Dialect is everything that differs between SQLite and PostgreSQL. The
// store writes its SQL with "?" placeholders and portable syntax; a dialect
// rebinds placeholders, chooses how each kind of value is bound and read
// back, takes the workspace write lock and classifies driver errors.
// Implementations live in sqlstore/sqlite and sqlstore/postgres, one file
// each, so the differences can be read side by side.
type Dialect interface {
	// Name is "sqlite" or "postgres".
	Name() string
	// Rebind turns "?" placeholders into the driver's form.
	Rebind(query string) string
	// MaxParams is the most bound parameters one statement may carry.
	MaxParams() int

	// Bind converts a Go value of kind k into a driver argument:
	// string for text/uuid/date, decimal.Decimal, time.Time, bool,
	// []string for arrays, json.RawMessage for JSON.
	Bind(k crm.Kind, v any) any
	// ReadExpr is the SQL expression that reads column col (already
	// qualified and quoted) of kind k in the form Decode accepts.
	ReadExpr(col string, k crm.Kind) string
	// Decode converts a scanned driver value of kind k back to Go:
	// string, decimal.Decimal, int64, bool, time.Time, []string or
	// json.RawMessage; nil for NULL.
	Decode(k crm.Kind, src any) (any, error)

	// BeginWrite starts a transaction that may write rows of the
	// workspace, holding whatever lock makes the bulk endpoint's
	// check-then-insert steps safe against concurrent requests.
	BeginWrite(ctx context.Context, db *sql.DB, workspaceID string) (*sql.Tx, error)
	// Error classifies a driver error as a *crm.Error carrying the
	// PostgreSQL SQLSTATE PostgREST would show (23505, 23503, 23514, ...),
	// or returns err unchanged.
	Error(err error) error
}

// decimalOf and timeOf are small helpers for dialect Decode results.
func decimalOf(v any) decimal.Decimal {
	if d, ok := v.(decimal.Decimal); ok {
		return d
	}
	return decimal.Zero
}

func timeOf(v any) time.Time {
	if t, ok := v.(time.Time); ok {
		return t
	}
	return time.Time{}
}
