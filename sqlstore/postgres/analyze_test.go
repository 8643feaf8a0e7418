package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/postgres"
	"github.com/connectgain/server/sqlstore/storetest"
)

// TestAnalyzeInBackground: Analyze returns while its ANALYZE waits (a
// lock held elsewhere), a second call meanwhile returns too, and the
// statistics are refreshed once the lock is released.
func TestAnalyzeInBackground(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	s := storetest.MustOpenPostgresURL(t, dsn)
	p := mustPrincipal(t, s)
	ctx := context.Background()
	db, err := postgres.OpenDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Hold a lock ANALYZE needs, so the first one waits: the call must
	// return all the same.
	blocker, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blocker.ExecContext(ctx, `LOCK TABLE deals IN SHARE UPDATE EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	analyze := func() {
		t.Helper()
		done := make(chan error, 1)
		go func() { done <- (postgres.Dialect{}).Analyze(ctx, db) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Analyze: %v", err)
			}
		case <-time.After(5 * time.Second):
			_ = blocker.Rollback()
			t.Fatal("Analyze waited for the blocked ANALYZE")
		}
	}
	analyze()
	// Rows written while the first ANALYZE waits, then a second call.
	var items []string
	for i := range 50 {
		items = append(items, fmt.Sprintf(`{"title":"A%d","value":1,"contact_phone":"+2010555%05d","create_contact_if_missing":true}`, i, i))
	}
	req, err := crm.ParseBulkRequest([]byte(`{"deals":[`+strings.Join(items, ",")+`]}`), 100)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDealsBulk(ctx, p, req); err != nil {
		t.Fatal(err)
	}
	analyze()
	if err := blocker.Rollback(); err != nil {
		t.Fatal(err)
	}
	// ANALYZE sets pg_class.reltuples (-1 until a table is analyzed or
	// vacuumed): the second run must see all 50 deals.
	deadline := time.Now().Add(20 * time.Second)
	for {
		var deals, contacts float64
		err := db.QueryRowContext(ctx, `SELECT (SELECT reltuples FROM pg_class WHERE oid = 'deals'::regclass),
			(SELECT reltuples FROM pg_class WHERE oid = 'contacts'::regclass)`).Scan(&deals, &contacts)
		if err != nil {
			t.Fatal(err)
		}
		if deals == 50 && contacts == 50 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("statistics not refreshed: reltuples deals %v, contacts %v, want 50 and 50", deals, contacts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
