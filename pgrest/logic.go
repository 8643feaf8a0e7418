package pgrest

import (
	"strconv"
	"strings"
)

// parseLogicTree parses the value of an or=/and= parameter. op is the
// connective from the key ("or", "and", "not.or", "not.and"); as in
// PostgREST it is put in front of the value, so "(a.eq.1,b.eq.2)" is read as
// "or(a.eq.1,b.eq.2)", and error columns count from there.
//
// Text after the closing parenthesis is ignored: PostgREST accepts
// and=(id.eq.1)) and so do we.
func parseLogicTree(op, value string) (Cond, *Error) {
	s := &scanner{what: "logic tree", src: op + value, shown: value}
	return s.logicGroup(1)
}

// logicGroup reads ['not.'] ('and'|'or') '(' elem {',' elem} ')'.
func (s *scanner) logicGroup(depth int) (Cond, *Error) {
	if depth > MaxLogicDepth {
		return Cond{}, s.failMsg(s.pos, "logic trees may nest at most "+strconv.Itoa(MaxLogicDepth)+" levels deep")
	}
	var c Cond
	if s.hasPrefix("not.") {
		c.Negate = true
		s.pos += len("not.")
	}
	switch {
	case s.hasPrefix("and"):
		c.Logic = LogicAnd
		s.pos += len("and")
	case s.hasPrefix("or"):
		c.Logic = LogicOr
		s.pos += len("or")
	default:
		return Cond{}, s.fail("logic operator (and, or)")
	}
	s.skipWS()
	if s.peek() != '(' {
		return Cond{}, s.fail(`"("`)
	}
	s.pos++
	for {
		s.skipWS()
		child, err := s.logicElem(depth)
		if err != nil {
			return Cond{}, err
		}
		c.Children = append(c.Children, child)
		s.skipWS()
		switch s.peek() {
		case ',':
			s.pos++
		case ')':
			s.pos++
			return c, nil
		default:
			return Cond{}, s.fail(`","`, `")"`)
		}
	}
}

// logicElem reads one element of a group: a nested group or a filter
// field[jsonPath].[not.]op[(mod)].value.
func (s *scanner) logicElem(depth int) (Cond, *Error) {
	if groupStarts(s.src[s.pos:]) {
		return s.logicGroup(depth + 1)
	}
	switch s.peek() {
	case 0, ',', ')':
		return Cond{}, s.fail(expFieldName, "negation operator (not)", "logic operator (and, or)")
	}
	fld, err := s.field()
	if err != nil {
		return Cond{}, err
	}
	s.skipWS()
	if s.peek() != '.' {
		return Cond{}, s.fail(`"->"`, `"->>"`, expDelimiter)
	}
	s.pos++
	f := &Filter{Field: fld}
	if err := s.opExpr(f, true); err != nil {
		return Cond{}, err
	}
	return Cond{Filter: f}, nil
}

// groupStarts reports whether src starts with a nested group:
// ['not.'] ('and'|'or') whitespace* '('. Anything else is a filter, so a
// column named "and" or "not" can still be filtered on (and.eq.1).
func groupStarts(src string) bool {
	src = strings.TrimPrefix(src, "not.")
	switch {
	case strings.HasPrefix(src, "and"):
		src = src[len("and"):]
	case strings.HasPrefix(src, "or"):
		src = src[len("or"):]
	default:
		return false
	}
	return strings.HasPrefix(strings.TrimLeft(src, " \t"), "(")
}
