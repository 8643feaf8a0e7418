package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/connectgain/server/api"
	"github.com/connectgain/server/web"
)

// serveConfig is everything serve's flags set.
type serveConfig struct {
	addr, db, logFormat string
	api                 api.Config
	origins             string
	rotting             string
	t                   timeouts
	metricsAddr         string // limits.go
	cpuProfile          string // profile.go
}

// serveFlags declares serve's flags, each with its environment variable.
// A new flag is one line here.
func serveFlags(fs *flag.FlagSet, e *envFlags) *serveConfig {
	cfg := &serveConfig{}
	fs.StringVar(&cfg.addr, "addr", e.str("CONNECTGAIN_ADDR", "127.0.0.1:8080"), "listen address HOST:PORT; 0.0.0.0:8080 for every interface (env CONNECTGAIN_ADDR)")
	fs.StringVar(&cfg.db, "db", e.str("CONNECTGAIN_DB", DefaultDB), "database: sqlite:FILE or postgres://USER@HOST/DB (env CONNECTGAIN_DB)")
	fs.IntVar(&cfg.api.MaxBulkDeals, "max-bulk-deals", 0, "deals allowed in one bulk request (default 10000)")
	fs.StringVar(&cfg.origins, "cors-origins", e.str("CONNECTGAIN_CORS_ORIGINS", ""), "comma-separated allowed CORS origins (default *) (env CONNECTGAIN_CORS_ORIGINS)")
	fs.StringVar(&cfg.logFormat, "log", e.str("CONNECTGAIN_LOG", "text"), "log format: text or json (env CONNECTGAIN_LOG)")
	fs.StringVar(&cfg.rotting, "rotting-days", e.str("CONNECTGAIN_ROTTING_DAYS", ""), "days in a stage after which a board card is marked rotting: 14, or lead=7,proposal=21 (env CONNECTGAIN_ROTTING_DAYS)")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", e.str("CONNECTGAIN_CPUPROFILE", ""), "write a CPU profile (go tool pprof) of the whole run to this file, closed on shutdown (env CONNECTGAIN_CPUPROFILE)")
	timeoutFlags(fs, e, &cfg.t)
	limitFlags(fs, e, &cfg.api, &cfg.metricsAddr) // limits.go
	return cfg
}

func serve(ctx context.Context, c *cli) error {
	fs := c.newFlags()
	env := &envFlags{getenv: c.getenv}
	cfg := serveFlags(fs, env)
	if _, err := c.parse(fs, 0, 0); err != nil {
		return err
	}
	if err := env.err(); err != nil {
		return err
	}
	if cfg.logFormat != "text" && cfg.logFormat != "json" {
		return usageError(fmt.Sprintf("--log %q is not a log format", cfg.logFormat), "use text or json")
	}
	var h slog.Handler = slog.NewTextHandler(c.stderr, nil)
	if cfg.logFormat == "json" {
		h = slog.NewJSONHandler(c.stderr, nil)
	}
	log := slog.New(h)
	if cfg.origins != "" {
		cfg.api.AllowedOrigins = strings.Split(cfg.origins, ",")
	}

	ln, err := listen(cfg.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	stopProfile, err := startCPUProfile(cfg.cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	store, err := openStore(ctx, cfg.db, false)
	if err != nil {
		return err
	}
	defer store.Close() // last: runServer returns once no request runs
	// Only now that the port is ours: a busy port must not use up the
	// shown-once key of a first start.
	key, err := store.EnsureDefault(ctx)
	if err != nil {
		return err
	}
	rot, err := web.ParseRotting(cfg.rotting)
	if err != nil {
		return err
	}
	cfg.api.Dashboard = web.New(store, web.Config{Rotting: &rot}, log)
	srv := api.New(store, cfg.api, log)
	handler := srv.Handler() // mount handlers beside the API here
	stopMetrics, err := serveMetrics(cfg.metricsAddr, srv, log)
	if err != nil {
		return err
	}
	defer stopMetrics()

	base := "http://" + ln.Addr().String()
	log.Info("listening", "addr", base, "db", describeDB(cfg.db))
	bn := newBanner(ln.Addr(), cfg.db, key)
	bn.metrics = metricsWhere(bn.base, cfg.metricsAddr, cfg.api.MetricsToken) // limits.go
	bn.print(ctx, c.stderr, store)
	return runServer(ctx, ln, handler, cfg.t, log)
}

// listen binds addr, explaining the usual failures.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		host, port, _ := net.SplitHostPort(addr)
		next := "8081"
		if p, err := strconv.Atoi(port); err == nil && p > 0 && p < 65535 {
			next = strconv.Itoa(p + 1)
		}
		return nil, usageError(fmt.Sprintf("--addr %s: the address is already in use", addr),
			fmt.Sprintf("another program (perhaps another connectgain serve) listens there; stop it, or choose another port: connectgain serve --addr %s", net.JoinHostPort(host, next)))
	case errors.Is(err, syscall.EACCES):
		return nil, usageError(fmt.Sprintf("--addr %s: no permission to listen there", addr), "ports below 1024 need privileges; use a port such as 8080")
	case err != nil:
		return nil, usageError(fmt.Sprintf("--addr %s: %v", addr, err), "use HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080")
	}
	return ln, nil
}

// envFlags reads flag defaults from the environment and remembers the
// first value that does not parse.
type envFlags struct {
	getenv func(string) string
	bad    error
}

func (e *envFlags) str(name, def string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return def
}

func (e *envFlags) duration(name string, def time.Duration) time.Duration {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		e.fail(name, v, "a duration such as 30s or 2m")
		return def
	}
	return d
}

func (e *envFlags) int(name string, def int) int {
	v := e.getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		e.fail(name, v, "a whole number")
		return def
	}
	return n
}

func (e *envFlags) fail(name, v, want string) {
	if e.bad == nil {
		e.bad = usageError(fmt.Sprintf("environment variable %s=%q is not %s", name, v, want), "fix or unset "+name)
	}
}

func (e *envFlags) err() error { return e.bad }
