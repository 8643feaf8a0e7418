package pgrest

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseArrayLiteral(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"{}", []string{}},
		{" { } ", []string{}},
		{"{a}", []string{"a"}},
		{"{a,b,c}", []string{"a", "b", "c"}},
		{`{a,"b c","x\"y"}`, []string{"a", "b c", `x"y`}},
		{`{"a,b","(c)","{d}"}`, []string{"a,b", "(c)", "{d}"}},
		{"{ a , b }", []string{"a", "b"}},
		{"{a b,c}", []string{"a b", "c"}},
		{`{a\,b,c\}}`, []string{"a,b", "c}"}},
		{`{a\ }`, []string{"a "}},
		{`{""}`, []string{""}},
		{`{"NULL",null2}`, []string{"NULL", "null2"}},
		{`{\NULL}`, []string{"NULL"}},
		{"{+2010}", []string{"+2010"}},
		{`{"+20 101 717 7777"}`, []string{"+20 101 717 7777"}},
		{"{O*,P*}", []string{"O*", "P*"}},
		{"{é,ü}", []string{"é", "ü"}},
		{"{1,2,3}", []string{"1", "2", "3"}},
	}
	for _, tt := range tests {
		got, err := ParseArrayLiteral(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		checkEqual(t, tt.in, got, tt.want)
	}
}

func TestParseArrayLiteralErrors(t *testing.T) {
	tests := []struct {
		in, code, errContains string
	}{
		{"", "22P02", `malformed array literal: "" | Array value must start with "{" or dimension information.`},
		{"a,b", "22P02", `Array value must start with "{"`},
		{"{", "22P02", "Unexpected end of input."},
		{"{a", "22P02", "Unexpected end of input."},
		{`{"a`, "22P02", "Unexpected end of input."},
		{`{a\`, "22P02", "Unexpected end of input."},
		{"{a,}", "22P02", `Unexpected "}" character.`},
		{"{,a}", "22P02", `Unexpected "," character.`},
		{"{a,,b}", "22P02", `Unexpected "," character.`},
		{`{a"b"}`, "22P02", `Unexpected """ character.`},
		{`{"a"b}`, "22P02", "Unexpected array element."},
		{"{a}x", "22P02", "Junk after closing right brace."},
		{"{a{b}", "22P02", `Unexpected "{" character.`},
		{"{{1,2},{3,4}}", "PGRST127", "nested arrays in array literals are not supported"},
		{"[1:2]={1,2}", "PGRST127", "dimension decorations"},
		{"{NULL}", "PGRST127", "NULL elements"},
		{"{a, null }", "PGRST127", "NULL elements"},
		{"{" + strings.Repeat("a,", MaxListElements) + "a}", "PGRST100", "at most 1000 elements"},
	}
	for _, tt := range tests {
		_, err := ParseArrayLiteral(tt.in)
		checkErr(t, tt.in, err, 400, tt.errContains)
		if e, ok := err.(*Error); ok && e.Code != tt.code {
			t.Errorf("%s: code %s, want %s", tt.in, e.Code, tt.code)
		}
	}
}

func TestParseArrayOperand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`{"+201017177777"}`, []string{"+201017177777"}},
		{`{a,b}`, []string{"a", "b"}},
		{`{}`, []string{}},
		{`"+201017177777"`, []string{"+201017177777"}},
		{`+201017177777`, []string{"+201017177777"}},
		{`"sara@example.com"`, []string{"sara@example.com"}},
		{` sara@example.com `, []string{"sara@example.com"}},
		{`"a,b"`, []string{"a,b"}},
		{`"x\"y"`, []string{`x"y`}},
		{`"NULL"`, []string{"NULL"}},
		{`+20 101 717 7777`, []string{"+20 101 717 7777"}},
	}
	for _, tt := range tests {
		got, err := ParseArrayOperand(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		checkEqual(t, tt.in, got, tt.want)
	}
	bad := []struct{ in, code string }{
		{``, "22P02"},
		{`a,b`, "22P02"},
		{`"a","b"`, "22P02"},
		{`"a`, "22P02"},
		{`a"b`, "22P02"},
		{`a}`, "22P02"},
		{`NULL`, "PGRST127"},
	}
	for _, tt := range bad {
		_, err := ParseArrayOperand(tt.in)
		e, ok := err.(*Error)
		if !ok || e.Code != tt.code || e.Hint == nil || !strings.Contains(*e.Hint, "%7B") {
			t.Errorf("%q: got %v, want %s with the curl hint", tt.in, err, tt.code)
			continue
		}
		if e.Code == "22P02" && !strings.Contains(e.Message, strconv.Quote(tt.in)) {
			t.Errorf("%q: message %q does not quote the operand as sent", tt.in, e.Message)
		}
	}
}
