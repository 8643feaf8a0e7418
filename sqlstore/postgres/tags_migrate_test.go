package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"slices"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore/postgres"
	"github.com/connectgain/server/sqlstore/restsql"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/pressly/goose/v3"
)

// beforeTags is the last PostgreSQL migration before deal_tags (00008).
const beforeTags = 7

func migratePG(t *testing.T, db *sql.DB, version int64, up bool) {
	t.Helper()
	p, err := goose.NewProvider(goose.DialectPostgres, db, os.DirFS("migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if up {
		_, err = p.UpTo(context.Background(), version)
	} else {
		_, err = p.DownTo(context.Background(), version)
	}
	if err != nil {
		t.Fatalf("migrate to %d: %v", version, err)
	}
}

// pgTaggedDeals are written before the tag index: workspace, title, tags.
var pgTaggedDeals = []struct {
	ws          int
	title, tags string
}{
	{0, "a1", `{vip}`}, {0, "a2", `{vip,shopify}`}, {0, "a3", `{vip,vip}`}, {0, "a4", `{}`},
	{0, "a5", `{"it's \"q\"",é}`}, {1, "b1", `{vip}`}, {1, "b2", `{b-only}`},
}

var pgTaggedWorkspaces = []string{"01900000-0000-7000-8000-0000000000a1", "01900000-0000-7000-8000-0000000000b1"}

func seedPGTagged(t *testing.T, db *sql.DB) {
	t.Helper()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for i, ws := range pgTaggedWorkspaces {
		pid := fmt.Sprintf("01900000-0000-7000-8000-00000000010%d", i)
		exec(`INSERT INTO workspaces (id, name, created_at) VALUES ($1, $2, now())`, ws, fmt.Sprintf("w%d", i))
		exec(`INSERT INTO pipelines (workspace_id, id, name, is_default, created_at, updated_at) VALUES ($1, $2, 'Sales', true, now(), now())`, ws, pid)
		for j, d := range pgTaggedDeals {
			if d.ws == i {
				exec(`INSERT INTO deals (workspace_id, id, title, value, currency, stage, pipeline_id, tags, created_at, updated_at)
					VALUES ($1, $2, $3, 1, 'USD', 'new', $4, $5::text[], '2026-01-02T00:00:00Z'::timestamptz + $6 * interval '1 second', now())`,
					ws, fmt.Sprintf("01900000-0000-7000-8000-0000000002%02d", j), d.title, pid, d.tags, j)
			}
		}
	}
}

// TestMigrationDealTagsPostgres: deals written before the tag index are
// listed by migration 00008, each in its own workspace, found by cs
// through it; down and up again gives the same.
func TestMigrationDealTagsPostgres(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.PostgresURL(t)
	db, err := postgres.OpenDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	migratePG(t, db, beforeTags, true)
	seedPGTagged(t, db)
	check := func() {
		t.Helper()
		s, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var bad int
		if err := db.QueryRow(`SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT d.workspace_id, t.tag, d.created_at, d.id FROM deals d, unnest(d.tags) t (tag)
			EXCEPT SELECT workspace_id, tag, created_at, rid FROM deal_tags) m) + (SELECT COUNT(*) FROM (SELECT workspace_id, tag, created_at, rid FROM deal_tags
			EXCEPT SELECT d.workspace_id, t.tag, d.created_at, d.id FROM deals d, unnest(d.tags) t (tag)) x)`).Scan(&bad); err != nil || bad != 0 {
			t.Errorf("deal_tags differs from the deals' tags in %d entries (%v)", bad, err)
		}
		for _, c := range []struct {
			ws      int
			operand string
			want    []string
		}{
			{0, "{vip}", []string{"a3", "a2", "a1"}},
			{0, "{vip,shopify}", []string{"a2"}},
			{0, `{"it's \"q\"",é}`, []string{"a5"}},
			{0, "{b-only}", []string{}},
			{1, "{vip}", []string{"b1"}},
		} {
			params, err := pgrest.ParseQueryString("select=title&order=created_at.desc&tags=cs." + c.operand)
			if err != nil {
				t.Fatal(err)
			}
			q, err := pgrest.Parse(params)
			if err != nil {
				t.Fatal(err)
			}
			p := &crm.Principal{Workspace: crm.Workspace{ID: pgTaggedWorkspaces[c.ws]}, Scope: crm.ScopeRead}
			res, err := restsql.New(s).Rest(ctx, p, &restsql.Request{Method: http.MethodGet, Table: "deals", Query: q, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, r := range res.Rows {
				v, _ := r.Get("title")
				got = append(got, v.(string))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("workspace %d, tags=cs.%s: %q, want %q", c.ws, c.operand, got, c.want)
			}
		}
	}
	check()
	migratePG(t, db, beforeTags, false)
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'deal_tags'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after the down migration deal_tags remains (%d, %v)", n, err)
	}
	check()
}
