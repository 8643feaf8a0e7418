package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// StatementCacher is implemented by dialects whose driver parses and
// plans a statement on every call (modernc SQLite): the store then keeps
// its read statements prepared. pgx caches statements itself.
type StatementCacher interface {
	CacheStatements() bool
}

// maxCachedStmts bounds the prepared read statements kept: REST reads
// come in few shapes per application; past the bound, statements are run
// unprepared as before (nothing is evicted, so no statement is closed
// while a request uses it).
const maxCachedStmts = 256

// stmtCache is the read pool's prepared statements by SQL text. Parsing
// and planning took half of a point read's CPU on SQLite.
type stmtCache struct {
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

// get returns the prepared statement of query on db, preparing it once;
// nil when the cache is full or the statement does not prepare (the
// caller runs it directly and reports the error as usual).
func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.m[query]
	n := len(c.m)
	c.mu.RUnlock()
	if ok || n >= maxCachedStmts {
		return st
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[query]; ok { // prepared by another request meanwhile
		_ = st.Close()
		return old
	}
	if len(c.m) >= maxCachedStmts {
		_ = st.Close()
		return nil
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

// close closes every cached statement.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for _, st := range c.m {
		err = errors.Join(err, st.Close())
	}
	c.m = nil
	return err
}

// readStmt returns the cached statement for query when q is the read
// pool and the dialect wants statements cached.
func (s *Store) readStmt(ctx context.Context, q queryer, query string) *sql.Stmt {
	if s.stmts == nil {
		return nil
	}
	if db, ok := q.(*sql.DB); !ok || db != s.read {
		return nil
	}
	return s.stmts.get(ctx, s.read, query)
}

// cachedReader is the read pool with its statements kept prepared: what
// Reader gives the REST engine when the dialect caches statements.
type cachedReader struct{ s *Store }

func (r cachedReader) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.s.read.ExecContext(ctx, query, args...)
}

func (r cachedReader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.s.stmts.get(ctx, r.s.read, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.s.read.QueryContext(ctx, query, args...)
}

func (r cachedReader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.s.stmts.get(ctx, r.s.read, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.s.read.QueryRowContext(ctx, query, args...)
}
