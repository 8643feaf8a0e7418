package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/storetest"
)

// idemDo sends method path body with key and Idempotency-Key idem,
// retrying a 409 idempotency_key_in_use after its Retry-After, and
// returns status, replayed flag and body.
func (e *bulkEnv) idemDo(key, idem, method, path, body string, retry bool) (int, bool, string) {
	e.t.Helper()
	for range 100 {
		req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-API-Key", key)
		if idem != "" {
			req.Header.Set("Idempotency-Key", idem)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			e.t.Errorf("%s %s: %v", method, path, err)
			return 0, false, ""
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if retry && res.StatusCode == 409 && strings.Contains(string(b), CodeIdemInUse) {
			if res.Header.Get("Retry-After") != "1" {
				e.t.Errorf("409 without Retry-After: %v", res.Header)
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		return res.StatusCode, res.Header.Get("Idempotent-Replayed") == "true", string(b)
	}
	e.t.Fatalf("still running after 100 tries")
	return 0, false, ""
}

const bulkURL = "/functions/v1/create-deals-bulk"

// TestIdempotencyConcurrentRetries: 20 concurrent attempts with one key
// write once and all get the same answer, on every backend.
func TestIdempotencyConcurrentRetries(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := mustBulkEnv(t, be, Config{}, "SAR", "SA")
			var items []string
			for i := range 200 {
				items = append(items, fmt.Sprintf(`{"title":"Order %d","value":%d,"contact_phone":"+2010171%05d","create_contact_if_missing":true}`, i, i+1, i))
			}
			body := deals(items...)
			type answer struct {
				status   int
				replayed bool
				body     string
			}
			answers := make([]answer, 20)
			var wg sync.WaitGroup
			for i := range answers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st, rep, b := e.idemDo(e.writeKey, "order-batch-1", "POST", bulkURL, body, true)
					answers[i] = answer{st, rep, b}
				}()
			}
			wg.Wait()
			fresh := 0
			for i, a := range answers {
				if a.status != 200 || a.body != answers[0].body {
					t.Errorf("answer %d: %d %.200s, want answer 0's (%d)", i, a.status, a.body, answers[0].status)
				}
				if !a.replayed {
					fresh++
				}
			}
			if fresh != 1 {
				t.Errorf("%d answers were not replays, want 1", fresh)
			}
			if n := e.count("SELECT COUNT(*) FROM deals"); n != 200 {
				t.Errorf("%d deals stored, want 200", n)
			}
			if n := e.count("SELECT COUNT(*) FROM contacts"); n != 200 {
				t.Errorf("%d contacts stored, want 200", n)
			}
		})
	}
}

// TestIdempotencySemantics: what a key means, route by route.
func TestIdempotencySemantics(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := mustBulkEnv(t, be, Config{}, "SAR", "SA")
			one := deals(`{"title":"Order 1","value":5,"contact_phone":"+201017177777","create_contact_if_missing":true}`)
			st, rep, first := e.idemDo(e.writeKey, "k1", "POST", bulkURL, one, false)
			if st != 200 || rep {
				t.Fatalf("first: %d %v %s", st, rep, first)
			}
			if st, rep, b := e.idemDo(e.writeKey, "k1", "POST", bulkURL, one, false); st != 200 || !rep || b != first {
				t.Errorf("retry: %d replayed=%v %s", st, rep, b)
			}
			if st, _, b := e.idemDo(e.writeKey, "k1", "POST", bulkURL, strings.Replace(one, "Order 1", "Order 2", 1), false); st != 422 || !strings.Contains(b, CodeIdemReused) {
				t.Errorf("same key, other body: %d %s, want 422", st, b)
			}
			// The same key on another route or method is another key.
			if st, rep, b := e.idemDo(e.writeKey, "k1", "POST", proxy+"/contacts", `{"first_name":"Sara"}`, false); st != 201 || rep {
				t.Errorf("same key on REST POST: %d %v %s", st, rep, b)
			}
			// REST POST twice: one contact.
			if st, _, b := e.idemDo(e.writeKey, "k2", "POST", proxy+"/contacts", `{"first_name":"Mona"}`, false); st != 201 {
				t.Fatalf("REST POST: %d %s", st, b)
			}
			if st, rep, _ := e.idemDo(e.writeKey, "k2", "POST", proxy+"/contacts", `{"first_name":"Mona"}`, false); st != 201 || !rep {
				t.Errorf("REST POST retry: %d replayed=%v", st, rep)
			}
			if n := e.count("SELECT COUNT(*) FROM contacts WHERE first_name = 'Mona'"); n != 1 {
				t.Errorf("%d Monas, want 1", n)
			}
			// PATCH and DELETE replay too, with their headers.
			patch := proxy + "/contacts?first_name=eq.Mona"
			st, _, pb := e.idemDo(e.writeKey, "k3", "PATCH", patch, `{"last_name":"X"}`, false)
			if st2, rep, pb2 := e.idemDo(e.writeKey, "k3", "PATCH", patch, `{"last_name":"X"}`, false); st != 200 || st2 != 200 || !rep || pb2 != pb {
				t.Errorf("PATCH: %d, retry %d replayed=%v", st, st2, rep)
			}
			del := proxy + "/contacts?first_name=eq.Sara"
			if st, _, _ := e.idemDo(e.writeKey, "k4", "DELETE", del, "", false); st != 200 {
				t.Errorf("DELETE: %d", st)
			}
			if st, rep, _ := e.idemDo(e.writeKey, "k4", "DELETE", del, "", false); st != 200 || !rep {
				t.Errorf("DELETE retry: %d replayed=%v", st, rep)
			}
			// A 4xx answer is kept too: the retry gets the same 400.
			bad := deals(`{"title":"Order 1","title":"x"}`)
			_, _, b1 := e.idemDo(e.writeKey, "k5", "POST", bulkURL, bad, false)
			if st, rep, b2 := e.idemDo(e.writeKey, "k5", "POST", bulkURL, bad, false); st != 400 || !rep || b2 != b1 {
				t.Errorf("replayed 400: %d %v %s", st, rep, b2)
			}
			// Keys are per workspace: another workspace's k1 is its own.
			ctx := context.Background()
			ws2, _ := e.store.CreateWorkspace(ctx, "other", "SAR", "SA")
			key2, _, _ := e.store.CreateKey(ctx, ws2.ID, "w", crm.ScopeWrite)
			if st, rep, b := e.idemDo(key2, "k1", "POST", bulkURL, one, false); st != 200 || rep || b == first {
				t.Errorf("other workspace, same key: %d replayed=%v", st, rep)
			}
			// Bad keys.
			for _, k := range []string{strings.Repeat("k", 256), "with space", "é"} {
				if st, _, b := e.idemDo(e.writeKey, k, "POST", bulkURL, one, false); st != 400 || !strings.Contains(b, CodeIdemInvalid) {
					t.Errorf("key %.20q: %d %s", k, st, b)
				}
			}
			// After 24 hours the key is new again: the request runs again.
			e.store.Now = func() time.Time { return time.Now().Add(sqlstore.IdempotencyTTL + time.Minute) }
			if st, rep, _ := e.idemDo(e.writeKey, "k2", "POST", proxy+"/contacts", `{"first_name":"Mona"}`, false); st != 201 || rep {
				t.Errorf("expired key: %d replayed=%v, want a new run", st, rep)
			}
			if n := e.count("SELECT COUNT(*) FROM contacts WHERE first_name = 'Mona'"); n != 2 {
				t.Errorf("%d Monas after the key expired, want 2", n)
			}
		})
	}
}

// TestIdempotencyLease: a crashed attempt's running row does not block
// for ever, and an attempt whose key was taken over cannot commit.
func TestIdempotencyLease(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := mustBulkEnv(t, be, Config{IdempotencyLease: time.Second}, "SAR", "SA")
			ctx := context.Background()
			body := deals(`{"title":"Order 9","value":5,"contact_phone":"+201017177777","create_contact_if_missing":true}`)
			// An attempt that "crashed": it claimed the key and never finished.
			k := crm.IdemKey{WorkspaceID: e.ws.ID, Scope: "POST " + bulkURL, Key: "crash",
				Fingerprint: fingerprintFor(t, e, body)}
			dead, st, _, err := e.store.BeginIdempotent(ctx, k, time.Second)
			if err != nil || st != crm.IdemStarted {
				t.Fatalf("claim: %v %v", st, err)
			}
			if st, _, b := e.idemDo(e.writeKey, "crash", "POST", bulkURL, body, false); st != 409 || !strings.Contains(b, CodeIdemInUse) {
				t.Errorf("while the lease holds: %d %s, want 409", st, b)
			}
			time.Sleep(1100 * time.Millisecond)
			if st, rep, b := e.idemDo(e.writeKey, "crash", "POST", bulkURL, body, false); st != 200 || rep {
				t.Errorf("after the lease: %d replayed=%v %s, want the request to run", st, rep, b)
			}
			// The dead attempt comes back to life and tries to commit: refused.
			req, _ := crm.ParseBulkRequest([]byte(strings.Replace(body, "Order 9", "Order 10", 1)), 10)
			p := &crm.Principal{Workspace: *e.ws, Scope: crm.ScopeWrite}
			_, err = e.store.CreateDealsBulk(crm.WithIdempotency(ctx, dead), p, req)
			if ce, ok := crm.AsError(err); !ok || ce.Code != CodeIdemInUse {
				t.Errorf("taken-over attempt wrote: %v", err)
			}
			if n := e.count("SELECT COUNT(*) FROM deals"); n != 1 {
				t.Errorf("%d deals, want 1", n)
			}
			// Committed but never answered (a crash between the two): not run again.
			k.Key = "lost"
			lost, _, _, _ := e.store.BeginIdempotent(ctx, k, time.Second)
			req, _ = crm.ParseBulkRequest([]byte(strings.Replace(body, "Order 9", "Order 11", 1)), 10)
			if _, err := e.store.CreateDealsBulk(crm.WithIdempotency(ctx, lost), p, req); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1100 * time.Millisecond)
			if st, _, b := e.idemDo(e.writeKey, "lost", "POST", bulkURL, body, false); st != 409 || !strings.Contains(b, CodeIdemLost) {
				t.Errorf("committed, answer lost: %d %s", st, b)
			}
			if n := e.count("SELECT COUNT(*) FROM deals"); n != 2 {
				t.Errorf("%d deals, want 2", n)
			}
		})
	}
}

// fingerprintFor is the fingerprint idemDo's request will have.
func fingerprintFor(t *testing.T, e *bulkEnv, body string) string {
	req, _ := http.NewRequest("POST", e.url+bulkURL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return fingerprint(req, []byte(body))
}
