package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/restsql"
)

// beforeTags is the last migration before deal_tags (00012) that keeps
// the format seedTagged writes (00011 converts it).
const beforeTags = 10

// taggedDeal is a deal written before the tag index, in a workspace.
type taggedDeal struct {
	ws    int
	title string
	tags  string // the stored JSON text
}

var taggedDeals = []taggedDeal{
	{0, "a1", `["vip"]`},
	{0, "a2", `["vip","shopify"]`},
	{0, "a3", `["vip","vip"]`}, // a tag twice: listed once
	{0, "a4", `[]`},
	{0, "a5", `["it's \"q\"","é","Ω"]`},
	{1, "b1", `["vip"]`},
	{1, "b2", `["b-only"]`},
}

var taggedWorkspaces = []string{"01900000-0000-7000-8000-0000000000a1", "01900000-0000-7000-8000-0000000000b1"}

// seedTagged writes two workspaces and their deals in the format of
// migration 10 (integer workspace keys, text UUIDs and times).
func seedTagged(t *testing.T, db *sql.DB) {
	t.Helper()
	for i, ws := range taggedWorkspaces {
		key := i + 1
		pid := fmt.Sprintf("01900000-0000-7000-8000-00000000010%d", i)
		mustExec(t, db, `INSERT INTO workspaces (key, id, name, created_at) VALUES (?,?,?,?)`, key, ws, fmt.Sprintf("w%d", i), "2026-01-01T00:00:00.000000Z")
		mustExec(t, db, `INSERT INTO pipelines (workspace_id, id, name, is_default, created_at, updated_at) VALUES (?,?,'Sales',1,?,?)`,
			key, pid, "2026-01-01T00:00:00.000000Z", "2026-01-01T00:00:00.000000Z")
		for j, d := range taggedDeals {
			if d.ws != i {
				continue
			}
			at := fmt.Sprintf("2026-01-02T00:00:00.%06dZ", j)
			mustExec(t, db, `INSERT INTO deals (workspace_id, id, title, value, currency, stage, pipeline_id, tags, created_at, updated_at)
				VALUES (?,?,?,1,'USD','new',?,?,?,?)`, key, fmt.Sprintf("01900000-0000-7000-8000-0000000002%02d", j), d.title, pid, d.tags, at, at)
		}
	}
}

// tagTitles lists, newest first, the titles of the workspace's deals
// whose tags contain every element of operand (a PostgREST array).
func tagTitles(t *testing.T, s *sqlstore.Store, ws, operand string) []string {
	t.Helper()
	params, err := pgrest.ParseQueryString("select=title&order=created_at.desc&tags=cs." + operand)
	if err != nil {
		t.Fatal(err)
	}
	q, err := pgrest.Parse(params)
	if err != nil {
		t.Fatal(err)
	}
	p := &crm.Principal{Workspace: crm.Workspace{ID: ws}, Scope: crm.ScopeRead}
	res, err := restsql.New(s).Rest(context.Background(), p, &restsql.Request{Method: http.MethodGet, Table: "deals", Query: q, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	titles := []string{}
	for _, r := range res.Rows {
		v, _ := r.Get("title")
		titles = append(titles, v.(string))
	}
	return titles
}

// checkTagIndex: deal_tags holds exactly each deal's distinct tags, with
// the deal's workspace, created_at and rid as they are stored.
func checkTagIndex(t *testing.T, db *sql.DB) {
	t.Helper()
	var want, got, missing int
	if err := db.QueryRow(`SELECT COUNT(*) FROM (SELECT DISTINCT d.rid, j.value FROM deals d, json_each(d.tags) j)`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM deal_tags`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM deals d, json_each(d.tags) j WHERE NOT EXISTS (SELECT 1 FROM deal_tags x
		WHERE x.workspace_id = d.workspace_id AND x.tag = j.value AND x.created_at = +d.created_at AND x.rid = d.rid)`).Scan(&missing); err != nil {
		t.Fatal(err)
	}
	if got != want || missing != 0 {
		t.Errorf("deal_tags has %d entries (%d of the deals' tags missing), want %d", got, missing, want)
	}
}

// TestMigrationDealTags: deals written before the tag index are listed
// by the migration, each workspace under its own key, and found by cs
// through it; down and up again gives the same.
func TestMigrationDealTags(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := rawDB(t, path)
	migrateTo(t, db, beforeTags, true)
	seedTagged(t, db)
	db.Close()

	check := func() {
		t.Helper()
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for _, c := range []struct {
			ws      int
			operand string
			want    []string
		}{
			{0, "{vip}", []string{"a3", "a2", "a1"}},
			{0, "{vip,shopify}", []string{"a2"}},
			{0, `{"it's \"q\"",Ω}`, []string{"a5"}},
			{0, "{b-only}", []string{}}, // the other workspace's tag
			{1, "{vip}", []string{"b1"}},
			{1, "{shopify}", []string{}},
		} {
			if got := tagTitles(t, s, taggedWorkspaces[c.ws], c.operand); !slices.Equal(got, c.want) {
				t.Errorf("workspace %d, tags=cs.%s: %q, want %q", c.ws, c.operand, got, c.want)
			}
		}
	}
	check()
	db = rawDB(t, path)
	checkIntegrity(t, db)
	checkTagIndex(t, db)
	migrateTo(t, db, beforeTags, false)
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'deal_tags%'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after the down migration %d objects named deal_tags* remain (%v)", n, err)
	}
	db.Close()
	check()
	db = rawDB(t, path)
	defer db.Close()
	checkTagIndex(t, db)
}
