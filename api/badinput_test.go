package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
)

// badBodies is a corpus of request bodies no endpoint may store: not
// JSON, the wrong shape, or JSON the pre-scan refuses.
var badBodies = []string{
	``, ` `, `{`, `[`, `}`, `{"a":}`, `{"a" 1}`, `{'a':1}`, `nul`, `tru`, `0x10`, `NaN`, `Infinity`, `-`, `1.`, `.5`,
	`"x"`, `1`, `true`, `null`, `[1,2]`, `[[]]`, `[null]`, `{"deals":null}`,
	"{\"title\":\"a\xffb\"}", "{\"first_name\":\"\xc0\xaf\"}", "\xef\xbb\xbf{}",
	`{"title":"a\u0000"}`, `{"first_name":"\u0000"}`, `{"name":"\ud800"}`, `{"a":"\udfff"}`,
	`{"title":"x","title":"y"}`, `{"first_name":"x","first_name":"x"}`, `{"name":"n","name":"n"}`,
	`{"custom_fields":` + strings.Repeat(`{"a":`, 200) + `1` + strings.Repeat(`}`, 200) + `}`,
	`{"tags":` + strings.Repeat(`[`, 5000) + strings.Repeat(`]`, 5000) + `}`,
	`{"value":1e999}`, `{"value":-1e999}`, `{"probability":1e-999}`, `{"value":` + strings.Repeat("1", 100) + `}`,
	`{"deals":[{"title":"a"}]}x`, `{"deals":[{"title":"a"}]} {"deals":[]}`,
	`{"id":"not-a-uuid","title":"x","first_name":"x","name":"x","stage":"x","pipeline_id":"x"}`,
	`{"nope_column":1}`, `{"title":{"a":1},"first_name":{"a":1},"name":{"a":1},"stage":[]}`,
	`{"workspace_id":"00000000-0000-0000-0000-000000000000","first_name":"x","title":"t","name":"n"}`,
}

// TestBadInputCorpus sends every bad body to every endpoint that takes a
// body (the bulk endpoint; POST and PATCH on every table) and bad query
// strings to every table: never a 5xx, always PostgREST's error shape,
// and nothing written, on every backend.
func TestBadInputCorpus(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := MustStartRestEnv(t, be.Open(t))
			tables := []string{"deals", "contacts", "companies", "pipelines", "pipeline_stages", "deal_stage_changes"}
			counts := func() map[string]int {
				m := map[string]int{}
				for _, tb := range tables {
					_, b := e.do("GET", proxy+"/"+tb+"?select=id", "A", map[string]string{"Prefer": "count=exact", "Range": "0-0"}, "")
					m[tb] = len(b)
					resp, _ := e.do("HEAD", proxy+"/"+tb, "A", map[string]string{"Prefer": "count=exact"}, "")
					m[tb+" range"] = len(resp.Header.Get("Content-Range"))
					m[tb+" total"] = atoiSuffix(resp.Header.Get("Content-Range"))
				}
				return m
			}
			before := counts()
			check := func(what string, resp *http.Response, b []byte) {
				t.Helper()
				if resp.StatusCode >= 500 || resp.StatusCode < 400 {
					t.Errorf("%s: %d %.200s, want a 4xx", what, resp.StatusCode, b)
					return
				}
				for _, k := range []string{`"code":`, `"message":`, `"details":`, `"hint":`} {
					if !bytes.Contains(b, []byte(k)) {
						t.Errorf("%s: %d error lacks %s: %.200s", what, resp.StatusCode, k, b)
					}
				}
			}
			for i, body := range badBodies {
				resp, b := e.do("POST", "/functions/v1/create-deals-bulk", "A", nil, body)
				check("bulk "+clipString(body), resp, b)
				resp, b = e.do("POST", "/rest/v1/rpc/create_deals_bulk", "A", nil, body)
				check("rpc bulk "+clipString(body), resp, b)
				for _, tb := range tables {
					prefix := RestPrefixes[i%len(RestPrefixes)] // both paths of the REST API
					resp, b := e.do("POST", prefix+"/"+tb, "A", nil, body)
					check("POST "+tb+" "+clipString(body), resp, b)
					resp, b = e.do("PATCH", prefix+"/"+tb+"?id=eq."+e.ids["d1"], "A", nil, body)
					if tb == "deals" || body != `` && body != ` ` {
						check("PATCH "+tb+" "+clipString(body), resp, b)
					}
				}
			}
			for _, q := range badQueries {
				for _, tb := range tables {
					for _, m := range []string{"GET", "DELETE"} {
						resp, b := e.do(m, proxy+"/"+tb+"?"+q, "A", nil, "")
						check(m+" "+tb+"?"+clipString(q), resp, b)
					}
				}
			}
			after := counts()
			for k, v := range before {
				if after[k] != v {
					t.Errorf("%s changed: %d -> %d", k, v, after[k])
				}
			}
		})
	}
}

// badQueries are query strings every table refuses.
var badQueries = []string{
	"select=(((", "select=id,", "select=nope", "order=" + strings.Repeat("id,", 2500) + "id", "limit=-1", "id=eq.%00",
	"id=match.(", "select=" + strings.Repeat("deals(", 30) + "id" + strings.Repeat(")", 30), "or=(", "and=(id.eq.1",
	"id=in.(" + strings.Repeat("a,", 2000) + "a)", "id=zz.1", "select=id::nope", "id=eq.not-a-uuid&nope=is.null",
	"nope=eq.1", "id=like.%5C", "id=fts(nope).x",
}

func atoiSuffix(cr string) int {
	_, tot, _ := strings.Cut(cr, "/")
	n := 0
	for _, c := range tot {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// FuzzBulkBody drives the bulk endpoint with any body: never a 5xx or a
// panic, always the error shape or the bulk answer, and a body the
// pre-scan refuses writes nothing.
func FuzzBulkBody(f *testing.F) {
	for _, b := range badBodies {
		f.Add([]byte(b))
	}
	f.Add([]byte(`{"deals":[{"title":"Order 1","value":5,"contact_phone":"+201017177777","create_contact_if_missing":true}]}`))
	f.Add([]byte(`{"atomic":true,"skip_if_exists":true,"default_stage":"won","deals":[{"title":"x","value":"1","contact_email":"A@b.co","custom_fields":{"a":[1,{"b":null}]}}]}`))
	f.Add([]byte(`{"dry_run":true,"deals":[{"title":"x","value":1e3,"contact_id":"00000000-0000-0000-0000-000000000000"}]}`))
	store := storetest.MustOpenSQLite(f)
	e := &bulkEnv{t: f, store: store}
	ws, err := store.CreateWorkspace(f.Context(), "fuzz", "SAR", "SA")
	if err != nil {
		f.Fatal(err)
	}
	key, _, _ := store.CreateKey(f.Context(), ws.ID, "w", crm.ScopeWrite)
	h := New(store, Config{MaxBulkDeals: 50}, nil).Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		e.t = t
		n := e.count("SELECT COUNT(*) FROM deals") + e.count("SELECT COUNT(*) FROM contacts")
		req := httptest.NewRequest(http.MethodPost, bulkURL, bytes.NewReader(body))
		req.Header.Set("X-API-Key", key)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		out := rec.Body.Bytes()
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, out)
		}
		if rec.Code >= 400 && rec.Code != 422 && !bytes.Contains(out, []byte(`"hint":`)) {
			t.Fatalf("status %d without the error shape: %s", rec.Code, out)
		}
		if checkJSONBody(body) != nil {
			if rec.Code != 400 {
				t.Fatalf("pre-scan refuses %q but the answer is %d", body, rec.Code)
			}
			if m := e.count("SELECT COUNT(*) FROM deals") + e.count("SELECT COUNT(*) FROM contacts"); m != n {
				t.Fatalf("a refused body wrote %d rows", m-n)
			}
		}
	})
}
