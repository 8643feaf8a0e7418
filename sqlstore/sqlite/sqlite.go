// Package sqlite is ConnectGain's embedded default backend: SQLite through
// the pure-Go modernc.org/sqlite driver (no cgo, one static binary), in WAL
// mode with one writer connection and a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/pgtext"
	"github.com/pressly/goose/v3"
	"github.com/shopspring/decimal"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// writeCacheKiB is the writer connection's page cache, in KiB (allocated
// as pages are used).
const writeCacheKiB = 32 << 10

// BusyTimeout is how long a connection waits for the write lock.
const BusyTimeout = 10 * time.Second

// Open opens (creating when missing) the SQLite database at path, applies
// the migrations and returns the store.
func Open(ctx context.Context, path string) (*sqlstore.Store, error) {
	registerOnce.Do(func() { registerFunctions() })
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// FULL: a commit is on disk before the request is acknowledged.
	q.Add("_pragma", "synchronous(FULL)")
	// Statement journals and sort spills in memory: they only serve to
	// undo one statement or order rows, never to recover a commit.
	q.Add("_pragma", "temp_store(MEMORY)")
	base := "file:" + path + "?"
	// The writer's page cache holds a 10,000-deal request's pages: with
	// the default 2 MB it spilled dirty pages to the WAL mid-transaction
	// (a tenth of the ingest's CPU) and re-read index pages from the OS.
	wq := url.Values{"_pragma": append([]string{fmt.Sprintf("cache_size(-%d)", writeCacheKiB)}, q["_pragma"]...)}
	write, err := sql.Open("sqlite", base+wq.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := Migrate(ctx, write); err != nil {
		write.Close()
		return nil, err
	}
	// Statistics for a database that has never had any (written by an
	// older version, or by a process that stopped before its first
	// analysis). Later growth is analyzed by the store as it writes, so
	// CLI commands do not re-analyze on every start.
	var analyzed int
	if err := write.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&analyzed); err != nil {
		write.Close()
		return nil, fmt.Errorf("check statistics: %w", err)
	}
	if analyzed == 0 {
		if err := (Dialect{}).Analyze(ctx, write); err != nil {
			write.Close()
			return nil, fmt.Errorf("analyze: %w", err)
		}
	}
	q.Add("_pragma", "query_only(1)")
	read, err := sql.Open("sqlite", base+q.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	n := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return sqlstore.New(read, write, Dialect{}), nil
}

// Migrate applies the embedded migrations.
func Migrate(ctx context.Context, db *sql.DB) error {
	p, err := goose.NewProvider(goose.DialectSQLite3, db, mustSub(migrations, "migrations"))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Dialect is the SQLite dialect.
type Dialect struct{}

var _ sqlstore.Dialect = Dialect{}

// Name implements sqlstore.Dialect.
func (Dialect) Name() string { return "sqlite" }

// WorkspaceKeyColumn implements sqlstore.WorkspaceKeyer: every table's
// workspace_id holds workspaces.key (migrations/00010_workspace_key.sql),
// an integer of a byte or two instead of 36 characters in every row and
// index entry.
func (Dialect) WorkspaceKeyColumn() string { return "key" }

// CacheStatements implements sqlstore.StatementCacher: the driver parses
// and plans every statement it is given, a point read's largest cost.
func (Dialect) CacheStatements() bool { return true }

// Rebind implements sqlstore.Dialect: SQLite takes "?" as it is.
func (Dialect) Rebind(q string) string { return q }

// MaxParams implements sqlstore.Dialect (SQLITE_MAX_VARIABLE_NUMBER).
func (Dialect) MaxParams() int { return 32766 }

// Bind implements sqlstore.Dialect.
func (Dialect) Bind(k crm.Kind, v any) any {
	switch k {
	case crm.KindDecimal:
		if d, ok := v.(decimal.Decimal); ok {
			return crm.ScaledValue(d)
		}
	case crm.KindUUID:
		return bindUUID(v)
	case crm.KindTime:
		return bindTime(v)
	case crm.KindBool:
		if b, ok := v.(bool); ok {
			if b {
				return 1
			}
			return 0
		}
	case crm.KindTextArray:
		if a, ok := v.([]string); ok {
			if a == nil {
				return "[]"
			}
			b, _ := json.Marshal(a)
			return string(b)
		}
	case crm.KindJSON:
		if r, ok := v.(json.RawMessage); ok {
			// Stored as jsonb stores it (key order, numbers), so both
			// backends read the same document back.
			if c, err := pgtext.CanonicalJSON(r); err == nil {
				return c
			}
			return string(r)
		}
	}
	return v
}

// ReadExpr implements sqlstore.Dialect: columns read as they are stored
// (Decode turns a UUID's blob and a timestamp's integer into their text
// and time forms).
func (Dialect) ReadExpr(col string, k crm.Kind) string { return col }

// Decode implements sqlstore.Dialect.
func (Dialect) Decode(k crm.Kind, src any) (any, error) {
	if src == nil {
		return nil, nil
	}
	if b, ok := src.([]byte); ok && k == crm.KindUUID {
		return uuidText(b)
	}
	if b, ok := src.([]byte); ok {
		src = string(b)
	}
	switch k {
	case crm.KindDecimal:
		switch v := src.(type) {
		case int64:
			return crm.ValueFromScaled(v), nil
		case float64:
			return decimal.NewFromFloat(v).Shift(-crm.MaxValueScale), nil
		}
	case crm.KindInt:
		switch v := src.(type) {
		case int64:
			return v, nil
		case float64:
			return int64(v), nil
		}
	case crm.KindBool:
		if v, ok := src.(int64); ok {
			return v != 0, nil
		}
	case crm.KindTime:
		return decodeTime(src)
	case crm.KindJSON:
		if s, ok := src.(string); ok {
			return json.RawMessage(s), nil
		}
	case crm.KindTextArray:
		if s, ok := src.(string); ok {
			var a []string
			if err := json.Unmarshal([]byte(s), &a); err != nil {
				return nil, fmt.Errorf("array %q: %w", s, err)
			}
			if a == nil {
				a = []string{}
			}
			return a, nil
		}
	default:
		if s, ok := src.(string); ok {
			return s, nil
		}
	}
	return nil, fmt.Errorf("cannot read %T as %s", src, k)
}

// analysisLimit bounds the rows ANALYZE reads per index: enough for the
// planner's choices.
const analysisLimit = 1000

// Analyze implements sqlstore.Analyzer with PRAGMA optimize, which
// analyzes a table only when one of its indexes has no statistics yet or
// its size (the B-tree's estimate, read in microseconds) has changed
// tenfold since its last analysis. A plain ANALYZE counts every table's
// rows exactly even with analysis_limit: at 1,000,000 deals 0.16 s of CPU,
// and the store asks after each doubling of the rows this process wrote,
// so a restarted server paid it twice in its first 40,000 deals (14% of
// the CPU of its plain inserts). 0x10000 checks every table, not only
// those this connection's queries used.
func (Dialect) Analyze(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA analysis_limit=%d; PRAGMA optimize=0x10002", analysisLimit))
	return err
}

// BeginWrite implements sqlstore.Dialect. The write pool has one
// connection and begins IMMEDIATE transactions, so writers are serialised
// and a check followed by an insert in one transaction cannot race.
func (Dialect) BeginWrite(ctx context.Context, db *sql.DB, workspaceID string) (*sql.Tx, error) {
	return db.BeginTx(ctx, nil)
}

// Error implements sqlstore.Dialect: constraint failures become the
// SQLSTATE PostgreSQL would raise, in PostgreSQL's words, so both
// backends answer alike and no detail names an internal column
// (workspace_id, rid) or SQLite's extended result code.
func (Dialect) Error(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	msg := se.Error()
	// The driver prefixes "constraint failed: " and appends " (1555)".
	if i := strings.Index(msg, ": "); i >= 0 && strings.Contains(msg[:i], "constraint") {
		msg = msg[i+2:]
	}
	if i := strings.LastIndex(msg, " ("); i >= 0 && strings.HasSuffix(msg, ")") {
		msg = msg[:i]
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		name, cols := uniqueConstraint(msg, se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
		e := &crm.Error{Code: crm.SQLStateUnique, Message: "duplicate key value violates unique constraint", Err: err}
		if name != "" {
			e.Message += ` "` + name + `"`
			e.Details = "Key (" + strings.Join(cols, ", ") + ")=(" + strings.TrimSuffix(strings.Repeat("…, ", len(cols)), ", ") + ") already exists."
		}
		return e
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return &crm.Error{Code: crm.SQLStateForeignKey, Message: "insert or update violates foreign key constraint, or the row is still referenced", Err: err}
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return &crm.Error{Code: crm.SQLStateCheck, Message: "new row violates check constraint", Err: err}
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		e := &crm.Error{Code: crm.SQLStateNotNull, Message: "null value violates not-null constraint", Err: err}
		if t, col, ok := strings.Cut(strings.TrimPrefix(msg, "NOT NULL constraint failed: "), "."); ok && col != "workspace_id" && col != "rid" {
			e.Message = fmt.Sprintf("null value in column %q of relation %q violates not-null constraint", col, t)
		}
		return e
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return &crm.Error{Code: crm.CodeUnavailable, Message: "the database is busy, try again", Err: err}
	case sqlite3.SQLITE_INTERRUPT:
		return &crm.Error{Code: crm.SQLStateQueryCanceled, Message: "canceling statement due to user request", Err: err}
	}
	return err
}

// uniqueConstraint reads SQLite's "UNIQUE constraint failed: t.a, t.b"
// and returns the constraint's name as PostgreSQL's schema calls it
// (t_pkey for a primary key or the (workspace_id, id) key, else
// t_a_b_key) and its columns without workspace_id.
func uniqueConstraint(msg string, primary bool) (string, []string) {
	list, ok := strings.CutPrefix(msg, "UNIQUE constraint failed: ")
	if !ok {
		return "", nil
	}
	table, all := "", []string{}
	var cols []string
	for c := range strings.SplitSeq(list, ", ") {
		t, col, ok := strings.Cut(c, ".")
		if !ok {
			return "", nil
		}
		table = t
		all = append(all, col)
		if col != "workspace_id" && col != "rid" {
			cols = append(cols, col)
		}
	}
	if len(cols) == 0 {
		return "", nil
	}
	if primary || len(cols) == 1 && cols[0] == "id" {
		return table + "_pkey", cols
	}
	return table + "_" + strings.Join(all, "_") + "_key", cols
}
