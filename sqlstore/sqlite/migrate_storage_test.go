package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/restsql"
)

// beforeStorage is the last migration with UUIDs and timestamps as text.
const beforeStorage = 10

// Seeded in migration 10's form: ids as text, times as crm.TimeFormat
// text with microseconds at both ends of their range, one before 1970.
const (
	wsID    = "0190a0b0-0000-7000-8000-0000000000aa"
	keyID   = "0190a0b0-0000-7000-8000-0000000000ab"
	pipeID  = "0190a0b0-0000-7000-8000-0000000000ac"
	coID    = "0190a0b0-0000-7000-8000-0000000000ad"
	tNew    = "2026-03-04T05:06:07.000001Z"
	tOld    = "1969-07-20T20:17:40.999999Z"
	tMid    = "2025-12-31T23:59:59.123456Z"
	tFuture = "2099-01-01T00:00:00.000000Z"
)

var (
	stageIDs   = []string{"0190a0b0-0000-7000-8000-0000000000b1", "0190a0b0-0000-7000-8000-0000000000b2"}
	contactIDs = []string{"0190a0b0-0000-7000-8000-0000000000c1", "ffffffff-ffff-7fff-bfff-ffffffffffff"}
	dealIDs    = []string{"0190a0b0-0000-7000-8000-0000000000d1", "0190a0b0-0000-7000-8000-0000000000d2", "00000000-0000-7000-8000-000000000000"}
	changeIDs  = []string{"0190a0b0-0000-7000-8000-0000000000e1", "0190a0b0-0000-7000-8000-0000000000e2"}
)

// seedText writes one workspace of every table in migration 10's form
// and returns its API key.
func seedText(t *testing.T, db *sql.DB) string {
	t.Helper()
	key, hash, prefix := crm.NewKey()
	mustExec(t, db, `INSERT INTO workspaces (id, name, created_at) VALUES (?, 'acme', ?)`, wsID, tMid)
	mustExec(t, db, `INSERT INTO api_keys (workspace_id, id, prefix, hash, scope, created_at) VALUES (1,?,?,?,'write',?)`, keyID, prefix, hash, tNew)
	mustExec(t, db, `INSERT INTO api_keys (workspace_id, id, prefix, hash, scope, created_at, revoked_at) VALUES (1,'k-old','old',x'00','read',?,?)`, tOld, tMid)
	mustExec(t, db, `INSERT INTO pipelines (workspace_id, id, name, is_default, created_at, updated_at) VALUES (1,?,'Sales',1,?,?)`, pipeID, tOld, tNew)
	for i, id := range stageIDs {
		mustExec(t, db, `INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, stage, name, position, created_at) VALUES (1,?,?,?,?,?,?)`,
			id, pipeID, []string{"new", "won"}[i], []string{"New", "Won"}[i], i, tMid)
	}
	mustExec(t, db, `INSERT INTO companies (workspace_id, id, name, created_at, updated_at) VALUES (1,?,'Co',?,?)`, coID, tNew, tOld)
	for i, id := range contactIDs {
		phone := fmt.Sprintf("+20100000000%d", i)
		mustExec(t, db, `INSERT INTO contacts (workspace_id, id, first_name, phones, company_id, created_at, updated_at) VALUES (1,?,?,?,?,?,?)`,
			id, fmt.Sprintf("C%d", i), `["`+phone+`"]`, []any{coID, nil}[i], []string{tOld, tNew}[i], tMid)
		mustExec(t, db, `INSERT INTO contact_identifiers (workspace_id, kind, value, contact_id) VALUES (1,'phone',?,?)`, phone, id)
	}
	for i, id := range dealIDs {
		mustExec(t, db, `INSERT INTO deals (workspace_id, id, title, value, currency, stage, pipeline_id, contact_id, company_id, created_at, updated_at)
			VALUES (1,?,?,?,'USD','new',?,?,?,?,?)`, id, fmt.Sprintf("Order %d", i), 100*i, pipeID, contactIDs[i%2], []any{coID, nil, coID}[i],
			[]string{tNew, tOld, tNew}[i], []string{tMid, tNew, tOld}[i])
	}
	for i, id := range changeIDs {
		mustExec(t, db, `INSERT INTO deal_stage_changes (workspace_id, id, deal_id, from_stage, to_stage, changed_at) VALUES (1,?,?,?,'new',?)`,
			id, dealIDs[i], []any{nil, "won"}[i], []string{tOld, tMid}[i])
	}
	mustExec(t, db, `INSERT INTO dashboard_sessions (token_hash, workspace_id, key_id, created_at, expires_at) VALUES (x'01',1,?,?,?)`, keyID, tNew, tFuture)
	mustExec(t, db, `INSERT INTO workspace_changes (workspace_id, n) VALUES (1, 7)`)
	return key
}

// storageTables are the tables 00011 rebuilds.
var storageTables = []string{"workspaces", "api_keys", "pipelines", "pipeline_stages", "companies", "contacts",
	"contact_identifiers", "deals", "deal_stage_changes", "dashboard_sessions", "idempotency_keys", "workspace_changes"}

// dump reads every row of every rebuilt table, each value as SQLite
// stores it, ordered by every column.
func dump(t *testing.T, db *sql.DB) map[string][][]any {
	t.Helper()
	out := map[string][][]any{}
	for _, table := range storageTables {
		rows, err := db.Query(`SELECT * FROM ` + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		order := make([]string, len(cols))
		for i := range cols {
			order[i] = fmt.Sprint(i + 1)
		}
		rows.Close()
		if rows, err = db.Query(`SELECT * FROM ` + table + ` ORDER BY ` + strings.Join(order, ", ")); err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], vals)
		}
		rows.Close()
	}
	return out
}

// TestMigrationStorageForm: a file written with migration 10's text ids
// and timestamps is converted exactly (every id a 16-byte blob, every
// time an integer), the API shows the very ids and times written, and
// the down migration gives back the file's values byte for byte.
func TestMigrationStorageForm(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "text.db")
	db := rawDB(t, path)
	migrateTo(t, db, beforeStorage, true)
	key := seedText(t, db)
	// Workspaces 2 to 5 were made and removed: no new one may get their keys.
	mustExec(t, db, `UPDATE sqlite_sequence SET seq = 5 WHERE name = 'workspaces'`)
	before := dump(t, db)
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	checkAPIValues(t, s, key)
	s.Close()

	db = rawDB(t, path)
	defer db.Close()
	checkIntegrity(t, db)
	checkStoredTypes(t, db)
	checkSequence(t, db, 5)
	// Ordered by the stored form, the ids and times keep the text order.
	var order []string
	rows, err := db.Query(`SELECT cg_uuid_text(id) FROM deals ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		order = append(order, id)
	}
	rows.Close()
	if want := []string{dealIDs[2], dealIDs[0], dealIDs[1]}; !reflect.DeepEqual(order, want) {
		t.Errorf("deals by blob id: %v, want %v", order, want)
	}
	var oldest string
	if err := db.QueryRow(`SELECT cg_uuid_text(id) FROM deals ORDER BY created_at LIMIT 1`).Scan(&oldest); err != nil || oldest != dealIDs[1] {
		t.Errorf("oldest deal by integer created_at: %s (%v), want %s", oldest, err, dealIDs[1])
	}

	migrateTo(t, db, beforeStorage, false)
	checkIntegrity(t, db)
	checkSequence(t, db, 5)
	if after := dump(t, db); !reflect.DeepEqual(after, before) {
		for _, table := range storageTables {
			if !reflect.DeepEqual(after[table], before[table]) {
				t.Errorf("%s after up and down:\n%v\nwant\n%v", table, after[table], before[table])
			}
		}
	}
}

// checkStoredTypes: every uuid column of the REST tables holds blobs,
// every timestamp integers.
func checkStoredTypes(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, name := range crm.DefaultSchema.Names {
		tbl := crm.DefaultSchema.Tables[name]
		for _, c := range tbl.Columns {
			want := map[crm.Kind]string{crm.KindUUID: "blob", crm.KindTime: "integer"}[c.Kind]
			if want == "" {
				continue
			}
			var n int
			q := `SELECT COUNT(*) FROM ` + name + ` WHERE ` + c.Name + ` IS NOT NULL AND typeof(` + c.Name + `) <> ?`
			if err := db.QueryRow(q, want).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s.%s: %d values not %s (%v)", name, c.Name, n, want, err)
			}
		}
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM api_keys WHERE typeof(created_at) <> 'integer' OR typeof(id) <> 'text'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("api_keys: %d rows with a text created_at or a blob id (%v)", n, err)
	}
}

// checkAPIValues reads every REST table through the engine and checks
// that the ids and times it shows are the text written before.
func checkAPIValues(t *testing.T, s *sqlstore.Store, key string) {
	t.Helper()
	ctx := context.Background()
	p, err := s.Authenticate(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if p.KeyID != keyID || p.Workspace.ID != wsID || crm.FormatTime(p.Workspace.CreatedAt) != tMid {
		t.Errorf("principal: key %s, workspace %s created %s", p.KeyID, p.Workspace.ID, crm.FormatTime(p.Workspace.CreatedAt))
	}
	want := map[string]string{
		"pipelines":          `[{"id":"` + pipeID + `","created_at":"` + tOld + `","updated_at":"` + tNew + `"}]`,
		"pipeline_stages":    `[{"id":"` + stageIDs[0] + `","pipeline_id":"` + pipeID + `","created_at":"` + tMid + `"},{"id":"` + stageIDs[1] + `","pipeline_id":"` + pipeID + `","created_at":"` + tMid + `"}]`,
		"companies":          `[{"id":"` + coID + `","created_at":"` + tNew + `","updated_at":"` + tOld + `"}]`,
		"contacts":           `[{"id":"` + contactIDs[0] + `","company_id":"` + coID + `","created_at":"` + tOld + `","updated_at":"` + tMid + `"},{"id":"` + contactIDs[1] + `","company_id":null,"created_at":"` + tNew + `","updated_at":"` + tMid + `"}]`,
		"deal_stage_changes": `[{"id":"` + changeIDs[0] + `","deal_id":"` + dealIDs[0] + `","changed_at":"` + tOld + `"},{"id":"` + changeIDs[1] + `","deal_id":"` + dealIDs[1] + `","changed_at":"` + tMid + `"}]`,
		"deals": `[{"id":"` + dealIDs[2] + `","pipeline_id":"` + pipeID + `","contact_id":"` + contactIDs[0] + `","company_id":"` + coID + `","created_at":"` + tNew + `","updated_at":"` + tOld + `"},` +
			`{"id":"` + dealIDs[0] + `","pipeline_id":"` + pipeID + `","contact_id":"` + contactIDs[0] + `","company_id":"` + coID + `","created_at":"` + tNew + `","updated_at":"` + tMid + `"},` +
			`{"id":"` + dealIDs[1] + `","pipeline_id":"` + pipeID + `","contact_id":"` + contactIDs[1] + `","company_id":null,"created_at":"` + tOld + `","updated_at":"` + tNew + `"}]`,
	}
	cols := map[string]string{"pipelines": "id,created_at,updated_at", "pipeline_stages": "id,pipeline_id,created_at",
		"companies": "id,created_at,updated_at", "contacts": "id,company_id,created_at,updated_at",
		"deal_stage_changes": "id,deal_id,changed_at", "deals": "id,pipeline_id,contact_id,company_id,created_at,updated_at"}
	for table, sel := range cols {
		if got := restJSON(t, s, p, table, "select="+sel+"&order=id"); got != want[table] {
			t.Errorf("%s through the API:\n%s\nwant\n%s", table, got, want[table])
		}
	}
	// Filters on the converted columns find what they found as text.
	for q, want := range map[string]string{
		"select=id&id=eq." + dealIDs[1]:                           `[{"id":"` + dealIDs[1] + `"}]`,
		"select=id&created_at=lt.1970-01-01T00:00:00Z":            `[{"id":"` + dealIDs[1] + `"}]`,
		"select=id&created_at=eq." + tNew + "&order=id.desc":      `[{"id":"` + dealIDs[0] + `"},{"id":"` + dealIDs[2] + `"}]`,
		"select=id&contact_id=in.(" + contactIDs[1] + ")":         `[{"id":"` + dealIDs[1] + `"}]`,
		"select=id,contacts(id,first_name)&id=eq." + dealIDs[0]:   `[{"id":"` + dealIDs[0] + `","contacts":{"id":"` + contactIDs[0] + `","first_name":"C0"}}]`,
		"select=id&updated_at=gt." + tMid + "&company_id=is.null": `[{"id":"` + dealIDs[1] + `"}]`,
	} {
		if got := restJSON(t, s, p, "deals", q); got != want {
			t.Errorf("deals?%s: %s, want %s", q, got, want)
		}
	}
	if p, err := s.SessionPrincipal(ctx, ""); err == nil {
		t.Errorf("empty session token accepted: %+v", p)
	}
}

func restJSON(t *testing.T, s *sqlstore.Store, p *crm.Principal, table, query string) string {
	t.Helper()
	params, err := pgrest.ParseQueryString(query)
	if err != nil {
		t.Fatal(err)
	}
	q, err := pgrest.Parse(params)
	if err != nil {
		t.Fatal(err)
	}
	res, err := restsql.New(s).Rest(context.Background(), p, &restsql.Request{Method: http.MethodGet, Table: table, Query: q, Limit: 50})
	if err != nil {
		t.Fatalf("%s?%s: %v", table, query, err)
	}
	b, err := json.Marshal(res.Rows)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBlobIDIsolation: with ids stored as blobs, another workspace's id
// still names nothing: a read, a PATCH and a DELETE by it match no row,
// and a row pointing at it fails its reference.
func TestBlobIDIsolation(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "iso.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	principal := func(name string) *crm.Principal {
		ws, err := s.CreateWorkspace(ctx, name, "", "")
		if err != nil {
			t.Fatal(err)
		}
		return &crm.Principal{Workspace: *ws, Scope: crm.ScopeWrite}
	}
	a, b := principal("a"), principal("b")
	deal := `{"title":"A's order","value":1,"contact_phone":"+201000000009","create_contact_if_missing":true}`
	res, err := s.CreateDealsBulk(ctx, a, &crm.BulkRequest{Deals: []json.RawMessage{[]byte(deal)}})
	if err != nil || res.Summary.Created != 1 {
		t.Fatalf("bulk: %+v, %v", res, err)
	}
	dealID, contactID := *res.Results[0].DealID, *res.Results[0].ContactID
	run := func(p *crm.Principal, method, table, query string, body map[string]json.RawMessage) (*restsql.Result, error) {
		params, err := pgrest.ParseQueryString(query)
		if err != nil {
			t.Fatal(err)
		}
		q, err := pgrest.Parse(params)
		if err != nil {
			t.Fatal(err)
		}
		req := &restsql.Request{Method: method, Table: table, Query: q, Limit: 50}
		if body != nil {
			req.Body = []map[string]json.RawMessage{body}
		}
		return restsql.New(s).Rest(ctx, p, req)
	}
	if got := restJSON(t, s, b, "deals", "select=id&id=eq."+dealID); got != "[]" {
		t.Errorf("b reads a's deal: %s", got)
	}
	for _, m := range []string{http.MethodPatch, http.MethodDelete} {
		body := map[string]json.RawMessage{"title": json.RawMessage(`"taken"`)}
		if m == http.MethodDelete {
			body = nil
		}
		if r, err := run(b, m, "deals", "id=eq."+dealID, body); err != nil || r.Affected != 0 {
			t.Errorf("b's %s of a's deal: %+v, %v", m, r, err)
		}
	}
	_, err = run(b, http.MethodPost, "deals", "", map[string]json.RawMessage{"title": json.RawMessage(`"x"`), "value": json.RawMessage(`1`),
		"contact_id": json.RawMessage(`"` + contactID + `"`)})
	if e, ok := crm.AsError(err); !ok || e.Code != crm.SQLStateForeignKey {
		t.Errorf("b's deal on a's contact: %v, want 23503", err)
	}
	if got := restJSON(t, s, a, "deals", "select=title&id=eq."+dealID); got != `[{"title":"A's order"}]` {
		t.Errorf("a's deal after b's writes: %s", got)
	}
}

// checkSequence: the workspaces' key counter is seq, and no other table's
// name is left in sqlite_sequence.
func checkSequence(t *testing.T, db *sql.DB, seq int64) {
	t.Helper()
	var got int64
	if err := db.QueryRow(`SELECT seq FROM sqlite_sequence WHERE name = 'workspaces'`).Scan(&got); err != nil || got != seq {
		t.Errorf("workspaces' key counter: %d (%v), want %d", got, err, seq)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_sequence WHERE name NOT IN ('workspaces', 'goose_db_version')`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d stray rows in sqlite_sequence (%v)", n, err)
	}
}
