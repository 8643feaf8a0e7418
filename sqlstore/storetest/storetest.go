// Package storetest opens real databases for tests: SQLite in a temporary
// directory always, and PostgreSQL when CONNECTGAIN_TEST_POSTGRES names a
// server (with CI=true a missing or unreachable PostgreSQL fails the test
// instead of skipping it). Conformance tables run once per backend.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/sqlite"
)

// Backend names a database engine a test can run against.
type Backend struct {
	Name string
	Open func(t testing.TB) *sqlstore.Store
}

// Backends returns every backend available to this test run.
func Backends(t testing.TB) []Backend {
	t.Helper()
	bs := []Backend{{Name: "sqlite", Open: MustOpenSQLite}}
	if pg, ok := postgresBackend(t); ok {
		bs = append(bs, pg)
	}
	return bs
}

// MustOpenSQLite opens a fresh SQLite store in t.TempDir().
func MustOpenSQLite(t testing.TB) *sqlstore.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// SchemaWithColumn returns a copy of the server's tables with col added to
// table before the column named before (at the end when before is ""):
// what a migration adding a column would describe.
func SchemaWithColumn(table string, col crm.Column, before string) *crm.Schema {
	tables := crm.DefaultTables()
	for _, t := range tables {
		if t.Name != table {
			continue
		}
		i := len(t.Columns)
		for j, c := range t.Columns {
			if c.Name == before {
				i = j
			}
		}
		t.Columns = append(t.Columns[:i], append([]crm.Column{col}, t.Columns[i:]...)...)
	}
	return crm.NewSchema(tables...)
}
