package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore/sqlite"
	"github.com/connectgain/server/sqlstore/storetest"
)

// floorQuery is a read the index set decides the cost of: the SQL of a
// REST request or of the bulk ingest's skip_if_exists look-up on the bare
// deals table (workspace 1), and its arguments.
type floorQuery struct {
	name string
	sql  string
	args func(known []floorContact) []any
}

// floorValue is cgload's value of v.25 as stored (crm.ScaledValue).
func floorValue(v int64) int64 { return v*10000 + 2500 }

const floorCols = `rid, id, title, value, currency, stage, pipeline_id, contact_id, company_id, expected_close_date, probability, source, tags, custom_fields, created_at, updated_at`

// floorQueries: value filters of every selectivity (values are uniform
// over 100.25..9099.25), value order, a contact's deals, and the
// skip_if_exists look-up of 250 (contact, title) pairs (sqlstore's
// lookupPairs on SQLite: contact IN (...) AND title IN (...)).
var floorQueries = []floorQuery{
	{"value=gte.1000 (90% of deals) order=created_at.desc limit 50",
		`SELECT ` + floorCols + ` FROM deals WHERE workspace_id = ? AND value >= ? ORDER BY created_at DESC LIMIT 50`,
		func([]floorContact) []any { return []any{1, floorValue(1000)} }},
	{"value=gte.9000 (1.1%) order=created_at.desc limit 50",
		`SELECT ` + floorCols + ` FROM deals WHERE workspace_id = ? AND value >= ? ORDER BY created_at DESC LIMIT 50`,
		func([]floorContact) []any { return []any{1, floorValue(9000)} }},
	{"value=gte.9099 (0.011%) order=created_at.desc limit 50",
		`SELECT ` + floorCols + ` FROM deals WHERE workspace_id = ? AND value >= ? ORDER BY created_at DESC LIMIT 50`,
		func([]floorContact) []any { return []any{1, floorValue(9099)} }},
	{"value=gte.10000 (no deal) order=created_at.desc limit 50",
		`SELECT ` + floorCols + ` FROM deals WHERE workspace_id = ? AND value >= ? ORDER BY created_at DESC LIMIT 50`,
		func([]floorContact) []any { return []any{1, floorValue(10000)} }},
	{"value=gte.9099 limit 50 (no order)",
		`SELECT ` + floorCols + ` FROM deals WHERE workspace_id = ? AND value >= ? LIMIT 50`,
		func([]floorContact) []any { return []any{1, floorValue(9099)} }},
	{"order=value.desc limit 50",
		`SELECT ` + floorCols + ` FROM deals WHERE workspace_id = ? ORDER BY value DESC LIMIT 50`,
		func([]floorContact) []any { return []any{1} }},
	{"contact_id=eq.(a contact of 100 deals) order=created_at.desc limit 50",
		`SELECT ` + floorCols + ` FROM deals WHERE workspace_id = ? AND contact_id = ? ORDER BY created_at DESC LIMIT 50`,
		func(known []floorContact) []any { return []any{1, known[2].id} }},
	{"skip_if_exists: 250 (contact, title) pairs (a request of 10,000 runs 40)",
		floorPairSQL(250, " ORDER BY d.created_at, d.id"), floorPairArgs},
	// The same with the order's first term written +d.created_at (no
	// index may serve it), and with no ORDER BY (the first deal of each
	// pair picked by the caller): the planner, told by sqlite_stat1 (taken
	// with analysis_limit 1000) that a workspace holds ~1,000 deals,
	// otherwise walks the whole workspace by deals_created.
	{"skip_if_exists as above, ORDER BY +d.created_at, d.id",
		floorPairSQL(250, " ORDER BY +d.created_at, d.id"), floorPairArgs},
	{"skip_if_exists as above, no ORDER BY",
		floorPairSQL(250, ""), floorPairArgs},
}

// floorPairArgs are 250 stored (contact, title) pairs: deal 990000+2i is
// on the known contact 2i.
func floorPairArgs(known []floorContact) []any {
	args := []any{1}
	for i := range 250 {
		args = append(args, known[2*i].id)
	}
	for i := range 250 {
		args = append(args, fmt.Sprintf("Order %d", 990000+2*i))
	}
	return args
}

// floorPairSQL is sqlstore.lookupPairs' statement on SQLite for n pairs,
// with order (an ORDER BY clause or nothing).
func floorPairSQL(n int, order string) string {
	in := strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
	return `SELECT ` + floorCols + ` FROM deals d WHERE d.workspace_id = ? AND d.contact_id IN (` + in + `) AND d.title IN (` + in + `)` + order
}

// floorReader opens path as the store's read pool does (default cache,
// query_only).
func floorReader(path string) (*sql.DB, error) {
	sqlite.RegisterFloorFunctions()
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqlite.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Add("_pragma", "query_only(1)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// BenchmarkGrowthFloorQueries runs floorQueries on the 1,000,000-deal
// file with every index (all) and with the index sets that meet or come
// near the growth goal, and prints each query's CPU per call and plan:
//
//	go test ./sqlstore/sqlite -run '^$' -bench 'GrowthFloorQueries' -benchtime 1x -timeout 30m
//
// CONNECTGAIN_FLOOR_DIR and CONNECTGAIN_FLOOR_VARIANTS as for
// BenchmarkGrowthFloor (default here: all, novalue, noct, novalue-noct).
func BenchmarkGrowthFloorQueries(b *testing.B) {
	ctx := context.Background()
	variants := floorSelect(b, "CONNECTGAIN_FLOOR_VARIANTS", floorVariants, []string{"all", "novalue", "noct", "novalue-noct"})
	dir := floorDir(b)
	dbs := map[string]*sql.DB{}
	var known []floorContact
	for _, v := range variants {
		db, err := floorReader(floorVariantFile(b, ctx, dir, v))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		dbs[v.name] = db
		if known == nil {
			f := &floorDB{db: db}
			if err := f.load(ctx); err != nil {
				b.Fatal(err)
			}
			known = f.known
		}
	}
	type res struct {
		cpu  time.Duration
		rows int
		plan string
	}
	got := map[string]map[string]res{}
	b.ResetTimer()
	for range b.N {
		for _, q := range floorQueries {
			got[q.name] = map[string]res{}
			for _, v := range variants {
				db := dbs[v.name]
				args := q.args(known)
				plan, err := floorPlan(ctx, db, q.sql, args)
				if err != nil {
					b.Fatalf("%s on %s: %v", q.name, v.name, err)
				}
				// Warm, then repeat until 0.3 s of CPU or 1,000 calls.
				n, rows := 0, 0
				if rows, err = floorCount(ctx, db, q.sql, args); err != nil {
					b.Fatal(err)
				}
				c0 := storetest.ProcessCPU()
				for n < 1000 && storetest.ProcessCPU()-c0 < 300*time.Millisecond {
					if _, err := floorCount(ctx, db, q.sql, args); err != nil {
						b.Fatal(err)
					}
					n++
				}
				got[q.name][v.name] = res{(storetest.ProcessCPU() - c0) / time.Duration(n), rows, plan}
			}
		}
	}
	b.StopTimer()
	var t strings.Builder
	fmt.Fprintf(&t, "\nCPU per call at 1,000,000 deals (rows returned; plan)\n")
	for _, q := range floorQueries {
		fmt.Fprintf(&t, "\n%s\n", q.name)
		ref := got[q.name][variants[0].name].cpu
		for _, v := range variants {
			r := got[q.name][v.name]
			fmt.Fprintf(&t, "  %-13s %10.3f ms  %5.1fx  rows %-4d %s\n", v.name, float64(r.cpu)/1e6, float64(r.cpu)/float64(ref), r.rows, r.plan)
		}
	}
	floorLogf("%s", t.String())
}

func floorCount(ctx context.Context, db *sql.DB, q string, args []any) (int, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// floorPlan is EXPLAIN QUERY PLAN's details, joined.
func floorPlan(ctx context.Context, db *sql.DB, q string, args []any) (string, error) {
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		out = append(out, detail)
	}
	return strings.Join(out, "; "), rows.Err()
}
