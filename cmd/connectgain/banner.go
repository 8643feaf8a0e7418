package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/connectgain/server/api"
	"github.com/connectgain/server/sqlstore"
)

// banner is what serve tells a newcomer once it listens: where everything
// is, and how to use the key made on a first start (or how to make one).
type banner struct {
	base     string // http://HOST:PORT, reachable from this machine
	wildcard bool   // listening on every interface
	metrics  string // where /metrics is served
	db, key  string
}

// newBanner describes a server listening on addr; a wildcard address is
// shown as the loopback one.
func newBanner(addr net.Addr, db, key string) *banner {
	host, port, _ := net.SplitHostPort(addr.String())
	b := &banner{db: db, key: key}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host, b.wildcard = "127.0.0.1", true
	}
	b.base = "http://" + net.JoinHostPort(host, port)
	b.metrics = b.base + "/metrics"
	return b
}

func (b *banner) print(ctx context.Context, w io.Writer, store *sqlstore.Store) {
	base, rest := b.base, b.base+api.RestPrefix
	fmt.Fprintf(w, "\nConnectGain %s is ready:\n", strings.TrimPrefix(versionString(), "connectgain "))
	if b.wildcard {
		fmt.Fprintf(w, "  (listening on every interface; from this machine:)\n")
	}
	for _, l := range [][2]string{
		{"dashboard", base + "/"},
		{"bulk API", "POST " + base + "/functions/v1/create-deals-bulk"},
		{"REST API", rest + "/{deals,contacts,companies,pipelines,pipeline_stages,deal_stage_changes}"},
		{"Supabase", base + api.SupabaseRestPrefix + "/  (the same API for createClient(\"" + base + "\", key))"},
		{"OpenAPI", rest + "/  (OpenAPI 3: " + rest + "/openapi.json)"},
		{"health", base + "/healthz  (database: " + base + "/readyz)"},
		{"metrics", b.metrics},
		{"database", describeDB(b.db)},
	} {
		fmt.Fprintf(w, "  %-10s %s\n", l[0], l[1])
	}
	if b.key == "" {
		ws := "NAME"
		if wss, err := store.Workspaces(ctx); err == nil && len(wss) > 0 {
			ws = shellQuote(wss[0].Name)
		}
		fmt.Fprintf(w, "make an API key with: connectgain keys create --workspace %s%s\n\n", ws, dbArg(b.db))
		return
	}
	fmt.Fprintf(w, "\ncreated workspace \"default\"; its API key (shown once, keep it):\n%s\n\n", b.key)
	fmt.Fprintf(w, "try it (in another shell):\n  curl -s '%s/deals?select=id,title,value,stage&limit=5' -H 'X-API-Key: %s'\n\n", rest, b.key)
}

// dbArg is the --db to repeat in a command to paste: none for the
// default, a SQLite file by its full path, a URL without its password.
func dbArg(db string) string {
	p, err := sqlitePath(db)
	switch {
	case err != nil:
		return " --db " + shellQuote(redact(db))
	case db != DefaultDB:
		return " --db " + shellQuote("sqlite:"+p)
	}
	return ""
}
