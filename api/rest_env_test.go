package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
)

// restEnv is a running server over a real database with two workspaces,
// seeded through the API itself, and the ids of the seeded rows by name
// ("d1", "c1", "B.d1", ...).
type restEnv struct {
	t    testing.TB
	srv  *httptest.Server
	keys map[string]string // "A", "B", "readA"
	ids  map[string]string
}

// MustStartRestEnv starts a server over store and seeds it.
func MustStartRestEnv(t testing.TB, store *sqlstore.Store) *restEnv {
	t.Helper()
	ctx := context.Background()
	e := &restEnv{t: t, keys: map[string]string{}, ids: map[string]string{}}
	for _, ws := range []struct{ name, cur, region string }{{"a", "SAR", "SA"}, {"b", "USD", "EG"}} {
		w, err := store.CreateWorkspace(ctx, ws.name, ws.cur, ws.region)
		if err != nil {
			t.Fatalf("create workspace: %v", err)
		}
		key, _, err := store.CreateKey(ctx, w.ID, "test", crm.ScopeWrite)
		if err != nil {
			t.Fatal(err)
		}
		e.keys[strings.ToUpper(ws.name)] = key
		e.ids["ws."+strings.ToUpper(ws.name)] = w.ID // never to be shown
		if ws.name == "a" {
			rk, _, err := store.CreateKey(ctx, w.ID, "read", crm.ScopeRead)
			if err != nil {
				t.Fatal(err)
			}
			e.keys["readA"] = rk
		}
	}
	for k, v := range e.keys {
		e.ids["key."+k] = v
	}
	e.srv = httptest.NewServer(New(store, Config{}, nil).Handler())
	t.Cleanup(e.srv.Close)
	e.seed()
	return e
}

// do sends a request with the named key ("" for none).
func (e *restEnv) do(method, path, key string, hdr map[string]string, body string) (*http.Response, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	if k, ok := e.keys[key]; ok {
		req.Header.Set("X-API-Key", k)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// mustPost posts JSON and records the returned ids under names.
func (e *restEnv) mustPost(key, path, body string, names ...string) {
	e.t.Helper()
	resp, b := e.do("POST", path, key, nil, body)
	if resp.StatusCode != 201 && resp.StatusCode != 200 {
		e.t.Fatalf("seed POST %s: %d %s", path, resp.StatusCode, b)
	}
	if strings.Contains(path, "create-deals-bulk") {
		var out struct {
			Results []struct {
				DealID string `json:"deal_id"`
			} `json:"results"`
		}
		if err := json.Unmarshal(b, &out); err != nil {
			e.t.Fatal(err)
		}
		for i, n := range names {
			e.ids[n] = out.Results[i].DealID
		}
		return
	}
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil {
		e.t.Fatalf("seed POST %s: %v: %s", path, err, b)
	}
	for i, n := range names {
		e.ids[n] = rows[i]["id"].(string)
	}
}

const proxy = RestPrefix

// seed writes the same rows on every backend, through the API.
func (e *restEnv) seed() {
	e.mustPost("A", proxy+"/companies", `[{"name":"Acme","domain":"acme.com","industry":"retail","tags":["b2b"]},
		{"name":"Hebdon, John & Co","domain":null,"industry":"law","tags":[]}]`, "co1", "co2")
	e.mustPost("A", proxy+"/contacts", `{"first_name":"Ahmed","last_name":"Ali","phones":["+20 101 717 7777"],"emails":["Ahmed@Example.com"],
		"tags":["vip","shopify"],"source":"shopify","custom_fields":{"erp_customer_id":"ERP-1","loyalty_tier":"gold","lifetime_value":45200}}`, "c1")
	e.mustPost("A", proxy+"/contacts", `{"first_name":"Sara","last_name":"Ahmed","phones":["+201020000000"],"emails":["sara@example.com"],
		"tags":["vip"],"custom_fields":{"loyalty_tier":"silver"}}`, "c2")
	e.mustPost("A", proxy+"/contacts", `{"first_name":"Mary (Test)","last_name":"O'Neil","phones":["0501234567"],"emails":[],"tags":[]}`, "c3")
	e.do("PATCH", proxy+"/contacts?id=eq."+e.ids["c1"], "A", nil, `{"company_id":"`+e.ids["co1"]+`"}`)
	e.mustPost("A", "/functions/v1/create-deals-bulk", `{"deals":[
		{"title":"Order 68297792","value":11523,"stage":"qualified","contact_id":"`+e.ids["c1"]+`","tags":["shopify","online"],"custom_fields":{"shopify_order_id":"68297792","items_count":3}},
		{"title":"Order 68297793","value":4500.5,"stage":"new","contact_phone":"+201020000000","probability":20},
		{"title":"Shopify Order #68297797","value":7500,"stage":"new","source":"shopify","contact_phone":"+201017177777","expected_close_date":"2025-12-15",
		 "custom_fields":{"shopify_order_id":"68297797","items_count":5,"payment_method":"mada","vip":true},"tags":["shopify"]},
		{"title":"Order 1001, rush (a.b)","value":0.5,"stage":"won","currency":"USD","contact_phone":"0501234567","probability":100,"company_id":"`+e.ids["co1"]+`"},
		{"title":"big deal","value":99999.9999,"stage":"lost","contact_email":"sara@example.com"}]}`, "d1", "d2", "d3", "d4", "d5")
	// One stage change, recorded.
	e.do("PATCH", proxy+"/deals?id=eq."+e.ids["d2"], "A", nil, `{"stage":"lead"}`)

	resp, b := e.do("GET", proxy+"/pipelines?select=id", "A", nil, "")
	var pipes []map[string]string
	if err := json.Unmarshal(b, &pipes); err != nil || resp.StatusCode != 200 || len(pipes) != 1 {
		e.t.Fatalf("pipelines: %d %s", resp.StatusCode, b)
	}
	e.ids["pipe"] = pipes[0]["id"]

	e.mustPost("B", proxy+"/companies", `{"name":"Acme B"}`, "B.co1")
	e.mustPost("B", proxy+"/contacts", `{"first_name":"Ahmed","last_name":"B","phones":["+201017177777"],"emails":["ahmed@example.com"],"tags":["vip"]}`, "B.c1")
	e.mustPost("B", "/functions/v1/create-deals-bulk", `{"deals":[
		{"title":"Order 68297792 B","value":1,"contact_id":"`+e.ids["B.c1"]+`","custom_fields":{"shopify_order_id":"68297792"}},
		{"title":"secret B","value":2,"contact_id":"`+e.ids["B.c1"]+`","tags":["vip"]}]}`, "B.d1", "B.d2")
	e.do("PATCH", proxy+"/deals?id=eq."+e.ids["B.d1"], "B", nil, `{"stage":"won"}`)

	resp, b = e.do("GET", proxy+"/pipelines?select=id", "B", nil, "")
	if err := json.Unmarshal(b, &pipes); err != nil || resp.StatusCode != 200 || len(pipes) != 1 {
		e.t.Fatalf("B pipelines: %d %s", resp.StatusCode, b)
	}
	e.ids["B.pipe"] = pipes[0]["id"]
}

// expand replaces {{name}} with the seeded id of that name.
func (e *restEnv) expand(s string) string {
	for k, v := range e.ids {
		s = strings.ReplaceAll(s, "{{"+k+"}}", v)
	}
	return s
}

func compactJSON(b []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return string(b)
	}
	return buf.String()
}
