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

// compose is one of whole, or one to five atoms in a row.
func (in *fuzzInput) compose(whole, atoms []string) string {
	if in.pick(2) == 0 {
		return in.of(whole)
	}
	var b strings.Builder
	for n := 1 + in.pick(5); n > 0; n-- {
		b.WriteString(in.of(atoms))
	}
	return url.QueryEscape(b.String())
}

type fuzzTable struct {
	name, sel, tiebreak string
	cols                map[string]string // column -> value class
}

var (
	fuzzOps = map[string][]string{
		"text": {"eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch", "fts", "plfts", "phfts", "wfts", "fts(simple)", "in", "is", "isdistinct"},
		"num":  {"eq", "neq", "gt", "gte", "lt", "lte", "in", "is", "isdistinct"},
		"date": {"eq", "neq", "gt", "gte", "lt", "lte", "in", "is"},
		"arr":  {"cs", "cd", "ov", "eq", "is"},
		"json": {"eq", "neq", "gt", "lt", "cs", "cd", "is", "in"},
	}
	fuzzWords = []string{"a", "A", "é", "É", "ß", "SS", "ẞ", "İ", "i", "ı", "I", "σοφία", "ΣΟΦΙΑ", "ع", "عقد", "zebra", "Zebra", "contract",
		"contracts", "the", "running orders", "café", "Straße", "istanbul", "1.5", "web", "z", "Abc", "fr", "de"}
	fuzzVals = map[string][]string{
		"like":  {"Contract*", "*ontract*", "*a*", "*É*", "*ß*", "*İ*", "*ı*", "_ebra", "*%5C%25*", "*", "z*"},
		"match": {"^C", "[[:upper:]]", `\w+`, "caf(é|e)", "s$", "^.{5}$", "(", "ß", "[a-c]", "^[^a-z]", `\d`, "İ", "ı", "σ", "Σ", "(?i)zebra", `\1`},
		"fts":   {"contract", "contracts", "contract:*", "run", "the", "café", "zebra | contract", "!contract", "running <-> orders", "cat & run", "(", "straße", "σοφία", "-zebra", `"the cats"`},
		"num":   {"0", "1", "1.5", "100", "-1", "0.0001", "50", "99999999999999.9999", "1e3", "abc"},
		"date":  {"2024-02-29", "0001-01-01", "9999-12-31", "1970-01-01", "2025-01-01", "0000-01-01", "2024-02-30"},
		"is":    {"null", "not.null", "true", "false", "unknown"},
		"arr":   {"{a}", "{a,b}", "{}", "{é,Ω}", "{A}", "{\"a,b\"}", "{VIP}", "{fr,de}"},
		"json":  {"1", "1.5", "100", "1e2", `"1"`, `"a"`, "true", "null", "[1,2]", `{"x":1}`, "{}", "-3", `{"n":1}`, `["a"]`},
	}
	fuzzLikeAtoms  = []string{"a", "A", "é", "É", "ß", "İ", "i", "ı", "%", "_", `\%`, `\_`, "o", "r", " ", "Σ", "σ", "z"}
	fuzzRegexAtoms = []string{"a", "A", "é", "É", "ß", "İ", "ı", ".", "*", "+", "?", "|", "(", ")", "[", "]", "^", "$", "{", "}",
		"1", ",", "-", `\d`, `\w`, `\s`, `\W`, "[[:alpha:]]", "[[:upper:]]", "[^a]", "(?:", " ", `\.`, `\`, "{2}", "*?", "o", "r"}
	fuzzFTSAtoms = []string{"contract", "run", "the", "café", "orders", " & ", " | ", " <-> ", "!", "(", ")", ":*", " ", "-", `"`, " or ", "zebra", "σοφία"}
	fuzzTables   = []fuzzTable{
		{name: "deals", sel: "title,value,probability,expected_close_date,tags,custom_fields", tiebreak: "title", cols: map[string]string{
			"title": "text", "source": "text", "stage": "text", "value": "num", "probability": "num", "expected_close_date": "date",
			"tags": "arr", "custom_fields": "json", "custom_fields->n": "json", "custom_fields->>n": "text", "custom_fields->>s": "text"}},
		{name: "contacts", sel: "first_name,last_name,tags,custom_fields", tiebreak: "first_name.nullsfirst,last_name.nullsfirst", cols: map[string]string{
			"first_name": "text", "last_name": "text", "tags": "arr", "custom_fields->score": "json", "custom_fields->>lang": "text"}},
	}
	orderCols = map[string][]string{
		"deals":    {"value", "probability", "expected_close_date", "stage", "source", "title", "custom_fields->>n", "custom_fields->n", "tags", "custom_fields"},
		"contacts": {"first_name", "last_name", "custom_fields->>lang", "custom_fields->score", "tags"},
	}
)

// fuzzFilter makes col.op.value (sep is "=" for a parameter, "." in or=).
func fuzzFilter(in *fuzzInput, class, col, sep string) string {
	op := in.of(fuzzOps[class])
	not := ""
	if in.pick(4) == 0 {
		not = "not."
	}
	var v string
	switch {
	case op == "is":
		v = in.of(fuzzVals["is"])
	case op == "like" || op == "ilike":
		v = in.compose(fuzzVals["like"], fuzzLikeAtoms)
	case op == "match" || op == "imatch":
		v = in.compose(fuzzVals["match"], fuzzRegexAtoms)
	case strings.Contains(op, "fts"):
		v = in.compose(fuzzVals["fts"], fuzzFTSAtoms)
	case class == "text":
		v = in.of(fuzzWords)
	default:
		v = in.of(fuzzVals[class])
	}
	if op == "in" {
		pool := fuzzVals[class]
		if class == "text" {
			pool = fuzzWords
		}
		v = "(" + orEscape(in.of(pool)) + "," + orEscape(in.of(pool)) + ")"
	} else if sep == "." {
		v = orEscape(v)
	}
	return col + sep + not + op + "." + v
}

// fuzzQuery makes one GET path from the input.
func fuzzQuery(in *fuzzInput) string {
	tb := fuzzTables[in.pick(len(fuzzTables))]
	cols := sortedKeys(tb.cols)
	q := url.Values{}
	q.Set("select", tb.sel)
	var filters []string
	for n := in.pick(4); n > 0; n-- {
		col := in.of(cols)
		filters = append(filters, fuzzFilter(in, tb.cols[col], col, "="))
	}
	if in.pick(3) == 0 {
		a, b := in.of(cols), in.of(cols)
		filters = append(filters, "or=("+fuzzFilter(in, tb.cols[a], a, ".")+","+fuzzFilter(in, tb.cols[b], b, ".")+")")
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

func sortedKeys(m map[string]string) []string {
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
