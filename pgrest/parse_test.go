package pgrest

import (
	"math"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in   string // raw query string, decoded with ParseQueryString
		want *Query
	}{
		{"", &Query{Select: []SelectItem{star()}}},
		{"id=eq.1&name=like.*a*&id=neq.5", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Where: []Cond{
			eq("id", "1"),
			leaf(Filter{Field: fld("name"), Op: OpLike, Value: "*a*"}),
			leaf(Filter{Field: fld("id"), Op: OpNeq, Value: "5"}),
		}}}},
		// Filters and trees keep query-string order.
		{"age=gt.18&or=(a.eq.1,b.eq.2)&age=lt.35", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Where: []Cond{
			leaf(Filter{Field: fld("age"), Op: OpGt, Value: "18"}),
			or(eq("a", "1"), eq("b", "2")),
			leaf(Filter{Field: fld("age"), Op: OpLt, Value: "35"}),
		}}}},
		// Embedded modifiers.
		{"select=*,contact:contacts(first_name)&contact.first_name=eq.x&contact.order=first_name.desc&contact.limit=2&contact.offset=1&contact.or=(a.eq.1)&contact.not.and=(b.eq.2)",
			&Query{
				Select: []SelectItem{star(), emb(Embed{Relation: "contacts", Alias: "contact", Select: []SelectItem{col("first_name")}})},
				Embedded: map[string]*Modifiers{"contact": {
					Where:  []Cond{eq("first_name", "x"), or(eq("a", "1")), not(and(eq("b", "2")))},
					Order:  []OrderTerm{{Field: fld("first_name"), Desc: true}},
					Limit:  i64(2),
					Offset: 1,
				}},
			}},
		{"a.b.c=eq.1&a.b.limit=5&a.order=x", &Query{Select: []SelectItem{star()}, Embedded: map[string]*Modifiers{
			"a.b": {Where: []Cond{eq("c", "1")}, Limit: i64(5)},
			"a":   {Order: []OrderTerm{{Field: fld("x")}}},
		}}},
		{"rel.data->>k=eq.1", &Query{Select: []SelectItem{star()}, Embedded: map[string]*Modifiers{
			"rel": {Where: []Cond{leaf(Filter{Field: fld("data", arrow2("k")), Op: OpEq, Value: "1"})}},
		}}},
		// Limit and offset.
		{"limit=10&offset=20", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Limit: i64(10), Offset: 20}}},
		{"limit=0", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Limit: i64(0)}}},
		{"limit=-0", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Limit: i64(0)}}},
		{"limit=abc&offset=x", &Query{Select: []SelectItem{star()}}},
		{"limit=&offset=", &Query{Select: []SelectItem{star()}}},
		{"limit=1.5&limit=+3&limit=%203", &Query{Select: []SelectItem{star()}}},
		{"offset=-5", &Query{Select: []SelectItem{star()}}},
		{"limit=3&limit=abc", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Limit: i64(3)}}},
		{"limit=3&limit=5&offset=1&offset=2", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Limit: i64(5), Offset: 2}}},
		{"limit=99999999999999999999999", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Limit: i64(math.MaxInt64)}}},
		{"order=a&order=b.desc", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Order: []OrderTerm{{Field: fld("b"), Desc: true}}}}},
		// columns and on_conflict.
		{"columns=a,b", &Query{Select: []SelectItem{star()}, Columns: []string{"a", "b"}, HasColumns: true}},
		{`columns=%22a%22,%22b%20c%22`, &Query{Select: []SelectItem{star()}, Columns: []string{"a", "b c"}, HasColumns: true}},
		{`columns="a","b","a"&columns=x`, &Query{Select: []SelectItem{star()}, Columns: []string{"a", "b"}, HasColumns: true}},
		{"columns=a+,+b", &Query{Select: []SelectItem{star()}, Columns: []string{"a", "b"}, HasColumns: true}},
		{"on_conflict=email", &Query{Select: []SelectItem{star()}, OnConflict: []string{"email"}}},
		{`on_conflict="a",b&on_conflict=c`, &Query{Select: []SelectItem{star()}, OnConflict: []string{"a", "b"}}},
		// Reserved words as embedded keys are modifiers, elsewhere they are filters.
		{"rel.select=eq.1&rel.columns=eq.2", &Query{Select: []SelectItem{star()}, Embedded: map[string]*Modifiers{
			"rel": {Where: []Cond{eq("select", "1"), eq("columns", "2")}},
		}}},
		// A key with no "=" is dropped; the supabase-js shape.
		{"select=id,name:full_name&id&deals.limit=1&order=id.desc.nullsfirst&limit=5&offset=10",
			&Query{
				Select:    []SelectItem{col("id"), {Alias: "name", Field: fld("full_name")}},
				Modifiers: Modifiers{Order: []OrderTerm{{Field: fld("id"), Desc: true, Nulls: NullsFirst}}, Limit: i64(5), Offset: 10},
				Embedded:  map[string]*Modifiers{"deals": {Limit: i64(1)}},
			}},
		// Form decoding reaches the operand: %2B is a plus, + a space.
		{"tags=cs.%7B%2B2010%7D&name=eq.a+b&q=eq.%22x%22", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Where: []Cond{
			leaf(Filter{Field: fld("tags"), Op: OpCs, Value: "{+2010}"}),
			eq("name", "a b"),
			eq("q", `"x"`),
		}}}},
		{"name=like.%25a+b%25", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Where: []Cond{
			leaf(Filter{Field: fld("name"), Op: OpLike, Value: "%a b%"}),
		}}}},
		{"phones=cs.%7B%22%2B20+101+717+7777%22%7D", &Query{Select: []SelectItem{star()}, Modifiers: Modifiers{Where: []Cond{
			leaf(Filter{Field: fld("phones"), Op: OpCs, Value: `{"+20 101 717 7777"}`}),
		}}}},
	}
	for _, tt := range tests {
		ps, err := ParseQueryString(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		q, err := Parse(ps)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		checkEqual(t, tt.in, q, tt.want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in          string
		status      int
		errContains string
	}{
		{"id=", 400, `"failed to parse filter ()" (line 1, column 1) | unexpected end of input`},
		{"limit=-1", 416, "Limit should be greater than or equal to zero."},
		{"rel.limit=-3", 416, "Limit should be greater than or equal to zero."},
		{"limit=-99999999999999999999", 416, "Limit should be greater than or equal to zero."},
		{"columns=", 400, `failed to parse columns parameter ()`},
		{"columns=a,", 400, `unexpected end of input expecting field name`},
		{"columns=a)", 400, `unexpected ")" expecting "," or end of input`},
		{"on_conflict=", 400, `failed to parse on_conflict parameter ()`},
		{"order=", 400, `failed to parse order ()`},
		{"or=", 400, `failed to parse logic tree ()`},
		{"a->b.order=x", 400, `failed to parse tree path (a->b.order)`},
		{"a.b.c.d.e.limit=1", 400, "an embed path may have at most 4 levels"},
		{"ok=eq.1&bad=nope.1", 400, `failed to parse filter (nope.1)`},
		{"a=%zz", 400, `invalid URL escape "%zz"`},
		{"%zz=1", 400, `invalid URL escape`},
		{"a=%ff", 400, "not valid UTF-8"},
		{"a=eq." + strings.Repeat("x", MaxQueryLength), 400, "query string too long"},
	}
	for _, tt := range tests {
		ps, err := ParseQueryString(tt.in)
		if err == nil {
			_, err = Parse(ps)
		}
		checkErr(t, tt.in, err, tt.status, tt.errContains)
	}
}

func TestParseLengthLimit(t *testing.T) {
	long := strings.Repeat("x", MaxQueryLength)
	_, err := Parse(params("a", "eq."+long))
	checkErr(t, "Parse(long)", err, 400, "query string too long")
	// Just under the limit parses.
	ok := strings.Repeat("x", MaxQueryLength-len("a=eq."))
	if _, err := Parse(params("a", "eq."+ok)); err != nil {
		t.Errorf("Parse(%d bytes): %v", len(ok), err)
	}
}

func TestParseQueryString(t *testing.T) {
	tests := []struct {
		in   string
		want []Param
	}{
		{"", nil},
		{"a=1&b=2", []Param{{"a", "1"}, {"b", "2"}}},
		{"b=2&a=1&b=3", []Param{{"b", "2"}, {"a", "1"}, {"b", "3"}}},
		{"a+b=c+d", []Param{{"a b", "c d"}}},
		{"a=%2B1", []Param{{"a", "+1"}}},
		{"a=%22x%22", []Param{{"a", `"x"`}}},
		{"a=%25", []Param{{"a", "%"}}},
		{"a=x%26y%3Dz", []Param{{"a", "x&y=z"}}},
		{"a=b=c", []Param{{"a", "b=c"}}},
		{"a=", []Param{{"a", ""}}},
		{"=x", []Param{{"", "x"}}},
		{"flag&a=1&&b", []Param{{"a", "1"}}},
		{"a=%C3%A9", []Param{{"a", "é"}}},
		{"a=1;b=2", []Param{{"a", "1;b=2"}}},
		{"select=%2A%2Ccontact%3Acontacts%28first_name%29", []Param{{"select", "*,contact:contacts(first_name)"}}},
	}
	for _, tt := range tests {
		got, err := ParseQueryString(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		checkEqual(t, tt.in, got, tt.want)
	}
}

func TestEmbedKey(t *testing.T) {
	if got := EmbedKey("a", "b"); got != "a.b" {
		t.Errorf("EmbedKey(a, b) = %q", got)
	}
	if got := EmbedKey(); got != "" {
		t.Errorf("EmbedKey() = %q", got)
	}
}
