// Package postgres is ConnectGain's PostgreSQL backend, for shops that run
// several stateless servers on one database (or on a Postgres-compatible
// distributed engine such as Citus, sharded by workspace_id). It speaks to
// PostgreSQL through pgx's database/sql driver, so the shared sqlstore code
// runs unchanged; what differs from SQLite is in dialect.go and insert.go.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strconv"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DefaultMaxConns is the pool size per server process when the URL does
// not set pool_max_conns: enough to keep both cores busy while some
// connections wait on the network.
var DefaultMaxConns = max(4, 4*runtime.NumCPU())

// Open connects to the database named by a postgres:// URL, applies the
// migrations and returns the store. Besides libpq's and pgx's parameters
// the URL may carry pool_max_conns=N (connections this process opens).
//
// Unless the URL sets plan_cache_mode, every connection runs with
// plan_cache_mode=force_custom_plan: pgx caches prepared statements, and
// after five executions PostgreSQL may switch a cached statement to a
// generic plan that cannot see the parameter values; for the REST filters
// (ilike on a trigram index, skewed columns) that plan skips the index and
// was measured 60x slower (storage-notes.md). It also makes the
// foreign-key checks PostgreSQL runs per inserted row plan each time,
// which keeps them index scans while a young table grows (with the server
// default, auto, a generic plan built while a table was small was
// measured 40x slower: seq scans, or contacts_created scanned for an id);
// but planning each check costs ~30-45 us, so the bulk inserts
// (InsertRows) switch to auto for their one statement after DISCARD
// PLANS (insert.go). Measured alternative:
// default_query_exec_mode=cache_describe in the URL.
//
// Point reads (restsql.PointReader: a row by a unique key, contacts by an
// identifier) gain nothing from planning with their values: their plan
// is one index lookup whatever the values. They run on a pool of their
// own (pool_point_conns=N of the pool_max_conns connections, default a
// quarter, at least one; 0: none) whose connections run with
// plan_cache_mode=force_generic_plan: each statement is planned once per
// connection. PostgreSQL's CPU per read (100,000 deals, 16 clients): deal
// by id 52-59 us -> 21-23, contact by phone 114-126 -> 22-27. With auto
// PostgreSQL kept planning them: a generic plan's unknown LIMIT $n
// OFFSET $m costs it more than a custom plan and its planning (16.46
// against 8.44 + 5 for a deal by id), so it never switched. A generic
// plan is rebuilt when the table's statistics change (ANALYZE: the
// store's after each doubling of its writes, autovacuum's): one made on
// a table of a few rows (a seq scan) lasts until the table's next
// analyze. A URL that sets plan_cache_mode gets one pool.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	dsn, maxConns, pointConns, err := splitPoolParams(dsn)
	if err != nil {
		return nil, err
	}
	cfg, err := parseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if _, ok := cfg.RuntimeParams["plan_cache_mode"]; ok {
		pointConns = 0
	}
	db, err := openPool(ctx, cfg, maxConns-pointConns, "force_custom_plan")
	if err != nil {
		return nil, err
	}
	if err := Migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	s := sqlstore.New(db, db, Dialect{})
	if pointConns > 0 {
		point, err := openPool(ctx, cfg, pointConns, "force_generic_plan")
		if err != nil {
			db.Close()
			return nil, err
		}
		s.SetPointReader(point)
	}
	return s, nil
}

// OpenDB opens the connection pool without migrating (Open's URL rules;
// pool_point_conns is ignored: one pool of pool_max_conns connections).
func OpenDB(ctx context.Context, dsn string) (*sql.DB, error) {
	dsn, maxConns, _, err := splitPoolParams(dsn)
	if err != nil {
		return nil, err
	}
	cfg, err := parseConfig(dsn)
	if err != nil {
		return nil, err
	}
	return openPool(ctx, cfg, maxConns, "force_custom_plan")
}

func parseConfig(dsn string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres url: %w", err)
	}
	return cfg, nil
}

// openPool opens a pool of maxConns connections of cfg, with
// plan_cache_mode planMode unless cfg sets it, and pings it.
func openPool(ctx context.Context, cfg *pgx.ConnConfig, maxConns int, planMode string) (*sql.DB, error) {
	cfg = cfg.Copy()
	if _, ok := cfg.RuntimeParams["plan_cache_mode"]; !ok {
		cfg.RuntimeParams["plan_cache_mode"] = planMode
	}
	if _, ok := cfg.RuntimeParams["statement_timeout"]; !ok && DefaultStatementTimeout != "" {
		cfg.RuntimeParams["statement_timeout"] = DefaultStatementTimeout
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "connectgain"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		e := Dialect{}.Error(err)
		if ce, ok := crm.AsError(e); ok && ce.Details == "" {
			ce.Details = err.Error()
		}
		return nil, fmt.Errorf("connect to %s: %w", Redact(cfg.ConnString()), e)
	}
	return db, nil
}

// DefaultStatementTimeout is the statement_timeout of every pooled
// connection unless the URL sets one (statement_timeout=30s): a backstop
// on the server's side for a query the request deadline (api
// Config.StatementTimeout) could not cancel, as when the client side of
// the connection is gone. Past it PostgreSQL answers 57014.
var DefaultStatementTimeout = "5min"

// splitPoolParams removes pool_max_conns and pool_point_conns from the
// URL (pgx would send them to the server as settings) and returns their
// values: the connections this process opens, and how many of them are
// the point pool's (Open).
func splitPoolParams(dsn string) (string, int, int, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", 0, 0, fmt.Errorf("postgres url: %w", err)
	}
	q := u.Query()
	n := DefaultMaxConns
	if v := q.Get("pool_max_conns"); v != "" {
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			return "", 0, 0, fmt.Errorf("postgres url: pool_max_conns=%q is not a positive integer", v)
		}
	}
	point := n / 4
	if n >= 2 {
		point = max(1, point)
	}
	if v, ok := q["pool_point_conns"]; ok {
		if point, err = strconv.Atoi(v[0]); err != nil || point < 0 || point >= n {
			return "", 0, 0, fmt.Errorf("postgres url: pool_point_conns=%q is not an integer from 0 to pool_max_conns-1 (%d): the point reads' pool takes its connections from pool_max_conns; 0 runs them on the one pool", v[0], n-1)
		}
	}
	if q.Has("pool_max_conns") || q.Has("pool_point_conns") {
		q.Del("pool_max_conns")
		q.Del("pool_point_conns")
		u.RawQuery = q.Encode()
	}
	return u.String(), n, point, nil
}

// Redact hides the password of a postgres:// URL.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// Migrate applies the embedded migrations. A session advisory lock makes
// servers that start at the same time on a fresh database take turns.
func Migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 120))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
