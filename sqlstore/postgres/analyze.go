package postgres

import (
	"context"
	"database/sql"
	"strings"
	"sync"

	"github.com/connectgain/server/crm"
)

// analyzeSQL refreshes the statistics of the tables the bulk endpoint
// fills, and of the element lists (crm.Column.Elements, such as deal_tags)
// that their triggers fill: without them the planner does not choose the
// list for tags=cs.{...}.
var analyzeSQL = analyzeStatement(crm.DefaultTables())

func analyzeStatement(tables []*crm.Table) string {
	names := []string{"deals", "contacts", "contact_identifiers", "deal_stage_changes"}
	for _, t := range tables {
		for _, c := range t.Columns {
			if c.Elements.Table != "" {
				names = append(names, c.Elements.Table)
			}
		}
	}
	return "ANALYZE " + strings.Join(names, ", ")
}

// Analyze implements sqlstore.Analyzer. Autovacuum analyzes too, but only
// about a minute after a load: a server that has just ingested 100,000
// deals planned "stage in (...) order by created_at" and the title search
// with empty statistics at 40-60 req/s instead of ~2,000. The store calls
// this after every doubling of the rows it wrote, so the cost is amortised.
//
// The ANALYZE runs in the background, and Analyze returns at once: it
// took 40-150 ms of a 10,000-deal bulk request that triggered it (its
// sample grows with the tables), which the client waited for although
// statistics only steer later plans. At most one runs per pool; a call
// while one runs makes it run once more when it ends, so the rows written
// meanwhile are counted too. A failure (the pool closed, a statement
// timeout) is dropped: the next doubling analyzes again, and autovacuum
// remains.
func (Dialect) Analyze(ctx context.Context, db *sql.DB) error {
	v, _ := analyses.LoadOrStore(db, &analysis{})
	a := v.(*analysis)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.running {
		a.again = true
		return nil
	}
	a.running = true
	go a.run(context.WithoutCancel(ctx), db)
	return nil
}

// analyses holds the background ANALYZE of each pool while one runs.
var analyses sync.Map // *sql.DB -> *analysis

// analysis is one pool's background ANALYZE: whether one runs, and
// whether another was asked for meanwhile.
type analysis struct {
	mu      sync.Mutex
	running bool
	again   bool
}

// run analyzes until no call asked for another meanwhile.
func (a *analysis) run(ctx context.Context, db *sql.DB) {
	for {
		_, _ = db.ExecContext(ctx, analyzeSQL)
		a.mu.Lock()
		if !a.again {
			a.running = false
			analyses.CompareAndDelete(db, a)
			a.mu.Unlock()
			return
		}
		a.again = false
		a.mu.Unlock()
	}
}
