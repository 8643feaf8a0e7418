package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/restsql"
	"github.com/pressly/goose/v3"
)

// beforeKeys is the last migration before workspaces became integer keys.
const beforeKeys = 9

// oldWorkspace is a workspace seeded in the text-UUID format.
type oldWorkspace struct {
	id, name, key string
	titles        []string
}

var oldWorkspaces = []oldWorkspace{
	{"01900000-0000-7000-8000-00000000000a", "alpha", "", []string{"Order 100", "Invoice 7", "Order 200 big"}},
	{"01900000-0000-7000-8000-00000000000b", "beta", "", []string{"Order 100"}},
	{"01900000-0000-7000-8000-00000000000c", "gamma", "", nil}, // no deals: no search number
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	registerOnce.Do(func() { registerFunctions() })
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db
}

func migrateTo(t *testing.T, db *sql.DB, version int64, up bool) {
	t.Helper()
	p, err := goose.NewProvider(goose.DialectSQLite3, db, mustSub(migrations, "migrations"))
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

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// seedOld writes every table in the format of migration 9, each row
// naming its workspace by UUID, and returns the workspaces' API keys.
func seedOld(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	keys := map[string]string{}
	const now = "2026-01-01T00:00:00.000000Z"
	for i, w := range oldWorkspaces {
		key, hash, prefix := crm.NewKey()
		keys[w.name] = key
		kid, pid, cid, coid := fmt.Sprintf("k%d", i), fmt.Sprintf("p%d", i), fmt.Sprintf("c%d", i), fmt.Sprintf("co%d", i)
		mustExec(t, db, `INSERT INTO workspaces (id, name, created_at) VALUES (?,?,?)`, w.id, w.name, now)
		mustExec(t, db, `INSERT INTO api_keys (workspace_id, id, prefix, hash, scope, created_at) VALUES (?,?,?,?,'write',?)`, w.id, kid, prefix, hash, now)
		mustExec(t, db, `INSERT INTO pipelines (workspace_id, id, name, is_default, created_at, updated_at) VALUES (?,?,'Sales',1,?,?)`, w.id, pid, now, now)
		mustExec(t, db, `INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, stage, position, created_at) VALUES (?,?,?,'new',0,?)`, w.id, "s"+pid, pid, now)
		mustExec(t, db, `INSERT INTO companies (workspace_id, id, name, created_at, updated_at) VALUES (?,?,'Co',?,?)`, w.id, coid, now, now)
		mustExec(t, db, `INSERT INTO contacts (workspace_id, id, phones, company_id, created_at, updated_at) VALUES (?,?,'["+201000000001"]',?,?,?)`, w.id, cid, coid, now, now)
		mustExec(t, db, `INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id) VALUES (?,'phone','+201000000001',?)`, w.id, cid)
		mustExec(t, db, `INSERT INTO dashboard_sessions (token_hash, workspace_id, key_id, created_at, expires_at) VALUES (?,?,?,?,?)`, []byte("tok"+w.name), w.id, kid, now, now)
		mustExec(t, db, `INSERT INTO workspace_changes (workspace_id, n) VALUES (?,?)`, w.id, 10+i)
		mustExec(t, db, `INSERT INTO idempotency_keys (workspace_id, scope, key, fingerprint, owner, state, lease_until, expires_at) VALUES (?,'POST /x','k','f','o','done',0,0)`, w.id)
		for j, title := range w.titles {
			did := fmt.Sprintf("d%d-%d", i, j)
			mustExec(t, db, `INSERT INTO deals (workspace_id, id, title, value, currency, stage, pipeline_id, contact_id, company_id, created_at, updated_at)
				VALUES (?,?,?,?,'USD','new',?,?,?,?,?)`, w.id, did, title, j, pid, cid, coid, now, now)
			mustExec(t, db, `INSERT INTO deal_stage_changes (workspace_id, id, deal_id, to_stage, changed_at) VALUES (?,?,?,'new',?)`, w.id, "x"+did, did, now)
		}
	}
	return keys
}

// keyedTables are the tables whose workspace_id names a workspace.
var keyedTables = []string{"api_keys", "pipelines", "pipeline_stages", "companies", "contacts", "contact_identifiers",
	"deals", "deal_stage_changes", "dashboard_sessions", "idempotency_keys", "workspace_changes"}

// rowsByWorkspace counts every table's rows per workspace UUID, with ref
// the workspaces column workspace_id refers to.
func rowsByWorkspace(t *testing.T, db *sql.DB, ref string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range keyedTables {
		rows, err := db.Query(`SELECT w.name, COUNT(*) FROM ` + table + ` t JOIN workspaces w ON w.` + ref + ` = t.workspace_id GROUP BY w.name`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name string
			var n int
			if err := rows.Scan(&name, &n); err != nil {
				t.Fatal(err)
			}
			out[table+"/"+name] = n
		}
		rows.Close()
	}
	return out
}

func checkIntegrity(t *testing.T, db *sql.DB) {
	t.Helper()
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
	}
	rows, err := db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Fatal("foreign_key_check reports violations")
	}
}

func searchTitles(t *testing.T, s *sqlstore.Store, p *crm.Principal, term string) []string {
	t.Helper()
	params, err := pgrest.ParseQueryString("select=title&order=title&title=ilike.*" + term + "*")
	if err != nil {
		t.Fatal(err)
	}
	q, err := pgrest.Parse(params)
	if err != nil {
		t.Fatal(err)
	}
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

// checkMigrated: every workspace's rows, keys and title search survived
// the rebuild, each still in its own workspace only.
func checkMigrated(t *testing.T, s *sqlstore.Store, keys map[string]string) {
	t.Helper()
	ctx := context.Background()
	if err := s.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	for i, w := range oldWorkspaces {
		if v, err := s.BoardVersion(ctx, w.id); err != nil || v != fmt.Sprintf("c%d", 10+i) {
			t.Errorf("%s: board version %q, %v; want c%d", w.name, v, err, 10+i)
		}
		p, err := s.Authenticate(ctx, keys[w.name])
		if err != nil || p.Workspace.ID != w.id || p.Workspace.Name != w.name {
			t.Fatalf("key of %s: %+v, %v", w.name, p, err)
		}
		var want []string
		for _, title := range w.titles {
			if title != "Invoice 7" {
				want = append(want, title)
			}
		}
		slices.Sort(want)
		if got := searchTitles(t, s, p, "Order"); !slices.Equal(got, want) {
			t.Errorf("%s: title search finds %q, want %q", w.name, got, want)
		}
	}
}

// TestMigrationWorkspaceKey: a database written before migration 10
// (text UUIDs) keeps every row, key, session and title in its own
// workspace through the rebuild, down again and up again.
func TestMigrationWorkspaceKey(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := rawDB(t, path)
	migrateTo(t, db, beforeKeys, true)
	keys := seedOld(t, db)
	before := rowsByWorkspace(t, db, "id")
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	checkMigrated(t, s, keys)
	// A workspace made after the rebuild gets a key no other had, and its
	// own title search.
	ws, err := s.CreateWorkspace(ctx, "delta", "", "")
	if err != nil {
		t.Fatal(err)
	}
	p := &crm.Principal{Workspace: *ws, Scope: crm.ScopeWrite}
	deal := `{"title":"Order 100","value":1,"contact_phone":"+201000000002","create_contact_if_missing":true}`
	if res, err := s.CreateDealsBulk(ctx, p, &crm.BulkRequest{Deals: []json.RawMessage{[]byte(deal)}}); err != nil || res.Summary.Created != 1 {
		t.Fatalf("bulk in delta: %+v, %v", res, err)
	}
	if got := searchTitles(t, s, p, "Order 1"); !slices.Equal(got, []string{"Order 100"}) {
		t.Errorf("delta: title search finds %q", got)
	}
	if k, _ := s.WorkspaceArg(ws.ID).(int64); k <= int64(len(oldWorkspaces)) {
		t.Errorf("delta's key %v is not after the migrated workspaces' keys", s.WorkspaceArg(ws.ID))
	}
	if got := s.WorkspaceArg("01900000-0000-7000-8000-0000000000ff"); got != int64(0) {
		t.Errorf("an unknown workspace binds %v, want 0 (no workspace)", got)
	}
	s.Close()

	db = rawDB(t, path)
	defer db.Close()
	checkIntegrity(t, db)
	for _, table := range keyedTables {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table + ` WHERE typeof(workspace_id) <> 'integer'`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows whose workspace_id is not an integer key (%v)", table, n, err)
		}
	}
	after := rowsByWorkspace(t, db, "key")
	for k, n := range before {
		if after[k] != n {
			t.Errorf("%s: %d rows after the migration, %d before", k, after[k], n)
		}
	}

	migrateTo(t, db, beforeKeys, false)
	checkIntegrity(t, db)
	down := rowsByWorkspace(t, db, "id")
	for k, n := range before {
		if down[k] != n {
			t.Errorf("%s: %d rows after the down migration, %d before", k, down[k], n)
		}
	}
	db.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkMigrated(t, s, keys)
}
