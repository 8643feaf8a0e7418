package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// benchDeals builds a bulk body of n deals for round r: the first half
// name contacts created before (phones of seedBody(r)), the second half
// new phones with create_contact_if_missing.
func benchDeals(r, n int) []byte {
	deals := make([]map[string]any, n)
	for i := range n {
		d := map[string]any{"title": fmt.Sprintf("Order %d-%d", r, i), "value": 100 + i%1000, "stage": "qualified",
			"tags": []string{"shopify"}, "custom_fields": map[string]any{"shopify_order_id": r*1_000_000 + i}}
		if i < n/2 {
			d["contact_phone"] = benchPhone(r, i, 0)
		} else {
			d["contact_phone"] = benchPhone(r, i, 1)
			d["create_contact_if_missing"] = true
			d["contact_first_name"] = "New"
		}
		deals[i] = d
	}
	b, _ := json.Marshal(map[string]any{"deals": deals, "skip_if_exists": true})
	return b
}

// seedBody creates the contacts the first half of benchDeals(r, n) names.
func seedBody(r, n int) []byte {
	deals := make([]map[string]any, n/2)
	for i := range n / 2 {
		deals[i] = map[string]any{"title": fmt.Sprintf("Seed %d-%d", r, i), "value": 1, "contact_phone": benchPhone(r, i, 0), "create_contact_if_missing": true}
	}
	b, _ := json.Marshal(map[string]any{"deals": deals})
	return b
}

func benchPhone(r, i, fresh int) string { return fmt.Sprintf("+2010%d%02d%05d", fresh, r%100, i) }

// BenchmarkBulk measures Store.CreateDealsBulk (validation, contact
// linking, skip_if_exists, one transaction) on PostgreSQL, half the
// contacts new. Compare with BenchmarkCopyFrom (or run both in one
// process: BenchmarkBulkVsCopyFrom). Each timed request starts when the
// store's connections are idle: the background ANALYZE that a seed
// request may start does not fall into it (nor into CopyFrom's).
func BenchmarkBulk(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			app := uniqueApp("bulk")
			s := storetest.MustOpenPostgresURL(b, withApp(b, storetest.PostgresURL(b), app))
			p := mustPrincipal(b, s)
			ctx := context.Background()
			var spent time.Duration
			for r := 0; b.Loop(); r++ {
				b.StopTimer()
				req := seedAndBody(b, s, p, r, n)
				waitIdle(b, s, app) // the ANALYZE a seed may start
				b.StartTimer()
				start := time.Now()
				out, err := s.CreateDealsBulk(ctx, p, req)
				spent += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if out.Summary.Created != n || out.Summary.ContactsCreated != n/2 {
					b.Fatalf("summary %+v", out.Summary)
				}
			}
			b.ReportMetric(float64(n*b.N)/spent.Seconds(), "deals/s")
		})
	}
}

// BenchmarkCopyFrom is the floor to compare with: a bare pgx CopyFrom of
// the same rows (the new contacts, their identifiers, the deals) into the
// same schema in one transaction, with no lookups and no validation. Its
// connection runs PostgreSQL's default plan_cache_mode (auto), so the
// foreign-key checks use generic plans.
func BenchmarkCopyFrom(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			app := uniqueApp("copy")
			dsn := withApp(b, storetest.PostgresURL(b), app)
			s := storetest.MustOpenPostgresURL(b, dsn)
			p := mustPrincipal(b, s)
			ctx := context.Background()
			pipes, err := s.Pipelines(ctx, nil, p.Workspace.ID)
			if err != nil {
				b.Fatal(err)
			}
			conn, err := pgx.Connect(ctx, dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close(ctx)
			var spent time.Duration
			for r := 0; b.Loop(); r++ {
				b.StopTimer()
				seed, _ := crm.ParseBulkRequest(seedBody(r, n), n)
				if _, err := s.CreateDealsBulk(ctx, p, seed); err != nil {
					b.Fatal(err)
				}
				rows := copyRows(b, conn, p.Workspace.ID, pipes.Default.ID, r, n)
				waitIdle(b, s, app) // the ANALYZE a seed may start
				b.StartTimer()
				start := time.Now()
				copyTx(b, conn, rows)
				spent += time.Since(start)
			}
			b.ReportMetric(float64(n*b.N)/spent.Seconds(), "deals/s")
		})
	}
}

// copySet is the rows of one table that copyTx loads.
type copySet struct {
	table string
	cols  []string
	rows  [][]any
}

// copyRows builds what benchDeals(r, n) stores, as COPY rows: the new
// contacts, their identifiers and the deals, linked to the contacts
// seedBody(r, n) created (looked up beforehand, untimed).
func copyRows(tb testing.TB, conn *pgx.Conn, wsID, pipelineID string, r, n int) []copySet {
	ctx := context.Background()
	ws := uuid.MustParse(wsID)
	pipeline := uuid.MustParse(pipelineID)
	now := time.Now().UTC()
	var contacts, idents, deals [][]any
	existing := map[string]uuid.UUID{}
	rows, err := conn.Query(ctx, `SELECT value, contact_id FROM contact_identifiers WHERE workspace_id = $1`, ws)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var v string
		var id uuid.UUID
		if err := rows.Scan(&v, &id); err != nil {
			tb.Fatal(err)
		}
		existing[v] = id
	}
	for i := range n {
		var cid uuid.UUID
		if i < n/2 {
			cid = existing[benchPhone(r, i, 0)]
		} else {
			cid = uuid.Must(uuid.NewV7())
			ph := benchPhone(r, i, 1)
			contacts = append(contacts, []any{ws, cid, "New", []string{ph}, []string{}, []string{}, "{}", now, now})
			idents = append(idents, []any{ws, "phone", ph, cid})
		}
		deals = append(deals, []any{ws, uuid.Must(uuid.NewV7()), fmt.Sprintf("Order %d-%d", r, i), fmt.Sprint(100 + i%1000), "SAR", "qualified",
			pipeline, cid, []string{"shopify"}, fmt.Sprintf(`{"shopify_order_id": %d}`, r*1_000_000+i), now, now})
	}
	return []copySet{
		{"contacts", []string{"workspace_id", "id", "first_name", "phones", "emails", "tags", "custom_fields", "created_at", "updated_at"}, contacts},
		{"contact_identifiers", []string{"workspace_id", "kind", "value", "contact_id"}, idents},
		{"deals", []string{"workspace_id", "id", "title", "value", "currency", "stage", "pipeline_id", "contact_id", "tags", "custom_fields", "created_at", "updated_at"}, deals},
	}
}

// copyTx loads sets with CopyFrom in one transaction.
func copyTx(tb testing.TB, conn *pgx.Conn, sets []copySet) {
	ctx := context.Background()
	// Drop generic plans cached while the tables were smaller (the
	// foreign-key checks'): a plan for a tiny contacts table scans
	// contacts_created and made this floor 10x slower at random.
	if _, err := conn.Exec(ctx, `DISCARD PLANS`); err != nil {
		tb.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range sets {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			tb.Fatalf("copy %s: %v", c.table, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		tb.Fatal(err)
	}
}
