package api

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/connectgain/server/sqlstore/storetest"
)

// The tag index (crm.Column.Elements on deals.tags: deal_tags, kept by
// triggers, joined by reads whose filter requires a tag) answers cs, ov
// and cd exactly as testing each row's array would, on both backends,
// through inserts, PATCHes of tags and DELETEs, in one workspace only.

// tagDeals are posted one at a time (so created_at orders them) into
// workspace A, beside the rows restEnv seeds.
var tagDeals = []struct{ title, tags string }{
	{"t1", `["vip"]`},
	{"t2", `["vip","shopify"]`},
	{"t3", `["it's \"quoted\"","back\\slash"]`},
	{"t4", `["é","Ω"]`},
	{"t5", `[]`},
	{"t6", `["vip","vip"]`},
	{"t7", `["a,b","with space"]`},
	{"t8", `["عميل","VIP"]`},
}

type tagCase struct {
	name, query string // query: filters after select=title&title=like.t*
	key         string // "" is workspace A
	want        []string
	count       string // Content-Range with Prefer: count=exact, when set
}

// tagTitlesOf GETs /deals with the case's filters, newest first unless
// the query orders, and returns the titles (and the Content-Range).
func tagTitlesOf(t *testing.T, e *restEnv, c tagCase) ([]string, string) {
	t.Helper()
	q := "select=title&title=like.t*&" + c.query
	if !strings.Contains(q, "order=") {
		q += "&order=created_at.desc"
	}
	key := c.key
	if key == "" {
		key = "A"
	}
	hdr := map[string]string{}
	if c.count != "" {
		hdr["Prefer"] = "count=exact"
	}
	resp, b := e.do("GET", proxy+"/deals?"+q, key, hdr, "")
	if resp.StatusCode != 200 && resp.StatusCode != 206 {
		t.Fatalf("%s: GET %s: %d %s", c.name, q, resp.StatusCode, b)
	}
	var rows []struct {
		Title string `json:"title"`
	}
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatalf("%s: %v: %s", c.name, err, b)
	}
	titles := []string{}
	for _, r := range rows {
		titles = append(titles, r.Title)
	}
	return titles, resp.Header.Get("Content-Range")
}

func runTagCases(t *testing.T, e *restEnv, cases []tagCase) {
	t.Helper()
	for _, c := range cases {
		got, cr := tagTitlesOf(t, e, c)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s (%s): %q, want %q", c.name, c.query, got, c.want)
		}
		if c.count != "" && cr != c.count {
			t.Errorf("%s (%s): Content-Range %q, want %q", c.name, c.query, cr, c.count)
		}
	}
}

// cs encodes a PostgREST array operand for a query string.
func cs(op string, elems ...string) string {
	return "tags=" + op + "." + url.QueryEscape("{"+strings.Join(elems, ",")+"}")
}

var tagReadCases = []tagCase{
	{name: "rare tag", query: cs("cs", "vip"), want: []string{"t6", "t2", "t1"}},
	{name: "two elements", query: cs("cs", "vip", "shopify"), want: []string{"t2"}},
	{name: "two elements reversed", query: cs("cs", "shopify", "vip"), want: []string{"t2"}},
	{name: "an element twice", query: cs("cs", "vip", "vip"), want: []string{"t6", "t2", "t1"}},
	{name: "quotes and backslash", query: cs("cs", `"it's \"quoted\""`, `"back\\slash"`), want: []string{"t3"}},
	{name: "unicode", query: cs("cs", "Ω", "é"), want: []string{"t4"}},
	{name: "arabic", query: cs("cs", "عميل"), want: []string{"t8"}},
	{name: "case-sensitive", query: cs("cs", "VIP"), want: []string{"t8"}},
	{name: "comma and space", query: cs("cs", `"a,b"`, `"with space"`), want: []string{"t7"}},
	{name: "unknown tag", query: cs("cs", "nope"), want: []string{}},
	{name: "element of two deals, one missing", query: cs("cs", "vip", "nope"), want: []string{}},
	{name: "empty array", query: cs("cs"), want: []string{"t8", "t7", "t6", "t5", "t4", "t3", "t2", "t1"}},
	{name: "with another filter", query: cs("cs", "vip") + "&title=neq.t2", want: []string{"t6", "t1"}},
	{name: "oldest first", query: cs("cs", "vip") + "&order=created_at.asc", want: []string{"t1", "t2", "t6"}},
	{name: "ordered by title", query: cs("cs", "vip") + "&order=title.desc", want: []string{"t6", "t2", "t1"}},
	{name: "page", query: cs("cs", "vip") + "&limit=1&offset=1", want: []string{"t2"}},
	{name: "count", query: cs("cs", "vip") + "&limit=1", want: []string{"t6"}, count: "0-0/3"},
	{name: "count of none", query: cs("cs", "nope"), want: []string{}, count: "*/0"},
	{name: "in an and tree", query: "and=(tags.cs.%7Bvip%7D,title.neq.t1)", want: []string{"t6", "t2"}},
	{name: "in an or tree", query: "or=(tags.cs.%7Bshopify%7D,tags.cs.%7B%C3%A9%7D)", want: []string{"t4", "t2"}},
	{name: "negated", query: "tags=not.cs.%7Bvip%7D", want: []string{"t8", "t7", "t5", "t4", "t3"}},
	{name: "negated and tree", query: "not.and=(tags.cs.%7Bvip%7D,title.eq.t1)", want: []string{"t8", "t7", "t6", "t5", "t4", "t3", "t2"}},
	{name: "overlap", query: cs("ov", "shopify", "Ω"), want: []string{"t4", "t2"}},
	{name: "overlap of one element (the index)", query: cs("ov", "vip"), want: []string{"t6", "t2", "t1"}},
	{name: "overlap of one element twice", query: cs("ov", "vip", "vip") + "&limit=2", want: []string{"t6", "t2"}},
	{name: "contained", query: cs("cd", "vip", "shopify"), want: []string{"t6", "t5", "t2", "t1"}},
	{name: "contained in empty", query: cs("cd"), want: []string{"t5"}},
	{name: "embedding", query: cs("cs", "vip") + "&select=title,contacts(first_name)", want: []string{"t6", "t2", "t1"}},
	// Workspace B has a deal tagged vip and one tagged b-only: A sees
	// neither, B sees only its own.
	{name: "other workspace's tag", query: cs("cs", "b-only"), want: []string{}},
	{name: "B's vip", key: "B", query: cs("cs", "vip"), want: []string{"tb1"}},
	{name: "B's count", key: "B", query: cs("cs", "vip"), want: []string{"tb1"}, count: "0-0/1"},
}

// TestTagIndex holds cs, ov and cd on deals.tags to their meaning on
// both backends, then after writes that change the index.
func TestTagIndex(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		t.Run(be.Name, func(t *testing.T) {
			e := MustStartRestEnv(t, be.Open(t))
			for _, d := range tagDeals {
				e.mustPost("A", proxy+"/deals", `{"title":"`+d.title+`","value":1,"tags":`+d.tags+`}`, d.title)
			}
			e.mustPost("B", proxy+"/deals", `{"title":"tb1","value":1,"tags":["vip"]}`, "tb1")
			e.mustPost("B", proxy+"/deals", `{"title":"tb2","value":1,"tags":["b-only"]}`, "tb2")
			runTagCases(t, e, tagReadCases)
			tagWrites(t, e)
		})
	}
}

// tagWrites changes tags by PATCH (one row, several rows, to none), by
// upsert and by DELETE, and checks the lists after each.
func tagWrites(t *testing.T, e *restEnv) {
	t.Helper()
	patch := func(key, filter, body string) {
		t.Helper()
		if resp, b := e.do("PATCH", proxy+"/deals?"+filter, key, nil, body); resp.StatusCode >= 300 {
			t.Fatalf("PATCH %s: %d %s", filter, resp.StatusCode, b)
		}
	}
	patch("A", "title=eq.t1", `{"tags":["gold","vip"]}`)
	patch("A", "title=eq.t2", `{"tags":["gold"]}`)
	patch("A", "title=eq.t5", `{"stage":"won"}`) // tags untouched
	patch("A", "title=in.(t3,t4)", `{"tags":[]}`)
	// B's key cannot reach A's rows: nothing changes.
	patch("B", "title=eq.t6", `{"tags":["stolen"]}`)
	runTagCases(t, e, []tagCase{
		{name: "after PATCH: vip", query: cs("cs", "vip"), want: []string{"t6", "t1"}},
		{name: "after PATCH: gold", query: cs("cs", "gold"), want: []string{"t2", "t1"}},
		{name: "after PATCH: shopify gone", query: cs("cs", "shopify"), want: []string{}},
		{name: "after PATCH: emptied", query: cs("cs", "Ω"), want: []string{}},
		{name: "after PATCH: stage only", query: cs("cd") + "&stage=eq.won", want: []string{"t5"}},
		{name: "after B's PATCH", query: cs("cs", "stolen"), want: []string{}},
		{name: "B after its PATCH", key: "B", query: cs("cs", "stolen"), want: []string{}},
	})
	if resp, b := e.do("DELETE", proxy+"/deals?title=eq.t6", "A", nil, ""); resp.StatusCode >= 300 {
		t.Fatalf("DELETE: %d %s", resp.StatusCode, b)
	}
	if resp, b := e.do("DELETE", proxy+"/deals?"+cs("cs", "vip"), "B", nil, ""); resp.StatusCode >= 300 {
		t.Fatalf("B's DELETE: %d %s", resp.StatusCode, b)
	}
	runTagCases(t, e, []tagCase{
		{name: "after DELETE: vip", query: cs("cs", "vip"), want: []string{"t1"}, count: "0-0/1"},
		{name: "after B's DELETE", key: "B", query: cs("cs", "vip"), want: []string{}},
		{name: "B's other tag kept", key: "B", query: cs("cs", "b-only"), want: []string{"tb2"}},
	})
	// A new deal with a tag and, re-created after the DELETE, a title of
	// a deleted one: the index lists the new row only.
	e.mustPost("A", proxy+"/deals", `{"title":"t6","value":2,"tags":["vip","new"]}`, "t6b")
	runTagCases(t, e, []tagCase{
		{name: "after POST", query: cs("cs", "vip"), want: []string{"t6", "t1"}},
		{name: "after POST: both", query: cs("cs", "new", "vip"), want: []string{"t6"}},
	})
}
