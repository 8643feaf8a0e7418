package pgrest

import (
	"strings"
	"testing"
)

func TestParseFilter(t *testing.T) {
	tests := []struct {
		key, value string
		want       Filter
	}{
		// Every operator, with the top-level operand taken verbatim.
		{"id", "eq.5", Filter{Field: fld("id"), Op: OpEq, Value: "5"}},
		{"id", "neq.5", Filter{Field: fld("id"), Op: OpNeq, Value: "5"}},
		{"age", "gt.18", Filter{Field: fld("age"), Op: OpGt, Value: "18"}},
		{"age", "gte.18", Filter{Field: fld("age"), Op: OpGte, Value: "18"}},
		{"age", "lt.35", Filter{Field: fld("age"), Op: OpLt, Value: "35"}},
		{"age", "lte.35", Filter{Field: fld("age"), Op: OpLte, Value: "35"}},
		{"name", "like.*ity*", Filter{Field: fld("name"), Op: OpLike, Value: "*ity*"}},
		{"name", "ilike.%a b%", Filter{Field: fld("name"), Op: OpILike, Value: "%a b%"}},
		{"name", "match.^J.*n$", Filter{Field: fld("name"), Op: OpMatch, Value: "^J.*n$"}},
		{"name", "imatch.^j", Filter{Field: fld("name"), Op: OpIMatch, Value: "^j"}},
		{"id", "in.(1,2,3)", Filter{Field: fld("id"), Op: OpIn, List: []string{"1", "2", "3"}}},
		{"a", "is.null", Filter{Field: fld("a"), Op: OpIs, Value: IsNull}},
		{"a", "is.not_null", Filter{Field: fld("a"), Op: OpIs, Value: IsNotNull}},
		{"a", "is.true", Filter{Field: fld("a"), Op: OpIs, Value: IsTrue}},
		{"a", "is.false", Filter{Field: fld("a"), Op: OpIs, Value: IsFalse}},
		{"a", "is.unknown", Filter{Field: fld("a"), Op: OpIs, Value: IsUnknown}},
		{"a", "is.NULL", Filter{Field: fld("a"), Op: OpIs, Value: IsNull}},
		{"a", "is.Not_Null", Filter{Field: fld("a"), Op: OpIs, Value: IsNotNull}},
		{"a", "is.TRUE", Filter{Field: fld("a"), Op: OpIs, Value: IsTrue}},
		{"a", "isdistinct.5", Filter{Field: fld("a"), Op: OpIsDistinct, Value: "5"}},
		{"a", "isdistinct.null", Filter{Field: fld("a"), Op: OpIsDistinct, Value: "null"}},
		{"tags", "cs.{a,b}", Filter{Field: fld("tags"), Op: OpCs, Value: "{a,b}"}},
		{"tags", `cs.{"+2010"}`, Filter{Field: fld("tags"), Op: OpCs, Value: `{"+2010"}`}},
		{"data", `cs.{"a":{"b":1}}`, Filter{Field: fld("data"), Op: OpCs, Value: `{"a":{"b":1}}`}},
		{"tags", "cd.{a,b,c}", Filter{Field: fld("tags"), Op: OpCd, Value: "{a,b,c}"}},
		{"period", "ov.[1,10)", Filter{Field: fld("period"), Op: OpOv, Value: "[1,10)"}},
		{"r", "sl.[1,5]", Filter{Field: fld("r"), Op: OpSl, Value: "[1,5]"}},
		{"r", "sr.[1,5]", Filter{Field: fld("r"), Op: OpSr, Value: "[1,5]"}},
		{"r", "nxr.[4,7]", Filter{Field: fld("r"), Op: OpNxr, Value: "[4,7]"}},
		{"r", "nxl.[4,7]", Filter{Field: fld("r"), Op: OpNxl, Value: "[4,7]"}},
		{"r", "adj.(3,10]", Filter{Field: fld("r"), Op: OpAdj, Value: "(3,10]"}},
		{"tsv", "fts.cat & dog", Filter{Field: fld("tsv"), Op: OpFts, Value: "cat & dog"}},
		{"tsv", "fts(english).cat", Filter{Field: fld("tsv"), Op: OpFts, Value: "cat", FTSConfig: "english"}},
		{"tsv", "plfts.fat cats", Filter{Field: fld("tsv"), Op: OpPlFts, Value: "fat cats"}},
		{"tsv", "phfts(german).Art Spass", Filter{Field: fld("tsv"), Op: OpPhFts, Value: "Art Spass", FTSConfig: "german"}},
		{"tsv", `wfts(french)."a" -b`, Filter{Field: fld("tsv"), Op: OpWFts, Value: `"a" -b`, FTSConfig: "french"}},

		// The top-level operand is verbatim: dots, commas, quotes, parens, empty.
		{"name", "eq.Hebdon, John", Filter{Field: fld("name"), Op: OpEq, Value: "Hebdon, John"}},
		{"name", `eq."Hebdon, John"`, Filter{Field: fld("name"), Op: OpEq, Value: `"Hebdon, John"`}},
		{"name", "eq.a.b", Filter{Field: fld("name"), Op: OpEq, Value: "a.b"}},
		{"name", "eq.(x)", Filter{Field: fld("name"), Op: OpEq, Value: "(x)"}},
		{"name", "eq.", Filter{Field: fld("name"), Op: OpEq, Value: ""}},
		{"name", "eq. padded ", Filter{Field: fld("name"), Op: OpEq, Value: " padded "}},
		{"a", "eq.null", Filter{Field: fld("a"), Op: OpEq, Value: "null"}},
		{"arr", "eq.{1,2,3}", Filter{Field: fld("arr"), Op: OpEq, Value: "{1,2,3}"}},

		// not.
		{"id", "not.eq.2", Filter{Field: fld("id"), Negate: true, Op: OpEq, Value: "2"}},
		{"id", "not.in.(1,2)", Filter{Field: fld("id"), Negate: true, Op: OpIn, List: []string{"1", "2"}}},
		{"a", "not.is.null", Filter{Field: fld("a"), Negate: true, Op: OpIs, Value: IsNull}},
		{"tsv", "not.fts(english).x", Filter{Field: fld("tsv"), Negate: true, Op: OpFts, Value: "x", FTSConfig: "english"}},
		{"name", "not.like.*3", Filter{Field: fld("name"), Negate: true, Op: OpLike, Value: "*3"}},
		{"a", "not.isdistinct.1", Filter{Field: fld("a"), Negate: true, Op: OpIsDistinct, Value: "1"}},
		{"a", "not.like(all).{a*,*b}", Filter{Field: fld("a"), Negate: true, Op: OpLike, Modifier: ModAll, Value: "{a*,*b}", List: []string{"a*", "*b"}}},

		// any/all: the operand is an array literal.
		{"name", "like(any).{O*,P*}", Filter{Field: fld("name"), Op: OpLike, Modifier: ModAny, Value: "{O*,P*}", List: []string{"O*", "P*"}}},
		{"name", "ilike(all).{%a%,%b%}", Filter{Field: fld("name"), Op: OpILike, Modifier: ModAll, Value: "{%a%,%b%}", List: []string{"%a%", "%b%"}}},
		{"id", "gt(all).{3,4}", Filter{Field: fld("id"), Op: OpGt, Modifier: ModAll, Value: "{3,4}", List: []string{"3", "4"}}},
		{"id", "eq(any).{}", Filter{Field: fld("id"), Op: OpEq, Modifier: ModAny, Value: "{}", List: []string{}}},
		{"id", "gte(any).{1}", Filter{Field: fld("id"), Op: OpGte, Modifier: ModAny, Value: "{1}", List: []string{"1"}}},
		{"id", "lt(any).{1}", Filter{Field: fld("id"), Op: OpLt, Modifier: ModAny, Value: "{1}", List: []string{"1"}}},
		{"id", "lte(all).{1}", Filter{Field: fld("id"), Op: OpLte, Modifier: ModAll, Value: "{1}", List: []string{"1"}}},
		{"n", "match(any).{^a,b$}", Filter{Field: fld("n"), Op: OpMatch, Modifier: ModAny, Value: "{^a,b$}", List: []string{"^a", "b$"}}},
		{"n", "imatch(all).{a}", Filter{Field: fld("n"), Op: OpIMatch, Modifier: ModAll, Value: "{a}", List: []string{"a"}}},
		{"n", `eq(any).{"a b","c,d","x\"y"}`, Filter{Field: fld("n"), Op: OpEq, Modifier: ModAny, Value: `{"a b","c,d","x\"y"}`, List: []string{"a b", "c,d", `x"y`}}},

		// in-lists: quoting and whitespace (§1.3).
		{"id", "in.()", Filter{Field: fld("id"), Op: OpIn, List: []string{}}},
		{"id", "in.(   )", Filter{Field: fld("id"), Op: OpIn, List: []string{}}},
		{"id", `in.("")`, Filter{Field: fld("id"), Op: OpIn, List: []string{""}}},
		{"id", "in.( ,3)", Filter{Field: fld("id"), Op: OpIn, List: []string{"", "3"}}},
		{"id", "in.(1, 2)", Filter{Field: fld("id"), Op: OpIn, List: []string{"1", " 2"}}},
		{"id", "in.( 1 , 2 )", Filter{Field: fld("id"), Op: OpIn, List: []string{"1 ", " 2"}}},
		{"n", `in.(a,"b,c")`, Filter{Field: fld("n"), Op: OpIn, List: []string{"a", "b,c"}}},
		{"n", `in.("a(b)","c.d")`, Filter{Field: fld("n"), Op: OpIn, List: []string{"a(b)", "c.d"}}},
		{"n", `in.("x\"y","a\\b")`, Filter{Field: fld("n"), Op: OpIn, List: []string{`x"y`, `a\b`}}},
		{"n", `in.("Hebdon, John","Doe, Jane")`, Filter{Field: fld("n"), Op: OpIn, List: []string{"Hebdon, John", "Doe, Jane"}}},
		{"n", `in.("a", "b")`, Filter{Field: fld("n"), Op: OpIn, List: []string{"a", ` "b"`}}},
		{"n", `in.("a" ,b)`, Filter{Field: fld("n"), Op: OpIn, List: []string{`"a" `, "b"}}},
		{"n", `in.("a" )`, Filter{Field: fld("n"), Op: OpIn, List: []string{"a"}}},
		{"n", `in.("a"b,c")`, Filter{Field: fld("n"), Op: OpIn, List: []string{`"a"b`, `c"`}}},
		{"n", `in.(\)`, Filter{Field: fld("n"), Op: OpIn, List: []string{`\`}}},
		{"n", `in.(")`, Filter{Field: fld("n"), Op: OpIn, List: []string{`"`}}},
		{"n", `in.(a.b,c:d,*)`, Filter{Field: fld("n"), Op: OpIn, List: []string{"a.b", "c:d", "*"}}},
		{"n", `in. (a)`, Filter{Field: fld("n"), Op: OpIn, List: []string{"a"}}},
		{"n", `in.(a) `, Filter{Field: fld("n"), Op: OpIn, List: []string{"a"}}},
		{"n", `in.(a b,c)`, Filter{Field: fld("n"), Op: OpIn, List: []string{"a b", "c"}}},

		// Keys: JSON paths, quoted names, identifier characters.
		{"custom_fields->>shopify_order_id", "eq.68297797", Filter{Field: fld("custom_fields", arrow2("shopify_order_id")), Op: OpEq, Value: "68297797"}},
		{"custom_fields->items_count", "gt.2", Filter{Field: fld("custom_fields", arrow("items_count")), Op: OpGt, Value: "2"}},
		{"data->a->0->>b", "eq.x", Filter{Field: fld("data", arrow("a"), arrow("0"), arrow2("b")), Op: OpEq, Value: "x"}},
		{"data->-1", "eq.1", Filter{Field: fld("data", arrow("-1")), Op: OpEq, Value: "1"}},
		{`data->"0"`, "eq.1", Filter{Field: fld("data", JSONStep{Key: "0"}), Op: OpEq, Value: "1"}},
		{`data->"a.b"`, "eq.1", Filter{Field: fld("data", JSONStep{Key: "a.b"}), Op: OpEq, Value: "1"}},
		{"data->!@#$%^&*_a", "eq.1", Filter{Field: fld("data", arrow("!@#$%^&*_a")), Op: OpEq, Value: "1"}},
		{"data->a-b", "eq.1", Filter{Field: fld("data", arrow("a-b")), Op: OpEq, Value: "1"}},
		{"data->1a", "eq.1", Filter{Field: fld("data", arrow("1a")), Op: OpEq, Value: "1"}},
		{`"a.dotted.col"`, "eq.1", Filter{Field: fld("a.dotted.col"), Op: OpEq, Value: "1"}},
		{`"*id*"`, "eq.1", Filter{Field: fld("*id*"), Op: OpEq, Value: "1"}},
		{`"x\"y"`, "eq.1", Filter{Field: fld(`x"y`), Op: OpEq, Value: "1"}},
		{"first name", "eq.1", Filter{Field: fld("first name"), Op: OpEq, Value: "1"}},
		{"col-with-dashes", "eq.1", Filter{Field: fld("col-with-dashes"), Op: OpEq, Value: "1"}},
		{"$x_1", "eq.1", Filter{Field: fld("$x_1"), Op: OpEq, Value: "1"}},
		{"123", "eq.1", Filter{Field: fld("123"), Op: OpEq, Value: "1"}},
		{"prénom", "eq.1", Filter{Field: fld("prénom"), Op: OpEq, Value: "1"}},
		{"not", "eq.1", Filter{Field: fld("not"), Op: OpEq, Value: "1"}},
		{"select2", "eq.1", Filter{Field: fld("select2"), Op: OpEq, Value: "1"}},
	}
	for _, tt := range tests {
		in := tt.key + "=" + tt.value
		q, err := Parse([]Param{{tt.key, tt.value}})
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		checkEqual(t, in, q.Where, []Cond{leaf(tt.want)})
	}
}

func TestParseFilterErrors(t *testing.T) {
	tests := []struct {
		key, value  string
		status      int
		errContains string
	}{
		{"id", "5", 400, `"failed to parse filter (5)" (line 1, column 1) | unexpected "5" expecting "not" or operator (eq, gt, ...)`},
		{"id", "noop.5", 400, `unexpected "noop" expecting "not" or operator (eq, gt, ...)`},
		{"id", "", 400, `unexpected end of input expecting "not" or operator`},
		{"id", "EQ.5", 400, `unexpected "EQ"`},
		{"id", "not.5", 400, `unexpected "5" expecting operator (eq, gt, ...)`},
		{"id", "not.not.eq.5", 400, `unexpected "not" expecting operator`},
		{"id", "eq", 400, `unexpected end of input expecting "(" or delimiter (.)`},
		{"id", "eq,5", 400, `unexpected "," expecting "(" or delimiter (.)`},
		{"id", "neq(any).{1}", 400, `unexpected "(" expecting delimiter (.)`},
		{"id", "in.(1,2", 400, `unexpected end of input expecting "," or ")"`},
		{"id", "in.1,2", 400, `unexpected "1" expecting "("`},
		{"id", "in.(1,2)x", 400, `unexpected "x" expecting end of input`},
		{"id", "in(any).(1)", 400, `expecting delimiter (.)`},
		{"id", "is.nil", 400, `unexpected "nil" expecting null, not_null, true, false or unknown`},
		{"id", "is.nullx", 400, `unexpected "nullx" expecting null, not_null`},
		{"id", "is.null.x", 400, `unexpected "." expecting end of input`},
		{"id", "is.", 400, `unexpected end of input expecting null`},
		{"id", "is(any).null", 400, `expecting delimiter (.)`},
		{"id", "eq(some).{1}", 400, `unexpected "s" expecting "any" or "all"`},
		{"id", "eq(any.{1}", 400, `expecting ")"`},
		{"id", "eq(any).1", 400, `Array value must start with "{"`},
		{"id", "eq(any).{1", 400, `Unexpected end of input.`},
		{"id", "eq(any).{NULL}", 400, `NULL elements in array literals are not supported`},
		{"id", "fts().x", 400, `expecting text search configuration`},
		{"id", "fts(english.x", 400, `expecting ")"`},
		{"id", "fts(any)x", 400, `expecting "(" or delimiter (.)`},
		{"", "eq.1", 400, `failed to parse tree path ()" (line 1, column 1) | unexpected end of input expecting field name`},
		{"id)", "eq.1", 400, `unexpected ")" expecting "->", "->>", delimiter (.) or end of input`},
		{"a..b", "eq.1", 400, `failed to parse tree path (a..b)`},
		{"a.", "eq.1", 400, `unexpected end of input expecting field name`},
		{`"unterminated`, "eq.1", 400, `unexpected end of input expecting "\""`},
		{"data->", "eq.1", 400, `expecting JSON key`},
		{"data->>-78xy", "eq.1", 400, `unexpected "x" expecting digit, "->", "::", ".", "," or end of input`},
		{"data->>--34", "eq.1", 400, `unexpected "-" expecting digit`},
		{"data->99999999999999999999", "eq.1", 400, `array index 99999999999999999999 is out of range`},
		{"a-", "eq.1", 400, `expecting field name`},
		{"id", "in.(" + strings.Repeat("1,", MaxListElements) + "1)", 400, "at most 1000 elements"},
		{"a.b.c.d.e.f", "eq.1", 400, "an embed path may have at most 4 levels"},
		{`"a.b".c`, "eq.1", 400, `may not contain "."`},
	}
	for _, tt := range tests {
		in := tt.key + "=" + tt.value
		_, err := Parse([]Param{{tt.key, tt.value}})
		checkErr(t, in, err, tt.status, tt.errContains)
	}
}

func TestParseFilterErrorShape(t *testing.T) {
	_, err := Parse(params("id", "noop.5"))
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("got %T, want *Error", err)
	}
	if e.Status != 400 || e.Code != "PGRST100" || e.Hint != nil || e.Details == nil {
		t.Errorf("got %+v", e)
	}
	if want := `"failed to parse filter (noop.5)" (line 1, column 1)`; e.Message != want {
		t.Errorf("message %q, want %q", e.Message, want)
	}
	if got, want := e.Error(), `PGRST100: "failed to parse filter (noop.5)" (line 1, column 1) (unexpected "noop" expecting "not" or operator (eq, gt, ...))`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
