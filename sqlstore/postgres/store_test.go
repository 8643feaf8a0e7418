package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/storetest"
)

// mustPrincipal creates a workspace "w" (region SA) on s.
func mustPrincipal(t testing.TB, s *sqlstore.Store) *crm.Principal {
	t.Helper()
	ctx := context.Background()
	ws, err := s.CreateWorkspace(ctx, "w", "SAR", "SA")
	if err != nil {
		t.Fatalf("create workspace: %v", err)
	}
	return &crm.Principal{Workspace: *ws, Scope: crm.ScopeWrite}
}

func mustBulk(t testing.TB, s *sqlstore.Store, p *crm.Principal, body string) *sqlstore.BulkOutcome {
	t.Helper()
	req, err := crm.ParseBulkRequest([]byte(body), crm.DefaultMaxBulkDeals)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	out, err := s.CreateDealsBulk(context.Background(), p, req)
	if err != nil {
		t.Fatalf("bulk: %v", err)
	}
	return out
}

// TestRoundTrip writes every kind of value through the bulk path and
// reads it back exactly.
func TestRoundTrip(t *testing.T) {
	s := storetest.MustOpenPostgres(t)
	ctx := context.Background()
	p := mustPrincipal(t, s)

	key, _, err := s.CreateKey(ctx, p.Workspace.ID, "k", crm.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Authenticate(ctx, key)
	if err != nil || got.Workspace.ID != p.Workspace.ID || got.Scope != crm.ScopeRead || got.Workspace.PhoneRegion != "SA" {
		t.Fatalf("Authenticate = %+v, %v", got, err)
	}
	if _, err := s.CreateWorkspace(ctx, "w", "", ""); err == nil {
		t.Fatal("duplicate workspace accepted")
	} else if e, ok := crm.AsError(err); !ok || e.Code != "23505" {
		t.Fatalf("duplicate workspace: %v, want 23505", err)
	}

	out := mustBulk(t, s, p, `{"skip_if_exists": true, "deals": [
		{"title": "Order 1", "value": 11523.0001, "stage": "QUALIFIED", "contact_phone": "0501234567", "create_contact_if_missing": true,
		 "contact_first_name": "Ali", "tags": ["vip", "two words", "q\"uote", "{x}"], "custom_fields": {"b": 1, "a": [true, null]},
		 "expected_close_date": "2025-12-31", "probability": 40, "source": "shopify"},
		{"title": "Order 1", "value": 5, "contact_phone": "+966 50 123 4567"},
		{"title": "Order 2", "value": 0, "contact_email": " Ali@Example.com ", "create_contact_if_missing": true}
	]}`)
	if out.Summary.Created != 2 || out.Summary.Skipped != 1 || out.Summary.ContactsCreated != 2 {
		t.Fatalf("summary = %+v", out.Summary)
	}
	d := out.Results[0].Deal
	again := mustBulk(t, s, p, `{"skip_if_exists": true, "deals": [{"title": "Order 1", "value": 1, "contact_phone": "+966501234567"}]}`)
	r := again.Results[0]
	if r.Status != sqlstore.StatusSkipped || r.Deal == nil {
		t.Fatalf("second request: %+v", r)
	}
	stored := r.Deal
	want, _ := json.Marshal(d)
	gotJSON, _ := json.Marshal(stored)
	// jsonb orders object keys its own way; compare custom_fields apart.
	var wc, gc any
	dcf, _ := d.Get("custom_fields")
	scf, _ := stored.Get("custom_fields")
	json.Unmarshal(dcf.(json.RawMessage), &wc)
	json.Unmarshal(scf.(json.RawMessage), &gc)
	if fmt.Sprint(wc) != fmt.Sprint(gc) {
		t.Errorf("custom_fields = %s, want %s", scf, dcf)
	}
	d.Set("custom_fields", nil)
	stored.Set("custom_fields", nil)
	want, _ = json.Marshal(d)
	gotJSON, _ = json.Marshal(stored)
	if string(want) != string(gotJSON) {
		t.Errorf("stored deal\n got %s\nwant %s", gotJSON, want)
	}
	value, _ := stored.Get("value")
	stage, _ := stored.Get("stage")
	closeDate, _ := stored.Get("expected_close_date")
	if fmt.Sprint(value) != "11523.0001" || stage != "qualified" || closeDate != "2025-12-31" {
		t.Errorf("stored = %+v", stored)
	}
	n, err := s.CountForTest(ctx, `SELECT count(*) FROM contact_identifiers WHERE workspace_id = ? AND kind = 'phone' AND value = '+966501234567'`, p.Workspace.ID)
	if err != nil || n != 1 {
		t.Errorf("identifier rows = %d, %v", n, err)
	}
}

// TestConcurrentBulk: parallel requests naming the same new phones create
// one contact per phone and, with skip_if_exists, one deal per title.
func TestConcurrentBulk(t *testing.T) {
	s := storetest.MustOpenPostgres(t)
	p := mustPrincipal(t, s)
	body := `{"skip_if_exists": true, "deals": [`
	for i := range 10 {
		if i > 0 {
			body += ","
		}
		body += fmt.Sprintf(`{"title": "T%d", "value": %d, "contact_phone": "+2010171777%02d", "create_contact_if_missing": true}`, i, i, i)
	}
	body += `]}`
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mustBulk(t, s, p, body)
		}()
	}
	wg.Wait()
	ctx := context.Background()
	for q, want := range map[string]int{
		`SELECT count(*) FROM contacts WHERE workspace_id = ?`:                                    10,
		`SELECT count(*) FROM deals WHERE workspace_id = ?`:                                       10,
		`SELECT count(*) FROM (SELECT 1 FROM deals WHERE workspace_id = ? GROUP BY contact_id) x`: 10,
	} {
		if n, err := s.CountForTest(ctx, q, p.Workspace.ID); err != nil || n != want {
			t.Errorf("%s = %d, %v; want %d", q, n, err, want)
		}
	}
}
