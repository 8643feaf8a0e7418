package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore/restsql"
)

// bulkTagged writes n deals tagged tags in p's workspace.
func (e *searchEnv) bulkTagged(tb testing.TB, p *crm.Principal, n int, prefix string, tags []string) {
	tb.Helper()
	for lo := 0; lo < n; lo += 10000 {
		req := &crm.BulkRequest{}
		for i := lo; i < min(n, lo+10000); i++ {
			d, _ := json.Marshal(map[string]any{"title": fmt.Sprintf("%s %d", prefix, i), "value": 1, "tags": tags,
				"contact_phone": "+201017177777", "create_contact_if_missing": true})
			req.Deals = append(req.Deals, d)
		}
		if res, err := e.store.CreateDealsBulk(context.Background(), p, req); err != nil || res.Summary.Created != len(req.Deals) {
			tb.Fatalf("bulk: %+v, %v", res.Summary, err)
		}
	}
}

// tagged lists, in title order, the titles of p's 50 newest deals that
// query (a filter on tags, with maybe more) selects.
func (e *searchEnv) tagged(tb testing.TB, p *crm.Principal, query string) []string {
	tb.Helper()
	params, err := pgrest.ParseQueryString("select=title&order=created_at.desc&limit=50&" + query)
	if err != nil {
		tb.Fatal(err)
	}
	q, err := pgrest.Parse(params)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := e.rest.Rest(context.Background(), p, &restsql.Request{Method: http.MethodGet, Table: "deals", Query: q, Limit: 50})
	if err != nil {
		tb.Fatal(err)
	}
	titles := []string{}
	for _, r := range res.Rows {
		v, _ := r.Get("title")
		titles = append(titles, v.(string))
	}
	slices.Sort(titles) // a bulk request's deals share created_at
	return titles
}

// TestTagListCostIsolated: an attacker's workspace that tags 20,000
// deals "vip" changes neither what the victim's tags=cs.{vip} finds nor
// what it costs: the tag index is keyed by workspace first and every
// read binds the victim's. The bound is loose (a shared, busy machine):
// within 4x plus 2 ms of the time before.
func TestTagListCostIsolated(t *testing.T) {
	e := mustSearchEnv(t) // quiet: 20 deals, untagged
	victim, attacker := e.quiet, e.busy
	e.bulkTagged(t, victim, 2, "Victim vip", []string{"vip"})
	want := []string{"Victim vip 0", "Victim vip 1"}
	for _, q := range []string{"tags=cs.%7Bvip%7D", "tags=cs.%7Bvip%7D&stage=in.(new,won)"} {
		if got := e.tagged(t, victim, q); !slices.Equal(got, want) {
			t.Fatalf("victim's %s finds %q, want %q", q, got, want)
		}
	}
	before := median(31, func() { e.tagged(t, victim, "tags=cs.%7Bvip%7D") })
	e.bulkTagged(t, attacker, 20000, "Attacker", []string{"vip", "x"})
	if got := e.tagged(t, attacker, "tags=cs.%7Bvip%7D"); len(got) != 50 {
		t.Fatalf("the attacker's list has %d rows, want 50 (the page)", len(got))
	}
	for _, q := range []string{"tags=cs.%7Bvip%7D", "tags=cs.%7Bx%7D", "tags=cs.%7Bvip,x%7D", "tags=ov.%7Bx%7D"} {
		w := want
		if q != "tags=cs.%7Bvip%7D" {
			w = []string{}
		}
		if got := e.tagged(t, victim, q); !slices.Equal(got, w) {
			t.Errorf("victim's %s finds %q after the attacker's writes, want %q", q, got, w)
		}
	}
	after := median(31, func() { e.tagged(t, victim, "tags=cs.%7Bvip%7D") })
	t.Logf("victim's tag list: %v before, %v with 20,000 vip deals elsewhere", before, after)
	if after > 4*before+2*time.Millisecond {
		t.Errorf("the victim's tag list went from %v to %v because of another workspace's rows", before, after)
	}
	n, err := e.store.CountForTest(context.Background(), `SELECT COUNT(*) FROM deal_tags x JOIN deals d ON d.rid = x.rid
		WHERE d.workspace_id <> x.workspace_id OR d.created_at <> x.created_at`)
	if err != nil || n != 0 {
		t.Errorf("%d tag entries name another workspace or time than their deal's (%v)", n, err)
	}
}
