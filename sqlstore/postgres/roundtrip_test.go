package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/postgres"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// statementLog records the statements pgx sends (Query, QueryRow, Exec).
type statementLog struct {
	mu   sync.Mutex
	sqls []string
}

func (l *statementLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	l.mu.Lock()
	l.sqls = append(l.sqls, strings.Join(strings.Fields(d.SQL), " "))
	l.mu.Unlock()
	return ctx
}

func (l *statementLog) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (l *statementLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.sqls
	l.sqls = nil
	return out
}

// TestBulkStatements: a 1,000-deal request, half of it new contacts, with
// skip_if_exists, sends a fixed number of statements whatever its size:
// BEGIN, the workspace lock, the pipelines, one phone look-up, one
// skip_if_exists look-up between the two settings of enable_bitmapscan
// (ScopePairLookup), one COPY each for the new contacts, their
// identifiers and the deals (each one statement of two round trips), the
// change counter, COMMIT.
func TestBulkStatements(t *testing.T) {
	log := &statementLog{}
	cfg, err := pgx.ParseConfig(storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	cfg.Tracer = log
	db := stdlib.OpenDB(*cfg)
	ctx := context.Background()
	if err := postgres.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	s := sqlstore.New(db, db, postgres.Dialect{})
	defer s.Close()
	p := mustPrincipal(t, s)
	const n = 1000
	seed, _ := crm.ParseBulkRequest(seedBody(0, n), n)
	if _, err := s.CreateDealsBulk(ctx, p, seed); err != nil {
		t.Fatal(err)
	}
	req, err := crm.ParseBulkRequest(benchDeals(0, n), n)
	if err != nil {
		t.Fatal(err)
	}
	log.take()
	out, err := s.CreateDealsBulk(ctx, p, req)
	if err != nil || out.Summary.Created != n || out.Summary.ContactsCreated != n/2 {
		t.Fatalf("bulk: %v %+v", err, out)
	}
	var sent []string
	for _, q := range log.take() {
		if !strings.HasPrefix(q, "ANALYZE") { // in the background, after the request
			sent = append(sent, q)
		}
	}
	const want = 12
	if len(sent) != want {
		t.Errorf("the request sent %d statements, want %d:\n%s", len(sent), want, strings.Join(sent, "\n"))
	}
}
