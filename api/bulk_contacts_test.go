package api

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/connectgain/server/sqlstore/storetest"
)

// contactResult is the part of a bulk result about the item's contact.
type contactResult struct {
	Status           string   `json:"status"`
	ContactID        string   `json:"contact_id"`
	MatchedBy        string   `json:"matched_by"`
	ContactUpdated   []string `json:"contact_updated"`
	ContactConflicts []struct {
		Field, Value string
		ContactID    string `json:"contact_id"`
	} `json:"contact_conflicts"`
}

func (e *bulkEnv) contactResults(body string) ([]contactResult, map[string]int, string) {
	e.t.Helper()
	_, _, raw := e.post(e.writeKey, body)
	var out struct {
		Summary map[string]int  `json:"summary"`
		Results []contactResult `json:"results"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("bulk response: %v: %s", err, raw)
	}
	return out.Results, out.Summary, string(raw)
}

// contactBy returns the contacts a REST filter finds.
func (e *bulkEnv) contactsWhere(filter string) []map[string]any {
	e.t.Helper()
	status, body := e.rest("GET", "/contacts?"+filter, "")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(body), &rows); err != nil || status != 200 {
		e.t.Fatalf("GET contacts?%s: %d %s", filter, status, body)
	}
	return rows
}

// TestBulkContactsDoNotSplit: a contact found by phone gains the item's
// email and the names it lacks, one found by email gains the phone; an
// identifier of another contact is not moved, and the result says so.
func TestBulkContactsDoNotSplit(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustBulkEnv(t, b, Config{}, "", "")
			one := func(items ...string) (contactResult, map[string]int, string) {
				rs, sum, raw := e.contactResults(`{"deals":[` + strings.Join(items, ",") + `]}`)
				return rs[0], sum, raw
			}
			// By phone, then the same phone with an email and a last name.
			r1, _, _ := one(`{"title":"O1","value":1,"contact_phone":"+201020000000","create_contact_if_missing":true,"contact_first_name":"Sara"}`)
			r2, sum, raw := one(`{"title":"O2","value":1,"contact_phone":"+20 102 000 0000","contact_email":"Sara@Example.com","contact_first_name":"Sarah","contact_last_name":"Ahmed","create_contact_if_missing":true}`)
			if r2.MatchedBy != "phone" || r2.ContactID != r1.ContactID || fmt.Sprint(r2.ContactUpdated) != "[emails last_name]" || sum["contacts_updated"] != 1 {
				t.Fatalf("phone match with a new email: %s", raw)
			}
			rows := e.contactsWhere("phones=cs.{%2B201020000000}")
			if len(rows) != 1 || fmt.Sprint(rows[0]["emails"]) != "[sara@example.com]" || rows[0]["first_name"] != "Sara" || rows[0]["last_name"] != "Ahmed" {
				t.Errorf("enriched contact = %v; want the email and last name added, the first name kept", rows)
			}
			// The email now finds her, in bulk and through REST.
			r3, _, raw := one(`{"title":"O3","value":1,"contact_email":"sara@example.com","create_contact_if_missing":true}`)
			if r3.MatchedBy != "email" || r3.ContactID != r1.ContactID || r3.ContactUpdated != nil {
				t.Errorf("by the added email: %s", raw)
			}
			if rows := e.contactsWhere("emails=cs.{sara@example.com}"); len(rows) != 1 {
				t.Errorf("contacts with the email: %v", rows)
			}

			// By email, then with a new phone.
			r4, _, _ := one(`{"title":"O4","value":1,"contact_email":"vip@example.com","create_contact_if_missing":true}`)
			r5, _, raw := one(`{"title":"O5","value":1,"contact_email":"vip@example.com","contact_phone":"+201030000000"}`)
			if r5.MatchedBy != "email" || r5.ContactID != r4.ContactID || fmt.Sprint(r5.ContactUpdated) != "[phones]" {
				t.Errorf("email match with a new phone: %s", raw)
			}
			if rows := e.contactsWhere("phones=cs.{%2B201030000000}&select=id"); len(rows) != 1 || rows[0]["id"] != r4.ContactID {
				t.Errorf("contact with the added phone: %v", rows)
			}

			// An email another contact has is not moved.
			r6, _, raw := one(`{"title":"O6","value":1,"contact_phone":"+201020000000","contact_email":"vip@example.com"}`)
			if r6.ContactID != r1.ContactID || r6.ContactUpdated != nil || len(r6.ContactConflicts) != 1 ||
				r6.ContactConflicts[0].Field != "emails" || r6.ContactConflicts[0].Value != "vip@example.com" || r6.ContactConflicts[0].ContactID != r4.ContactID {
				t.Errorf("conflicting email: %s", raw)
			}
			if rows := e.contactsWhere("emails=cs.{vip@example.com}&select=id"); len(rows) != 1 || rows[0]["id"] != r4.ContactID {
				t.Errorf("the email moved: %v", rows)
			}

			// A dry run says what it would add and adds nothing.
			rs, sum, raw := e.contactResults(`{"dry_run":true,"deals":[{"title":"O7","value":1,"contact_phone":"+201020000000","contact_email":"sara.work@example.com"}]}`)
			if fmt.Sprint(rs[0].ContactUpdated) != "[emails]" || sum["contacts_updated"] != 1 {
				t.Errorf("dry run: %s", raw)
			}
			if rows := e.contactsWhere("emails=cs.{sara.work@example.com}"); len(rows) != 0 {
				t.Errorf("a dry run added the email: %v", rows)
			}
			// In a dry run, a conflict with a contact it would create names
			// no made-up id.
			rs, _, raw = e.contactResults(`{"dry_run":true,"deals":[{"title":"O9","value":1,"contact_email":"dry@example.com","create_contact_if_missing":true},
				{"title":"O10","value":1,"contact_phone":"+201020000000","contact_email":"dry@example.com"}]}`)
			if len(rs) != 2 || len(rs[1].ContactConflicts) != 1 || !strings.Contains(raw, `"contact_conflicts":[{"field":"emails","value":"dry@example.com"}]`) {
				t.Errorf("dry-run conflict with a new contact: %s", raw)
			}
			// An atomic request that fails adds nothing either.
			_, _, raw = e.contactResults(`{"atomic":true,"deals":[{"title":"O8","value":1,"contact_phone":"+201020000000","contact_email":"sara.work@example.com"},{"title":"bad","value":-1,"contact_phone":"+201020000000"}]}`)
			if strings.Contains(raw, "contact_updated") || len(e.contactsWhere("emails=cs.{sara.work@example.com}")) != 0 {
				t.Errorf("atomic failure: %s", raw)
			}

			// Within one request: created by the first item, completed by
			// the second, found by the added email in the third.
			rs, sum, raw = e.contactResults(`{"deals":[
				{"title":"N1","value":1,"contact_phone":"+201040000000","create_contact_if_missing":true},
				{"title":"N2","value":1,"contact_phone":"+201040000000","contact_email":"new@example.com","contact_first_name":"Nour"},
				{"title":"N3","value":1,"contact_email":"new@example.com","create_contact_if_missing":true}]}`)
			if sum["contacts_created"] != 1 || fmt.Sprint(rs[1].ContactUpdated) != "[emails first_name]" || rs[2].MatchedBy != "email" || rs[2].ContactID != rs[0].ContactID {
				t.Errorf("one request: %s", raw)
			}
			rows = e.contactsWhere("phones=cs.{%2B201040000000}")
			if len(rows) != 1 || fmt.Sprint(rows[0]["emails"]) != "[new@example.com]" || rows[0]["first_name"] != "Nour" {
				t.Errorf("contact created and completed in one request: %v", rows)
			}
			if n := e.count(`SELECT COUNT(*) FROM contact_identifiers WHERE workspace_id = ? AND value = 'new@example.com'`, e.store.WorkspaceArg(e.ws.ID)); n != 1 {
				t.Errorf("identifier rows for the added email: %d", n)
			}
		})
	}
}

// TestBulkContactEnrichmentConcurrent: requests adding different emails to
// one contact at once all land, each once.
func TestBulkContactEnrichmentConcurrent(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustBulkEnv(t, b, Config{}, "", "")
			e.contactResults(`{"deals":[{"title":"seed","value":1,"contact_phone":"+201050000000","create_contact_if_missing":true}]}`)
			const n = 8
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := range 2 { // each email twice: the second adds nothing
						e.post(e.writeKey, fmt.Sprintf(`{"deals":[{"title":"c%d-%d","value":1,"contact_phone":"+201050000000","contact_email":"c%d@example.com"}]}`, i, j, i))
					}
				}()
			}
			wg.Wait()
			rows := e.contactsWhere("phones=cs.{%2B201050000000}")
			if len(rows) != 1 || len(rows[0]["emails"].([]any)) != n {
				t.Fatalf("contact after %d concurrent requests: %v", n, rows)
			}
			if got := e.count(`SELECT COUNT(*) FROM contact_identifiers WHERE workspace_id = ? AND kind = 'email'`, e.store.WorkspaceArg(e.ws.ID)); got != n {
				t.Errorf("email identifier rows = %d, want %d", got, n)
			}
			if got := e.count(`SELECT COUNT(*) FROM contacts WHERE workspace_id = ?`, e.store.WorkspaceArg(e.ws.ID)); got != 1 {
				t.Errorf("contacts = %d, want 1", got)
			}
		})
	}
}
