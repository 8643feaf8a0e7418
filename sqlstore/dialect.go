package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
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

// WorkspaceKeyer is the Dialect capability of storing a workspace, in
// every other table's workspace_id, as a small integer key of the
// workspaces table (column WorkspaceKeyColumn) instead of its UUID: on
// SQLite the UUID as text was a third of the file. The API, the CLI and
// the other dialects keep the UUID; Store.WorkspaceArg is the one place
// that turns it into what is bound.
type WorkspaceKeyer interface {
	// WorkspaceKeyColumn is the workspaces column, an integer that no
	// second workspace ever gets, that workspace_id refers to.
	WorkspaceKeyColumn() string
}

// FilterRenderer is the Dialect capability of rendering a RestFilter:
// the REST engine (sqlstore/restsql) and the board search both use it.
type FilterRenderer interface {
	// RestFilter renders the one filter leaf whose SQL differs between
	// engines (see RestFilter for which) as a boolean SQL expression.
	// Errors are *crm.Error (22P02 for an operand the engine rejects).
	RestFilter(f RestFilter) (sql string, args []any, err error)
}

// RestFilter is a filter leaf that FilterRenderer.RestFilter renders:
//   - like, ilike on text (Pattern is a LIKE pattern: % and _ are
//     wildcards, backslash escapes; PostgreSQL LIKE semantics, so like is
//     case-sensitive);
//   - match, imatch (Pattern is a POSIX-style regular expression that
//     pgtext compiles);
//   - fts, plfts, phfts, wfts (Pattern is the query text, which pgtext
//     parses, Config the text-search configuration: one of pgtext.Configs);
//   - cs, cd, ov on a text array (Elems, already normalised);
//   - cs, cd on JSON (JSON is the operand document);
//   - eq, neq, gt, gte, lt, lte on a JSON value: the column itself when
//     Kind is KindJSON and Path is empty, or a path ending in -> (JSON is
//     the operand, compared as jsonb compares).
//
// Col is the qualified column; Path, when set, applies to it first (the
// like/match/fts operators then get a path ending in ->>).
type RestFilter struct {
	Op pgrest.Operator
	// Search is Col's declared search index (crm.Column.Search), set
	// when Col is the column itself: like and ilike may use it.
	Search crm.TextSearch
	// Workspace is the request's workspace as workspace_id binds it
	// (Store.WorkspaceArg), for a search index kept per workspace
	// (SQLite's title trigrams).
	Workspace any
	Alias     string // its alias in the query
	Col       string
	Kind      crm.Kind
	Path      []pgrest.JSONStep
	Pattern   string
	Config    string
	Elems     []string
	JSON      json.RawMessage
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
