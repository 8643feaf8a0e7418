// Package restsql is the PostgREST engine: a parsed query (pgrest's AST)
// planned, rendered to SQL through a Dialect, run, and shaped into
// response rows, with PostgREST's Prefer handling and error codes. It
// knows no HTTP routing and no storage beyond Backend, the interface it
// owns and *sqlstore.Store implements. Dependencies point one way:
// restsql -> sqlstore -> crm.
package restsql

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

// Backend is the persistence the engine runs on: the tables, the
// dialect, a read pool and write transactions, and the record writes
// whose hooks the bulk endpoint shares. *sqlstore.Store implements it.
type Backend interface {
	Schema() *crm.Schema
	Dialect() sqlstore.Dialect
	// Reader is the pool reads run on.
	Reader() sqlstore.Queryer
	// InWrite runs fn in a write transaction for the workspace and
	// commits when fn returns nil.
	InWrite(ctx context.Context, workspaceID string, fn func(tx *sql.Tx) error) error
	// WorkspaceArg is what workspace_id binds for the workspace: its
	// UUID, or the key the dialect stores instead.
	WorkspaceArg(wsID string) any
	// Clock is the current time (tests may fix it).
	Clock() time.Time
	Pipelines(ctx context.Context, q sqlstore.Queryer, workspaceID string) (*crm.Pipelines, error)
	// BindValue converts a value of kind k into a driver argument (nil
	// stays NULL).
	BindValue(k crm.Kind, v any) any
	// ApplyEffects runs the writes a table's hooks asked for.
	ApplyEffects(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, effects []crm.Effect) error
	// LoadRecords reads the rows ids of t (columns cols) as records.
	LoadRecords(ctx context.Context, q sqlstore.Queryer, wsID string, t *crm.Table, cols, ids []string) (map[string]*crm.Record, error)
	// UpdateRecords writes changed records through the table's hooks.
	UpdateRecords(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, olds, recs []*crm.Record) error
	// NoteWrites records n written rows (for planner statistics).
	NoteWrites(ctx context.Context, n int)
}

// Engine runs REST requests (PostgREST's query language) on a Backend.
type Engine struct {
	b Backend
	// reads are the plain reads rendered once (readcache.go).
	reads readCache
}

// New returns an engine over b.
func New(b Backend) *Engine { return &Engine{b: b} }

// queryer is what *sql.DB and *sql.Tx share.
type queryer = sqlstore.Queryer

// Row is one row of a response.
type Row = crm.Row

// errRollback makes a write transaction roll back without an error.
var errRollback = errors.New("rollback")

func (s *Engine) exec(ctx context.Context, q queryer, query string, args ...any) (sql.Result, error) {
	d := s.b.Dialect()
	r, err := q.ExecContext(ctx, d.Rebind(query), args...)
	if err != nil {
		return nil, d.Error(err)
	}
	return r, nil
}

func (s *Engine) query(ctx context.Context, q queryer, query string, args ...any) (*sql.Rows, error) {
	d := s.b.Dialect()
	r, err := q.QueryContext(ctx, d.Rebind(query), args...)
	if err != nil {
		return nil, d.Error(err)
	}
	return r, nil
}

// queryRebound is query of a statement already rebound for the dialect.
func (s *Engine) queryRebound(ctx context.Context, q queryer, query string, args ...any) (*sql.Rows, error) {
	r, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.b.Dialect().Error(err)
	}
	return r, nil
}

func (s *Engine) queryRow(ctx context.Context, q queryer, query string, args ...any) *sql.Row {
	return q.QueryRowContext(ctx, s.b.Dialect().Rebind(query), args...)
}

// Now is the backend's clock.
func (s *Engine) Now() time.Time { return s.b.Clock() }

// Pipelines reads the workspace's pipelines.
func (s *Engine) Pipelines(ctx context.Context, q queryer, workspaceID string) (*crm.Pipelines, error) {
	return s.b.Pipelines(ctx, q, workspaceID)
}

func (s *Engine) bindValue(k crm.Kind, v any) any { return s.b.BindValue(k, v) }

func (s *Engine) applyEffects(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, effects []crm.Effect) error {
	return s.b.ApplyEffects(ctx, tx, env, effects)
}

func (s *Engine) loadRecords(ctx context.Context, q queryer, wsID string, t *crm.Table, cols, ids []string) (map[string]*crm.Record, error) {
	return s.b.LoadRecords(ctx, q, wsID, t, cols, ids)
}

func (s *Engine) updateRecords(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, olds, recs []*crm.Record) error {
	return s.b.UpdateRecords(ctx, tx, env, olds, recs)
}

// outValue turns a decoded value into its response form.
func outValue(v any) any { return crm.OutValue(v) }

// SQL-building helpers shared with sqlstore.
const lookupChunk = sqlstore.LookupChunk

var (
	inList   = sqlstore.InList
	chunks   = sqlstore.Chunks
	anySlice = sqlstore.AnySlice
	bindAll  = sqlstore.BindAll
)
