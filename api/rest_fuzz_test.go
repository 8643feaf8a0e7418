package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore/storetest"
)

// FuzzRestQuery drives the whole read path with a raw query string: GET
// /functions/v1/rest-api-proxy/deals?<raw> against a seeded SQLite
// server. No query may produce a 5xx, an error body that is not
// PostgREST's JSON error, or a 200/206 body that is not a JSON array.
func FuzzRestQuery(f *testing.F) {
	for _, q := range fuzzSeeds(f) {
		f.Add(q)
	}
	e := MustStartRestEnv(f, storetest.MustOpenSQLite(f))
	h := e.srv.Config.Handler
	key := e.keys["A"]
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, proxy+"/deals", nil)
		req.URL.RawQuery = raw
		req.Header.Set("X-API-Key", key)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("SLOW %v: %q", d, raw)
		}
		checkFuzzResponse(t, raw, rec)
	})
}

// checkFuzzResponse fails t unless the response is a success with a JSON
// array or a 4xx with PostgREST's error object.
func checkFuzzResponse(t *testing.T, raw string, rec *httptest.ResponseRecorder) {
	t.Helper()
	body := rec.Body.Bytes()
	if rec.Code >= 500 {
		t.Fatalf("GET /deals?%s: status %d: %s", raw, rec.Code, body)
	}
	if rec.Code == http.StatusOK || rec.Code == http.StatusPartialContent {
		var rows []json.RawMessage
		if err := json.Unmarshal(body, &rows); err != nil {
			t.Fatalf("GET /deals?%s: %d body is not a JSON array: %v: %q", raw, rec.Code, err, body)
		}
		return
	}
	var e map[string]any
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("GET /deals?%s: %d body is not JSON: %v: %q", raw, rec.Code, err, body)
	}
	for _, k := range []string{"code", "message", "details", "hint"} {
		if _, ok := e[k]; !ok {
			t.Fatalf("GET /deals?%s: %d error lacks %q: %s", raw, rec.Code, k, body)
		}
	}
}

// fuzzSeeds takes about 20 queries on deals, spread over the conformance
// table, that need no seeded id.
func fuzzSeeds(f *testing.F) []string {
	f.Helper()
	var all []string
	for _, c := range loadRestCases(f) {
		q, ok := strings.CutPrefix(c.Path, "/deals?")
		if (c.Method == "" || c.Method == "GET") && ok && !strings.Contains(q, "{{") && len(c.Headers) == 0 {
			all = append(all, q)
		}
	}
	const n = 20
	if len(all) <= n {
		return all
	}
	seeds := make([]string, 0, n)
	for i := range n {
		seeds = append(seeds, all[i*len(all)/n])
	}
	return seeds
}
