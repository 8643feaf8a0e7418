package pgrest

import (
	"strconv"
	"unicode/utf8"

	"github.com/connectgain/server/crm"
)

// MaxOrderTerms bounds the terms of one order= (SQLite refuses more than
// 2,000 ORDER BY terms, and no sort needs more than a few).
const MaxOrderTerms = 50

// parseOrder parses the value of order=: terms separated by commas, at
// most MaxOrderTerms of them (else 400 PGRST100).
func parseOrder(value string) ([]OrderTerm, *Error) {
	s := newScanner("order", value)
	var terms []OrderTerm
	for {
		if len(terms) == MaxOrderTerms {
			return nil, &Error{Status: 400, Code: crm.PGRSTParse, Message: "order has too many terms",
				Details: ptr("order= may sort by at most " + strconv.Itoa(MaxOrderTerms) + " terms (MaxOrderTerms)"),
				Hint:    ptr("sort by fewer columns; terms after the first few rarely change the order")}
		}
		s.skipWS()
		t, err := s.orderTerm()
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
		s.skipWS()
		switch {
		case s.eof():
			return terms, nil
		case s.peek() == ',':
			s.pos++
		default:
			// Single quotes, as parsec words this one.
			r, _ := utf8.DecodeRuneInString(s.src[s.pos:])
			return nil, s.failAt(s.pos, "'"+string(r)+"'", `","`, expEnd)
		}
	}
}

// orderTerm reads field[jsonPath] or rel(field[jsonPath]), then optional
// ".asc"/".desc" and ".nullsfirst"/".nullslast", in that order.
func (s *scanner) orderTerm() (OrderTerm, *Error) {
	var t OrderTerm
	name, err := s.fieldName()
	if err != nil {
		return t, err
	}
	if s.peek() == '(' {
		s.pos++
		s.skipWS()
		t.Relation = name
		if t.Field, err = s.field(); err != nil {
			return t, err
		}
		s.skipWS()
		if s.peek() != ')' {
			return t, s.fail(`"->"`, `"->>"`, `")"`)
		}
		s.pos++
	} else {
		path, err := s.jsonPath()
		if err != nil {
			return t, err
		}
		t.Field = Field{Name: name, JSONPath: path}
	}
	s.skipWS()
	dir, nulls := false, false
	for s.peek() == '.' && !nulls {
		s.pos++
		switch {
		case !dir && s.hasPrefix("asc"):
			s.pos += len("asc")
			dir = true
		case !dir && s.hasPrefix("desc"):
			s.pos += len("desc")
			t.Desc, dir = true, true
		case s.hasPrefix("nullsfirst"):
			s.pos += len("nullsfirst")
			t.Nulls, nulls = NullsFirst, true
		case s.hasPrefix("nullslast"):
			s.pos += len("nullslast")
			t.Nulls, nulls = NullsLast, true
		case dir:
			return t, s.fail(`"nullsfirst"`, `"nullslast"`)
		default:
			return t, s.fail(`"asc"`, `"desc"`, `"nullsfirst"`, `"nullslast"`)
		}
	}
	return t, nil
}
