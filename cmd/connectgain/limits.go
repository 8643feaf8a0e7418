package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/connectgain/server/api"
)

// hardening holds serve's flags for metrics, limits and idempotency.
type hardening struct {
	metricsAddr, metricsToken *string
	stmtTimeout, idemLease    *time.Duration
	maxHeavy, rateBurst       *int
	rateLimit                 *float64
}

// hardeningFlags adds them to fs, with their environment fallbacks.
func hardeningFlags(fs *flag.FlagSet, getenv func(string) string) *hardening {
	envDur := func(k string, def time.Duration) time.Duration {
		if d, err := time.ParseDuration(getenv(k)); err == nil {
			return d
		}
		return def
	}
	envNum := func(k string) float64 {
		f, _ := strconv.ParseFloat(getenv(k), 64)
		return f
	}
	return &hardening{
		metricsAddr: fs.String("metrics-addr", getenv("CONNECTGAIN_METRICS_ADDR"),
			"serve /metrics on this address of its own, e.g. 127.0.0.1:9090 (env CONNECTGAIN_METRICS_ADDR)"),
		metricsToken: fs.String("metrics-token", getenv("CONNECTGAIN_METRICS_TOKEN"),
			"require Authorization: Bearer TOKEN for /metrics; set, /metrics is also served on --addr (env CONNECTGAIN_METRICS_TOKEN)"),
		stmtTimeout: fs.Duration("statement-timeout", envDur("CONNECTGAIN_STATEMENT_TIMEOUT", 0),
			"bound on one request's database work (default 60s; negative: none)"),
		idemLease: fs.Duration("idempotency-lease", envDur("CONNECTGAIN_IDEMPOTENCY_LEASE", 0),
			"how long a request holds its Idempotency-Key before a retry may take it over (default 30s)"),
		maxHeavy: fs.Int("max-heavy", int(envNum("CONNECTGAIN_MAX_HEAVY")),
			"heavy requests (bulk, REST writes, embedding reads) run at once (default 2 per CPU; negative: unbounded)"),
		rateLimit: fs.Float64("rate-limit", envNum("CONNECTGAIN_RATE_LIMIT"),
			"requests per second per API key (default 0: off)"),
		rateBurst: fs.Int("rate-burst", int(envNum("CONNECTGAIN_RATE_BURST")),
			"burst per API key (default: the rate, rounded up)"),
	}
}

func (h *hardening) apply(cfg *api.Config) {
	cfg.MetricsToken = *h.metricsToken
	cfg.StatementTimeout = *h.stmtTimeout
	cfg.IdempotencyLease = *h.idemLease
	cfg.MaxHeavyRequests = *h.maxHeavy
	cfg.RateLimit = *h.rateLimit
	cfg.RateBurst = *h.rateBurst
}

// serveMetrics starts the metrics listener when --metrics-addr is set;
// stop closes it.
func (h *hardening) serveMetrics(srv *api.Server, log *slog.Logger) (stop func(), err error) {
	if *h.metricsAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", *h.metricsAddr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
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
