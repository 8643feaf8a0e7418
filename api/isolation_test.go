package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
)

// TestIsolationLimitsAndMetrics: the new shared machinery (rate buckets,
// /metrics) gives one workspace nothing of another's: an attacker
// exhausting its bucket does not throttle its victim, neither key opens
// /metrics, and /metrics names no workspace, key, title or phone.
func TestIsolationLimitsAndMetrics(t *testing.T) {
	e := mustBulkEnv(t, storetest.Backend{Name: "sqlite", Open: storetest.MustOpenSQLite},
		Config{RateLimit: 1, RateBurst: 5, MetricsToken: "m-token"}, "SAR", "SA")
	ctx := context.Background()
	victim, err := e.store.CreateWorkspace(ctx, "victim-corp", "USD", "EG")
	if err != nil {
		t.Fatal(err)
	}
	vkey, _, _ := e.store.CreateKey(ctx, victim.ID, "v", crm.ScopeWrite)
	secret := `{"deals":[{"title":"Victim secret order zebrafinch","value":7,"contact_phone":"+201099990000","create_contact_if_missing":true}]}`
	req, _ := http.NewRequest("POST", e.url+bulkURL, strings.NewReader(secret))
	req.Header.Set("X-API-Key", vkey)
	req.Header.Set("Idempotency-Key", "victim-key")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("victim's write: %v %v", res, err)
	}
	get := func(key string) int {
		req, _ := http.NewRequest("GET", e.url+proxy+"/deals?select=id", nil)
		req.Header.Set("X-API-Key", key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(res)
		return res.StatusCode
	}
	limited := 0
	for range 10 {
		if get(e.writeKey) == 429 {
			limited++
		}
	}
	if limited == 0 {
		t.Errorf("the attacker was never limited")
	}
	if st := get(vkey); st != 200 {
		t.Errorf("the victim is throttled by the attacker's requests: %d", st)
	}
	for _, k := range []string{e.writeKey, vkey} {
		if st, _ := getMetrics(t, e.url, "Bearer "+k); st != 401 {
			t.Errorf("an API key opens /metrics: %d", st)
		}
	}
	_, m := getMetrics(t, e.url, "Bearer m-token")
	for _, leak := range []string{victim.ID, e.ws.ID, "victim-corp", "acme", vkey, e.writeKey, "zebrafinch", "+201099990000", "victim-key"} {
		if strings.Contains(m, leak) {
			t.Errorf("/metrics shows %q", leak)
		}
	}
}
