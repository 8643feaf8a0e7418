package pgrest

import (
	"strings"
	"testing"
)

func TestParseOrder(t *testing.T) {
	tests := []struct {
		in   string
		want []OrderTerm
	}{
		{"id", []OrderTerm{{Field: fld("id")}}},
		{"id.asc", []OrderTerm{{Field: fld("id")}}},
		{"id.desc", []OrderTerm{{Field: fld("id"), Desc: true}}},
		{"age.desc,height.asc", []OrderTerm{{Field: fld("age"), Desc: true}, {Field: fld("height")}}},
		{"age.nullsfirst", []OrderTerm{{Field: fld("age"), Nulls: NullsFirst}}},
		{"age.nullslast", []OrderTerm{{Field: fld("age"), Nulls: NullsLast}}},
		{"name.desc.nullsfirst", []OrderTerm{{Field: fld("name"), Desc: true, Nulls: NullsFirst}}},
		{"name.asc.nullslast", []OrderTerm{{Field: fld("name"), Nulls: NullsLast}}},
		{"data->>id.asc", []OrderTerm{{Field: fld("data", arrow2("id"))}}},
		{"numbers->0.desc", []OrderTerm{{Field: fld("numbers", arrow("0")), Desc: true}}},
		{"json_col->key.asc.nullslast", []OrderTerm{{Field: fld("json_col", arrow("key")), Nulls: NullsLast}}},
		{"json_col->!@#$%^&*_a.asc", []OrderTerm{{Field: fld("json_col", arrow("!@#$%^&*_a"))}}},
		{"clients(json_col->key).desc.nullsfirst", []OrderTerm{{Relation: "clients", Field: fld("json_col", arrow("key")), Desc: true, Nulls: NullsFirst}}},
		{"name,clients(name),id", []OrderTerm{{Field: fld("name")}, {Relation: "clients", Field: fld("name")}, {Field: fld("id")}}},
		{" a.desc , b ", []OrderTerm{{Field: fld("a"), Desc: true}, {Field: fld("b")}}},
		{`"a.b".desc`, []OrderTerm{{Field: fld("a.b"), Desc: true}}},
		{"rel( x ).desc", []OrderTerm{{Relation: "rel", Field: fld("x"), Desc: true}}},
	}
	for _, tt := range tests {
		q, err := Parse(params("order", tt.in))
		if err != nil {
			t.Errorf("order=%s: %v", tt.in, err)
			continue
		}
		checkEqual(t, "order="+tt.in, q.Order, tt.want)
	}
}

func TestParseOrderErrors(t *testing.T) {
	tests := []struct{ in, errContains string }{
		{"id.asc.nullslasttt", `"failed to parse order (id.asc.nullslasttt)" (line 1, column 17) | unexpected 't' expecting "," or end of input`},
		{"id.nullslasttt", `unexpected 't' expecting "," or end of input`},
		{"id.ac", `unexpected "a" expecting "asc", "desc", "nullsfirst" or "nullslast"`},
		{"id.smth34", `unexpected "s" expecting "asc", "desc", "nullsfirst" or "nullslast"`},
		{"id.descc", `unexpected 'c' expecting "," or end of input`},
		{"id.asc.nlsfst", `unexpected "n" expecting "nullsfirst" or "nullslast"`},
		{"id.asc.desc", `unexpected "d" expecting "nullsfirst" or "nullslast"`},
		{"id.nullsfirst.asc", `unexpected '.' expecting "," or end of input`},
		{"clients(name,id)", `unexpected "," expecting "->", "->>" or ")"`},
		{"", `unexpected end of input expecting field name`},
		{"a,", `unexpected end of input expecting field name`},
		{"a b c.up", `expecting "asc"`},
		{strings.Repeat("id,", MaxOrderTerms) + "id", `at most 50 terms (MaxOrderTerms)`},
		{strings.Repeat("id,", 2499) + "id", `order has too many terms`},
	}
	for _, tt := range tests {
		_, err := Parse(params("order", tt.in))
		checkErr(t, "order="+tt.in, err, 400, tt.errContains)
	}
}
