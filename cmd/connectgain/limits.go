package main

import (
	"context"
	"flag"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/connectgain/server/api"
)

// limitFlags declares serve's flags for metrics, limits and
// Idempotency-Key (README, "Hardening and limits"), each with its
// environment variable.
func limitFlags(fs *flag.FlagSet, e *envFlags, cfg *api.Config, metricsAddr *string) {
	fs.StringVar(metricsAddr, "metrics-addr", e.str("CONNECTGAIN_METRICS_ADDR", ""), "serve /metrics on a listener of its own, e.g. 127.0.0.1:9090 (env CONNECTGAIN_METRICS_ADDR)")
	fs.StringVar(&cfg.MetricsToken, "metrics-token", e.str("CONNECTGAIN_METRICS_TOKEN", ""), "require Authorization: Bearer TOKEN for /metrics, and serve it on --addr too (env CONNECTGAIN_METRICS_TOKEN)")
	fs.DurationVar(&cfg.StatementTimeout, "statement-timeout", e.duration("CONNECTGAIN_STATEMENT_TIMEOUT", api.DefaultStatementTimeout), "bound on one request's database work; past it 504 57014 (env CONNECTGAIN_STATEMENT_TIMEOUT)")
	fs.DurationVar(&cfg.IdempotencyLease, "idempotency-lease", e.duration("CONNECTGAIN_IDEMPOTENCY_LEASE", api.DefaultIdempotencyLease), "how long a request holds its Idempotency-Key before a retry may take it over (env CONNECTGAIN_IDEMPOTENCY_LEASE)")
	fs.IntVar(&cfg.MaxHeavyRequests, "max-heavy", e.int("CONNECTGAIN_MAX_HEAVY", api.DefaultMaxHeavyRequests), "large writes (bulk) and nested-embedding reads run at once; more wait 5s, then 503 (env CONNECTGAIN_MAX_HEAVY)")
	fs.Float64Var(&cfg.RateLimit, "rate-limit", e.float("CONNECTGAIN_RATE_LIMIT", 0), "requests per second per API key; 0: off (env CONNECTGAIN_RATE_LIMIT)")
	fs.IntVar(&cfg.RateBurst, "rate-burst", e.int("CONNECTGAIN_RATE_BURST", 0), "requests an API key may send at once; 0: the rate, rounded up (env CONNECTGAIN_RATE_BURST)")
}

func (e *envFlags) float(name string, def float64) float64 {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		e.fail(name, v, "a number such as 10 or 0.5")
		return def
	}
	return f
}

// serveMetrics starts the metrics listener when addr is set; stop closes
// it.
func serveMetrics(addr string, srv *api.Server, log *slog.Logger) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	ln, err := listen(addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", srv.MetricsHandler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	log.Info("metrics listening", "addr", "http://"+ln.Addr().String()+"/metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
	}, nil
}

// metricsWhere says in the banner where /metrics is served.
func metricsWhere(base, addr, token string) string {
	switch {
	case addr != "" && token != "":
		return "http://" + addr + "/metrics and " + base + "/metrics  (Authorization: Bearer <metrics token>)"
	case addr != "":
		return "http://" + addr + "/metrics"
	case token != "":
		return base + "/metrics  (Authorization: Bearer <metrics token>)"
	}
	return "off: --metrics-addr 127.0.0.1:9090, or --metrics-token TOKEN for " + base + "/metrics"
}
