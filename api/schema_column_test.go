package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
)

// TestNewNullableDealColumn adds a nullable column to deals the way a
// migration would (ALTER TABLE on the test database, and a copy of the
// tables' description with the column) and sees it everywhere: REST reads,
// filters and writes, the bulk result's deal (created and skipped), and
// the OpenAPI and Swagger documents. Nothing but the description names it.
// The name is test-only, so that a real lost_reason cannot collide.
func TestNewNullableDealColumn(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustBulkEnv(t, b, Config{}, "", "")
			ctx := context.Background()
			if err := e.store.ExecForTest(ctx, `ALTER TABLE deals ADD COLUMN test_lost_reason TEXT`); err != nil {
				t.Fatal(err)
			}
			e.store.SetSchema(storetest.SchemaWithColumn("deals", crm.Column{Name: "test_lost_reason", Kind: crm.KindText, Nullable: true}, "created_at"))
			if err := e.store.CheckSchema(ctx); err != nil {
				t.Fatalf("schema after ALTER TABLE: %v", err)
			}

			// Bulk: written from the item, shown in the created deal, in place.
			_, r, raw := e.post(e.writeKey, `{"skip_if_exists":true,"deals":[{"title":"Order 1","value":5,"contact_phone":"+201017177777",
				"create_contact_if_missing":true,"test_lost_reason":"too expensive"},{"title":"Order 2","value":6,"contact_phone":"+201017177777"}]}`)
			if r.Summary.Created != 2 {
				t.Fatalf("bulk: %s", raw)
			}
			created := r.Results[0].Deal
			if !strings.Contains(string(created), `"test_lost_reason":"too expensive","created_at":"`) {
				t.Errorf("created deal lacks test_lost_reason before created_at: %s", created)
			}
			if !strings.Contains(string(r.Results[1].Deal), `"test_lost_reason":null`) {
				t.Errorf("deal without test_lost_reason: %s", r.Results[1].Deal)
			}
			// A skipped deal is read back from the database, by column name.
			_, again, raw := e.post(e.writeKey, `{"skip_if_exists":true,"deals":[{"title":"Order 1","value":5,"contact_phone":"+201017177777"}]}`)
			if again.Results[0].Status != "skipped" {
				t.Fatalf("second request: %s", raw)
			}
			var a, c map[string]any
			json.Unmarshal(created, &a)
			json.Unmarshal(again.Results[0].Deal, &c)
			if c["test_lost_reason"] != "too expensive" || c["created_at"] != a["created_at"] || strings.HasPrefix(c["created_at"].(string), "0001") {
				t.Errorf("skipped deal %s; created %s", again.Results[0].Deal, created)
			}

			// REST: read, filter, PATCH, POST.
			status, body := e.rest("GET", "/deals?select=title,test_lost_reason&test_lost_reason=eq.too%20expensive", "")
			if status != 200 || body != `[{"title":"Order 1","test_lost_reason":"too expensive"}]` {
				t.Errorf("GET filtered on test_lost_reason: %d %s", status, body)
			}
			status, body = e.rest("PATCH", "/deals?title=eq.Order%202&select=test_lost_reason", `{"test_lost_reason":"timing"}`)
			if status != 200 || body != `[{"test_lost_reason":"timing"}]` {
				t.Errorf("PATCH test_lost_reason: %d %s", status, body)
			}
			status, body = e.rest("POST", "/deals?select=title,test_lost_reason", `{"title":"Order 3","value":1,"test_lost_reason":"went quiet"}`)
			if status != 201 || body != `[{"title":"Order 3","test_lost_reason":"went quiet"}]` {
				t.Errorf("POST test_lost_reason: %d %s", status, body)
			}
			status, body = e.rest("POST", "/deals", `{"title":"Order 4","value":1,"test_lost_reason":7}`)
			if status != 400 || !strings.Contains(body, "test_lost_reason must be a string") {
				t.Errorf("POST test_lost_reason as a number: %d %s", status, body)
			}

			// The OpenAPI 3 document describes it.
			status, body = e.rest("GET", "/openapi.json", "")
			var doc struct {
				Components struct {
					Schemas map[string]struct {
						Properties map[string]map[string]any `json:"properties"`
					} `json:"schemas"`
				} `json:"components"`
			}
			if err := json.Unmarshal([]byte(body), &doc); err != nil || status != 200 {
				t.Fatalf("OpenAPI: %d %v", status, err)
			}
			if p := doc.Components.Schemas["deals"].Properties["test_lost_reason"]; p["type"] != "string" || p["nullable"] != true {
				t.Errorf("OpenAPI deals.test_lost_reason = %v", p)
			}
			// So does the Swagger 2.0 document at the root.
			status, body = e.rest("GET", "/", "")
			var sw struct {
				Definitions map[string]struct {
					Properties map[string]map[string]any `json:"properties"`
				} `json:"definitions"`
			}
			if err := json.Unmarshal([]byte(body), &sw); err != nil || status != 200 {
				t.Fatalf("Swagger: %d %v", status, err)
			}
			if p := sw.Definitions["deals"].Properties["test_lost_reason"]; p["type"] != "string" {
				t.Errorf("Swagger deals.test_lost_reason = %v", p)
			}
		})
	}
}

// rest sends a REST proxy request with the write key and returns the
// status and body.
func (e *bulkEnv) rest(method, path, body string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.url+"/functions/v1/rest-api-proxy"+path, bytes.NewBufferString(body))
	req.Header.Set("X-API-Key", e.writeKey)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}
