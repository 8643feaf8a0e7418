package web_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/connectgain/server/api"
	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/connectgain/server/web"
)

// TestBoardPipelinesAndPages: a second pipeline gets a switcher and its
// own columns; a long column comes a page at a time.
func TestBoardPipelinesAndPages(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustStartEnv(t, b.Open(t), web.Config{PageSize: 1})
			e.bulk(seedDeals)
			br := e.newBrowser()
			br.signIn(e.write)
			_, body := br.do("GET", "/", nil, nil)
			if strings.Contains(body, `name="pipeline"`) {
				t.Fatal("a pipeline switcher with one pipeline")
			}
			// Qualified has two deals: one card and a link to the next.
			more := regexp.MustCompile(`data-more="([^"]+)"`).FindAllStringSubmatch(body, -1)
			var next string
			for _, m := range more {
				if strings.Contains(m[1], "stage=qualified") {
					next = m[1]
				}
			}
			if next == "" || strings.Count(body, `<li class="card`) != 5 {
				t.Fatalf("first page: %d cards, more links %v", strings.Count(body, `<li class="card`), more)
			}
			_, page := br.do("GET", next, nil, nil)
			if strings.Count(page, `<li class="card`) != 1 || !strings.Contains(page, "Order 1001") || strings.Contains(page, "data-more") {
				t.Fatalf("second page of Qualified: %s", page)
			}
			res, b2 := e.api("POST", "/functions/v1/rest-api-proxy/pipelines", e.write, `{"name":"Wholesale"}`)
			var ps []struct{ ID string }
			if res.StatusCode != 201 || json.Unmarshal(b2, &ps) != nil || len(ps) != 1 {
				t.Fatalf("create pipeline: %d %s", res.StatusCode, b2)
			}
			pid := ps[0].ID
			res, b2 = e.api("POST", "/functions/v1/rest-api-proxy/pipeline_stages", e.write,
				`[{"pipeline_id":"`+pid+`","stage":"quote","name":"Quote","position":0},{"pipeline_id":"`+pid+`","stage":"shipped","name":"Shipped","position":1}]`)
			if res.StatusCode != 201 {
				t.Fatalf("create stages: %d %s", res.StatusCode, b2)
			}
			e.bulk(`{"deals":[{"title":"Pallet of dates","value":12000,"currency":"SAR","pipeline_id":"` + pid + `","stage":"shipped","contact_email":"sara@example.com"}]}`)
			_, body = br.do("GET", "/", nil, nil)
			if !strings.Contains(body, `name="pipeline"`) || !strings.Contains(body, ">Wholesale<") || strings.Contains(body, "Pallet of dates") {
				t.Fatal("the default board lacks the switcher or shows the other pipeline's deal")
			}
			_, body = br.do("GET", "/?pipeline="+pid, nil, nil)
			if !strings.Contains(body, `data-stage="quote"`) || !strings.Contains(body, "Pallet of dates") || strings.Contains(body, "Order 1001") ||
				strings.Index(body, `data-stage="quote"`) > strings.Index(body, `data-stage="shipped"`) {
				t.Fatal("the Wholesale board")
			}
		})
	}
}

// TestSessions: sessions live in the database (a second server accepts
// them), expire on the server, and end when their key is revoked.
func TestSessions(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			store := b.Open(t)
			e := mustStartEnv(t, store, web.Config{})
			br := e.newBrowser()
			br.signIn(e.write)
			ck := br.c.Jar.Cookies(mustURL(e.srv.URL))[0]
			// Another server on the same database.
			log := slog.New(slog.DiscardHandler)
			other := httptest.NewServer(api.New(store, api.Config{Dashboard: web.New(store, web.Config{}, log)}, log).Handler())
			defer other.Close()
			req, _ := http.NewRequest("GET", other.URL+"/", nil)
			req.AddCookie(ck)
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("second server: %v %v", err, res.StatusCode)
			}
			res.Body.Close()
			// Thirteen hours later the session has expired (default 12 h).
			real := store.Now
			store.Now = func() time.Time { return real().Add(13 * time.Hour) }
			if res, _ := br.do("GET", "/", nil, nil); res.StatusCode != 303 {
				t.Fatalf("expired session: %d", res.StatusCode)
			}
			store.Now = real
			br.signIn(e.read)
			if res, _ := br.do("GET", "/", nil, nil); res.StatusCode != 200 {
				t.Fatal("sign in again")
			}
			keys, _ := store.Keys(t.Context(), "acme")
			for _, k := range keys {
				if k.Scope == "read" {
					if _, err := store.RevokeKey(t.Context(), k.ID); err != nil {
						t.Fatal(err)
					}
				}
			}
			if res, _ := br.do("GET", "/", nil, nil); res.StatusCode != 303 {
				t.Fatalf("session of a revoked key: %d", res.StatusCode)
			}
			if res, body := br.do("GET", "/board/version", nil, map[string]string{"Accept": "application/json"}); res.StatusCode != 401 || !strings.Contains(body, `"code":"unauthorized"`) {
				t.Fatalf("script request without a session: %d %s", res.StatusCode, body)
			}
		})
	}
}

// TestRotting: a card past its stage's threshold is marked; closed
// stages never rot unless configured.
func TestRotting(t *testing.T) {
	rot, err := web.ParseRotting("10,lead=2")
	if err != nil {
		t.Fatal(err)
	}
	later := func() time.Time { return time.Now().Add(3 * 24 * time.Hour) }
	e := mustStartEnv(t, storetest.MustOpenSQLite(t), web.Config{Rotting: &rot, Now: later})
	e.bulk(seedDeals)
	br := e.newBrowser()
	br.signIn(e.write)
	_, body := br.do("GET", "/", nil, nil)
	card := func(title string) string {
		i := strings.Index(body, ">"+title+"<")
		j := strings.LastIndex(body[:i], `<li class="card`)
		return body[j:i]
	}
	if !strings.Contains(card("Order 1002"), "rotting") {
		t.Error("a lead deal 3 days old is not rotting (threshold 2)")
	}
	if strings.Contains(card("Order 1001"), "rotting") || strings.Contains(card("Order 1006"), "rotting") {
		t.Error("a qualified deal (threshold 10) or a won deal is rotting")
	}
	if !strings.Contains(body, "3 days in stage") || !strings.Contains(body, "rots after 2 days") {
		t.Error("days in stage or the threshold are not shown")
	}
}

// TestBrowserProgressive: a long column shows its first cards, and
// scrolling it loads the next ones.
func TestBrowserProgressive(t *testing.T) {
	ctx := mustChrome(t, 1280, 800)
	e := mustStartEnv(t, storetest.MustOpenSQLite(t), web.Config{PageSize: 8})
	seedLarge(t, e, 60)
	signIn(t, ctx, e, e.write)
	count := `document.querySelectorAll('.col[data-stage="new"] .card').length`
	if n := eval[int](t, ctx, count); n != 8 {
		t.Fatalf("first screen shows %d cards of New, want 8", n)
	}
	do(t, ctx, "scroll the column", chromedp.Evaluate[chromedp.Void](`(l => l.scrollTop = l.scrollHeight)(document.querySelector('.col[data-stage="new"] .cards'))`))
	poll(t, ctx, "more cards", count+` >= 10`, 5*time.Second)
	// A live refresh keeps what was loaded and where the column was scrolled.
	loaded := eval[int](t, ctx, count)
	do(t, ctx, "scroll", chromedp.Evaluate[chromedp.Void](`(l => l.scrollTop = 300)(document.querySelector('.col[data-stage="new"] .cards'))`))
	e.bulk(`{"deals":[{"title":"Live one","value":1,"currency":"SAR","stage":"new","contact_phone":"+201020000001"}]}`)
	poll(t, ctx, "the live refresh", `document.querySelector('.col[data-stage="new"]').textContent.includes('Live one')`, 10*time.Second)
	if n := eval[int](t, ctx, count); n < loaded {
		t.Errorf("after a live refresh New shows %d cards, had %d loaded", n, loaded)
	}
	if top := eval[float64](t, ctx, `document.querySelector('.col[data-stage="new"] .cards').scrollTop`); top < 250 {
		t.Errorf("after a live refresh the column is scrolled to %v, was 300", top)
	}
	q := url.Values{"q": {"Customer 7"}}
	do(t, ctx, "search", chromedp.Navigate(e.srv.URL+"/?"+q.Encode()), chromedp.WaitVisible(chromedp.CSS("#board")))
	if v := eval[string](t, ctx, `document.querySelector('input[name=q]').value`); v != "Customer 7" {
		t.Errorf("the search box after a bookmarked search = %q", v)
	}
}
