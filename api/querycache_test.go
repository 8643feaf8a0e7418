package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sync"
	"testing"

	"github.com/connectgain/server/crm"
	"github.com/connectgain/server/pgrest"
	"github.com/connectgain/server/sqlstore/restsql"
	"github.com/connectgain/server/sqlstore/storetest"
)

// getWith sends GET path to the proxy with key and headers (name,
// value pairs) and returns the status, the body and the response's
// Content-Range.
func (e *bulkEnv) getWith(key, path string, headers ...string) (int, string, string) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+proxy+path, nil)
	req.Header.Set("X-API-Key", key)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Errorf("GET %s: %v", path, err)
		return 0, "", ""
	}
	body := readAll(res)
	return res.StatusCode, body, res.Header.Get("Content-Range")
}

// idsOf decodes a JSON array of {id, title} rows into their ids.
func idsOf(t testing.TB, body string) []string {
	t.Helper()
	var rows []struct{ ID string }
	if err := json.Unmarshal([]byte(body), &rows); err != nil {
		t.Fatalf("not a JSON array of rows: %v: %s", err, body)
	}
	ids := []string{}
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestRepeatedReadsStayInTheirWorkspace: the same URL read in turn by
// three workspaces (the second and later reads of each served by the
// plan and statement kept for it, restsql's read cache, and the query
// parsed once, querycache.go) answers each with its own rows only, and a
// repeated URL still honours each request's Range and Prefer: count. A
// cache keyed without the workspace fails the first part; one that kept
// the page, the second.
func TestRepeatedReadsStayInTheirWorkspace(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustBulkEnv(t, b, Config{}, "SAR", "EG")
			ctx := context.Background()
			keys := []string{e.writeKey}
			for _, name := range []string{"other", "empty"} {
				ws, err := e.store.CreateWorkspace(ctx, name, "USD", "SA")
				if err != nil {
					t.Fatal(err)
				}
				k, _, err := e.store.CreateKey(ctx, ws.ID, "w", crm.ScopeWrite)
				if err != nil {
					t.Fatal(err)
				}
				keys = append(keys, k)
			}
			own := make([][]string, len(keys)) // each workspace's deal ids, oldest first
			for i, n := range []int{3, 1, 0} {
				if n == 0 {
					continue
				}
				body := `{"deals":[`
				for j := range n {
					if j > 0 {
						body += ","
					}
					body += fmt.Sprintf(`{"title":"Repeated read","value":%d,"contact_phone":"+20101000000%d","create_contact_if_missing":true}`, j+1, i)
				}
				status, res, raw := e.post(keys[i], body+`]}`)
				if status != 200 {
					t.Fatalf("bulk %d: %d %s", i, status, raw)
				}
				for _, r := range res.Results {
					own[i] = append(own[i], *r.DealID)
				}
			}
			const url = "/deals?select=id,title&title=eq.Repeated%20read&order=value"
			for round := range 5 { // kept from the second read, used from the third (Doorkeeper)
				for i, k := range keys {
					status, body, _ := e.getWith(k, url)
					if got := idsOf(t, body); status != 200 || !reflect.DeepEqual(got, own[i]) && !(len(own[i]) == 0 && len(got) == 0) {
						t.Errorf("round %d, workspace %d: %d %v, want its own deals %v", round, i, status, got, own[i])
					}
				}
			}
			pages := []struct {
				headers      []string
				want         []string
				contentRange string
			}{
				{nil, own[0], "0-2/*"},
				{[]string{"Range", "1-1"}, own[0][1:2], "1-1/*"},
				{[]string{"Range", "0-1"}, own[0][:2], "0-1/*"},
				{[]string{"Prefer", "count=exact"}, own[0], "0-2/3"},
				{[]string{"Range", "2-"}, own[0][2:], "2-2/*"},
			}
			for _, p := range pages {
				status, body, cr := e.getWith(keys[0], url, p.headers...)
				if got := idsOf(t, body); (status != 200 && status != 206) || !reflect.DeepEqual(got, p.want) || cr != p.contentRange {
					t.Errorf("GET %s %v: %d %v Content-Range %q; want %v %q", url, p.headers, status, got, cr, p.want, p.contentRange)
				}
			}
		})
	}
}

// TestRepeatedReadsAsFresh: an engine asked the same query again (the
// same *pgrest.Query, as the api passes for a repeated URL) answers as a
// new engine does when what the statement depends on changed between the
// requests: the workspace's phone region (a local number normalises
// differently) and the tables' description (a column added).
func TestRepeatedReadsAsFresh(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustBulkEnv(t, b, Config{}, "SAR", "EG")
			ctx := context.Background()
			// Under EG 01012345678 is +201012345678; under SA it is not.
			status, _, raw := e.post(e.writeKey, `{"deals":[{"title":"Order 1","value":1,"contact_phone":"+201012345678","create_contact_if_missing":true,"contact_first_name":"Ahmed"},
				{"title":"Order 2","value":2,"contact_phone":"+966501234567","create_contact_if_missing":true,"contact_first_name":"Saud"}]}`)
			if status != 200 {
				t.Fatalf("bulk: %d %s", status, raw)
			}
			shared := restsql.New(e.store)
			read := func(eng *restsql.Engine, q *pgrest.Query, table, region string) []*restsql.Row {
				t.Helper()
				p := &crm.Principal{Workspace: *e.ws, Scope: crm.ScopeWrite}
				p.Workspace.PhoneRegion = region
				res, err := eng.Rest(ctx, p, &restsql.Request{Method: http.MethodGet, Table: table, Query: q, Limit: -1})
				if err != nil {
					t.Fatalf("%s for region %s: %v", table, region, err)
				}
				return res.Rows
			}
			parse := func(raw string) *pgrest.Query {
				params, err := pgrest.ParseQueryString(raw)
				if err != nil {
					t.Fatal(err)
				}
				q, err := pgrest.Parse(params)
				if err != nil {
					t.Fatal(err)
				}
				return q
			}
			byPhone := parse("select=first_name&phones=cs.%7B01012345678%7D")
			// Each region three times: seen, kept, used (Doorkeeper).
			for _, region := range []string{"EG", "EG", "EG", "SA", "SA", "SA", "EG"} {
				got, want := read(shared, byPhone, "contacts", region), read(restsql.New(e.store), byPhone, "contacts", region)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("region %s: the repeated read gives %v, a new engine %v", region, got, want)
				}
			}
			if n := len(read(shared, byPhone, "contacts", "EG")); n != 1 {
				t.Errorf("region EG finds %d contacts by the local number, want 1 (the test shows nothing)", n)
			}
			star := parse("select=*&title=eq.Order%201")
			var before []*restsql.Row
			for range 3 {
				before = read(shared, star, "deals", "EG")
			}
			if err := e.store.ExecForTest(ctx, `ALTER TABLE deals ADD COLUMN test_cache_note TEXT`); err != nil {
				t.Fatal(err)
			}
			e.store.SetSchema(storetest.SchemaWithColumn("deals", crm.Column{Name: "test_cache_note", Kind: crm.KindText, Nullable: true}, "created_at"))
			for n := range 3 {
				after, want := read(shared, star, "deals", "EG"), read(restsql.New(e.store), star, "deals", "EG")
				if !reflect.DeepEqual(after, want) || len(after) != 1 || len(after[0].Keys) != len(before[0].Keys)+1 {
					t.Errorf("read %d after a column was added gives %v, a new engine %v (before: %v)", n, after, want, before)
				}
			}
		})
	}
}

// TestConcurrentRepeatedReads: two workspaces reading the same URLs at
// once each see their own rows only (run with -race: the kept plans,
// statements and arguments are shared between requests).
func TestConcurrentRepeatedReads(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustBulkEnv(t, b, Config{}, "SAR", "EG")
			ctx := context.Background()
			ws, err := e.store.CreateWorkspace(ctx, "other", "USD", "EG")
			if err != nil {
				t.Fatal(err)
			}
			other, _, err := e.store.CreateKey(ctx, ws.ID, "w", crm.ScopeWrite)
			if err != nil {
				t.Fatal(err)
			}
			keys := []string{e.writeKey, other}
			own := make([]string, 2)
			for i, k := range keys {
				status, res, raw := e.post(k, `{"deals":[{"title":"Shared title","value":5,"contact_phone":"+201012345678","create_contact_if_missing":true}]}`)
				if status != 200 {
					t.Fatalf("bulk: %d %s", status, raw)
				}
				own[i] = *res.Results[0].DealID
			}
			urls := []string{"/deals?select=id&title=eq.Shared%20title", "/deals?select=id,title&id=eq." + own[0], "/deals?select=id,title&id=eq." + own[1]}
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for n := range 30 {
						i, u := (g+n)%2, (g*7+n)%len(urls)
						_, body, _ := e.getWith(keys[i], urls[u])
						got := idsOf(t, body)
						if want := []string{own[i]}; u != 0 && u != i+1 {
							want = []string{}
							if len(got) != 0 {
								t.Errorf("workspace %d reads %s: %v, another workspace's deal", i, urls[u], got)
							}
						} else if !reflect.DeepEqual(got, want) {
							t.Errorf("workspace %d reads %s: %v, want %v", i, urls[u], got, want)
						}
					}
				})
			}
			wg.Wait()
		})
	}
}
