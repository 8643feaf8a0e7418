package pgrest

import (
	"strings"
	"testing"
)

func TestParseSelect(t *testing.T) {
	tests := []struct {
		in   string
		want []SelectItem
	}{
		{"*", []SelectItem{star()}},
		{"", []SelectItem{star()}},
		{"   ", []SelectItem{star()}},
		{"id", []SelectItem{col("id")}},
		{"id,name", []SelectItem{col("id"), col("name")}},
		{"id , name ,  x", []SelectItem{col("id"), col("name"), col("x")}},
		{"fullName:full_name", []SelectItem{{Alias: "fullName", Field: fld("full_name")}}},
		{"salary::text", []SelectItem{{Field: fld("salary"), Cast: "text"}}},
		{"alias:data->a->>b::int", []SelectItem{{Alias: "alias", Field: fld("data", arrow("a"), arrow2("b")), Cast: "int"}}},
		{"custom_fields->>shopify_order_id", []SelectItem{{Field: fld("custom_fields", arrow2("shopify_order_id"))}}},
		{"data->0,data->-1", []SelectItem{{Field: fld("data", arrow("0"))}, {Field: fld("data", arrow("-1"))}}},
		{`"quoted name","a.b"::text,"x:y":"::z"`, []SelectItem{
			col("quoted name"),
			{Field: fld("a.b"), Cast: "text"},
			{Alias: "x:y", Field: fld("::z")},
		}},
		{`"arr->ow::cast"`, []SelectItem{col("arr->ow::cast")}},
		{"*,computed_fn", []SelectItem{star(), col("computed_fn")}},
		{"col::timestamp with time zone", []SelectItem{{Field: fld("col"), Cast: "timestamp with time zone"}}},
		{"a::text , b", []SelectItem{{Field: fld("a"), Cast: "text"}, col("b")}},
		{"first name", []SelectItem{col("first name")}},

		// Embeds.
		{"*,contact:contacts(first_name,phones)", []SelectItem{star(), emb(Embed{Relation: "contacts", Alias: "contact",
			Select: []SelectItem{col("first_name"), col("phones")}})}},
		{"*,deals(*)", []SelectItem{star(), emb(Embed{Relation: "deals", Select: []SelectItem{star()}})}},
		{"rel()", []SelectItem{emb(Embed{Relation: "rel"})}},
		{"rel( )", []SelectItem{emb(Embed{Relation: "rel"})}},
		{"rel!hint(*)", []SelectItem{emb(Embed{Relation: "rel", Hint: "hint", Select: []SelectItem{star()}})}},
		{"rel!inner(*)", []SelectItem{emb(Embed{Relation: "rel", Inner: true, Select: []SelectItem{star()}})}},
		{"rel!left(*)", []SelectItem{emb(Embed{Relation: "rel", Left: true, Select: []SelectItem{star()}})}},
		{"rel!hint!inner(*)", []SelectItem{emb(Embed{Relation: "rel", Hint: "hint", Inner: true, Select: []SelectItem{star()}})}},
		{"a:rel!inner!fk_x(id)", []SelectItem{emb(Embed{Relation: "rel", Alias: "a", Hint: "fk_x", Inner: true, Select: []SelectItem{col("id")}})}},
		{"rel!inner!left(*)", []SelectItem{emb(Embed{Relation: "rel", Inner: true, Select: []SelectItem{star()}})}},
		{"rel!h1!h2(*)", []SelectItem{emb(Embed{Relation: "rel", Hint: "h1", Select: []SelectItem{star()}})}},
		{"rel!leftover(*)", []SelectItem{emb(Embed{Relation: "rel", Hint: "leftover", Select: []SelectItem{star()}})}},
		{"...company(name,domain)", []SelectItem{emb(Embed{Relation: "company", Spread: true, Select: []SelectItem{col("name"), col("domain")}})}},
		{"...rel!hint!inner(*)", []SelectItem{emb(Embed{Relation: "rel", Hint: "hint", Inner: true, Spread: true, Select: []SelectItem{star()}})}},
		{"*,client(*,nested(*))", []SelectItem{star(), emb(Embed{Relation: "client", Select: []SelectItem{
			star(), emb(Embed{Relation: "nested", Select: []SelectItem{star()}})}})}},
		{"id, rel ( a , b ) , c", []SelectItem{col("id"), emb(Embed{Relation: "rel", Select: []SelectItem{col("a"), col("b")}}), col("c")}},
		{"a(b(c(d(e))))", []SelectItem{emb(Embed{Relation: "a", Select: []SelectItem{emb(Embed{Relation: "b", Select: []SelectItem{
			emb(Embed{Relation: "c", Select: []SelectItem{emb(Embed{Relation: "d", Select: []SelectItem{col("e")}})}})}})}})}},
		{`"my rel"(x)`, []SelectItem{emb(Embed{Relation: "my rel", Select: []SelectItem{col("x")}})}},

		// Aggregates (the store decides whether they are allowed).
		{"count()", []SelectItem{{Aggregate: "count"}}},
		{"total:count()::int", []SelectItem{{Alias: "total", Aggregate: "count", AggregateCast: "int"}}},
		{"value.sum()", []SelectItem{{Field: fld("value"), Aggregate: "sum"}}},
		{"value::numeric.avg()::text", []SelectItem{{Field: fld("value"), Cast: "numeric", Aggregate: "avg", AggregateCast: "text"}}},
		{"count", []SelectItem{col("count")}},
	}
	for _, tt := range tests {
		q, err := Parse(params("select", tt.in))
		if err != nil {
			t.Errorf("select=%s: %v", tt.in, err)
			continue
		}
		checkEqual(t, "select="+tt.in, q.Select, tt.want)
	}
}

func TestParseSelectErrors(t *testing.T) {
	tests := []struct{ in, errContains string }{
		{"id,clients(name[])", `unexpected "[" expecting "," or ")"`},
		{"data->>-78xy", `unexpected "x" expecting digit`},
		{"name!hint", `unexpected end of input expecting "!" or "("`},
		{"*!hint", `unexpected "!" expecting "," or end of input`},
		{"name::", `unexpected end of input expecting letter or digit`},
		{"rel->x(*)", `unexpected "(" expecting "," or end of input`},
		{"a,", `unexpected end of input expecting field name`},
		{",a", `unexpected "," expecting field name`},
		{"a,,b", `unexpected "," expecting field name`},
		{"rel(a", `unexpected end of input expecting "," or ")"`},
		{"a)", `unexpected ")" expecting "," or end of input`},
		{"alias:...rel(*)", `unexpected "." expecting field name`},
		{"a.nope()", `expecting aggregate`},
		{"a.sum", `expecting aggregate`},
		{"a!b!c!d(*)", `unexpected "!" expecting "("`},
		{`"open`, `unexpected end of input expecting "\""`},
		{"a(b(c(d(e(f)))))", "embedded resources may nest at most 4 levels deep"},
		{"...(x)", `expecting field name`},
	}
	for _, tt := range tests {
		_, err := Parse(params("select", tt.in))
		checkErr(t, "select="+tt.in, err, 400, tt.errContains)
		if err != nil && !strings.Contains(err.Error(), "failed to parse select parameter") {
			t.Errorf("select=%s: %v does not name the select parameter", tt.in, err)
		}
	}
}

func TestOutputName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"id", "id"},
		{"fullName:full_name", "fullName"},
		{"data->a->>b", "b"},
		{"data->0", "data"},
		{"data->a->0", "a"},
		{"x:data->a", "x"},
		{"count()", "count"},
		{"value.sum()", "sum"},
		{"rel(*)", "rel"},
		{"r:rel(*)", "r"},
		{"...rel(*)", ""},
		{"*", ""},
	}
	for _, tt := range tests {
		q := MustParse(t, Param{"select", tt.in})
		if got := q.Select[0].OutputName(); got != tt.want {
			t.Errorf("select=%s: OutputName() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseSelectFirstWins(t *testing.T) {
	q := MustParse(t, params("select", "a", "select", "b(")...)
	checkEqual(t, "select=a&select=b(", q.Select, []SelectItem{col("a")})
}
