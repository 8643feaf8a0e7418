package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/connectgain/server/sqlstore/sqlite"
)

// dealsWriteShape describes what an insert into deals maintains in the
// file at path: its columns, each index (unique, partial, key columns;
// names aside, as the store's id key is a constraint's automatic index)
// and its AFTER INSERT triggers.
func dealsWriteShape(t *testing.T, path string) (cols, indexes, triggers []string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	strs := func(q string, args ...any) []string {
		rows, err := db.Query(q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	cols = strs(`SELECT name FROM pragma_table_info('deals') ORDER BY cid`)
	for _, name := range strs(`SELECT name FROM pragma_index_list('deals')`) {
		var unique, partial int
		if err := db.QueryRow(`SELECT "unique", partial FROM pragma_index_list('deals') WHERE name = ?`, name).Scan(&unique, &partial); err != nil {
			t.Fatal(err)
		}
		key := strs(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, name)
		desc := "(" + strings.Join(key, ", ") + ")"
		if unique == 1 {
			desc = "unique " + desc
		}
		if partial == 1 {
			desc += " partial"
		}
		indexes = append(indexes, desc)
	}
	slices.Sort(indexes)
	triggers = strs(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'deals' AND sql LIKE '%AFTER INSERT%' ORDER BY name`)
	return cols, indexes, triggers
}

// TestGrowthFloorSchema: BenchmarkGrowthFloor's "all" variant maintains
// what the store's migrations make an insert into deals maintain (the
// same columns, indexes and insert triggers), so that its floor stays the
// store's after a migration adds or drops an index; and one floor
// transaction writes its rows, their tags and title words.
func TestGrowthFloorSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	storePath := filepath.Join(dir, "store.db")
	store, err := sqlite.Open(ctx, storePath)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	floorPath := filepath.Join(dir, "floor.db")
	f, err := createFloor(ctx, floorPath, false)
	if err != nil {
		t.Fatal(err)
	}
	defer f.db.Close()
	if _, err := f.plainTx(ctx); err != nil {
		t.Fatal(err)
	}
	sc, si, st := dealsWriteShape(t, storePath)
	fc, fi, ft := dealsWriteShape(t, floorPath)
	if !slices.Equal(sc, fc) {
		t.Errorf("deals columns: the store has %v, floorSchema %v; make floorSchema's deals match the migrations", sc, fc)
	}
	if !slices.Equal(si, fi) {
		t.Errorf("deals indexes: the store has %v, floorSchema %v; add or drop them in floorSchema (and its variants)", si, fi)
	}
	if !slices.Equal(st, ft) {
		t.Errorf("deals insert triggers: the store has %v, floorSchema %v; mimic them in floorSchema", st, ft)
	}
	var n int
	if err := f.db.QueryRow(`SELECT COUNT(*) FROM deals`).Scan(&n); err != nil || n != floorTx {
		t.Errorf("deals after one floor transaction: %d (%v), want %d", n, err, floorTx)
	}
	if err := f.db.QueryRow(`SELECT COUNT(*) FROM deal_tags WHERE workspace_id = 1 AND tag = 'shopify'`).Scan(&n); err != nil || n != floorTx {
		t.Errorf("deal_tags entries after one floor transaction: %d (%v), want %d (one per deal)", n, err, floorTx)
	}
	if err := f.db.QueryRow(`SELECT COUNT(*) FROM deal_title_grams WHERE deal_title_grams MATCH '"w1x6f7264"'`).Scan(&n); err != nil || n != floorTx {
		t.Errorf("deals whose title words hold the trigram \"ord\": %d (%v), want %d (every \"Order N\")", n, err, floorTx)
	}
}
