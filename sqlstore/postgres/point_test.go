package postgres_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/postgres"
	"github.com/connectgain/server/sqlstore/restsql"
	"github.com/connectgain/server/sqlstore/storetest"
)

// TestPointPoolCachesPlans runs a deal by id and a list by stage eight
// times each on a store of two one-connection pools, and reads each
// connection's prepared statements: the point read ran on the point pool
// (plan_cache_mode=force_generic_plan) and PostgreSQL reused its generic
// plan, planned once;
// the list ran on the other pool (force_custom_plan), planned every time,
// and neither ran on the other's pool.
func TestPointPoolCachesPlans(t *testing.T) {
	s := storetest.MustOpenPostgresURL(t, storetest.PostgresURL(t)+"&pool_max_conns=2&pool_point_conns=1")
	ctx := context.Background()
	ws, err := s.CreateWorkspace(ctx, "plans", "USD", "EG")
	if err != nil {
		t.Fatal(err)
	}
	eng := restsql.New(s)
	p := &crm.Principal{Workspace: *ws, Scope: crm.ScopeWrite}
	get := func(table, query string) {
		t.Helper()
		params, err := pgrest.ParseQueryString(query)
		if err != nil {
			t.Fatal(err)
		}
		q, err := pgrest.Parse(params)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Rest(ctx, p, &restsql.Request{Method: http.MethodGet, Table: table, Query: q, Limit: -1}); err != nil {
			t.Fatalf("GET %s?%s: %v", table, query, err)
		}
	}
	for i := range 8 {
		get("deals", "id=eq."+crm.NewID()) // a different deal each time: one statement
		get("deals", "stage=eq.won&offset="+string(rune('0'+i)))
	}
	type plans struct {
		mode             string
		generic, custom  int64
		point, list, all int
	}
	read := func(q sqlstore.Queryer) plans {
		t.Helper()
		var pl plans
		if err := q.QueryRowContext(ctx, `SELECT current_setting('plan_cache_mode')`).Scan(&pl.mode); err != nil {
			t.Fatal(err)
		}
		rows, err := q.QueryContext(ctx, `SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var st string
			var g, c int64
			if err := rows.Scan(&st, &g, &c); err != nil {
				t.Fatal(err)
			}
			pl.all++
			switch {
			case strings.Contains(st, "FROM deals t0") && strings.Contains(st, "t0.id = $2"):
				pl.point++
				pl.generic, pl.custom = pl.generic+g, pl.custom+c
			case strings.Contains(st, "FROM deals t0") && strings.Contains(st, "t0.stage = $2"):
				pl.list++
				pl.generic, pl.custom = pl.generic+g, pl.custom+c
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return pl
	}
	pt, rd := read(s.PointReader()), read(s.Reader())
	if pt.mode != "force_generic_plan" || pt.point != 1 || pt.list != 0 || pt.generic != 8 || pt.custom != 0 {
		t.Errorf("point pool: plan_cache_mode %q, %d deal-by-id and %d by-stage statements of %d, %d generic plans, %d custom; want force_generic_plan, 1, 0, 8 generic (all eight reads), no custom",
			pt.mode, pt.point, pt.list, pt.all, pt.generic, pt.custom)
	}
	if rd.mode != "force_custom_plan" || rd.point != 0 || rd.list != 1 || rd.generic != 0 || rd.custom < 8 {
		t.Errorf("read pool: plan_cache_mode %q, %d deal-by-id and %d by-stage statements of %d, %d generic plans, %d custom; want force_custom_plan, 0, 1, no generic plan, 8 custom",
			rd.mode, rd.point, rd.list, rd.all, rd.generic, rd.custom)
	}
}

// TestPointPoolURL checks the URL rules of the point pool: a URL that
// sets plan_cache_mode gets one pool, and pool_point_conns must leave the
// other pool a connection.
func TestPointPoolURL(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	s := storetest.MustOpenPostgresURL(t, dsn+"&plan_cache_mode=force_custom_plan")
	if s.PointReader() != s.Reader() {
		t.Errorf("plan_cache_mode in the URL: the store has a point pool; want the one pool the URL configures")
	}
	for _, c := range []struct{ params, want string }{
		{"&pool_max_conns=2&pool_point_conns=2", `pool_point_conns="2" is not an integer from 0 to pool_max_conns-1 (1)`},
		{"&pool_point_conns=-1", `pool_point_conns="-1"`},
		{"&pool_point_conns=two", `pool_point_conns="two"`},
	} {
		_, err := postgres.Open(context.Background(), dsn+c.params)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%s): %v; want an error naming %s", c.params, err, c.want)
		}
	}
}
