package sqlstore_test

import (
	"context"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
)

// TestSearchIndexesMigrated holds the search indexes the description
// declares (crm.Column.Search) against each backend's migrations: the
// dialects use an index because the column declares it, so a declared
// index that no migration creates would make a search fail.
func TestSearchIndexesMigrated(t *testing.T) {
	ctx := context.Background()
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Open(t)
			declared := 0
			for _, name := range crm.DefaultSchema.Names {
				tb := crm.DefaultSchema.MustTable(name)
				for _, c := range tb.Columns {
					idx, query := searchIndex(b.Name, tb.Name, c)
					if idx == "" {
						continue
					}
					declared++
					n, err := s.CountForTest(ctx, query, idx)
					if err != nil {
						t.Fatal(err)
					}
					if n != 1 {
						t.Errorf("%s.%s declares the search index %s, which the %s migrations do not create", tb.Name, c.Name, idx, b.Name)
					}
				}
			}
			if declared == 0 {
				t.Errorf("no column declares a %s search index; deals.title should", b.Name)
			}
		})
	}
}

// searchIndex is the name of column c's declared search index on the
// backend, and the query that counts the objects of that name.
func searchIndex(backend, table string, c crm.Column) (string, string) {
	switch {
	case backend == "sqlite" && c.Search.Grams != "":
		return c.Search.Grams, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	case backend == "postgres" && c.Search.Trigram:
		return table + "_" + c.Name + "_trgm", `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?`
	}
	return "", ""
}
