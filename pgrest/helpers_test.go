package pgrest

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// Builders that keep the want values of the tables short.

func fld(name string, steps ...JSONStep) Field { return Field{Name: name, JSONPath: steps} }

// arrow is a -> step; arrow2 a ->> step. An unquoted integer becomes an index.
func arrow(k string) JSONStep  { return step(k, false) }
func arrow2(k string) JSONStep { return step(k, true) }

func step(k string, text bool) JSONStep {
	s := JSONStep{Key: k, Text: text}
	digits := strings.TrimPrefix(k, "-")
	if allDigits(digits) {
		n := 0
		for _, c := range digits {
			n = n*10 + int(c-'0')
		}
		if digits != k {
			n = -n
		}
		s.Index = &n
	}
	return s
}

func leaf(f Filter) Cond          { return Cond{Filter: &f} }
func and(cs ...Cond) Cond         { return Cond{Logic: LogicAnd, Children: cs} }
func or(cs ...Cond) Cond          { return Cond{Logic: LogicOr, Children: cs} }
func not(c Cond) Cond             { c.Negate = true; return c }
func i64(n int64) *int64          { return &n }
func col(name string) SelectItem  { return SelectItem{Field: fld(name)} }
func star() SelectItem            { return SelectItem{Star: true} }
func emb(e Embed) SelectItem      { return SelectItem{Embed: &e} }
func params(kv ...string) []Param { return pairs(kv) }

func pairs(kv []string) []Param {
	var ps []Param
	for i := 0; i+1 < len(kv); i += 2 {
		ps = append(ps, Param{Key: kv[i], Value: kv[i+1]})
	}
	return ps
}

// MustParse parses the parameters or fails the test.
func MustParse(t *testing.T, ps ...Param) *Query {
	t.Helper()
	q, err := Parse(ps)
	if err != nil {
		t.Fatalf("Parse(%q): %v", ps, err)
	}
	return q
}

// checkEqual fails the test with both values as JSON when they differ.
func checkEqual(t *testing.T, in string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("%s:\n got %s\nwant %s", in, g, w)
	}
}

// checkErr fails the test unless err is an *Error of the given status whose
// message or details contain want.
func checkErr(t *testing.T, in string, err error, status int, want string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want one containing %q", in, want)
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: error %T %v is not *Error", in, err, err)
		return
	}
	text := e.Message
	if e.Details != nil {
		text += " | " + *e.Details
	}
	if e.Status != status || !strings.Contains(text, want) {
		t.Errorf("%s: got %d %s %q, want %d containing %q", in, e.Status, e.Code, text, status, want)
	}
}
