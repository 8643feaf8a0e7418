package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/storetest"
)

// TestBulkMixedRequest runs, on every backend, one request that takes
// each path of CreateDealsBulk at once: an item failing validation, one
// failing Prepare (an unknown stage: prepared while the contacts are
// looked up), a stored duplicate and a duplicate within the request
// (skip_if_exists), a new contact (written while the deals' results are
// made), items linked to it, a stored contact completed by an item and
// found by that email by a later one. Atomic and dry-run forms of the
// same request must write nothing: the plain request sent afterwards
// answers the same. It runs a large form too (the parallel validation and
// the COPY path on PostgreSQL), whose items repeat the small one's.
func TestBulkMixedRequest(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			for _, copies := range []int{1, 80} {
				t.Run(fmt.Sprint(copies), func(t *testing.T) {
					for _, first := range []string{"", `"atomic":true,`, `"dry_run":true,`} {
						s := be.Open(t)
						p := bulkPrincipal(t, s)
						bulkOutcome(t, s, p, `{"deals":[{"title":"A","value":1,"contact_phone":"+201000000001","create_contact_if_missing":true,"contact_first_name":"Old"}]}`)
						body := mixedBody(copies)
						if first != "" {
							out := bulkOutcome(t, s, p, "{"+first+body[1:])
							if out.Written {
								t.Fatalf("%s: written", first)
							}
						}
						out := bulkOutcome(t, s, p, body)
						got := describe(out)
						want := mixedWant(copies)
						if got != want {
							t.Errorf("after %q: outcome\n%s\nwant\n%s", first, got, want)
						}
						if !out.Written {
							t.Error("not written")
						}
						// Everything stored: the same request again skips
						// every deal it created.
						again := bulkOutcome(t, s, p, body)
						if again.Summary.Created != 0 || again.Summary.Skipped != out.Summary.Created+out.Summary.Skipped {
							t.Errorf("the request again: %+v; want every deal skipped", again.Summary)
						}
					}
				})
			}
		})
	}
}

// mixedBody is the request of TestBulkMixedRequest, its items repeated
// copies times (titles and the new phone numbered per copy).
func mixedBody(copies int) string {
	var items []string
	for c := range copies {
		newPhone := fmt.Sprintf("+2010%08d", 20000000+c)
		items = append(items,
			`{"title":"A","value":1,"contact_phone":"+201000000001"}`,
			fmt.Sprintf(`{"title":"N1-%d","value":2,"contact_phone":"+201000000001","contact_email":"old@example.com"}`, c),
			fmt.Sprintf(`{"title":"N2-%d","value":3,"contact_phone":%q,"create_contact_if_missing":true,"contact_first_name":"New"}`, c, newPhone),
			fmt.Sprintf(`{"title":"N2-%d","value":4,"contact_phone":%q}`, c, newPhone),
			fmt.Sprintf(`{"title":"N3-%d","value":5,"contact_phone":%q,"custom_fields":{"k":"v"}}`, c, newPhone),
			fmt.Sprintf(`{"title":"Bad-%d","value":6,"contact_phone":"not a phone"}`, c),
			fmt.Sprintf(`{"title":"N4-%d","value":7,"contact_email":"OLD@example.com"}`, c),
			fmt.Sprintf(`{"title":"S-%d","value":8,"stage":"nope","contact_phone":"+201000000001"}`, c),
		)
	}
	return `{"skip_if_exists":true,"deals":[` + strings.Join(items, ",") + `]}`
}

// mixedWant is describe of mixedBody(copies)'s outcome.
func mixedWant(copies int) string {
	var b strings.Builder
	for c := range copies {
		i := 8 * c
		updated := "[emails]"
		if c > 0 {
			updated = "[]" // the first copy added the email
		}
		fmt.Fprintf(&b, "%d skipped exists phone new=false upd=[]\n", i)
		fmt.Fprintf(&b, "%d created  phone new=false upd=%s\n", i+1, updated)
		fmt.Fprintf(&b, "%d created  created new=true upd=[]\n", i+2)
		fmt.Fprintf(&b, "%d skipped exists phone new=false upd=[]\n", i+3)
		fmt.Fprintf(&b, "%d created  phone new=false upd=[]\n", i+4)
		fmt.Fprintf(&b, "%d failed invalid_phone\n", i+5)
		fmt.Fprintf(&b, "%d created  email new=false upd=[]\n", i+6)
		fmt.Fprintf(&b, "%d failed invalid_stage\n", i+7)
	}
	fmt.Fprintf(&b, "total %d created %d skipped %d failed %d contacts created %d updated 1 rolled back 0",
		8*copies, 4*copies, 2*copies, 2*copies, copies)
	return b.String()
}

// describe renders what of an outcome does not depend on generated ids.
func describe(out *sqlstore.BulkOutcome) string {
	var b strings.Builder
	for _, r := range out.Results {
		if r.Status == sqlstore.StatusFailed {
			fmt.Fprintf(&b, "%d failed %s\n", r.Index, r.Error.Code)
			continue
		}
		isNew := r.IsNewContact != nil && *r.IsNewContact
		if r.DealID == nil || r.ContactID == nil || r.Deal == nil {
			fmt.Fprintf(&b, "%d lacks ids: ", r.Index)
		}
		fmt.Fprintf(&b, "%d %s %s %s new=%v upd=%v\n", r.Index, r.Status, r.Reason, r.MatchedBy, isNew, fmt.Sprint(r.ContactUpdated))
	}
	sum := out.Summary
	fmt.Fprintf(&b, "total %d created %d skipped %d failed %d contacts created %d updated %d rolled back %d",
		sum.Total, sum.Created, sum.Skipped, sum.Failed, sum.ContactsCreated, sum.ContactsUpdated, sum.RolledBack)
	return b.String()
}

func bulkPrincipal(t *testing.T, s *sqlstore.Store) *crm.Principal {
	t.Helper()
	ws, err := s.CreateWorkspace(context.Background(), "w", "SAR", "EG")
	if err != nil {
		t.Fatalf("create workspace: %v", err)
	}
	return &crm.Principal{Workspace: *ws, Scope: crm.ScopeWrite}
}

func bulkOutcome(t *testing.T, s *sqlstore.Store, p *crm.Principal, body string) *sqlstore.BulkOutcome {
	t.Helper()
	req, err := crm.ParseBulkRequest([]byte(body), crm.DefaultMaxBulkDeals)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	out, err := s.CreateDealsBulk(context.Background(), p, req)
	if err != nil {
		t.Fatalf("bulk: %v", err)
	}
	return out
}
