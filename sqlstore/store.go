// Package sqlstore keeps ConnectGain's data in a SQL database: workspaces,
// keys, sessions, pipelines, the bulk deal ingest, the board, and the
// record writes every path shares. Its SQL is portable; what differs
// between engines sits behind Dialect. The REST engine that runs
// PostgREST queries on it is sqlstore/restsql.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/connectgain/server/crm"
)

// Store is the database behind the server. Reads and writes may use
// different pools: SQLite wants one writer connection and many readers.
type Store struct {
	read  *sql.DB
	write *sql.DB
	// point is the pool of the REST engine's point reads (PointReader);
	// nil: they run on read.
	point *sql.DB
	d     Dialect
	// schema describes the tables (crm.DefaultSchema unless a test sets
	// another with SetSchema).
	schema *crm.Schema
	// tableSQL caches, per *crm.Table, its insert column list (record.go).
	tableSQL sync.Map
	// Now is the clock; tests may replace it.
	Now   func() time.Time
	stats writeStats
	stmts *stmtCache // prepared read statements; nil: none kept
	// wsKeys maps a workspace's UUID to its key when the dialect is a
	// WorkspaceKeyer (workspace.go).
	wsKeys sync.Map
}

// New returns a store over the two pools (they may be the same).
func New(read, write *sql.DB, d Dialect) *Store {
	s := &Store{read: read, write: write, d: d, Now: time.Now, schema: crm.DefaultSchema}
	if c, ok := d.(StatementCacher); ok && c.CacheStatements() {
		s.stmts = &stmtCache{}
	}
	return s
}

// SetPointReader gives the store a pool of its own for the REST engine's
// point reads (restsql.PointReader; the PostgreSQL backend's runs with
// cached plans), before it serves requests. Close closes it.
func (s *Store) SetPointReader(db *sql.DB) { s.point = db }

// PointReader is the pool of the REST engine's point reads
// (restsql.PointReader): the one SetPointReader gave, else Reader.
func (s *Store) PointReader() Queryer {
	if s.point != nil {
		return s.point
	}
	return s.Reader()
}

// Schema returns the description of the tables the store serves.
func (s *Store) Schema() *crm.Schema { return s.schema }

// SetSchema replaces the description of the tables, before the store
// serves requests: a test adds a column to its copy of the tables and to
// its database, and sees it everywhere.
func (s *Store) SetSchema(sc *crm.Schema) { s.schema = sc }

// columnSearch is the declared search index of a column of the schema
// (none for an expression that is not a column).
func (s *Store) columnSearch(table, col string) crm.TextSearch {
	if c, ok := s.schema.MustTable(table).Column(col); ok {
		return c.Search
	}
	return crm.TextSearch{}
}

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.d }

// Close closes both pools.
func (s *Store) Close() error {
	var err error
	if s.stmts != nil {
		err = s.stmts.close()
	}
	err = errors.Join(err, s.write.Close())
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	if s.point != nil {
		err = errors.Join(err, s.point.Close())
	}
	return err
}

// Ping checks that the database answers (for /readyz).
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// newID returns a time-ordered UUID (v7).
func newID() string { return crm.NewID() }

// Queryer is what *sql.DB and *sql.Tx share.
type Queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type queryer = Queryer

func (s *Store) exec(ctx context.Context, q queryer, query string, args ...any) (sql.Result, error) {
	r, err := q.ExecContext(ctx, s.d.Rebind(query), args...)
	if err != nil {
		return nil, s.d.Error(err)
	}
	return r, nil
}

func (s *Store) query(ctx context.Context, q queryer, query string, args ...any) (*sql.Rows, error) {
	query = s.d.Rebind(query)
	if st := s.readStmt(ctx, q, query); st != nil {
		r, err := st.QueryContext(ctx, args...)
		if err != nil {
			return nil, s.d.Error(err)
		}
		return r, nil
	}
	r, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.d.Error(err)
	}
	return r, nil
}

func (s *Store) queryRow(ctx context.Context, q queryer, query string, args ...any) *sql.Row {
	query = s.d.Rebind(query)
	if st := s.readStmt(ctx, q, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.QueryRowContext(ctx, query, args...)
}

// inWrite runs fn in a write transaction for the workspace and commits
// when fn returns nil.
func (s *Store) inWrite(ctx context.Context, workspaceID string, fn func(tx *sql.Tx) error) error {
	change := s.changeStmt(ctx) // the board's version (board.go)
	tx, err := s.d.BeginWrite(ctx, s.write, workspaceID)
	if err != nil {
		return fmt.Errorf("begin: %w", s.d.Error(err))
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := s.noteChange(ctx, tx, change, workspaceID); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := s.markCommitted(ctx, tx); err != nil { // Idempotency-Key (idempotency.go)
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", s.d.Error(err))
	}
	return nil
}

// placeholders returns "(?,?,?),(?,?,?)" for rows rows of n columns.
func placeholders(rows, n int) string {
	one := make([]byte, 0, 2*n+1)
	one = append(one, '(')
	for i := 0; i < n; i++ {
		if i > 0 {
			one = append(one, ',')
		}
		one = append(one, '?')
	}
	one = append(one, ')')
	b := make([]byte, 0, rows*(len(one)+1))
	for i := 0; i < rows; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, one...)
	}
	return string(b)
}

// inList returns "?,?,?" for n values.
func inList(n int) string {
	b := make([]byte, 0, 2*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
	}
	return string(b)
}

// CountForTest runs a COUNT query (with "?" placeholders) directly, for
// tests that check what is stored without going through the API.
func (s *Store) CountForTest(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := s.queryRow(ctx, s.read, query, args...).Scan(&n)
	return n, err
}

// QueryRowForTest runs a query directly, for tests.
func (s *Store) QueryRowForTest(ctx context.Context, query string, args ...any) *sql.Row {
	return s.queryRow(ctx, s.read, query, args...)
}

// QueryForTest runs a query directly and returns its rows, for tests
// (EXPLAIN QUERY PLAN of a store's statement).
func (s *Store) QueryForTest(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.query(ctx, s.read, query, args...)
}

// BindForTest binds v as a value of kind k, as the store binds it (a
// UUID is 16 bytes on SQLite), for the queries of the test helpers above.
func (s *Store) BindForTest(k crm.Kind, v any) any { return s.d.Bind(k, v) }

// IDForTest reads a scanned id column in its text form, for tests.
func (s *Store) IDForTest(raw any) (string, error) { return s.scanID(raw) }

// Builder accumulates SQL text and its arguments in text order: the
// statements of the store and of the REST engine (sqlstore/restsql).
type Builder struct {
	strings.Builder
	Args []any
}

// Add appends sql and the arguments of its placeholders.
func (b *Builder) Add(sql string, args ...any) {
	b.WriteString(sql)
	b.Args = append(b.Args, args...)
}
