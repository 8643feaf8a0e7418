// Command cgbare is the yardstick of scripts/bench-point-http.sh: a bare
// net/http server that answers the two point reads of BenchmarkPointRead
// (a contact by exact phone, a deal by id) by running the SQL the REST
// proxy renders for them on the same database, through a pool of the
// store's size, and writing the same JSON, with no key check, parsing,
// planning, logging or metrics. It runs in a process of its own, so a
// load client such as wrk measures it as it measures the real server.
// It only reads, and serves nothing else; it is a measuring tool, not
// part of the product.
//
//	cgbare --addr 127.0.0.1:18183 --db sqlite:/tmp/bench.db
//	cgbare --addr 127.0.0.1:18183 --db postgres://...
//
// Then GET /contacts?select=id,first_name,phones&phones=cs.{PHONE} and
// GET /deals?id=eq.ID answer as the proxy does for its only workspace.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/postgres"
	"github.com/connectgain/server/sqlstore/sqlite"
	"github.com/connectgain/server/sqlstore/storetest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18183", "listen address")
	db := flag.String("db", "", "sqlite:PATH or a postgres:// URL (the database the server under test uses)")
	flag.Parse()
	if err := run(*addr, *db); err != nil {
		fmt.Fprintln(os.Stderr, "cgbare:", err)
		os.Exit(1)
	}
}

func run(addr, dsn string) error {
	ctx := context.Background()
	var (
		db  *sql.DB
		ph  func(int) string // the placeholder of argument n
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		db, err = sql.Open("sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:")+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
		n := max(4, 2*runtime.NumCPU()) // the store's read pool
		if db != nil {
			db.SetMaxOpenConns(n)
			db.SetMaxIdleConns(n)
		}
		ph = func(int) string { return "?" }
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err = postgres.OpenDB(ctx, dsn) // the store's pool settings
		ph = func(n int) string { return fmt.Sprintf("$%d", n) }
	default:
		return fmt.Errorf("--db %q: want sqlite:PATH or a postgres:// URL", dsn)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	ws, err := workspaceArg(ctx, db, strings.HasPrefix(dsn, "sqlite:"))
	if err != nil {
		return err
	}
	var st storage // PostgreSQL's values are read and bound as they are
	if strings.HasPrefix(dsn, "sqlite:") {
		st = sqliteStorage{}
	}
	mux := http.NewServeMux()
	for path, q := range queries(ws, ph, st) {
		mux.Handle("GET "+path, storetest.BareHandler(db, q))
	}
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintln(os.Stderr, "cgbare: listening on", addr)
	return srv.ListenAndServe()
}

// workspaceArg is what workspace_id holds for the database's only
// workspace: its key column on SQLite, its UUID on PostgreSQL.
func workspaceArg(ctx context.Context, db *sql.DB, isSQLite bool) (any, error) {
	col := "id"
	if isSQLite {
		col = sqlite.Dialect{}.WorkspaceKeyColumn()
	}
	rows, err := db.QueryContext(ctx, `SELECT `+col+` FROM workspaces`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []any
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		all = append(all, v)
	}
	if len(all) != 1 {
		return nil, errors.New("the database must hold exactly one workspace (seed it with cgload seed first)")
	}
	return all[0], rows.Err()
}

// storage turns ids and times between the API's form and the stored
// one (SQLite keeps UUIDs as 16 bytes and times as microseconds).
type storage interface {
	Bind(k crm.Kind, v any) any
	Decode(k crm.Kind, v any) (any, error)
}

// sqliteStorage is SQLite's stored form of ids and times, read and
// bound through its dialect, as the point-read benchmark's bare handler
// does.
type sqliteStorage struct{}

func (sqliteStorage) Bind(k crm.Kind, v any) any { return sqlite.Dialect{}.Bind(k, v) }

func (sqliteStorage) Decode(k crm.Kind, v any) (any, error) {
	if k == crm.KindUUID || k == crm.KindTime {
		return sqlite.Dialect{}.Decode(k, v)
	}
	return v, nil
}

// queries are the two point reads, as the proxy renders them.
func queries(ws any, ph func(int) string, st storage) map[string]storetest.BareQuery {
	p := func(s string) string { // ? -> the driver's placeholders
		var b strings.Builder
		n := 0
		for _, c := range s {
			if c == '?' {
				n++
				b.WriteString(ph(n))
				continue
			}
			b.WriteRune(c)
		}
		return b.String()
	}
	dealNames := []string{"id", "title", "value", "currency", "stage", "pipeline_id", "contact_id", "company_id",
		"expected_close_date", "probability", "source", "tags", "custom_fields", "created_at", "updated_at"}
	dealKinds := []crm.Kind{crm.KindUUID, crm.KindText, crm.KindDecimal, crm.KindText, crm.KindText, crm.KindUUID,
		crm.KindUUID, crm.KindUUID, crm.KindDate, crm.KindInt, crm.KindText, crm.KindTextArray, crm.KindJSON,
		crm.KindTime, crm.KindTime}
	var read func(k crm.Kind, v any) any
	id := func(s string) any { return s }
	if st != nil {
		read = func(k crm.Kind, v any) any {
			if x, err := st.Decode(k, v); err == nil {
				return x
			}
			return v
		}
		id = func(s string) any { return st.Bind(crm.KindUUID, s) }
	}
	return map[string]storetest.BareQuery{
		"/contacts": {
			SQL:   p(`SELECT t0.id, t0.first_name, t0.phones FROM contacts t0 WHERE t0.workspace_id = ? AND (t0.id IN (SELECT ci.contact_id FROM contact_identifiers ci WHERE ci.workspace_id = ? AND ci.kind = ? AND ci.value = ?)) LIMIT ? OFFSET ?`),
			Args:  func(r *http.Request) []any { return []any{ws, ws, "phone", after(r, "phones", "cs."), 1000, 0} },
			Names: []string{"id", "first_name", "phones"}, Kinds: []crm.Kind{crm.KindUUID, crm.KindText, crm.KindTextArray}, Read: read},
		"/deals": {
			SQL:   p(`SELECT t0.id, t0.title, t0.value, t0.currency, t0.stage, t0.pipeline_id, t0.contact_id, t0.company_id, t0.expected_close_date, t0.probability, t0.source, t0.tags, t0.custom_fields, t0.created_at, t0.updated_at FROM deals t0 WHERE t0.workspace_id = ? AND (t0.id = ?) LIMIT ? OFFSET ?`),
			Args:  func(r *http.Request) []any { return []any{ws, id(after(r, "id", "eq.")), 1000, 0} },
			Names: dealNames, Kinds: dealKinds, Read: read},
	}
}

// after is the operand of parameter key after the operator prefix, its
// braces trimmed ({+2010...} -> +2010...).
func after(r *http.Request, key, prefix string) string {
	return strings.Trim(strings.TrimPrefix(r.URL.Query().Get(key), prefix), "{}")
}
