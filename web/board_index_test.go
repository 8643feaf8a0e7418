package web_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/connectgain/server/sqlstore"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/connectgain/server/web"
)

// TestBoardVersionSeesEveryWrite: the live poll's version moves after a
// committed write of the workspace through each path (bulk, REST insert,
// update and delete, the dashboard's move, a contact a card names),
// and not after a read, a refused write or another workspace's write.
func TestBoardVersionSeesEveryWrite(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustStartEnv(t, b.Open(t), web.Config{})
			br := e.newBrowser()
			br.signIn(e.write)
			version := func() string {
				t.Helper()
				res, body := br.do("GET", "/board/version", nil, map[string]string{"Accept": "application/json"})
				var v struct{ Version string }
				if res.StatusCode != 200 || json.Unmarshal([]byte(body), &v) != nil || v.Version == "" {
					t.Fatalf("GET /board/version: %d %s", res.StatusCode, body)
				}
				return v.Version
			}
			last := version()
			expect := func(what string, moved bool) {
				t.Helper()
				if v := version(); (v != last) != moved {
					t.Errorf("after %s the version went from %s to %s; want moved = %v", what, last, v, moved)
				} else {
					last = v
				}
			}
			e.bulk(seedDeals)
			expect("a bulk request", true)
			rest := func(method, path, body string, status int) []byte {
				t.Helper()
				res, out := e.api(method, "/functions/v1/rest-api-proxy/"+path, e.write, body)
				if res.StatusCode != status {
					t.Fatalf("%s %s: %d %s; want %d", method, path, res.StatusCode, out, status)
				}
				return out
			}
			out := rest("POST", "deals", `{"title":"Walk-in","value":10,"currency":"SAR"}`, 201)
			var created []struct{ ID string }
			if err := json.Unmarshal(out, &created); err != nil || len(created) != 1 {
				t.Fatalf("created: %s", out)
			}
			id := created[0].ID
			expect("a REST insert", true)
			rest("GET", "deals?id=eq."+id, "", 200)
			expect("a REST read", false)
			rest("PATCH", "deals?id=eq."+id, `{"title":"Walk-in customer"}`, 200)
			expect("a REST update", true)
			rest("POST", "deals", `{"id":"`+id+`","title":"Walk-in again","value":11,"currency":"SAR"}`, 409)
			expect("a refused insert (the id exists)", false)
			rest("PATCH", "deals?id=eq."+id, `{"stage":"no-such-stage"}`, 400)
			expect("a refused update", false)
			csrf := br.csrf()
			res, body := br.do("POST", "/deals/"+id+"/stage", url.Values{"stage": {"won"}, "csrf": {csrf}},
				map[string]string{"Accept": "application/json"})
			if res.StatusCode != 200 {
				t.Fatalf("move: %d %s", res.StatusCode, body)
			}
			expect("a move on the board", true)
			rest("PATCH", "contacts?id=eq."+e.contactOf(t, "Order 1002"), `{"first_name":"Sarah"}`, 200)
			expect("a contact rename (cards show the name)", true)
			if res, out := e.api("POST", "/functions/v1/create-deals-bulk", e.other, `{"deals":[{"title":"Elsewhere","value":1,"contact_phone":"+201010000001","create_contact_if_missing":true}]}`); res.StatusCode != 200 {
				t.Fatalf("other workspace: %d %s", res.StatusCode, out)
			}
			expect("another workspace's write", false)
			rest("DELETE", "deals?id=eq."+id, "", 200)
			expect("a REST delete", true)
		})
	}
}

// contactOf is the contact id of a seeded deal.
func (e *env) contactOf(t *testing.T, title string) string {
	t.Helper()
	_, b := e.api("GET", "/functions/v1/rest-api-proxy/deals?select=contact_id&id=eq."+e.dealIDs[title], e.write, "")
	var rows []struct {
		ContactID string `json:"contact_id"`
	}
	if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 1 || rows[0].ContactID == "" {
		t.Fatalf("contact of %s: %s", title, b)
	}
	return rows[0].ContactID
}

// TestBoardColumnOrder: a column's pages, read one after another, list
// each of its deals once, newest first, and deals created by one request
// (one created_at) in the order the request listed them, last first,
// also when the stage holds several currencies (SQLite merges them from
// the index) and another pipeline has deals in a stage of the same id.
func TestBoardColumnOrder(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustStartEnv(t, b.Open(t), web.Config{})
			ctx := t.Context()
			ps, err := e.store.BoardPipelines(ctx, e.ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			other := e.pipelineWithStages(t, "new")
			const contact = `"contact_phone":"+201010000001","create_contact_if_missing":true`
			var want []string // newest first
			for req := range 3 {
				var sb strings.Builder
				sb.WriteString(`{"deals":[`)
				for i := range 25 {
					title := fmt.Sprintf("R%d-%02d", req, i)
					fmt.Fprintf(&sb, `{"title":%q,"value":%d,"currency":%q,"stage":"new",%s},`, title, 100-i, []string{"SAR", "USD", "EGP", "AED"}[(i*7+req)%4], contact)
					fmt.Fprintf(&sb, `{"title":"other %s","value":1,"currency":"SAR","stage":"new","pipeline_id":%q,%s},`, title, other, contact)
					want = append([]string{title}, want...)
				}
				sb.WriteString(`{"title":"R` + fmt.Sprint(req) + `-lead","value":1,"stage":"lead",` + contact + `}]}`)
				e.bulk(sb.String())
			}
			for _, f := range []*sqlstore.BoardFilter{
				{PipelineID: ps[0].ID, Stages: []string{"new"}},
				{PipelineID: ps[0].ID, Stages: []string{"new"}, Text: "R1-"},
				{PipelineID: ps[0].ID, Stages: []string{"new"}, Currency: "USD"},
			} {
				var got []string
				for offset := 0; ; offset += 7 {
					page, err := e.store.BoardCards(ctx, e.ws.ID, f, offset, 7)
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range page {
						got = append(got, c.Title)
					}
					if len(page) < 7 {
						break
					}
				}
				if w := wantMatching(e, want, f); strings.Join(got, " ") != strings.Join(w, " ") {
					t.Errorf("filter %+v, pages of 7:\n got %v\nwant %v", *f, got, w)
				}
			}
		})
	}
}

// wantMatching keeps the titles of want that f's text and currency keep.
func wantMatching(e *env, want []string, f *sqlstore.BoardFilter) []string {
	var out []string
	for _, title := range want {
		var i, req int
		fmt.Sscanf(title, "R%d-%d", &req, &i)
		cur := []string{"SAR", "USD", "EGP", "AED"}[(i*7+req)%4]
		if strings.Contains(title, f.Text) && (f.Currency == "" || f.Currency == cur) {
			out = append(out, title)
		}
	}
	return out
}

// pipelineWithStages creates a second pipeline with stages of these ids
// and returns its id.
func (e *env) pipelineWithStages(t testing.TB, stages ...string) string {
	t.Helper()
	res, b := e.api("POST", "/functions/v1/rest-api-proxy/pipelines", e.write, `{"name":"Wholesale"}`)
	var ps []struct{ ID string }
	if res.StatusCode != 201 || json.Unmarshal(b, &ps) != nil || len(ps) != 1 {
		t.Fatalf("create pipeline: %d %s", res.StatusCode, b)
	}
	var rows []string
	for i, st := range stages {
		rows = append(rows, fmt.Sprintf(`{"pipeline_id":%q,"stage":%q,"name":%q,"position":%d}`, ps[0].ID, st, strings.ToUpper(st), i))
	}
	res, b = e.api("POST", "/functions/v1/rest-api-proxy/pipeline_stages", e.write, "["+strings.Join(rows, ",")+"]")
	if res.StatusCode != 201 {
		t.Fatalf("create stage: %d %s", res.StatusCode, b)
	}
	return ps[0].ID
}
