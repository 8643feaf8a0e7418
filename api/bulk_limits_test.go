package api

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectgain/server/sqlstore/storetest"
)

// manyDeals builds a bulk body of n deals; every second deal names a new
// phone, the others reuse the first ten phones.
func manyDeals(n int, extra string) string {
	var b strings.Builder
	b.WriteString(`{` + extra + `"deals":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		p := i
		if i%2 == 1 {
			p = (i % 10) * 2 // a phone an even item names
		}
		fmt.Fprintf(&b, `{"title":"Order %d","value":%d.5,"currency":"SAR","contact_phone":"+2010%08d","create_contact_if_missing":true,"custom_fields":{"n":%d}}`, i, i, p, i)
	}
	b.WriteString(`]}`)
	return b.String()
}

func TestBulkLimits(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustBulkEnv(t, b, Config{}, "", "")
			status, r, raw := e.post(e.writeKey, manyDeals(10000, ""))
			if status != 200 {
				t.Fatalf("10,000 deals: status %d: %.300s", status, raw)
			}
			if r.Summary.Created != 10000 || len(r.Results) != 10000 || r.Results[9999].Index != 9999 {
				t.Errorf("10,000 deals: summary %+v, %d results", r.Summary, len(r.Results))
			}
			if n := e.count(`SELECT COUNT(*) FROM deals`); n != 10000 {
				t.Errorf("%d deals stored; want 10000", n)
			}
			// Half the phones are new; the other half repeat ten of them.
			if n := e.count(`SELECT COUNT(*) FROM contacts`); n != 5000 || r.Summary.ContactsCreated != 5000 {
				t.Errorf("%d contacts (summary %d); want 5000", n, r.Summary.ContactsCreated)
			}
			status, r, _ = e.post(e.writeKey, manyDeals(10001, ""))
			if status != 413 || r.Code != "payload_too_large" || !strings.Contains(r.Message, "10001") {
				t.Errorf("10,001 deals: %d %q %q; want 413 payload_too_large", status, r.Code, r.Message)
			}
		})
	}
}

func TestBulkLimitIsConfigurable(t *testing.T) {
	e := mustBulkEnv(t, storetest.Backend{Name: "sqlite", Open: storetest.MustOpenSQLite}, Config{MaxBulkDeals: 3, MaxBodyBytes: 4000}, "", "")
	if status, r, _ := e.post(e.writeKey, manyDeals(4, "")); status != 413 || !strings.Contains(r.Message, "limit is 3") {
		t.Errorf("4 deals with limit 3: %d %q", status, r.Message)
	}
	if status, r, _ := e.post(e.writeKey, `{"deals":[{"title":"`+strings.Repeat("x", 5000)+`"}]}`); status != 413 || r.Code != "payload_too_large" {
		t.Errorf("body over MaxBodyBytes: %d %q", status, r.Code)
	}
}

func TestBulkRevokedKey(t *testing.T) {
	e := mustBulkEnv(t, storetest.Backend{Name: "sqlite", Open: storetest.MustOpenSQLite}, Config{}, "", "")
	if status, _, _ := e.post(e.writeKey, deals(item("a", phone+`,`+create))); status != 200 {
		t.Fatalf("before revoking: %d", status)
	}
	keys, err := e.store.Keys(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.RevokeKey(context.Background(), keys[0].ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(KeyCacheTTL + 100*time.Millisecond) // a verified key is trusted this long
	if status, r, _ := e.post(e.writeKey, deals(item("a", phone))); status != 401 || !strings.Contains(r.Message, "revoked") {
		t.Errorf("revoked key: %d %q", status, r.Message)
	}
}

// TestBulkConcurrency: parallel requests naming one new phone create one
// contact; parallel skip_if_exists requests for one deal create one deal.
func TestBulkConcurrency(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustBulkEnv(t, b, Config{}, "", "")
			const n = 20
			var wg sync.WaitGroup
			statuses := make([]int, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					body := fmt.Sprintf(`{"deals":[{"title":"Order P%d","value":1,"contact_phone":"+201099999999","create_contact_if_missing":true}]}`, i)
					statuses[i], _, _ = e.post(e.writeKey, body)
				}()
			}
			wg.Wait()
			for i, s := range statuses {
				if s != 200 {
					t.Errorf("request %d answered %d", i, s)
				}
			}
			if c := e.count(`SELECT COUNT(*) FROM contacts`); c != 1 {
				t.Errorf("%d contacts for one phone; want 1", c)
			}
			if d := e.count(`SELECT COUNT(*) FROM deals`); d != n {
				t.Errorf("%d deals; want %d", d, n)
			}

			created := make([]int, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, r, _ := e.post(e.writeKey, `{"skip_if_exists":true,"deals":[{"title":"Order SAME","value":1,"contact_email":"same@example.com","create_contact_if_missing":true}]}`)
					created[i] = r.Summary.Created
				}()
			}
			wg.Wait()
			total := 0
			for _, c := range created {
				total += c
			}
			if d := e.count(`SELECT COUNT(*) FROM deals WHERE title = 'Order SAME'`); d != 1 || total != 1 {
				t.Errorf("%d deals stored, %d reported created; want 1 and 1", d, total)
			}
			if c := e.count(`SELECT COUNT(*) FROM contact_identifiers WHERE value = 'same@example.com'`); c != 1 {
				t.Errorf("%d contacts for one email; want 1", c)
			}
		})
	}
}
