package pgrest

import (
	"strings"
	"testing"
)

func eq(name, v string) Cond { return leaf(Filter{Field: fld(name), Op: OpEq, Value: v}) }

func TestParseLogic(t *testing.T) {
	tests := []struct {
		key, value string
		want       Cond
	}{
		{"or", "(id.eq.1,id.eq.2)", or(eq("id", "1"), eq("id", "2"))},
		{"and", "(id.eq.1)", and(eq("id", "1"))},
		{"not.or", "(id.eq.1,id.eq.2)", not(or(eq("id", "1"), eq("id", "2")))},
		{"not.and", "(a.eq.1,b.eq.2)", not(and(eq("a", "1"), eq("b", "2")))},
		// The examples of postgrest.md §1.5.
		{"or", "(age.eq.14,not.and(age.gte.11,age.lte.17))", or(
			eq("age", "14"),
			not(and(
				leaf(Filter{Field: fld("age"), Op: OpGte, Value: "11"}),
				leaf(Filter{Field: fld("age"), Op: OpLte, Value: "17"}),
			)),
		)},
		{"or", `(name.eq."a,b",name.like."*ity,4*")`, or(
			eq("name", "a,b"),
			leaf(Filter{Field: fld("name"), Op: OpLike, Value: "*ity,4*"}),
		)},
		{"or", "(arr.cs.{1,2,3},arr.cd.{1})", or(
			leaf(Filter{Field: fld("arr"), Op: OpCs, Value: "{1,2,3}"}),
			leaf(Filter{Field: fld("arr"), Op: OpCd, Value: "{1}"}),
		)},
		{"or", "(id.in.(1,2),id.in.(3,4))", or(
			leaf(Filter{Field: fld("id"), Op: OpIn, List: []string{"1", "2"}}),
			leaf(Filter{Field: fld("id"), Op: OpIn, List: []string{"3", "4"}}),
		)},
		{"and", "( and ( id.in.( 1, 2 ) , id.eq.3 ) , or ( id.eq.2 , id.eq.3 ) )", and(
			and(leaf(Filter{Field: fld("id"), Op: OpIn, List: []string{"1", " 2"}}), eq("id", "3")),
			or(eq("id", "2"), eq("id", "3")),
		)},
		{"and", "(id.eq.1))", and(eq("id", "1"))},
		{"or", "(id.eq.1)junk,x.eq.2", or(eq("id", "1"))},
		// From PostgREST's AndOrParamsSpec.
		{"or", "(and(name.eq.entity 2,id.eq.2),and(name.eq.entity 1,id.eq.1))", or(
			and(eq("name", "entity 2"), eq("id", "2")),
			and(eq("name", "entity 1"), eq("id", "1")),
		)},
		{"or", "(not.and(name.eq.entity 2,id.eq.2),not.and(name.eq.entity 1,id.eq.1))", or(
			not(and(eq("name", "entity 2"), eq("id", "2"))),
			not(and(eq("name", "entity 1"), eq("id", "1"))),
		)},
		{"and", "(arr.not.cs.{1,2,3},and(id.not.eq.2,name.not.like.*3))", and(
			leaf(Filter{Field: fld("arr"), Negate: true, Op: OpCs, Value: "{1,2,3}"}),
			and(
				leaf(Filter{Field: fld("id"), Negate: true, Op: OpEq, Value: "2"}),
				leaf(Filter{Field: fld("name"), Negate: true, Op: OpLike, Value: "*3"}),
			),
		)},
		{"and", "(id.not.in.(1,3),and(name.not.is.null,tsv.not.fts.foo))", and(
			leaf(Filter{Field: fld("id"), Negate: true, Op: OpIn, List: []string{"1", "3"}}),
			and(
				leaf(Filter{Field: fld("name"), Negate: true, Op: OpIs, Value: IsNull}),
				leaf(Filter{Field: fld("tsv"), Negate: true, Op: OpFts, Value: "foo"}),
			),
		)},
		{"or", "(tsv.plfts(german).Art Spass, tsv.plfts(french).amusant impossible, tsv.fts(english).impossible)", or(
			leaf(Filter{Field: fld("tsv"), Op: OpPlFts, FTSConfig: "german", Value: "Art Spass"}),
			leaf(Filter{Field: fld("tsv"), Op: OpPlFts, FTSConfig: "french", Value: "amusant impossible"}),
			leaf(Filter{Field: fld("tsv"), Op: OpFts, FTSConfig: "english", Value: "impossible"}),
		)},
		{"and", "(id.gte.2,arr.isdistinct.{1,2})", and(
			leaf(Filter{Field: fld("id"), Op: OpGte, Value: "2"}),
			leaf(Filter{Field: fld("arr"), Op: OpIsDistinct, Value: "{1,2}"}),
		)},
		{"or", `(id.in.("1","2"),name.eq."(grandchild,entity,4)")`, or(
			leaf(Filter{Field: fld("id"), Op: OpIn, List: []string{"1", "2"}}),
			eq("name", "(grandchild,entity,4)"),
		)},
		{"or", `(name.ilike."*ITY,5)")`, or(leaf(Filter{Field: fld("name"), Op: OpILike, Value: "*ITY,5)"}))},
		{"and", "( id.eq.1, not.or(id.eq.2, id.eq.3), id.in.(1,4), or(id.eq.1, id.eq.4) )", and(
			eq("id", "1"),
			not(or(eq("id", "2"), eq("id", "3"))),
			leaf(Filter{Field: fld("id"), Op: OpIn, List: []string{"1", "4"}}),
			or(eq("id", "1"), eq("id", "4")),
		)},
		// Tree value rules.
		{"or", `(a.eq."x\"y",b.eq."")`, or(eq("a", `x"y`), eq("b", ""))},
		{"or", `(a.eq."x"y,b.eq.2)`, or(eq("a", `"x"y`), eq("b", "2"))},
		{"or", "(a.eq.{a,b},b.eq.{)", or(eq("a", "{a,b}"), eq("b", "{"))},
		{"or", "(a.eq.{x{y},b.eq.1)", or(eq("a", "{x{y}"), eq("b", "1"))},
		{"or", "(a.eq.,b.eq.)", or(eq("a", ""), eq("b", ""))},
		{"or", "(a.eq.x )", or(eq("a", "x"))},
		{"or", `(a.eq."x)`, or(eq("a", `"x`))},
		{"or", "(a.eq. x)", or(eq("a", " x"))},
		{"or", "(a.like(any).{x*,y*})", or(leaf(Filter{Field: fld("a"), Op: OpLike, Modifier: ModAny, Value: "{x*,y*}", List: []string{"x*", "y*"}}))},
		{"or", "(a.is.NULL ,b.is.true)", or(
			leaf(Filter{Field: fld("a"), Op: OpIs, Value: IsNull}),
			leaf(Filter{Field: fld("b"), Op: OpIs, Value: IsTrue}),
		)},
		{"or", "(data->>a.eq.1,data->0.gt.2)", or(
			leaf(Filter{Field: fld("data", arrow2("a")), Op: OpEq, Value: "1"}),
			leaf(Filter{Field: fld("data", arrow("0")), Op: OpGt, Value: "2"}),
		)},
		{"or", `("a.b".eq.1,and.eq.2,not.eq.3,or .eq.4)`, or(eq("a.b", "1"), eq("and", "2"), eq("not", "3"), eq("or", "4"))},
		{"or", "(ordinal.eq.1,android.eq.2)", or(eq("ordinal", "1"), eq("android", "2"))},
	}
	for _, tt := range tests {
		in := tt.key + "=" + tt.value
		q, err := Parse([]Param{{tt.key, tt.value}})
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		checkEqual(t, in, q.Where, []Cond{tt.want})
	}
}

func TestParseLogicErrors(t *testing.T) {
	deep := "(" + strings.Repeat("or(", MaxLogicDepth) + "a.eq.1" + strings.Repeat(")", MaxLogicDepth) + ")"
	tests := []struct {
		key, value  string
		errContains string
	}{
		{"or", "()", `"failed to parse logic tree (())" (line 1, column 4) | unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)`},
		{"or", "", `unexpected end of input expecting "("`},
		{"or", "id.eq.1", `unexpected "i" expecting "("`},
		{"or", "(id.in.1,2,id.eq.3)", `unexpected "1" expecting "("`},
		{"or", ")(", `unexpected ")" expecting "("`},
		{"or", "(id.eq.1", `unexpected end of input expecting "," or ")"`},
		{"or", "(id.eq.1,)", `unexpected ")" expecting field name`},
		{"or", "(,id.eq.1)", `unexpected "," expecting field name`},
		{"and", "(ord(id.eq.1),id.eq.2)", `unexpected "(" expecting "->", "->>" or delimiter (.)`},
		{"or", "(id.eq.1,not.xor(id.eq.2))", `unexpected "xor" expecting "not" or operator (eq, gt, ...)`},
		{"or", "(id.noop.1)", `unexpected "noop" expecting "not" or operator`},
		{"or", "(id)", `unexpected ")" expecting "->", "->>" or delimiter (.)`},
		{"or", "(a.eq.{1,2}x)", `unexpected "x" expecting "," or ")"`},
		{"or", "(a.in.(1,2)x)", `unexpected "x" expecting "," or ")"`},
		{"or", "(a.is.nope)", `unexpected "nope" expecting null`},
		{"or", "(a.eq(any).x)", `Array value must start with "{"`},
		{"or", deep, "logic trees may nest at most 32 levels deep"},
		{"x.not.or", "()", "failed to parse logic tree (())"},
		{"a..or", "(a.eq.1)", `failed to parse logic path (a..or)`},
	}
	for _, tt := range tests {
		in := tt.key + "=" + tt.value
		_, err := Parse([]Param{{tt.key, tt.value}})
		checkErr(t, in, err, 400, tt.errContains)
	}
}

func TestParseLogicDepthLimit(t *testing.T) {
	ok := "(" + strings.Repeat("or(", MaxLogicDepth-1) + "a.eq.1" + strings.Repeat(")", MaxLogicDepth-1) + ")"
	if _, err := Parse(params("or", ok)); err != nil {
		t.Fatalf("depth %d: %v", MaxLogicDepth, err)
	}
}
