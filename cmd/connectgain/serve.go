package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/connectgain/server/api"
)

// ShutdownTimeout is how long in-flight requests get to finish after
// SIGTERM or SIGINT.
const ShutdownTimeout = 30 * time.Second

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addrDef := getenv("CONNECTGAIN_ADDR")
	if addrDef == "" {
		addrDef = "127.0.0.1:8080"
	}
	addr := fs.String("addr", addrDef, "listen address (env CONNECTGAIN_ADDR)")
	db := dbFlag(fs, getenv)
	maxDeals := fs.Int("max-bulk-deals", 0, "deals allowed in one bulk request (default 10000)")
	origins := fs.String("cors-origins", getenv("CONNECTGAIN_CORS_ORIGINS"), "comma-separated allowed CORS origins (default *)")
	logFormat := fs.String("log", "text", "log format: text or json")
	hard := hardeningFlags(fs, getenv) // limits.go
	if _, err := parseArgs(fs, args); err != nil {
		return err
	}
	var h slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logFormat == "json" {
		h = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(h)

	store, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	key, err := store.EnsureDefault(ctx)
	if err != nil {
		return err
	}
	if key != "" {
		fmt.Fprintf(stderr, "created workspace \"default\"; its API key (shown once):\n%s\n", key)
	}
	cfg := api.Config{MaxBulkDeals: *maxDeals}
	hard.apply(&cfg)
	if *origins != "" {
		cfg.AllowedOrigins = strings.Split(*origins, ",")
	}
	srv := api.New(store, cfg, log)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	log.Info("listening", "addr", "http://"+ln.Addr().String(), "db", redact(*db))
	stopMetrics, err := hard.serveMetrics(srv, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// redact hides a password in a database URL for the log.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			if c := strings.Index(dsn[i+3:at], ":"); c >= 0 {
				return dsn[:i+3+c] + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}
