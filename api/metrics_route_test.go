package api

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRouteMetricsAsLabelled: a route's series looked up once count what
// looking them up per request counted (each method and status on its own
// series, made-up methods as OTHER), and a route that served nothing
// shows no series, as before.
func TestRouteMetricsAsLabelled(t *testing.T) {
	m := newMetrics()
	served := m.forRoute("GET /a")
	m.forRoute("GET /idle")
	for range 3 {
		served.observe("GET", 200, "", time.Millisecond)
	}
	served.observe("GET", 404, "not_found", time.Millisecond)
	served.observe("BREW", 200, "", time.Millisecond)
	served.observe("FROB", 200, "", time.Millisecond)
	rec := httptest.NewRecorder()
	m.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	text := string(body)
	for _, want := range []string{
		`connectgain_http_requests_total{method="GET",route="GET /a",status="200"} 3`,
		`connectgain_http_requests_total{method="GET",route="GET /a",status="404"} 1`,
		`connectgain_http_requests_total{method="OTHER",route="GET /a",status="200"} 2`,
		`connectgain_errors_total{code="not_found"} 1`,
		`connectgain_http_request_duration_seconds_count{route="GET /a"} 6`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, "GET /idle") {
		t.Errorf("/metrics shows a series of a route that served nothing")
	}
}
