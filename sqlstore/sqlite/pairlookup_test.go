package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/sqlite"
)

// pairEnv is a store with one workspace of deals spread over contacts,
// and a second handle on its file for what the store would not do.
type pairEnv struct {
	store *sqlstore.Store
	raw   *sql.DB
	p     *crm.Principal
}

func mustPairEnv(t *testing.T) *pairEnv {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pairs.db")
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	raw.SetMaxOpenConns(1)
	ws, err := store.CreateWorkspace(ctx, "pairs", "SAR", "EG")
	if err != nil {
		t.Fatal(err)
	}
	return &pairEnv{store: store, raw: raw, p: &crm.Principal{Workspace: *ws, Scope: crm.ScopeWrite}}
}

// bulk sends deals (as JSON objects) in one request.
func (e *pairEnv) bulk(t *testing.T, skip bool, deals ...map[string]any) *sqlstore.BulkOutcome {
	t.Helper()
	req := &crm.BulkRequest{SkipIfExists: skip}
	for _, d := range deals {
		b, _ := json.Marshal(d)
		req.Deals = append(req.Deals, b)
	}
	out, err := e.store.CreateDealsBulk(context.Background(), e.p, req)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func pairDeal(title string, contact int) map[string]any {
	return map[string]any{"title": title, "value": 1, "contact_phone": fmt.Sprintf("+2010170%05d", contact),
		"create_contact_if_missing": true}
}

// TestPairLookupProbesTheContactIndex: skip_if_exists looks up stored
// deals by (contact, title) through deals_contact_title, with the
// statistics a grown file has (ANALYZE with analysis_limit, as
// Dialect.Analyze runs it, puts ~1,000 deals in a workspace). Its
// statement once ended in ORDER BY created_at, id, and SQLite then
// walked every deal of the workspace in deals_created order to skip a
// sort: 13 s of CPU for a request of 10,000 at 1,000,000 deals.
func TestPairLookupProbesTheContactIndex(t *testing.T) {
	ctx := context.Background()
	e := mustPairEnv(t)
	var deals []map[string]any
	for i := range 5000 {
		deals = append(deals, pairDeal(fmt.Sprintf("Order %d", i), i%500))
	}
	if out := e.bulk(t, false, deals...); out.Summary.Created != 5000 {
		t.Fatalf("seed: %+v", out.Summary)
	}
	if _, err := e.raw.Exec(`PRAGMA analysis_limit = 1000; ANALYZE`); err != nil {
		t.Fatal(err)
	}
	out := e.bulk(t, true, deals[:2000]...)
	if out.Summary.Skipped != 2000 {
		t.Fatalf("skip_if_exists on 2,000 stored deals: %+v", out.Summary)
	}
	var pairs [][2]string
	for _, r := range out.Results {
		title, _ := r.Deal.Get("title")
		pairs = append(pairs, [2]string{*r.ContactID, title.(string)})
	}
	q, args := e.store.PairLookupForTest(e.p.Workspace.ID, pairs)
	rows, err := e.store.QueryForTest(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if !strings.Contains(text, "deals_contact_title") || strings.Contains(text, "deals_created") || strings.Contains(text, "SCAN d") {
		t.Fatalf("the skip_if_exists look-up does not probe deals_contact_title:\n%s\n%s", text, q)
	}
}

// TestSkipIfExistsNamesTheEarliestDeal: of several stored deals with the
// request's contact and title, skip_if_exists names the first by
// (created_at, id), whatever order the look-up reads them in.
func TestSkipIfExistsNamesTheEarliestDeal(t *testing.T) {
	e := mustPairEnv(t)
	first := e.bulk(t, false, pairDeal("Order 7", 7))
	second := e.bulk(t, false, pairDeal("Order 7", 7))
	firstID, secondID := *first.Results[0].DealID, *second.Results[0].DealID
	skip := func() string {
		t.Helper()
		out := e.bulk(t, true, pairDeal("Order 7", 7))
		if out.Summary.Skipped != 1 || out.Results[0].DealID == nil {
			t.Fatalf("skip_if_exists: %+v", out.Results[0])
		}
		return *out.Results[0].DealID
	}
	if got := skip(); got != firstID {
		t.Fatalf("skip_if_exists names %s, want the first stored deal %s", got, firstID)
	}
	// The first deal (stored first, so read first) now has the later
	// created_at: the look-up must name the other.
	if _, err := e.raw.Exec(`UPDATE deals SET created_at = created_at + 3600000000 WHERE id = ?`,
		e.store.BindForTest(crm.KindUUID, firstID)); err != nil {
		t.Fatal(err)
	}
	if got := skip(); got != secondID {
		t.Fatalf("after moving the first deal's created_at an hour later, skip_if_exists names %s, want %s", got, secondID)
	}
}
