package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/postgres"
)

// EnvPostgres names the environment variable holding the URL of the
// PostgreSQL server the tests may use, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Each test gets
// its own schema there, dropped when the test ends.
const EnvPostgres = "CONNECTGAIN_TEST_POSTGRES"

var (
	pgOnce   sync.Once
	pgAdmin  *sql.DB
	pgReason string // why PostgreSQL cannot be used, "" when it can
)

// postgresAdmin connects once per test binary and prepares the database
// (pg_trgm in public, where every test schema's search_path finds it).
func postgresAdmin() (*sql.DB, string) {
	pgOnce.Do(func() {
		dsn := os.Getenv(EnvPostgres)
		if dsn == "" {
			pgReason = EnvPostgres + " is not set"
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		db, err := postgres.OpenDB(ctx, dsn)
		if err != nil {
			pgReason = fmt.Sprintf("PostgreSQL at %s is unreachable: %v", postgres.Redact(dsn), err)
			return
		}
		if _, err := db.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`); err != nil {
			db.Close()
			pgReason = fmt.Sprintf("PostgreSQL at %s: create extension pg_trgm: %v", postgres.Redact(dsn), err)
			return
		}
		pgAdmin = db
	})
	return pgAdmin, pgReason
}

// postgresUnavailable fails (CI=true) or skips t with a one-line reason.
func postgresUnavailable(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and the PostgreSQL tests cannot run: %s", reason)
	}
	t.Skipf("skipping PostgreSQL: %s", reason)
}

// postgresBackend returns the PostgreSQL backend. When EnvPostgres is
// unset, CI=true fails t; otherwise the backend's Open skips its subtest
// with a one-line reason. When the server is unreachable, Open fails
// (CI=true) or skips likewise, so the SQLite run still happens.
func postgresBackend(t testing.TB) (Backend, bool) {
	t.Helper()
	if os.Getenv(EnvPostgres) == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set: the PostgreSQL backend must be tested in CI", EnvPostgres)
		}
		return Backend{Name: "postgres", Open: func(t testing.TB) *sqlstore.Store {
			t.Helper()
			t.Skipf("skipping PostgreSQL: %s is not set (see README)", EnvPostgres)
			return nil
		}}, true
	}
	return Backend{Name: "postgres", Open: MustOpenPostgres}, true
}

// MustOpenPostgres opens a store on a fresh schema of the PostgreSQL
// server named by EnvPostgres, dropped when t ends; it skips t (fails
// with CI=true) when that server is not configured or unreachable.
func MustOpenPostgres(t testing.TB) *sqlstore.Store {
	t.Helper()
	return MustOpenPostgresURL(t, PostgresURL(t))
}

// MustOpenPostgresURL opens (and migrates) a store on dsn, closed when t ends.
func MustOpenPostgresURL(t testing.TB, dsn string) *sqlstore.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// PostgresURL creates a fresh empty schema and returns a URL whose
// connections use it (search_path=SCHEMA,public), for tests that start
// their own processes. The schema is dropped when t ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin, reason := postgresAdmin()
	if admin == nil {
		postgresUnavailable(t, reason)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "cg_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(os.Getenv(EnvPostgres))
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}
