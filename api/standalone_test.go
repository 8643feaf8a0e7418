package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/restsql"
)

// fakeStore is a Store without a database: one key, a canned bulk outcome.
type fakeStore struct{ bulkCalls int }

func (*fakeStore) Authenticate(_ context.Context, key string) (*crm.Principal, error) {
	if key != "k1" {
		return nil, crm.Errorf(crm.CodeUnauthorized, "unknown key")
	}
	return &crm.Principal{Workspace: crm.Workspace{ID: "w1", Name: "w"}, KeyID: "key1", Scope: crm.ScopeWrite}, nil
}

func (f *fakeStore) CreateDealsBulk(_ context.Context, _ *crm.Principal, req *crm.BulkRequest) (*crm.BulkOutcome, error) {
	f.bulkCalls++
	id := "d1"
	out := &crm.BulkOutcome{Summary: crm.BulkSummary{Total: len(req.Deals), Created: len(req.Deals)}, Written: true}
	for i := range req.Deals {
		out.Results = append(out.Results, crm.BulkResult{Index: i, Status: crm.ItemCreated, DealID: &id,
			Deal: &crm.Row{Keys: []string{"id", "title"}, Vals: []any{id, "Order 1"}}})
	}
	return out, nil
}

func (*fakeStore) Ping(context.Context) error { return nil }
func (*fakeStore) Schema() *crm.Schema        { return crm.DefaultSchema }

// fakeRest answers every read with the same two rows.
type fakeRest struct{ got *restsql.Request }

func (f *fakeRest) Rest(_ context.Context, _ *crm.Principal, req *restsql.Request) (*restsql.Result, error) {
	f.got = req
	return &restsql.Result{Total: -1, Rows: []*crm.Row{
		{Keys: []string{"id", "title", "value"}, Vals: []any{"d1", "Order 1", nil}},
		{Keys: []string{"id", "title", "value"}, Vals: []any{"d2", "Order, 2", int64(5)}},
	}}, nil
}

// TestServerWithoutDatabase: the HTTP layer runs on a Store and a
// RestRunner of its own, so it is tested apart from the query engine and
// persistence: the key check, the REST response (JSON, CSV, null
// stripping) and the bulk response come from the fakes' values.
func TestServerWithoutDatabase(t *testing.T) {
	store, rest := &fakeStore{}, &fakeRest{}
	srv := httptest.NewServer(NewServer(store, rest, Config{}, nil).Handler())
	defer srv.Close()
	do := func(method, path, accept, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("X-API-Key", "k1")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tt := range []struct{ accept, want string }{
		{"", `[{"id":"d1","title":"Order 1","value":null},{"id":"d2","title":"Order, 2","value":5}]`},
		{"text/csv", "id,title,value\nd1,\"Order 1\",\nd2,\"Order, 2\",5"},
		{"application/vnd.pgrst.array+json;nulls=stripped", `[{"id":"d1","title":"Order 1"},{"id":"d2","title":"Order, 2","value":5}]`},
	} {
		st, body := do("GET", RestPrefix+"/deals?select=id,title,value&order=title", tt.accept, "")
		if st != 200 || body != tt.want {
			t.Errorf("GET with Accept %q = %d %s; want 200 %s", tt.accept, st, body, tt.want)
		}
	}
	if rest.got == nil || rest.got.Table != "deals" || rest.got.Method != "GET" {
		t.Errorf("the REST runner got %+v; want a GET of deals", rest.got)
	}
	st, body := do("POST", "/functions/v1/create-deals-bulk", "", `{"deals":[{"title":"Order 1","value":1}]}`)
	var resp struct {
		Summary crm.BulkSummary
		Results []map[string]any
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil || st != 200 || store.bulkCalls != 1 {
		t.Fatalf("bulk = %d %s (%v), %d store calls; want 200 and one call", st, body, err, store.bulkCalls)
	}
	if resp.Summary.Created != 1 || len(resp.Results) != 1 || resp.Results[0]["deal_id"] != "d1" {
		t.Errorf("bulk response = %s; want the fake's outcome", body)
	}
}
