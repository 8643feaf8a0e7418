package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/connectgain/server/sqlstore/storetest"
	"github.com/connectgain/server/web"
	"github.com/shopspring/decimal"
)

func TestFormatMoney(t *testing.T) {
	for _, c := range []struct{ v, cur, want string }{
		{"11523", "SAR", "SAR 11,523.00"},
		{"1234567.5", "USD", "USD 1,234,567.50"},
		{"1500", "JPY", "JPY 1,500"},
		{"12.345", "KWD", "KWD 12.345"},
		{"0.1234", "USD", "USD 0.1234"}, // exact: sub-cent digits are kept
		{"999", "EGP", "EGP 999.00"},
	} {
		if got := web.FormatMoney(decimal.RequireFromString(c.v), c.cur); got != c.want {
			t.Errorf("FormatMoney(%s, %s) = %q, want %q", c.v, c.cur, got, c.want)
		}
	}
	if got := web.FormatEstimate(decimal.RequireFromString("0.125"), "USD"); got != "USD 0.13" {
		t.Errorf("FormatEstimate = %q", got)
	}
}

func TestParseRotting(t *testing.T) {
	r, err := web.ParseRotting("10,proposal=21,Lead=3")
	if err != nil || r.Default != 10 || r.Stages["proposal"] != 21 || r.Stages["lead"] != 3 {
		t.Fatalf("ParseRotting = %+v, %v", r, err)
	}
	if _, err := web.ParseRotting("lead=soon"); err == nil || !strings.Contains(err.Error(), "lead=7") {
		t.Fatalf("bad value: %v", err)
	}
}

func TestDashboardHTTP(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			e := mustStartEnv(t, b.Open(t), web.Config{})
			e.bulk(seedDeals)
			t.Run("signed out", func(t *testing.T) { testSignedOut(t, e) })
			t.Run("board", func(t *testing.T) { testBoardHTML(t, e) })
			t.Run("move", func(t *testing.T) { testMoveHTTP(t, e) })
			t.Run("search", func(t *testing.T) { testSearchHTTP(t, e) })
			t.Run("exact sums", func(t *testing.T) { testExactSums(t, e) })
			t.Run("attention", func(t *testing.T) { testAttention(t, e) })
		})
	}
}

func testSignedOut(t *testing.T, e *env) {
	br := e.newBrowser()
	res, _ := br.do("GET", "/?q=x", nil, nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
		t.Fatalf("signed-out board: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := br.do("POST", "/signin", url.Values{"key": {"cg_" + strings.Repeat("x", 43)}}, nil); res.StatusCode != 401 || !strings.Contains(body, "not valid") {
		t.Fatalf("bad key: %d", res.StatusCode)
	}
	// The key is never taken from the URL.
	if res, _ := br.do("GET", "/signin?key="+e.write, nil, nil); res.Header.Get("Set-Cookie") != "" {
		t.Fatal("a key in the URL signed in")
	}
	res, _ = br.do("POST", "/signin", url.Values{"key": {e.write}, "next": {"/contacts"}}, nil)
	ck := res.Header.Get("Set-Cookie")
	if res.StatusCode != 303 || res.Header.Get("Location") != "/contacts" || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Lax") {
		t.Fatalf("sign in: %d %q %q", res.StatusCode, res.Header.Get("Location"), ck)
	}
	csrf := br.csrf()
	// Sign-out needs the CSRF token; then the session is gone server-side.
	if res, _ := br.do("POST", "/signout", url.Values{}, nil); res.StatusCode != 403 {
		t.Fatalf("sign out without token: %d", res.StatusCode)
	}
	cookie := br.c.Jar.Cookies(mustURL(e.srv.URL))[0]
	if res, _ := br.do("POST", "/signout", url.Values{"csrf": {csrf}}, nil); res.StatusCode != 303 {
		t.Fatalf("sign out: %d", res.StatusCode)
	}
	replay := e.newBrowser()
	replay.c.Jar.SetCookies(mustURL(e.srv.URL), []*http.Cookie{cookie})
	if res, _ := replay.do("GET", "/", nil, nil); res.StatusCode != 303 {
		t.Fatalf("a signed-out session still works: %d", res.StatusCode)
	}
	// API paths keep the JSON 404 (PostgREST's PGRST125 under the REST API).
	for p, code := range map[string]string{"/functions/v1/nope": "not_found", "/rest/v1/nope/x": "PGRST125", "/rest/v2/deals": "not_found"} {
		if res, body := e.api("GET", p, e.write, ""); res.StatusCode != 404 || !strings.Contains(body2(body), `"code":"`+code+`"`) {
			t.Errorf("GET %s: %d %s", p, res.StatusCode, body)
		}
	}
}

func body2(b []byte) string { return string(b) }

func mustURL(s string) *url.URL { u, _ := url.Parse(s); return u }

func testBoardHTML(t *testing.T, e *env) {
	br := e.newBrowser()
	br.signIn(e.write)
	res, body := br.do("GET", "/", nil, nil)
	if res.StatusCode != 200 {
		t.Fatalf("board: %d %s", res.StatusCode, body)
	}
	last := -1
	for _, st := range []string{"new", "lead", "qualified", "proposal", "won", "lost"} {
		i := strings.Index(body, `data-stage="`+st+`" aria-labelledby`)
		if i < last {
			t.Fatalf("column %s missing or out of order", st)
		}
		last = i
	}
	for _, want := range []string{"SAR 11,523.00", "USD 250.50", "weighted SAR 5,761.50", "weighted USD 50.10", "EGP 8,900.00", "Ahmed Hassan", "طلب ١٠٠٤"} {
		if !strings.Contains(body, want) {
			t.Errorf("board lacks %q", want)
		}
	}
	if strings.Contains(body, "Needs attention") {
		t.Error("attention lane shown with no misplaced deal")
	}
	res, body = br.do("GET", "/board.csv?currency=usd", nil, nil)
	if res.StatusCode != 200 || !strings.Contains(body, "Order 1003,250.5,USD,qualified") || strings.Contains(body, "SAR") {
		t.Fatalf("csv: %d %s", res.StatusCode, body)
	}
}

func testMoveHTTP(t *testing.T, e *env) {
	id := e.dealIDs["Order 1002"]
	br := e.newBrowser()
	br.signIn(e.write)
	csrf := br.csrf()
	js := map[string]string{"Accept": "application/json"}
	if res, _ := br.do("POST", "/deals/"+id+"/stage", url.Values{"stage": {"proposal"}}, js); res.StatusCode != 403 {
		t.Fatalf("move without CSRF token: %d", res.StatusCode)
	}
	if res, body := br.do("POST", "/deals/"+id+"/stage", url.Values{"stage": {"negotiation"}, "csrf": {csrf}}, js); res.StatusCode != 422 || !strings.Contains(body, "invalid_stage") {
		t.Fatalf("move to a stage not in the pipeline: %d %s", res.StatusCode, body)
	}
	res, body := br.do("POST", "/deals/"+id+"/stage", url.Values{"stage": {"PROPOSAL"}, "csrf": {csrf}}, js)
	if res.StatusCode != 200 || !strings.Contains(body, `"stage":"proposal"`) {
		t.Fatalf("move: %d %s", res.StatusCode, body)
	}
	if got := e.stageOf(id); got != "proposal" {
		t.Fatalf("stage after move = %s", got)
	}
	if ch := e.stageChanges(id); len(ch) != 1 || ch[0]["from_stage"] != "lead" || ch[0]["to_stage"] != "proposal" {
		t.Fatalf("stage changes: %v", ch)
	}
	// A read key sees the board, controls disabled, and is refused a move.
	rd := e.newBrowser()
	rd.signIn(e.read)
	_, page := rd.do("GET", "/", nil, nil)
	if !strings.Contains(page, "read-only key") || !strings.Contains(page, "disabled") {
		t.Fatal("a read key's board does not say it is read-only")
	}
	if res, body := rd.do("POST", "/deals/"+id+"/stage", url.Values{"stage": {"won"}, "csrf": {rd.csrf()}}, js); res.StatusCode != 403 || !strings.Contains(body, "read-only") {
		t.Fatalf("read key move: %d %s", res.StatusCode, body)
	}
	// Another workspace's session cannot see or move the deal.
	ot := e.newBrowser()
	ot.signIn(e.other)
	if res, _ := ot.do("POST", "/deals/"+id+"/stage", url.Values{"stage": {"won"}, "csrf": {ot.csrf()}}, js); res.StatusCode != 404 {
		t.Fatalf("other workspace move: %d", res.StatusCode)
	}
	if res, _ := ot.do("GET", "/deals/"+id, nil, nil); res.StatusCode != 404 {
		t.Fatalf("other workspace deal page: %d", res.StatusCode)
	}
	if got := e.stageOf(id); got != "proposal" {
		t.Fatalf("stage changed by refused moves: %s", got)
	}
}

func testSearchHTTP(t *testing.T, e *env) {
	br := e.newBrowser()
	br.signIn(e.write)
	for _, c := range []struct{ q, want, not string }{
		{"+20 101 717 7777", "Order 1001", "Order 1002"},
		{"00201017177777", "Order 1003", "Order 1005"},
		{"050 123 4567", "طلب ١٠٠٤", "Order 1001"}, // local number in the workspace's region SA
		{"SARA@example.com", "Order 1005", "Order 1001"},
		{"ahmed hassan", "Order 1001", "Order 1002"},
		{"محمد", "طلب ١٠٠٤", "Order 1001"},
	} {
		_, body := br.do("GET", "/?q="+url.QueryEscape(c.q), nil, nil)
		if !strings.Contains(body, c.want) || strings.Contains(body, ">"+c.not+"<") {
			t.Errorf("board search %q: want %q and not %q", c.q, c.want, c.not)
		}
		_, body = br.do("GET", "/contacts?q="+url.QueryEscape(c.q), nil, nil)
		if !strings.Contains(body, "/contacts/") {
			t.Errorf("contact search %q found nobody", c.q)
		}
	}
	// Characters that mean something to LIKE, to PostgREST's logic trees
	// or to HTML are searched for literally.
	for _, q := range []string{`a"b,c)`, `100%`, `x_y\`, `(or)`, `<script>`, "*"} {
		for _, p := range []string{"/?q=", "/contacts?q=", "/board.csv?q="} {
			res, err := br.c.Get(e.srv.URL + p + url.QueryEscape(q))
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || strings.Contains(string(raw), "<script>") && p != "/board.csv?q=" {
				t.Errorf("GET %s%s: %d", p, q, res.StatusCode)
			}
		}
	}
	_, body := br.do("GET", "/?tag=vip&source=shopify", nil, nil)
	if !strings.Contains(body, "Order 1001") || strings.Contains(body, ">Order 1003<") {
		t.Error("tag and source filters")
	}
	_, body = br.do("GET", "/?from=2026-12-01&to=2026-12-31", nil, nil)
	if !strings.Contains(body, ">Order 1001<") || strings.Contains(body, ">Order 1002<") {
		t.Error("close date filter")
	}
	_, body = br.do("GET", "/deals/"+e.dealIDs["Order 1001"], nil, nil)
	for _, want := range []string{"shopify_order_id", "items_count", "SAR 11,523.00", "Ahmed Hassan", "+201017177777"} {
		if !strings.Contains(body, want) {
			t.Errorf("deal page lacks %q", want)
		}
	}
}

// testAttention: a deal whose stage left its pipeline (the stage row was
// deleted through the API) shows in the "needs attention" lane.
func testAttention(t *testing.T, e *env) {
	res, b := e.api("DELETE", "/functions/v1/rest-api-proxy/pipeline_stages?stage=eq.lost", e.write, "")
	if res.StatusCode != 200 {
		t.Skipf("cannot delete a stage through the API: %d %s", res.StatusCode, b)
	}
	e.bulk(`{"deals":[{"title":"Orphan","value":5,"currency":"USD","stage":"new","contact_email":"sara@example.com"}]}`)
	// Put the stage back without "lost", then move the deal to a stage that is gone.
	res, b = e.api("PATCH", "/functions/v1/rest-api-proxy/pipeline_stages?stage=eq.new", e.write, `{"stage":"fresh"}`)
	if res.StatusCode != 200 {
		t.Skipf("cannot rename a stage: %d %s", res.StatusCode, b)
	}
	br := e.newBrowser()
	br.signIn(e.write)
	_, body := br.do("GET", "/", nil, nil)
	i := strings.Index(body, "Needs attention")
	if i < 0 || !strings.Contains(body[i:], "Orphan") {
		t.Fatalf("attention lane missing or without the deal")
	}
	_, body = br.do("GET", "/board.csv", nil, nil)
	if !strings.Contains(body, "Orphan") {
		t.Fatal("csv lacks the attention deal")
	}
}

// testExactSums: column totals are exact decimals per currency (0.1 + 0.2
// is 0.30; binary floats would give 1,234.8700000000001).
func testExactSums(t *testing.T, e *env) {
	e.bulk(`{"deals":[
	 {"title":"x1","value":0.1,"currency":"USD","stage":"won","probability":33,"contact_email":"sara@example.com"},
	 {"title":"x2","value":0.2,"currency":"USD","stage":"won","probability":33,"contact_email":"sara@example.com"},
	 {"title":"x3","value":1234.5678,"currency":"USD","stage":"won","probability":33,"contact_email":"sara@example.com"},
	 {"title":"x4","value":0.0022,"currency":"USD","stage":"won","probability":33,"contact_email":"sara@example.com"}]}`)
	br := e.newBrowser()
	br.signIn(e.write)
	_, body := br.do("GET", "/board/totals", nil, map[string]string{"Accept": "application/json"})
	var res struct{ Columns map[string]string }
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	won := res.Columns["won"]
	for _, want := range []string{">5<", "SAR 3,000.00", "USD 1,234.87", "weighted SAR 3,000.00", "weighted USD 407.51"} {
		if !strings.Contains(won, want) {
			t.Errorf("won column head lacks %q:\n%s", want, won)
		}
	}
}
