package api

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// FuzzDifferential makes REST reads from the fuzz input with a small
// grammar (table, up to three filters over the columns, operators and
// values below, maybe an or=(...) group, an order and a limit) and fails
// on any difference between the SQLite and the PostgreSQL answer. Every
// order ends in a column that is unique in the seed, so row order is
// fully determined. CI runs it for a bounded count (.ci/run).
func FuzzDifferential(f *testing.F) {
	for _, s := range []string{"", "\x00\x01\x02\x03", "\x05\x07\x09\x0b\x0d\x0f\x11", "\xff\xfe\xfd\xfc\xfb\xfa",
		"\x10\x20\x30\x40\x50\x60\x70\x80\x90", "\x01\x03\x00\x11\x04\x22\x05\x33\x06", "\x02\x0c\x15\x1e\x27\x30\x39\x42"} {
		f.Add([]byte(s))
	}
	p := startDiffPair(f, loadDiffCases(f).Seed)
	f.Fuzz(func(t *testing.T, in []byte) {
		p.lite.t, p.pg.t = t, t // the servers' helpers report to this input's test
		c := diffCase{Name: "fuzz", Path: fuzzQuery(&fuzzInput{b: in}), Status: -1}
		if msg := p.compare(c); msg != "" {
			t.Fatalf("GET %s\n%s", c.Path, msg)
		}
	})
}

// fuzzInput hands out the fuzz bytes one choice at a time (zeros once
// they run out).
type fuzzInput struct {
	b []byte
	i int
}

func (in *fuzzInput) pick(n int) int {
	if in.i >= len(in.b) {
		return 0
	}
	in.i++
	return int(in.b[in.i-1]) % n
}

func (in *fuzzInput) of(xs []string) string { return xs[in.pick(len(xs))] }

type fuzzTable struct {
	name, sel, tiebreak string
	cols                map[string][]string // column -> operators that apply
}

var (
	textOps  = []string{"eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch", "fts", "plfts", "phfts", "wfts", "fts(simple)", "in", "is", "isdistinct"}
	numOps   = []string{"eq", "neq", "gt", "gte", "lt", "lte", "in", "is", "isdistinct"}
	arrOps   = []string{"cs", "cd", "ov", "eq", "is"}
	jsonOps  = []string{"eq", "gt", "lt", "cs", "cd", "is", "in"}
	fuzzVals = []string{"a", "A", "é", "É", "ß", "SS", "ẞ", "İ", "i", "ı", "I", "σοφία", "ΣΟΦΙΑ", "ع", "عقد", "zebra", "Zebra", "contract",
		"contracts", "Contract*", "*ontract*", "*a*", "*É*", "^C", "[[:upper:]]", `\w+`, "caf(é|e)", "s$", "^.{5}$", "(", "the",
		"running orders", "0", "1", "1.5", "100", "-1", "0.0001", "99999999999999.9999", "2024-02-29", "0001-01-01", "9999-12-31",
		"null", "true", "not_null", `"1"`, "{a}", "{a,b}", "{}", "{é,Ω}", `{"n":1}`, `{}`, "(a,b,zebra)", "(1,100)", "x:*", "-zebra", "ab%", "_"}
	fuzzTables = []fuzzTable{
		{name: "deals", sel: "title,value,probability,expected_close_date,tags,custom_fields", tiebreak: "title", cols: map[string][]string{
			"title": textOps, "source": textOps, "stage": textOps, "value": numOps, "probability": numOps, "expected_close_date": numOps,
			"tags": arrOps, "custom_fields": jsonOps, "custom_fields->n": jsonOps, "custom_fields->>n": textOps, "custom_fields->>s": textOps}},
		{name: "contacts", sel: "first_name,last_name,tags,custom_fields", tiebreak: "first_name.nullsfirst,last_name.nullsfirst", cols: map[string][]string{
			"first_name": textOps, "last_name": textOps, "tags": arrOps, "custom_fields->score": jsonOps, "custom_fields->>lang": textOps}},
	}
	orderCols = map[string][]string{
		"deals":    {"value", "probability", "expected_close_date", "stage", "source", "title", "custom_fields->>n"},
		"contacts": {"first_name", "last_name", "custom_fields->>lang"},
	}
)

// fuzzQuery makes one GET path from the input.
func fuzzQuery(in *fuzzInput) string {
	tb := fuzzTables[in.pick(len(fuzzTables))]
	cols := make([]string, 0, len(tb.cols))
	for _, c := range sortedKeys(tb.cols) {
		cols = append(cols, c)
	}
	q := url.Values{}
	q.Set("select", tb.sel)
	var filters []string
	for n := in.pick(4); n > 0; n-- {
		col := in.of(cols)
		op := in.of(tb.cols[col])
		if in.pick(4) == 0 {
			op = "not." + op
		}
		filters = append(filters, col+"="+op+"."+in.of(fuzzVals))
	}
	if in.pick(3) == 0 {
		a, b := in.of(cols), in.of(cols)
		filters = append(filters, fmt.Sprintf("or=(%s.%s.%s,%s.%s.%s)", a, in.of(tb.cols[a]), orEscape(in.of(fuzzVals)),
			b, in.of(tb.cols[b]), orEscape(in.of(fuzzVals))))
	}
	order := ""
	if in.pick(2) == 0 {
		order = in.of(orderCols[tb.name]) + in.of([]string{"", ".desc", ".nullsfirst", ".desc.nullslast"}) + ","
	}
	path := "/" + tb.name + "?" + q.Encode() + "&order=" + order + tb.tiebreak
	for _, f := range filters {
		path += "&" + f
	}
	if n := in.pick(4); n > 0 {
		path += fmt.Sprintf("&limit=%d", n*2)
	}
	return path
}

// orEscape quotes a value for an or=(...) list.
func orEscape(v string) string {
	if strings.ContainsAny(v, ",()\"") {
		return `"` + strings.ReplaceAll(v, `"`, `\"`) + `"`
	}
	return v
}

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
