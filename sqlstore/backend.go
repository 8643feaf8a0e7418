package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/connectgain/server/crm"
)

// The methods below are the narrow surface the REST engine
// (sqlstore/restsql, its Backend interface) runs on: it renders and runs
// its own SQL, and writes records through the same hooks as the bulk
// endpoint.

// Reader is the pool reads run on.
func (s *Store) Reader() Queryer {
	if s.stmts != nil {
		return cachedReader{s}
	}
	return s.read
}

// InWrite runs fn in a write transaction for the workspace (holding the
// dialect's workspace lock) and commits when fn returns nil.
func (s *Store) InWrite(ctx context.Context, workspaceID string, fn func(tx *sql.Tx) error) error {
	return s.inWrite(ctx, workspaceID, fn)
}

// Clock is the store's current time (Now, which tests may replace).
func (s *Store) Clock() time.Time { return s.Now() }

// BindValue converts a value of kind k into a driver argument; nil stays
// NULL.
func (s *Store) BindValue(k crm.Kind, v any) any { return s.bindValue(k, v) }

// ApplyEffects runs the writes a table's hooks asked for.
func (s *Store) ApplyEffects(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, effects []crm.Effect) error {
	return s.applyEffects(ctx, tx, env, effects)
}

// LoadRecords reads the rows ids of table t, columns cols, as records
// keyed by id.
func (s *Store) LoadRecords(ctx context.Context, q Queryer, wsID string, t *crm.Table, cols, ids []string) (map[string]*crm.Record, error) {
	return s.loadRecords(ctx, q, wsID, t, cols, ids)
}

// UpdateRecords writes changed records (recs, the stored olds) through
// the tables' hooks.
func (s *Store) UpdateRecords(ctx context.Context, tx *sql.Tx, env *crm.WriteEnv, olds, recs []*crm.Record) error {
	return s.updateRecords(ctx, tx, env, olds, recs)
}

// NoteWrites records n written rows, refreshing planner statistics when
// enough have been written.
func (s *Store) NoteWrites(ctx context.Context, n int) { s.noteWrites(ctx, n) }

// LookupChunk is the most ids one IN (...) lookup binds.
const LookupChunk = lookupChunk

// InList returns "?,?,?" for n values.
func InList(n int) string { return inList(n) }

// Chunks splits list into runs of at most n.
func Chunks(list []string, n int) [][]string { return chunks(list, n) }

// AnySlice binds a list of strings.
func AnySlice(list []string) []any { return anySlice(list) }

// BindAll binds every value of list as kind k through the dialect (a
// list of UUIDs in SQLite's blob form).
func BindAll(d Dialect, k crm.Kind, list []string) []any {
	out := make([]any, len(list))
	for i, v := range list {
		out[i] = d.Bind(k, v)
	}
	return out
}
