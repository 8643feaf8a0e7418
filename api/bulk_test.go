package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/sqlstore/storetest"
)

// bulkCase is one scenario of the bulk endpoint: requests sent first (each
// must answer 200), then the request under test and what a client sees.
type bulkCase struct {
	name   string
	seed   []string
	key    string // "w" (default), "r", "none", or a literal key
	body   string
	status int
	check  func(t *testing.T, e *bulkEnv, r bulkResp)
}

// item returns a deal JSON object with the given extra fields.
func item(title string, extra string) string {
	value := `,"value":100`
	if strings.Contains(extra, `"value":`) { // a key twice in one object is 400
		value = ""
	}
	if extra != "" {
		extra = "," + extra
	}
	return fmt.Sprintf(`{"title":%q%s%s}`, title, value, extra)
}

func deals(items ...string) string { return `{"deals":[` + strings.Join(items, ",") + `]}` }

func wantResult(t *testing.T, r bulkResp, i int, status, matchedBy string, isNew bool) {
	t.Helper()
	if i >= len(r.Results) {
		t.Fatalf("result %d missing: %d results", i, len(r.Results))
	}
	got := r.Results[i]
	if got.Index != i || got.Status != status || got.MatchedBy != matchedBy || got.IsNewContact == nil || *got.IsNewContact != isNew {
		t.Errorf("result %d = index %d status %q matched_by %q new %v; want %q %q %v (error %+v)",
			i, got.Index, got.Status, got.MatchedBy, got.IsNewContact, status, matchedBy, isNew, got.Error)
	}
	if got.DealID == nil || got.ContactID == nil || len(got.Deal) == 0 {
		t.Errorf("result %d lacks deal_id, contact_id or deal", i)
	}
}

func wantFailed(t *testing.T, r bulkResp, i int, code, msgPart string) {
	t.Helper()
	got := r.Results[i]
	if got.Status != "failed" || got.Error == nil || got.Error.Code != code || !strings.Contains(got.Error.Message, msgPart) {
		t.Errorf("result %d = %q %+v; want failed %s containing %q", i, got.Status, got.Error, code, msgPart)
	}
	if got.DealID != nil || got.Deal != nil {
		t.Errorf("failed result %d carries a deal", i)
	}
}

func wantSummary(t *testing.T, r bulkResp, total, created, skipped, failed, contacts int) {
	t.Helper()
	s := r.Summary
	if s.Total != total || s.Created != created || s.Skipped != skipped || s.Failed != failed || s.ContactsCreated != contacts {
		t.Errorf("summary = %+v; want total %d created %d skipped %d failed %d contacts_created %d", s, total, created, skipped, failed, contacts)
	}
}

func dealField(t *testing.T, r bulkResp, i int) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Results[i].Deal, &m); err != nil {
		t.Fatalf("deal %d: %v", i, err)
	}
	return m
}

const phone = `"contact_phone":"+201017177777"`
const create = `"create_contact_if_missing":true`

var bulkCases = []bulkCase{
	{name: "contact missing without create fails", body: deals(item("Order 68297795", phone)), status: 422,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			wantSummary(t, r, 1, 0, 0, 1, 0)
			wantFailed(t, r, 0, "contact_not_found", "contact not found")
			if h := r.Results[0].Error.Hint; h == nil || !strings.Contains(*h, "create_contact_if_missing") {
				t.Errorf("hint = %v", h)
			}
			if n := e.count(`SELECT COUNT(*) FROM deals`); n != 0 {
				t.Errorf("%d deals stored", n)
			}
		}},
	{name: "create contact when missing", body: deals(item("Order 1", phone+`,`+create+`,"contact_first_name":"Customer"`)), status: 200,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			wantSummary(t, r, 1, 1, 0, 0, 1)
			wantResult(t, r, 0, "created", "created", true)
			if n := e.count(`SELECT COUNT(*) FROM contacts WHERE first_name = 'Customer'`); n != 1 {
				t.Errorf("%d contacts named Customer", n)
			}
		}},
	{name: "existing contact by phone in another format",
		seed: []string{deals(item("Seed", phone+`,`+create))},
		body: deals(item("Order 2", `"contact_phone":"+20 101 717 7777"`), item("Order 3", `"contact_phone":"00201017177777"`), item("Order 4", `"contact_phone":"+٢٠١٠١٧١٧٧٧٧٧"`)), status: 200,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			wantSummary(t, r, 3, 3, 0, 0, 0)
			for i := range 3 {
				wantResult(t, r, i, "created", "phone", false)
			}
			if n := e.count(`SELECT COUNT(*) FROM contacts`); n != 1 {
				t.Errorf("%d contacts; want 1", n)
			}
		}},
	{name: "existing contact by email, case-insensitive",
		seed: []string{deals(item("Seed", `"contact_email":"vip@example.com",`+create))},
		body: deals(item("Order 5", `"contact_email":"  VIP@Example.com "`)), status: 200,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) { wantResult(t, r, 0, "created", "email", false) }},
	{name: "phone wins over email",
		seed: []string{deals(item("A", phone+`,`+create+`,"contact_first_name":"ByPhone"`), item("B", `"contact_email":"sara@example.com",`+create+`,"contact_first_name":"ByEmail"`))},
		body: deals(item("Order 6", phone+`,"contact_email":"sara@example.com"`)), status: 200,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			wantResult(t, r, 0, "created", "phone", false)
			if n := e.count(`SELECT COUNT(*) FROM contacts WHERE first_name = 'ByPhone' AND id = ?`, e.store.BindForTest(crm.KindUUID, *r.Results[0].ContactID)); n != 1 {
				t.Errorf("deal linked to the wrong contact")
			}
		}},
	{name: "email when the phone is unknown",
		seed: []string{deals(item("B", `"contact_email":"sara@example.com",`+create))},
		body: deals(item("Order 7", `"contact_phone":"+201020000000","contact_email":"sara@example.com",`+create)), status: 200,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			wantSummary(t, r, 1, 1, 0, 0, 0)
			wantResult(t, r, 0, "created", "email", false)
		}},
	{name: "contact_id links directly; unknown id fails",
		seed: []string{deals(item("Seed", phone+`,`+create))},
		body: `CONTACT_ID`, status: 207,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			wantResult(t, r, 0, "created", "contact_id", false)
			wantFailed(t, r, 1, "contact_not_found", "0190f3b2-6c1e-7cc0-9a57-8f3c1c2d4e5f")
		}},
	{name: "trap table", status: 207, body: deals(
		item("ok", phone+`,`+create),
		`{"title":"Order 68297792","value":"11523.00",`+phone+`}`,
		item("upper", phone+`,"stage":"QUALIFIED"`),
		item("neg", phone+`,"stage":"negotiation"`),
		`{"title":"nested","value":1,"contact":{"phone":"+201017177777"}}`,
		item("none", phone+`,"custom_fields":"None"`),
		item("typo", `"contact_phon":"+201017177777"`),
		item("sr", phone+`,"currency":"SR"`),
	), check: func(t *testing.T, e *bulkEnv, r bulkResp) {
		wantSummary(t, r, 8, 2, 0, 6, 1)
		wantResult(t, r, 0, "created", "created", true)
		wantFailed(t, r, 1, "invalid_value", "must be a JSON number")
		wantResult(t, r, 2, "created", "phone", false)
		if st := dealField(t, r, 2)["stage"]; st != "qualified" {
			t.Errorf("QUALIFIED stored as %v; want qualified", st)
		}
		wantFailed(t, r, 3, "invalid_stage", `"negotiation"`)
		if d := r.Results[3].Error.Details; d == nil || !strings.Contains(*d, "new, lead, qualified, proposal, won, lost") {
			t.Errorf("invalid_stage details %v", d)
		}
		wantFailed(t, r, 4, "unknown_field", `"contact"`)
		wantFailed(t, r, 5, "invalid_custom_fields", "JSON object")
		wantFailed(t, r, 6, "unknown_field", "contact_phon")
		if h := r.Results[6].Error.Hint; h == nil || !strings.Contains(*h, `"contact_phone"`) {
			t.Errorf("typo hint %v", h)
		}
		wantFailed(t, r, 7, "invalid_currency", `"SR"`)
	}},
	{name: "defaults: request, then workspace", status: 200,
		body: `{"default_currency":"SAR","default_stage":"QUALIFIED","deals":[` + item("a", phone+`,`+create) + `,` + item("b", phone+`,"currency":"EUR","stage":"won"`) + `]}`,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			a, b := dealField(t, r, 0), dealField(t, r, 1)
			if a["currency"] != "SAR" || a["stage"] != "qualified" || b["currency"] != "EUR" || b["stage"] != "won" {
				t.Errorf("a = %v %v, b = %v %v", a["currency"], a["stage"], b["currency"], b["stage"])
			}
		}},
	{name: "workspace defaults: currency EGP, first stage new", status: 200, body: deals(item("a", phone+`,`+create)),
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			if a := dealField(t, r, 0); a["currency"] != "EGP" || a["stage"] != "new" || a["pipeline_id"] == nil {
				t.Errorf("deal = %v", a)
			}
		}},
	{name: "skip_if_exists across requests",
		seed: []string{`{"skip_if_exists":true,"deals":[` + item("Order 1001", phone+`,`+create) + `]}`},
		body: `{"skip_if_exists":true,"deals":[` + item("Order 1001", phone+`,`+create) + `,` + item("Order 1002", phone) + `]}`, status: 200,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			wantSummary(t, r, 2, 1, 1, 0, 0)
			if r.Results[0].Status != "skipped" || r.Results[0].Reason != "exists" || r.Results[0].MatchedBy != "phone" {
				t.Errorf("result 0 = %+v", r.Results[0])
			}
			if n := e.count(`SELECT COUNT(*) FROM deals WHERE title = 'Order 1001'`); n != 1 {
				t.Errorf("%d deals titled Order 1001", n)
			}
		}},
	{name: "skip_if_exists within one request, new contact", status: 200,
		body: `{"skip_if_exists":true,"deals":[` + item("Order 9", phone+`,`+create) + `,` + item("Order 9", `"contact_phone":"+20 1017177777",`+create) + `]}`,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			wantSummary(t, r, 2, 1, 1, 0, 1)
			wantResult(t, r, 0, "created", "created", true)
			if r.Results[1].Status != "skipped" || *r.Results[1].DealID != *r.Results[0].DealID {
				t.Errorf("second = %+v", r.Results[1])
			}
		}},
	{name: "without skip_if_exists duplicates are created",
		seed: []string{deals(item("Order 1001", phone+`,`+create))},
		body: deals(item("Order 1001", phone)), status: 200,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			if n := e.count(`SELECT COUNT(*) FROM deals WHERE title = 'Order 1001'`); n != 2 {
				t.Errorf("%d deals; want 2", n)
			}
		}},
	{name: "same title, another contact is not a duplicate",
		seed: []string{deals(item("Order 1", phone+`,`+create))},
		body: `{"skip_if_exists":true,"deals":[` + item("Order 1", `"contact_email":"x@example.com",`+create) + `]}`, status: 200,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) { wantResult(t, r, 0, "created", "created", true) }},
	{name: "atomic rolls back everything", status: 422,
		body: `{"atomic":true,"deals":[` + item("a", phone+`,`+create) + `,` + item("b", `"contact_email":"nobody@example.com"`) + `]}`,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			if r.Results[0].Status != "rolled_back" || r.Results[1].Status != "failed" || r.Summary.Created != 0 || r.Summary.Failed != 1 || r.Summary.RolledBack != 1 {
				t.Errorf("results = %+v summary %+v", r.Results, r.Summary)
			}
			if n := e.count(`SELECT COUNT(*) FROM deals`) + e.count(`SELECT COUNT(*) FROM contacts`); n != 0 {
				t.Errorf("%d rows written by a failed atomic request", n)
			}
		}},
	{name: "atomic success writes", status: 200,
		body:  `{"atomic":true,"deals":[` + item("a", phone+`,`+create) + `]}`,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) { wantSummary(t, r, 1, 1, 0, 0, 1) }},
	{name: "all failed is 422, non-atomic partial is 207 and writes the good ones", status: 207,
		body: deals(item("good", phone+`,`+create), item("bad", `"value":"x"`)),
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			if n := e.count(`SELECT COUNT(*) FROM deals WHERE title = 'good'`); n != 1 {
				t.Errorf("good deal not stored")
			}
		}},
	{name: "dry run writes nothing and answers the same", status: 207,
		body: `{"dry_run":true,"deals":[` + item("a", phone+`,`+create) + `,` + item("b", `"contact_email":"nobody@example.com"`) + `]}`,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			if !r.DryRun {
				t.Error("dry_run not echoed")
			}
			wantSummary(t, r, 2, 1, 0, 1, 1)
			if r.Results[0].Status != "created" || r.Results[0].DealID != nil || r.Results[0].ContactID != nil {
				t.Errorf("dry-run result = %+v", r.Results[0])
			}
			if n := e.count(`SELECT COUNT(*) FROM deals`) + e.count(`SELECT COUNT(*) FROM contacts`); n != 0 {
				t.Errorf("dry run wrote %d rows", n)
			}
		}},
	{name: "stored deal is returned canonical", status: 200,
		body: deals(item("Shopify Order #68297797", phone+`,`+create+`,"currency":"sar","stage":"New","source":"shopify","tags":["shopify","online"],"expected_close_date":"2025-12-15","probability":40,"custom_fields":{"shopify_order_id":"68297797","items_count":3}`)),
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			d := dealField(t, r, 0)
			want := map[string]any{"title": "Shopify Order #68297797", "value": 100.0, "currency": "SAR", "stage": "new", "source": "shopify",
				"expected_close_date": "2025-12-15", "probability": 40.0}
			for k, v := range want {
				if d[k] != v {
					t.Errorf("deal.%s = %v; want %v", k, d[k], v)
				}
			}
			if cf, _ := d["custom_fields"].(map[string]any); cf["shopify_order_id"] != "68297797" || cf["items_count"] != 3.0 {
				t.Errorf("custom_fields = %v", d["custom_fields"])
			}
			if _, ok := d["workspace_id"]; ok {
				t.Error("deal shows workspace_id")
			}
		}},
	{name: "missing key", key: "none", body: deals(item("a", phone)), status: 401,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) { wantErrorShape(t, r, "unauthorized") }},
	{name: "unknown key", key: "cg_0123456789abcdefghijklmnopqrstuvwxyzABCDE", body: deals(item("a", phone)), status: 401,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) { wantErrorShape(t, r, "unauthorized") }},
	{name: "read key cannot write", key: "r", body: deals(item("a", phone)), status: 403,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) { wantErrorShape(t, r, "forbidden") }},
	{name: "body not JSON", body: `{"deals": [`, status: 400,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) { wantErrorShape(t, r, "invalid_request") }},
	{name: "no deals array", body: `{"deal": []}`, status: 400,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) { wantErrorShape(t, r, "unknown_field") }},
	{name: "workspace phone region", body: `REGION`, status: 200,
		check: func(t *testing.T, e *bulkEnv, r bulkResp) {
			wantResult(t, r, 1, "created", "phone", false)
		}},
}

func wantErrorShape(t *testing.T, r bulkResp, code string) {
	t.Helper()
	if r.Code != code || r.Message == "" || r.Results != nil {
		t.Errorf("error = %q %q results %v; want code %s and no results", r.Code, r.Message, r.Results, code)
	}
}

func TestBulkScenarios(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, tc := range bulkCases {
				t.Run(tc.name, func(t *testing.T) {
					e := mustBulkEnv(t, b, Config{}, "EGP", "")
					for _, s := range tc.seed {
						if st, _, raw := e.post(e.writeKey, s); st != 200 {
							t.Fatalf("seed answered %d: %s", st, raw)
						}
					}
					body := tc.body
					switch body {
					case "CONTACT_ID":
						var raw any
						if err := e.store.QueryRowForTest(context.Background(), `SELECT id FROM contacts`).Scan(&raw); err != nil {
							t.Fatal(err)
						}
						id, err := e.store.IDForTest(raw)
						if err != nil {
							t.Fatal(err)
						}
						body = deals(item("x", `"contact_id":"`+id+`"`), item("y", `"contact_id":"0190f3b2-6c1e-7cc0-9a57-8f3c1c2d4e5f"`))
					case "REGION":
						if _, err := e.store.UpdateWorkspace(context.Background(), "acme", "", "SA"); err != nil {
							t.Fatal(err)
						}
						body = deals(item("a", `"contact_phone":"+966501234567",`+create), item("b", `"contact_phone":"050 123 4567"`))
					}
					key := map[string]string{"": e.writeKey, "w": e.writeKey, "r": e.readKey, "none": ""}[tc.key]
					if key == "" && tc.key != "none" {
						key = tc.key
					}
					status, r, raw := e.post(key, body)
					if status != tc.status {
						t.Fatalf("status = %d; want %d\n%s", status, tc.status, raw)
					}
					if tc.check != nil {
						tc.check(t, e, r)
					}
				})
			}
		})
	}
}

// TestBulkDealEqualsRESTRead: the deal a bulk result carries is exactly what
// a REST read of that deal returns.
func TestBulkDealEqualsRESTRead(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustBulkEnv(t, b, Config{}, "", "")
			_, r, _ := e.post(e.writeKey, deals(item("Order \"q\" ١", phone+`,`+create+`,"value":12.5,"tags":["a"],"custom_fields":{"k":[1,"x"],"n":1e2,"m":1.50,"a":"\u00e9"},"probability":5,"expected_close_date":"2026-01-31","source":"web"`)))
			req, _ := http.NewRequest("GET", e.url+"/functions/v1/rest-api-proxy/deals?id=eq."+*r.Results[0].DealID, nil)
			req.Header.Set("X-API-Key", e.readKey)
			req.Header.Set("Accept", "application/vnd.pgrst.object+json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			rest, _ := io.ReadAll(res.Body)
			var a, c any
			if err := json.Unmarshal(r.Results[0].Deal, &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(rest, &c); err != nil {
				t.Fatalf("REST read %d: %s", res.StatusCode, rest)
			}
			if !reflect.DeepEqual(a, c) {
				t.Errorf("bulk deal  %s\nREST deal %s", r.Results[0].Deal, rest)
			}
			// custom_fields as text too: numbers as stored (1e2 is 100),
			// keys in the stored order.
			var bm, rm map[string]json.RawMessage
			_ = json.Unmarshal(r.Results[0].Deal, &bm)
			_ = json.Unmarshal(rest, &rm)
			if string(bm["custom_fields"]) != string(rm["custom_fields"]) {
				t.Errorf("bulk custom_fields %s, REST read %s", bm["custom_fields"], rm["custom_fields"])
			}
		})
	}
}

// TestBulkLinksOldestOfSharedPhone: the REST API may store a second contact
// with a phone (a POST inserts); bulk linking then picks the oldest.
func TestBulkLinksOldestOfSharedPhone(t *testing.T) {
	e := mustBulkEnv(t, storetest.Backends(t)[0], Config{}, "", "")
	_, first, _ := e.post(e.writeKey, deals(item("a", phone+`,`+create)))
	req, _ := http.NewRequest("POST", e.url+"/functions/v1/rest-api-proxy/contacts", strings.NewReader(`{"first_name":"Second","phones":["+20 101 717 7777"]}`))
	req.Header.Set("X-API-Key", e.writeKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("POST contact: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	_, r, _ := e.post(e.writeKey, deals(item("b", phone)))
	if *r.Results[0].ContactID != *first.Results[0].ContactID || r.Results[0].MatchedBy != "phone" {
		t.Errorf("linked to %s; want the oldest contact %s", *r.Results[0].ContactID, *first.Results[0].ContactID)
	}
}

// TestBulkIsolation: another workspace's contacts are invisible to linking
// (by id, phone and email) and to skip_if_exists.
func TestBulkIsolation(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustBulkEnv(t, b, Config{}, "", "")
			ctx := context.Background()
			other, err := e.store.CreateWorkspace(ctx, "other", "", "")
			if err != nil {
				t.Fatal(err)
			}
			ok, _, _ := e.store.CreateKey(ctx, other.ID, "", crm.ScopeWrite)
			_, rb, _ := e.post(ok, deals(item("Order 1", phone+`,"contact_email":"sara@example.com",`+create)))
			theirs := *rb.Results[0].ContactID

			status, r, raw := e.post(e.writeKey, `{"skip_if_exists":true,"deals":[`+
				item("by id", `"contact_id":"`+theirs+`"`)+`,`+
				item("Order 1", phone)+`,`+
				item("by email", `"contact_email":"sara@example.com"`)+`,`+
				item("Order 1", phone+`,`+create)+`]}`)
			if status != 207 {
				t.Fatalf("status %d: %s", status, raw)
			}
			wantFailed(t, r, 0, "contact_not_found", theirs)
			wantFailed(t, r, 1, "contact_not_found", "")
			wantFailed(t, r, 2, "contact_not_found", "")
			wantResult(t, r, 3, "created", "created", true) // not skipped: their Order 1 is theirs
			if *r.Results[3].ContactID == theirs {
				t.Error("linked to another workspace's contact")
			}
		})
	}
}
