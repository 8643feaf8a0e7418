package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/postgres"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/google/uuid"
)

// copyHostile are values that COPY's text format must escape (tab,
// newline, carriage return, backslash, its NULL marker \N, its end marker
// \.) or that array literals and JSON quote.
var copyHostile = []string{"tab\there", "new\nline", "cr\rx", `back\slash`, `\N`, `\.`, `quote "q"`, "{curly,comma}", "NULL", "١٢٣ عربي", "emoji 😀", ""}

// TestBulkCopyStoresValuesExactly: a bulk request large enough to be
// written with COPY (and new contacts and identifiers with it) stores
// every text, array and JSON value exactly as one written with the
// unnest INSERT (fewer rows) does: both read back as sent.
func TestBulkCopyStoresValuesExactly(t *testing.T) {
	s := storetest.MustOpenPostgres(t)
	p := mustPrincipal(t, s)
	ctx := context.Background()
	for _, n := range []int{len(copyHostile), 100} { // below and above genericPlanMin
		items := make([]string, n)
		for i := range n {
			v := copyHostile[i%len(copyHostile)]
			j, _ := json.Marshal(v)
			title := fmt.Sprintf("%d/%d %s", n, i, v)
			jt, _ := json.Marshal(title)
			items[i] = fmt.Sprintf(`{"title":%s,"value":%d.25,"tags":[%s,"t"],"custom_fields":{"k":%s,"nested":{"a":[%s,1.5]}},"source":%s,
				"contact_phone":"+2010%03d%05d","create_contact_if_missing":true,"contact_first_name":%s}`, jt, i, j, j, j, j, n, i, j)
		}
		req, err := crm.ParseBulkRequest([]byte(`{"deals":[`+strings.Join(items, ",")+`]}`), n)
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.CreateDealsBulk(ctx, p, req)
		if err != nil {
			t.Fatal(err)
		}
		if out.Summary.Created != n || out.Summary.ContactsCreated != n {
			t.Fatalf("n=%d: summary %+v", n, out.Summary)
		}
		for i, r := range out.Results {
			v := copyHostile[i%len(copyHostile)]
			var title, value, tagsJSON, cf, first, phone string
			var tags []string
			var source *string
			err := s.Reader().QueryRowContext(ctx, `SELECT d.title, d.value::text, array_to_json(d.tags)::text, d.custom_fields::text, d.source, c.first_name, c.phones[1]
				FROM deals d JOIN contacts c ON c.workspace_id = d.workspace_id AND c.id = d.contact_id
				JOIN contact_identifiers ci ON ci.workspace_id = c.workspace_id AND ci.contact_id = c.id AND ci.kind = 'phone'
				WHERE d.id = $1`, *r.DealID).Scan(&title, &value, &tagsJSON, &cf, &source, &first, &phone)
			if err != nil {
				t.Fatalf("n=%d item %d: read back: %v", n, i, err)
			}
			_ = json.Unmarshal([]byte(tagsJSON), &tags)
			var gotCF any
			_ = json.Unmarshal([]byte(cf), &gotCF)
			wantCF := map[string]any{"k": v, "nested": map[string]any{"a": []any{v, 1.5}}}
			wantSource := v
			got := []any{title, value, tags, gotCF, source, first, phone}
			want := []any{fmt.Sprintf("%d/%d %s", n, i, v), fmt.Sprintf("%d.2500", i), []string{v, "t"}, any(wantCF), &wantSource, v, fmt.Sprintf("+2010%03d%05d", n, i)}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("n=%d item %d (%q):\n got %#v\nwant %#v", n, i, v, got, want)
			}
		}
	}
}

// TestCopyRowsErrors: a COPY that breaks a constraint (checked at the
// end, or mid-stream while rows are still rendered) fails with its
// SQLSTATE and the row's detail, a value that cannot be sent names its
// column, and after each the connection serves the next transaction.
// A COPY that succeeds leaves the connection's plan_cache_mode as it was.
func TestCopyRowsErrors(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	s := storetest.MustOpenPostgresURL(t, dsn)
	p := mustPrincipal(t, s)
	ctx := context.Background()
	pipes, err := s.Pipelines(ctx, nil, p.Workspace.ID)
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.OpenDB(ctx, dsn+"&pool_max_conns=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cols := []string{"workspace_id", "id", "title", "value", "currency", "stage", "pipeline_id", "contact_id", "created_at", "updated_at"}
	kinds := []crm.Kind{crm.KindUUID, crm.KindUUID, crm.KindText, crm.KindDecimal, crm.KindText, crm.KindText, crm.KindUUID, crm.KindUUID, crm.KindTime, crm.KindTime}
	now := time.Now().UTC()
	nrows, value := 100, "1"
	rows := func(contact any) [][]any {
		out := make([][]any, nrows)
		for i := range out {
			out[i] = []any{p.Workspace.ID, uuid.NewString(), fmt.Sprint("t", i), "1", "SAR", "lead", pipes.Default.ID, nil, now, now}
		}
		out[70][7] = contact
		out[70][3] = value
		return out
	}
	insert := func(contact any) (string, error) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		err = (postgres.Dialect{}).InsertRows(ctx, tx, "deals", cols, kinds, rows(contact))
		var mode string
		if err == nil {
			if err := tx.QueryRowContext(ctx, `SHOW plan_cache_mode`).Scan(&mode); err != nil {
				t.Fatal(err)
			}
		}
		return mode, (postgres.Dialect{}).Error(err)
	}
	_, err = insert(uuid.NewString()) // no such contact
	ce, ok := crm.AsError(err)
	if !ok || ce.Code != "23503" || !strings.Contains(ce.Details, "Key (contact_id)=(") {
		t.Errorf("foreign key violation: got %v (%#v)", err, ce)
	}
	_, err = insert(struct{}{})
	if err == nil || !strings.Contains(err.Error(), "deals.contact_id") {
		t.Errorf("unsendable value: got %v, want an error naming deals.contact_id", err)
	}
	// A row the server rejects while later rows are still being rendered
	// (many chunks to go): the error, and no goroutine left writing.
	nrows, value = 20000, "-1"
	_, err = insert(nil)
	if ce, ok := crm.AsError(err); !ok || ce.Code != "23514" {
		t.Errorf("check violation mid-stream: got %v", err)
	}
	nrows, value = 100, "1"
	mode, err := insert(nil)
	if err != nil {
		t.Fatalf("valid rows after failures: %v", err)
	}
	if mode != "force_custom_plan" {
		t.Errorf("plan_cache_mode after COPY = %q, want the connection's force_custom_plan", mode)
	}
}

// TestScopePairLookup: the skip_if_exists look-up runs with bitmap scans
// off (no trigram GIN plan), the transaction has them back after it, and
// a failing look-up's error comes back as it is (the request's
// transaction is then rolled back).
func TestScopePairLookup(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	db, err := postgres.OpenDB(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	show := func() string {
		var v string
		if err := tx.QueryRowContext(ctx, `SHOW enable_bitmapscan`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	var inside string
	err = (postgres.Dialect{}).ScopePairLookup(ctx, tx, func() error { inside = show(); return nil })
	if err != nil || inside != "off" || show() != "on" {
		t.Errorf("look-up saw enable_bitmapscan=%q (want off), after it %q (want on), err %v", inside, show(), err)
	}
	failed := fmt.Errorf("look-up failed")
	if err := (postgres.Dialect{}).ScopePairLookup(ctx, tx, func() error { return failed }); err != failed {
		t.Errorf("a failing look-up returned %v, want its error", err)
	}
}
