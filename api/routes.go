// Package api is ConnectGain's HTTP surface: routing, authentication, the
// bulk deal endpoint, the PostgREST-compatible proxy, health and metrics.
// routes.go lists every route; error.go maps error codes to statuses.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/restsql"
)

// Config holds the server's limits and options.
type Config struct {
	// MaxBulkDeals bounds the deals of one bulk request.
	MaxBulkDeals int
	// MaxBodyBytes bounds every request body.
	MaxBodyBytes int64
	// AllowedOrigins for CORS; empty means "*".
	AllowedOrigins []string
	// Dashboard, when set, serves every path the API does not (GET / and
	// the pages under it); /functions/ and /rest/ stay the API's.
	Dashboard http.Handler

	// MetricsToken, when set, serves GET /metrics on the API listener to
	// requests with Authorization: Bearer <MetricsToken>. Unset, /metrics
	// there is 404; MetricsHandler serves them on a listener of their own.
	MetricsToken string
	// StatementTimeout bounds the database work of one request, on both
	// backends (0: DefaultStatementTimeout; negative: none). Past it the
	// request is cancelled and answers 504 with code 57014.
	StatementTimeout time.Duration
	// MaxHeavyRequests bounds the heavy requests (writes with large
	// bodies, reads with nested embeddings) running at once (0: DefaultMaxHeavyRequests; negative: no
	// bound). One that cannot start within HeavyQueueWait is 503 with
	// Retry-After.
	MaxHeavyRequests int
	HeavyQueueWait   time.Duration
	// RateLimit is the requests per second allowed per API key, RateBurst
	// the bucket's size (0: off, the default; RateBurst 0 means RateLimit
	// rounded up). Over it a request is 429 with Retry-After.
	RateLimit float64
	RateBurst int
	// IdempotencyLease is how long a request holding an Idempotency-Key
	// may run before another server may take the key over, as when its
	// server crashed (0: DefaultIdempotencyLease).
	IdempotencyLease time.Duration
}

// Default limits.
const (
	DefaultMaxBodyBytes = 64 << 20
)

// Store is what the handlers need of persistence: the keys, the bulk
// endpoint, readiness and the description of the tables. It names crm
// types only, so the HTTP layer is read and tested without a database.
type Store interface {
	Authenticate(ctx context.Context, key string) (*crm.Principal, error)
	CreateDealsBulk(ctx context.Context, p *crm.Principal, req *crm.BulkRequest) (*crm.BulkOutcome, error)
	Ping(ctx context.Context) error
	Schema() *crm.Schema
}

// Backend is a Store that the REST engine (restsql) also runs on;
// *sqlstore.Store is one.
type Backend interface {
	Store
	restsql.Backend
}

// RestRunner runs a REST proxy request; *restsql.Engine is one.
type RestRunner interface {
	Rest(ctx context.Context, p *crm.Principal, req *restsql.Request) (*restsql.Result, error)
}

// Server serves the API.
type Server struct {
	store   Store
	rest    RestRunner
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	limits  *limits
	keys    keyCache
	queries queryCache
	mux     *http.ServeMux
}

// New returns a server over b, its REST requests run by a restsql
// engine on b; call Handler for its http.Handler.
func New(b Backend, cfg Config, log *slog.Logger) *Server {
	return NewServer(b, restsql.New(b), cfg, log)
}

// NewServer returns a server over a store and a REST runner, which a
// test may replace with its own.
func NewServer(store Store, rest RestRunner, cfg Config, log *slog.Logger) *Server {
	if cfg.MaxBulkDeals <= 0 {
		cfg.MaxBulkDeals = crm.DefaultMaxBulkDeals
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{store: store, rest: rest, cfg: cfg, log: log, metrics: newMetrics(), limits: newLimits(cfg), mux: http.NewServeMux()}
	s.routes()
	return s
}

// routes lists the whole surface.
func (s *Server) routes() {
	const bulk = "POST /functions/v1/create-deals-bulk"
	s.handle(bulk, s.requireKey(s.guard(bulk, s.createDealsBulk)))
	s.handle("OPTIONS /functions/v1/create-deals-bulk", s.preflight)
	s.handle("/functions/v1/create-deals-bulk", methodNotAllowed("POST, OPTIONS"))
	// The REST API, under the hosted system's path and under Supabase's
	// /rest/v1 (what createClient(url, key) of supabase-js calls).
	for _, p := range RestPrefixes {
		s.handle("OPTIONS "+p+"/{table}", s.preflight)
		s.handle(p+"/{$}", s.restRoot)
		s.handle(p, s.restRoot)
		s.handle("GET "+p+"/openapi.json", s.requireKey(s.openAPI))
		s.handle(p+"/{table}", s.requireKey(s.guard(p+"/{table}", s.restTable)))
		s.handle("POST "+p+"/rpc/"+bulkRPC, s.requireKey(s.guard("POST "+p+"/rpc/"+bulkRPC, s.rpcBulk)))
		s.handle("OPTIONS "+p+"/rpc/"+bulkRPC, s.preflight)
		s.handle(p+"/rpc/"+bulkRPC, methodNotAllowed("POST, OPTIONS"))
		s.handle(p+"/rpc/{fn}", s.noFunction)
		s.handle(p+"/", s.restNotFound)
	}
	s.handle("GET /healthz", s.healthz)
	s.handle("GET /readyz", s.readyz)
	s.handle("GET /metrics", s.metricsOnMain)
	s.handle("/functions/", s.notFound)
	s.handle("/rest/", s.notFound)
	if d := s.cfg.Dashboard; d != nil {
		// Logged and counted like the API's routes.
		s.handle("/", func(w http.ResponseWriter, r *http.Request) error { d.ServeHTTP(w, r); return nil })
	} else {
		s.handle("/", s.notFound)
	}
}

// notFound answers every other path and method with the JSON error shape.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return crm.Errorf(crm.CodeNotFound, "no route for %s %s", clipString(r.Method), clipString(r.URL.Path)).
		WithHint("the API is POST /functions/v1/create-deals-bulk and /functions/v1/rest-api-proxy/{table} (also /rest/v1/{table}); GET /healthz, /readyz, /metrics")
}

// Principal returns the authenticated principal of a request passed
// through RequireKey.
func Principal(r *http.Request) *crm.Principal { return principalFrom(r.Context()) }

// handlerFunc is a handler that returns its error; adapt writes it.
type handlerFunc = func(http.ResponseWriter, *http.Request) error

func (s *Server) handle(pattern string, h handlerFunc) {
	s.mux.Handle(pattern, s.adapt(pattern, h))
}

// Handler returns the server's handler with CORS, request ids, logging,
// metrics and body limits around every route.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.cors(w, r)
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		}
		s.mux.ServeHTTP(w, r)
	})
}

// reqState is what the middleware learns of a request, kept in its
// context as one value: its id (adapt) and, past requireKey, its
// principal. One value instead of one per fact saves a context and a
// copy of the request per fact on every request.
type reqState struct {
	id string
	p  *crm.Principal
}

type reqStateKey struct{}

// stateFrom returns the request's state, nil outside adapt.
func stateFrom(ctx context.Context) *reqState {
	st, _ := ctx.Value(reqStateKey{}).(*reqState)
	return st
}

func (s *Server) adapt(route string, h handlerFunc) http.Handler {
	rm := s.metrics.forRoute(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		rw := &statusWriter{ResponseWriter: w, status: 200}
		r = r.WithContext(context.WithValue(r.Context(), reqStateKey{}, &reqState{id: id}))
		err := h(rw, r)
		code := ""
		if err != nil {
			e := asAPIError(err, id, s.log)
			code = e.Code
			if !rw.wrote {
				writeError(rw, e)
			}
		}
		d := time.Since(start)
		rm.observe(r.Method, rw.status, code, d)
		// LogAttrs with typed attributes: the same record as Info with
		// key-value pairs, without boxing six values on every request
		// (even when the level is off).
		s.log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("request_id", id),
			slog.String("method", clipString(r.Method)), slog.String("path", clipString(r.URL.Path)),
			slog.Int("status", rw.status), slog.Float64("duration_ms", float64(d.Microseconds())/1000),
			slog.String("error_code", code))
	})
}

// newRequestID is 16 random hex digits.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	var h [16]byte
	hex.Encode(h[:], b[:])
	return string(h[:])
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.wrote = true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func methodNotAllowed(allow string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Allow", allow)
		return crm.Errorf(crm.CodeMethodNotAllowed, "method %s is not allowed here", clipString(r.Method)).WithHint("allowed: %s", allow)
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write([]byte(`{"status":"ok"}` + "\n"))
	return err
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("readiness check failed", "err", err)
		return crm.Errorf(crm.CodeUnavailable, "the database does not answer")
	}
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write([]byte(`{"status":"ready"}` + "\n"))
	return err
}
