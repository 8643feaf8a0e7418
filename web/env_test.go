package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/connectgain/server/api"
	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/web"
)

// env is a running server (API and dashboard, as serve wires them) over a
// real database, with a workspace "acme" (SAR, region SA), a write key,
// a read key, and a second workspace's key.
type env struct {
	t        testing.TB
	store    *sqlstore.Store
	srv      *httptest.Server
	handler  http.Handler
	write    string
	read     string
	other    string
	ws       *crm.Workspace
	dealIDs  map[string]string // by title
	contacts map[string]string // by first name
}

func mustStartEnv(t testing.TB, store *sqlstore.Store, cfg web.Config) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, store: store, dealIDs: map[string]string{}, contacts: map[string]string{}}
	ws, err := store.CreateWorkspace(ctx, "acme", "SAR", "SA")
	if err != nil {
		t.Fatal(err)
	}
	e.ws = ws
	if e.write, _, err = store.CreateKey(ctx, ws.ID, "w", crm.ScopeWrite); err != nil {
		t.Fatal(err)
	}
	if e.read, _, err = store.CreateKey(ctx, ws.ID, "r", crm.ScopeRead); err != nil {
		t.Fatal(err)
	}
	other, err := store.CreateWorkspace(ctx, "other", "USD", "")
	if err != nil {
		t.Fatal(err)
	}
	if e.other, _, err = store.CreateKey(ctx, other.ID, "o", crm.ScopeWrite); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := api.New(store, api.Config{Dashboard: web.New(store, cfg, log)}, log)
	e.handler = srv.Handler()
	e.srv = httptest.NewServer(e.handler)
	t.Cleanup(e.srv.Close)
	return e
}

// seedDeals are the deals most tests see: mixed currencies, Arabic and
// English names, custom fields.
const seedDeals = `{"deals": [
 {"title": "Order 1001", "value": 11523, "currency": "SAR", "stage": "qualified", "contact_phone": "+201017177777",
  "create_contact_if_missing": true, "contact_first_name": "Ahmed", "contact_last_name": "Hassan", "probability": 50,
  "expected_close_date": "2026-12-20", "source": "shopify", "tags": ["shopify", "vip"],
  "custom_fields": {"shopify_order_id": "1001", "items_count": 3}},
 {"title": "Order 1002", "value": 4500, "currency": "SAR", "stage": "lead", "contact_email": "sara@example.com",
  "create_contact_if_missing": true, "contact_first_name": "Sara", "source": "website"},
 {"title": "Order 1003", "value": 250.5, "currency": "USD", "stage": "qualified", "contact_phone": "+201017177777", "probability": 20},
 {"title": "طلب ١٠٠٤", "value": 8900, "currency": "EGP", "stage": "new", "contact_phone": "0501234567",
  "create_contact_if_missing": true, "contact_first_name": "محمد", "contact_last_name": "علي"},
 {"title": "Order 1005", "value": 1200, "currency": "USD", "stage": "proposal", "contact_email": "sara@example.com", "probability": 80},
 {"title": "Order 1006", "value": 3000, "currency": "SAR", "stage": "won", "contact_email": "sara@example.com", "probability": 100}
]}`

// bulk posts a bulk request with the write key and records the ids.
func (e *env) bulk(body string) {
	e.t.Helper()
	res, b := e.api("POST", "/functions/v1/create-deals-bulk", e.write, body)
	if res.StatusCode != 200 {
		e.t.Fatalf("bulk: %d %s", res.StatusCode, b)
	}
	var out struct {
		Results []struct {
			DealID    string `json:"deal_id"`
			ContactID string `json:"contact_id"`
			Deal      struct {
				Title string `json:"title"`
			} `json:"deal"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		e.t.Fatal(err)
	}
	for _, r := range out.Results {
		e.dealIDs[r.Deal.Title] = r.DealID
	}
}

// api sends an API request with a key.
func (e *env) api(method, path, key, body string) (*http.Response, []byte) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("X-API-Key", key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// browser is a cookie-keeping HTTP client of the dashboard.
type browser struct {
	e *env
	c *http.Client
}

func (e *env) newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values, hdr map[string]string) (*http.Response, string) {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.e.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, _ = io.Copy(&buf, res.Body)
	return res, html.UnescapeString(buf.String())
}

// signIn posts the sign-in form and fails the test unless it succeeds.
func (b *browser) signIn(key string) {
	b.e.t.Helper()
	res, body := b.do("POST", "/signin", url.Values{"key": {key}}, nil)
	if res.StatusCode != http.StatusSeeOther {
		b.e.t.Fatalf("sign in: %d %s", res.StatusCode, body)
	}
}

var csrfRE = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

// csrf reads the CSRF token from the board page.
func (b *browser) csrf() string {
	b.e.t.Helper()
	_, body := b.do("GET", "/", nil, nil)
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		b.e.t.Fatalf("no csrf token in the board page")
	}
	return m[1]
}

// stageOf reads a deal's stage through the API.
func (e *env) stageOf(id string) string {
	e.t.Helper()
	_, b := e.api("GET", "/functions/v1/rest-api-proxy/deals?select=stage&id=eq."+id, e.write, "")
	var rows []struct{ Stage string }
	_ = json.Unmarshal(b, &rows)
	if len(rows) != 1 {
		e.t.Fatalf("deal %s: %s", id, b)
	}
	return rows[0].Stage
}

// stageChanges counts a deal's rows in deal_stage_changes (through the API).
func (e *env) stageChanges(id string) []map[string]any {
	e.t.Helper()
	_, b := e.api("GET", "/functions/v1/rest-api-proxy/deal_stage_changes?deal_id=eq."+id+"&order=changed_at", e.write, "")
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil {
		e.t.Fatalf("stage changes: %s", b)
	}
	return rows
}

func waitFor(t testing.TB, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// testLog sends the server's warnings and errors to the test log.
type testLog struct{ t testing.TB }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
