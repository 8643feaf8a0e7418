package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own.
//
// Every label value comes from a fixed set chosen by the server, never
// from the request: route is the route pattern (routes.go), method one of
// metricMethods or "OTHER", status the status written, code one of the
// error codes the server answers with. So a client cannot grow the
// registry (200 requests with made-up 500 KB methods used to add 100 MB).
//
// No metric carries a workspace: they count the whole server's traffic,
// which is the operator's business, not a tenant's. That is why /metrics
// is not served to API keys at all, only behind its own token or on its
// own listener (see Config.MetricsToken and MetricsHandler).
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	errors    *prometheus.CounterVec
	rowsWrote *prometheus.CounterVec
	limited   *prometheus.CounterVec
}

// metricMethods are the methods counted by name; any other is "OTHER".
var metricMethods = map[string]string{
	"GET": "GET", "HEAD": "HEAD", "POST": "POST", "PUT": "PUT", "PATCH": "PATCH",
	"DELETE": "DELETE", "OPTIONS": "OPTIONS",
}

// metricMethod is the method label of a request.
func metricMethod(m string) string {
	if l, ok := metricMethods[m]; ok {
		return l
	}
	return "OTHER"
}

// maxMetricCode bounds an error-code label; codes are the server's own
// constants, so this only guards against a future mistake.
const maxMetricCode = 32

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "connectgain_http_requests_total", Help: "HTTP requests by route pattern, method and status (all workspaces together).",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "connectgain_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "connectgain_errors_total", Help: "Errors answered, by error code.",
		}, []string{"code"}),
		rowsWrote: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "connectgain_rows_written_total", Help: "Rows written, by table (all workspaces together).",
		}, []string{"table"}),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "connectgain_requests_limited_total", Help: "Requests refused by a limit: heavy (503) or rate (429).",
		}, []string{"limit"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.errors, m.rowsWrote, m.limited,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// statusLabels are the status codes' labels, made once rather than per
// request.
var statusLabels = func() (l [600]string) {
	for i := range l {
		l[i] = strconv.Itoa(i)
	}
	return l
}()

// statusLabel is the label of a status code.
func statusLabel(status int) string {
	if status >= 0 && status < len(statusLabels) {
		return statusLabels[status]
	}
	return strconv.Itoa(status)
}

// routeMetrics are one route's series, each looked up once, when the
// route first serves a request (as before, a route that served none has
// no series), rather than per request (WithLabelValues hashes its labels
// and takes a lock every time): its latency histogram, and its request
// counters by method and status (a bounded set: metricMethods and the
// statuses the server writes).
type routeMetrics struct {
	m       *metrics
	route   string
	once    sync.Once
	latency prometheus.Observer
	counts  sync.Map // requestLabels -> prometheus.Counter
}

type requestLabels struct {
	method string // metricMethod's label
	status int
}

func (m *metrics) forRoute(route string) *routeMetrics {
	return &routeMetrics{m: m, route: route}
}

// observe counts one request of the route and its latency, and its error
// code when it failed.
func (rm *routeMetrics) observe(method string, status int, code string, d time.Duration) {
	l := requestLabels{metricMethod(method), status}
	c, ok := rm.counts.Load(l)
	if !ok {
		c, _ = rm.counts.LoadOrStore(l, rm.m.requests.WithLabelValues(rm.route, l.method, statusLabel(status)))
	}
	c.(prometheus.Counter).Inc()
	rm.once.Do(func() { rm.latency = rm.m.latency.WithLabelValues(rm.route) })
	rm.latency.Observe(d.Seconds())
	if code != "" {
		if len(code) > maxMetricCode {
			code = "other"
		}
		rm.m.errors.WithLabelValues(code).Inc()
	}
}

// rowsWritten counts rows written to table.
func (s *Server) rowsWritten(table string, n int) {
	if _, ok := s.schema().Table(table); ok && n > 0 {
		s.metrics.rowsWrote.WithLabelValues(table).Add(float64(n))
	}
}

// MetricsHandler serves the Prometheus metrics, for a listener of their
// own (connectgain serve --metrics-addr). It asks for the metrics token
// when one is configured.
func (s *Server) MetricsHandler() http.Handler {
	h := s.metrics.handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, crm.Errorf(crm.CodeMethodNotAllowed, "/metrics answers GET only"))
			return
		}
		if s.cfg.MetricsToken != "" && !s.metricsTokenOK(r) {
			writeError(w, crm.Errorf(crm.CodeUnauthorized, "/metrics needs the metrics token").
				WithHint("send Authorization: Bearer <token> with the token given to --metrics-token (CONNECTGAIN_METRICS_TOKEN); API keys are not accepted here"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// metricsTokenOK compares the Bearer token with the metrics token in
// constant time.
func (s *Server) metricsTokenOK(r *http.Request) bool {
	a := r.Header.Values("Authorization")
	if len(a) != 1 || len(a[0]) < 7 || !strings.EqualFold(a[0][:7], "bearer ") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(a[0][7:])))
	want := sha256.Sum256([]byte(s.cfg.MetricsToken))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// metricsOnMain is GET /metrics on the API listener: served only behind
// the metrics token; with no token configured it is 404 (the metrics are
// then on --metrics-addr, or off).
func (s *Server) metricsOnMain(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.MetricsToken == "" {
		return crm.Errorf(crm.CodeNotFound, "/metrics is not served on this listener").
			WithHint("start the server with --metrics-addr 127.0.0.1:9090 (its own listener) or --metrics-token TOKEN (then send Authorization: Bearer TOKEN)")
	}
	s.MetricsHandler().ServeHTTP(w, r)
	return nil
}
