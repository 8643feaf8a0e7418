package pgrest

import (
	"strconv"
	"strings"

	"github.com/connectgain/server/crm"
)

// opKind groups the operators by the syntax that may follow them.
type opKind int

const (
	kindSimple opKind = iota // op.value
	kindQuant                // op[(any|all)].value
	kindFTS                  // op[(config)].value
	kindIn                   // in.(list)
	kindIs                   // is.keyword
)

var operators = map[string]opKind{
	"eq": kindQuant, "gt": kindQuant, "gte": kindQuant, "lt": kindQuant, "lte": kindQuant,
	"like": kindQuant, "ilike": kindQuant, "match": kindQuant, "imatch": kindQuant,
	"neq": kindSimple, "isdistinct": kindSimple,
	"cs": kindSimple, "cd": kindSimple, "ov": kindSimple,
	"sl": kindSimple, "sr": kindSimple, "nxr": kindSimple, "nxl": kindSimple, "adj": kindSimple,
	"fts": kindFTS, "plfts": kindFTS, "phfts": kindFTS, "wfts": kindFTS,
	"in": kindIn,
	"is": kindIs,
}

var isValues = map[string]string{
	"null": IsNull, "not_null": IsNotNull, "true": IsTrue, "false": IsFalse, "unknown": IsUnknown,
}

// parseFilter parses the value of a filter parameter (eq.5, not.in.(1,2), …)
// into f, whose Field the caller has set. The operand is the rest of the
// string, verbatim.
func parseFilter(value string, f *Filter) *Error {
	s := newScanner("filter", value)
	return s.opExpr(f, false)
}

// opExpr reads ['not.'] op ['(' modifier ')'] '.' operand. In a logic tree
// (tree true) the operand follows the tree value rules and the cursor stops
// after it; at the top level the operand is the rest of the input.
func (s *scanner) opExpr(f *Filter, tree bool) *Error {
	kind, err := s.operator(f)
	if err != nil {
		return err
	}
	switch kind {
	case kindIn:
		return s.inOperand(f, tree)
	case kindIs:
		return s.isOperand(f, tree)
	case kindFTS:
		err = s.ftsConfig(f)
	case kindQuant:
		err = s.quantifier(f)
	}
	if err != nil {
		return err
	}
	return s.valueOperand(f, kind, tree)
}

// operator reads ['not.'] op into f.Negate and f.Op and returns the kind
// of op.
func (s *scanner) operator(f *Filter) (opKind, *Error) {
	expOp := []string{`"not"`, "operator (eq, gt, ...)"}
	if s.hasPrefix("not.") {
		f.Negate = true
		s.pos += len("not.")
		expOp = expOp[1:]
	}
	start := s.pos
	w := s.word()
	kind, ok := operators[w]
	if !ok {
		return 0, s.failAt(start, s.unexpectedWord(start, w), expOp...)
	}
	f.Op = Operator(w)
	return kind, nil
}

// unexpectedWord names what an error found at start: the word w read
// there, or the character at start when w is empty.
func (s *scanner) unexpectedWord(start int, w string) string {
	if w != "" {
		return strconv.Quote(w)
	}
	return quoteRuneAt(s.src, start)
}

// inOperand reads the ".(list)" of in into f.List.
func (s *scanner) inOperand(f *Filter, tree bool) *Error {
	if err := s.delimiter(); err != nil {
		return err
	}
	list, err := s.inList()
	if err != nil {
		return err
	}
	f.List = list
	return s.endOfOperand(tree)
}

// isOperand reads the ".keyword" of is (null, not_null, true, false,
// unknown; any case) into f.Value.
func (s *scanner) isOperand(f *Filter, tree bool) *Error {
	if err := s.delimiter(); err != nil {
		return err
	}
	start := s.pos
	for isLetter(s.peek()) || s.peek() == '_' {
		s.pos++
	}
	w := s.src[start:s.pos]
	v, ok := isValues[strings.ToLower(w)]
	if !ok {
		return s.failAt(start, s.unexpectedWord(start, w), "null, not_null, true, false or unknown")
	}
	f.Value = v
	return s.endOfOperand(tree)
}

// ftsConfig reads the optional "(config)" of a text search operator into
// f.FTSConfig.
func (s *scanner) ftsConfig(f *Filter) *Error {
	if s.peek() != '(' {
		return nil
	}
	s.pos++
	cfg := s.identRun()
	if cfg == "" {
		return s.fail("text search configuration")
	}
	if err := s.closeParen(); err != nil {
		return err
	}
	f.FTSConfig = cfg
	return nil
}

// quantifier reads the optional "(any)" or "(all)" of a comparison into
// f.Modifier.
func (s *scanner) quantifier(f *Filter) *Error {
	if s.peek() != '(' {
		return nil
	}
	s.pos++
	start := s.pos
	m := s.word()
	if m != ModAny && m != ModAll {
		return s.failAt(start, quoteRuneAt(s.src, start), `"any"`, `"all"`)
	}
	if err := s.closeParen(); err != nil {
		return err
	}
	f.Modifier = m
	return nil
}

// closeParen consumes the ")" that ends a modifier.
func (s *scanner) closeParen() *Error {
	if s.peek() != ')' {
		return s.fail(`")"`)
	}
	s.pos++
	return nil
}

// valueOperand reads the "." and the operand of every operator but in and
// is into f.Value; with an any/all modifier the operand is an array
// literal, whose elements go to f.List.
func (s *scanner) valueOperand(f *Filter, kind opKind, tree bool) *Error {
	if s.peek() != '.' {
		if kind == kindSimple {
			return s.fail(expDelimiter)
		}
		return s.fail(`"("`, expDelimiter)
	}
	s.pos++
	start := s.pos
	if tree {
		f.Value = s.treeValue()
	} else {
		f.Value = s.src[s.pos:]
		s.pos = len(s.src)
	}
	if f.Modifier == "" {
		return nil
	}
	list, err := parseArrayLiteral(f.Value)
	if err != nil {
		if err.Code == crm.PGRSTParse {
			return s.failMsg(start, *err.Details)
		}
		return err
	}
	f.List = list
	return nil
}

// delimiter consumes the "." after an operator.
func (s *scanner) delimiter() *Error {
	if s.peek() != '.' {
		return s.fail(expDelimiter)
	}
	s.pos++
	return nil
}

// endOfOperand checks what follows an in-list or is-keyword: at the top
// level only trailing whitespace; in a tree the caller checks for "," or ")".
func (s *scanner) endOfOperand(tree bool) *Error {
	if tree {
		return nil
	}
	s.skipWS()
	if !s.eof() {
		return s.fail(expEnd)
	}
	return nil
}

// inList reads an in-list "(e1,e2,…)". Whitespace right after "(" and right
// before ")" is not part of any element; whitespace next to a comma is. A
// quoted element ("a,b", "x\"y") counts as quoted only when the closing quote
// is followed by "," or ")"; otherwise the element is taken raw, quotes
// included. An unquoted element runs to the next "," or ")". The list "()"
// is empty; a quoted "" is an element.
func (s *scanner) inList() ([]string, *Error) {
	s.skipWS()
	if s.peek() != '(' {
		return nil, s.fail(`"("`)
	}
	s.pos++
	s.skipWS()
	list := []string{}
	onlyBlank := false
	for {
		if len(list) == MaxListElements {
			return nil, s.failMsg(s.pos, "an in-list may have at most "+strconv.Itoa(MaxListElements)+" elements")
		}
		v, quoted := s.listElem()
		list = append(list, v)
		onlyBlank = len(list) == 1 && v == "" && !quoted
		switch s.peek() {
		case ',':
			s.pos++
			continue
		case ')':
			s.pos++
		default:
			return nil, s.fail(`","`, `")"`)
		}
		break
	}
	if onlyBlank {
		return []string{}, nil
	}
	return list, nil
}

// listElem reads one in-list element and leaves the cursor on the "," or ")"
// after it (or at the end of input).
func (s *scanner) listElem() (string, bool) {
	if s.peek() == '"' {
		if v, end, ok := scanQuoted(s.src, s.pos); ok {
			next := end
			for next < len(s.src) && isWS(s.src[next]) {
				next++
			}
			if end < len(s.src) && s.src[end] == ',' {
				s.pos = end
				return v, true
			}
			if next < len(s.src) && s.src[next] == ')' {
				s.pos = next
				return v, true
			}
		}
	}
	start := s.pos
	for s.pos < len(s.src) && s.src[s.pos] != ',' && s.src[s.pos] != ')' {
		s.pos++
	}
	v := s.src[start:s.pos]
	if s.peek() == ')' {
		v = strings.TrimRight(v, " \t")
	}
	return v, false
}

// treeValue reads an operand inside a logic tree. A double-quoted value whose
// closing quote is followed by "," or ")" (or the end) is unquoted; a value
// starting with "{" runs to the first "}" and is kept as is; anything else
// runs to the next "," or ")" and loses its trailing whitespace.
func (s *scanner) treeValue() string {
	switch s.peek() {
	case '"':
		if v, end, ok := scanQuoted(s.src, s.pos); ok && (end == len(s.src) || s.src[end] == ',' || s.src[end] == ')') {
			s.pos = end
			return v
		}
	case '{':
		if i := strings.IndexAny(s.src[s.pos+1:], "{}"); i >= 0 && s.src[s.pos+1+i] == '}' {
			end := s.pos + 1 + i + 1
			v := s.src[s.pos:end]
			s.pos = end
			return v
		}
	}
	start := s.pos
	for s.pos < len(s.src) && s.src[s.pos] != ',' && s.src[s.pos] != ')' {
		s.pos++
	}
	return strings.TrimRight(s.src[start:s.pos], " \t")
}
