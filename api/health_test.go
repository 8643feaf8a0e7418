package api

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/connectgain/server/sqlstore/storetest"
)

func TestHealthMetricsCORS(t *testing.T) {
	e := mustBulkEnv(t, storetest.Backend{Name: "sqlite", Open: storetest.MustOpenSQLite}, Config{MetricsToken: "m-token"}, "", "")
	if st, _, raw := e.post(e.writeKey, deals(item("a", phone+`,`+create))); st != 200 {
		t.Fatalf("bulk: %d %s", st, raw)
	}
	e.post("", deals(item("a", phone))) // a 401, counted by code
	get := func(path string, h map[string]string, method string) (*http.Response, string) {
		req, _ := http.NewRequest(method, e.url+path, nil)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(b)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if res, body := get(p, nil, "GET"); res.StatusCode != 200 || !strings.Contains(body, `"status"`) {
			t.Errorf("%s = %d %s", p, res.StatusCode, body)
		}
	}
	_, metrics := get("/metrics", map[string]string{"Authorization": "Bearer m-token"}, "GET")
	for _, want := range []string{
		`connectgain_http_requests_total{method="POST",route="POST /functions/v1/create-deals-bulk",status="200"} 1`,
		`connectgain_rows_written_total{table="deals"} 1`,
		`connectgain_rows_written_total{table="contacts"} 1`,
		`connectgain_errors_total{code="unauthorized"} 1`,
		`connectgain_http_request_duration_seconds_bucket`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	res, _ := get("/functions/v1/create-deals-bulk", map[string]string{"Origin": "https://shop.example",
		"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-api-key, content-type"}, "OPTIONS")
	h := res.Header
	if res.StatusCode != 200 || h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "x-api-key") ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight = %d %v", res.StatusCode, h)
	}
	for _, p := range []string{"/nope", "/healthz/x"} {
		if res, body := get(p, nil, "GET"); res.StatusCode != 404 || !strings.Contains(body, `"code":"not_found"`) || !strings.Contains(body, `"hint":`) {
			t.Errorf("GET %s = %d %s; want the JSON error shape", p, res.StatusCode, body)
		}
	}
	if res, body := get("/healthz", nil, "POST"); res.StatusCode != 404 || !strings.Contains(body, `"details":null`) {
		t.Errorf("POST /healthz = %d %s; want the JSON error shape", res.StatusCode, body)
	}
	if res, body := get("/functions/v1/create-deals-bulk", nil, "GET"); res.StatusCode != 405 || !strings.Contains(body, `"code":"method_not_allowed"`) {
		t.Errorf("GET on the bulk endpoint = %d %s", res.StatusCode, body)
	}
}
