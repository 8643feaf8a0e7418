package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/storetest"
)

// bulkEnv is a real server over a real database with one workspace and
// its keys.
type bulkEnv struct {
	t        testing.TB
	url      string
	store    *sqlstore.Store
	ws       *crm.Workspace
	writeKey string
	readKey  string
}

// mustBulkEnv starts a server on backend b with a workspace named "acme"
// (default currency, phone region as given) and write and read keys.
func mustBulkEnv(t testing.TB, b storetest.Backend, cfg Config, currency, region string) *bulkEnv {
	t.Helper()
	store := b.Open(t)
	ctx := context.Background()
	ws, err := store.CreateWorkspace(ctx, "acme", currency, region)
	if err != nil {
		t.Fatalf("create workspace: %v", err)
	}
	wk, _, err := store.CreateKey(ctx, ws.ID, "w", crm.ScopeWrite)
	if err != nil {
		t.Fatal(err)
	}
	rk, _, err := store.CreateKey(ctx, ws.ID, "r", crm.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(store, cfg, nil).Handler())
	t.Cleanup(srv.Close)
	return &bulkEnv{t: t, url: srv.URL, store: store, ws: ws, writeKey: wk, readKey: rk}
}

// bulkResp is the bulk response as a client reads it.
type bulkResp struct {
	DryRun  bool `json:"dry_run"`
	Summary struct {
		Total, Created, Skipped, Failed int
		ContactsCreated                 int `json:"contacts_created"`
		RolledBack                      int `json:"rolled_back"`
	} `json:"summary"`
	Results []struct {
		Index        int             `json:"index"`
		Status       string          `json:"status"`
		DealID       *string         `json:"deal_id"`
		ContactID    *string         `json:"contact_id"`
		IsNewContact *bool           `json:"is_new_contact"`
		MatchedBy    string          `json:"matched_by"`
		Reason       string          `json:"reason"`
		Deal         json.RawMessage `json:"deal"`
		Error        *struct {
			Code, Message string
			Details, Hint *string
		} `json:"error"`
	} `json:"results"`
	// request-level error shape
	Code    string  `json:"code"`
	Message string  `json:"message"`
	Details *string `json:"details"`
	Hint    *string `json:"hint"`
}

// post sends a bulk request with key and returns the status, the decoded
// response and the raw body.
func (e *bulkEnv) post(key, body string) (int, bulkResp, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.url+"/functions/v1/create-deals-bulk", bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("POST: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out bulkResp
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("response is not JSON (%d): %s", res.StatusCode, raw)
	}
	return res.StatusCode, out, raw
}

// count returns a count from SQL run directly against the database.
func (e *bulkEnv) count(query string, args ...any) int {
	e.t.Helper()
	n, err := e.store.CountForTest(context.Background(), query, args...)
	if err != nil {
		e.t.Fatalf("count %q: %v", query, err)
	}
	return n
}
