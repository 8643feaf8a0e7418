package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/connectgain/server/crm"
)

// DBColumn is a column as the migrated database has it.
type DBColumn struct {
	Name       string
	Type       string // the engine's type name, lower-case (numeric without its precision)
	NotNull    bool
	HasDefault bool
}

// SchemaReader is an optional Dialect capability: read the migrated
// tables back, so the description (crm.Schema) can be held against them.
type SchemaReader interface {
	// TableColumns lists the columns of table, nil when there is no such
	// table. A column the API never sees because the engine needs it
	// (SQLite's rowid alias) is left out.
	TableColumns(ctx context.Context, db *sql.DB, table string) ([]DBColumn, error)
	// ColumnType is the type a column of kind k has in this engine's
	// migrations, as TableColumns reports it.
	ColumnType(k crm.Kind) string
}

// CheckSchema compares the migrated tables with the store's schema: every
// described table and column exists with the type of its kind, NOT NULL
// unless it is nullable, and a default exactly when the description has
// one; no table has a column the description lacks (but workspace_id).
// The error lists every difference, each naming table.column; a forgotten
// migration is one.
func (s *Store) CheckSchema(ctx context.Context) error {
	sr, ok := s.d.(SchemaReader)
	if !ok {
		return fmt.Errorf("the %s dialect cannot read its schema", s.d.Name())
	}
	var errs []error
	for _, name := range sortedTables(s.schema) {
		t := s.schema.Tables[name]
		cols, err := sr.TableColumns(ctx, s.read, name)
		if err != nil {
			return fmt.Errorf("read table %s: %w", name, err)
		}
		if cols == nil {
			errs = append(errs, fmt.Errorf("%s: the table is described but not migrated", name))
			continue
		}
		errs = append(errs, compareColumns(t, cols, sr)...)
	}
	return errors.Join(errs...)
}

func compareColumns(t *crm.Table, cols []DBColumn, sr SchemaReader) []error {
	var errs []error
	byName := map[string]DBColumn{}
	for _, c := range cols {
		byName[c.Name] = c
		if _, ok := t.Column(c.Name); !ok && c.Name != "workspace_id" {
			errs = append(errs, fmt.Errorf("%s.%s: migrated but not described in crm/tables.go", t.Name, c.Name))
		}
	}
	if _, ok := byName["workspace_id"]; !ok {
		errs = append(errs, fmt.Errorf("%s.workspace_id: missing", t.Name))
	}
	for _, c := range t.Columns {
		db, ok := byName[c.Name]
		if !ok {
			errs = append(errs, fmt.Errorf("%s.%s: described but not migrated (add it to the migrations of every backend)", t.Name, c.Name))
			continue
		}
		if want := sr.ColumnType(c.Kind); db.Type != want {
			errs = append(errs, fmt.Errorf("%s.%s: type %s, the kind %s wants %s", t.Name, c.Name, db.Type, c.Kind, want))
		}
		if db.NotNull == c.Nullable {
			errs = append(errs, fmt.Errorf("%s.%s: NOT NULL is %v, the description says nullable %v", t.Name, c.Name, db.NotNull, c.Nullable))
		}
		if has := c.Default != nil; db.HasDefault != has {
			errs = append(errs, fmt.Errorf("%s.%s: the database has a default: %v, the description: %v", t.Name, c.Name, db.HasDefault, has))
		}
	}
	return errs
}

func sortedTables(sc *crm.Schema) []string {
	names := make([]string, 0, len(sc.Tables))
	for n := range sc.Tables {
		names = append(names, n)
	}
	sort.Strings(names) // a stable order for the error text
	return names
}

// ExecForTest runs a statement directly (with "?" placeholders), for
// tests that change the schema (ALTER TABLE) or the data behind the API.
func (s *Store) ExecForTest(ctx context.Context, query string, args ...any) error {
	_, err := s.exec(ctx, s.write, query, args...)
	return err
}
