package pgrest

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/connectgain/server/crm"
)

// Limits on what one request may ask of the parser. Going over one is
// 400 PGRST100; the limits keep every parse linear in the input and every
// recursion shallow.
const (
	// MaxQueryLength bounds the query string in bytes: the raw string for
	// ParseQueryString, the decoded keys and values (plus their "=" and "&")
	// for Parse.
	MaxQueryLength = 16 << 10
	// MaxLogicDepth bounds the nesting of or=/and= groups; or=(a.eq.1) is 1.
	MaxLogicDepth = 32
	// MaxEmbedDepth bounds the nesting of embeds in select= (rel(…) is 1) and
	// the length of an embed path in a parameter key (rel.sub.col=… is 2).
	MaxEmbedDepth = 4
	// MaxListElements bounds the elements of an in-list or array literal.
	MaxListElements = 1000
)

// ParseQueryString splits a raw query string on "&" and form-decodes each
// key and value ("+" is a space, %XX a byte), keeping their order. A part
// with no "=" is dropped, as PostgREST drops it; "a=" is kept with an empty
// value. Bad percent-encoding or invalid UTF-8 is 400 PGRST100. The error is
// always *Error.
func ParseQueryString(raw string) ([]Param, error) {
	if len(raw) > MaxQueryLength {
		return nil, tooLong()
	}
	var params []Param // nil when no part has a "="
	for part := range strings.SplitSeq(raw, "&") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		dk, err := url.QueryUnescape(k)
		if err != nil {
			return nil, badQuery(err.Error())
		}
		dv, err := url.QueryUnescape(v)
		if err != nil {
			return nil, badQuery(err.Error())
		}
		if !utf8.ValidString(dk) || !utf8.ValidString(dv) {
			return nil, badQuery("the decoded query string is not valid UTF-8")
		}
		if params == nil { // sized once for every part
			params = make([]Param, 0, strings.Count(raw, "&")+1)
		}
		params = append(params, Param{Key: dk, Value: dv})
	}
	return params, nil
}

func tooLong() *Error {
	return &Error{Status: 400, Code: crm.PGRSTParse, Message: "query string too long",
		Details: ptr("the query string may be at most " + strconv.Itoa(MaxQueryLength) + " bytes")}
}

func badQuery(details string) *Error {
	return &Error{Status: 400, Code: crm.PGRSTParse, Message: "failed to decode the query string", Details: ptr(details)}
}

// Parse turns the decoded query parameters of a table request into a Query.
//
// select, columns and on_conflict are read from their first occurrence. A key
// whose last dot segment is order, limit, offset, or or and is a modifier of
// the level its prefix names (rel.order, not.or, rel.not.and). Every other key
// is a filter; dots in it name an embed path (contact.first_name=eq.x filters
// the embed contact). Filters and logic trees are kept in query-string order.
//
// A non-numeric limit is ignored; a negative one is 416 PGRST103. A
// non-numeric or negative offset is ignored. Syntax errors and exceeded
// limits are 400 PGRST100; an any/all operand that is not an array literal is
// 400 22P02 (or PGRST127, see ParseArrayLiteral). The error is always *Error.
func Parse(params []Param) (*Query, error) {
	q, err := parse(params)
	if err != nil {
		return nil, err
	}
	return q, nil
}

func parse(params []Param) (*Query, *Error) {
	n := 0
	for _, p := range params {
		n += len(p.Key) + len(p.Value) + 2
	}
	if n > MaxQueryLength+1 {
		return nil, tooLong()
	}
	q := &Query{}
	seen := map[string]bool{}
	for _, p := range params {
		if err := q.add(p, seen); err != nil {
			return nil, err
		}
	}
	if len(q.Select) == 0 {
		q.Select = []SelectItem{{Star: true}}
	}
	return q, nil
}

// add applies one parameter to q. seen records which first-wins parameters
// have been read.
func (q *Query) add(p Param, seen map[string]bool) *Error {
	switch p.Key {
	case "select", "columns", "on_conflict":
		return q.addFirstWins(p, seen)
	}
	switch last := p.Key[strings.LastIndexByte(p.Key, '.')+1:]; last {
	case "order", "limit", "offset":
		return q.addModifier(p, last)
	case "and", "or":
		return q.addLogic(p, last)
	}
	return q.addFilter(p)
}

// addFirstWins reads select, columns or on_conflict, unless seen says an
// earlier occurrence was read.
func (q *Query) addFirstWins(p Param, seen map[string]bool) *Error {
	if seen[p.Key] {
		return nil
	}
	seen[p.Key] = true
	var err *Error
	switch p.Key {
	case "select":
		q.Select, err = parseSelect(p.Value)
	case "columns":
		q.Columns, err = parseColumns("columns parameter", p.Value)
		q.HasColumns = err == nil
	default:
		q.OnConflict, err = parseColumns("on_conflict parameter", p.Value)
	}
	return err
}

// addModifier reads order, limit or offset (last) of the level the key's
// prefix names.
func (q *Query) addModifier(p Param, last string) *Error {
	segs, _, err := parseKeyPath("tree path", p.Key, false)
	if err != nil {
		return err
	}
	m := q.modifiers(segs[:len(segs)-1])
	switch last {
	case "order":
		terms, err := parseOrder(p.Value)
		if err != nil {
			return err
		}
		m.Order = terms
	case "limit":
		n, neg, ok := parseCount(p.Value)
		if neg {
			return rangeError("Limit should be greater than or equal to zero.")
		}
		if ok {
			m.Limit = &n
		}
	default:
		if n, neg, ok := parseCount(p.Value); ok && !neg {
			m.Offset = n
		}
	}
	return nil
}

// addLogic reads an and or or tree (last), negated when the segment before
// it is "not", into the conditions of the level the rest of the key names.
func (q *Query) addLogic(p Param, last string) *Error {
	segs, _, err := parseKeyPath("logic path", p.Key, false)
	if err != nil {
		return err
	}
	path, op := segs[:len(segs)-1], last
	if len(path) > 0 && path[len(path)-1] == "not" {
		path, op = path[:len(path)-1], "not."+last
	}
	c, err := parseLogicTree(op, p.Value)
	if err != nil {
		return err
	}
	m := q.modifiers(path)
	m.Where = append(m.Where, c)
	return nil
}

// addFilter reads a filter on the field the key's last name (and JSON
// path) names, at the level its other names form.
func (q *Query) addFilter(p Param) *Error {
	segs, jp, err := parseKeyPath("tree path", p.Key, true)
	if err != nil {
		return err
	}
	f := &Filter{Field: Field{Name: segs[len(segs)-1], JSONPath: jp}}
	if err := parseFilter(p.Value, f); err != nil {
		return err
	}
	m := q.modifiers(segs[:len(segs)-1])
	m.Where = append(m.Where, Cond{Filter: f})
	return nil
}

// modifiers returns the modifiers of the level at path, creating them.
func (q *Query) modifiers(path []string) *Modifiers {
	if len(path) == 0 {
		return &q.Modifiers
	}
	key := EmbedKey(path...)
	if q.Embedded == nil {
		q.Embedded = map[string]*Modifiers{}
	}
	m := q.Embedded[key]
	if m == nil {
		m = &Modifiers{}
		q.Embedded[key] = m
	}
	return m
}

// parseKeyPath parses a parameter key: names separated by dots, then (when
// json is true) a JSON path. All names but the last form the embed path.
func parseKeyPath(what, key string, json bool) ([]string, []JSONStep, *Error) {
	s := newScanner(what, key)
	var segs []string
	for {
		name, err := s.fieldName()
		if err != nil {
			return nil, nil, err
		}
		segs = append(segs, name)
		if s.peek() != '.' {
			break
		}
		s.pos++
	}
	var jp []JSONStep
	if json {
		var err *Error
		if jp, err = s.jsonPath(); err != nil {
			return nil, nil, err
		}
	}
	if !s.eof() {
		if json {
			return nil, nil, s.fail(`"->"`, `"->>"`, expDelimiter, expEnd)
		}
		return nil, nil, s.fail(expDelimiter, expEnd)
	}
	if len(segs)-1 > MaxEmbedDepth {
		return nil, nil, s.failMsg(0, "an embed path may have at most "+strconv.Itoa(MaxEmbedDepth)+" levels")
	}
	for _, seg := range segs[:len(segs)-1] {
		if strings.Contains(seg, ".") {
			// Query.Embedded joins the path with dots; keep its keys unambiguous.
			return nil, nil, s.failMsg(0, "an embedded resource name may not contain \".\"")
		}
	}
	return segs, jp, nil
}

// parseColumns parses the value of columns= or on_conflict=: field names
// separated by commas. Duplicates are dropped; the list may not be empty.
func parseColumns(what, value string) ([]string, *Error) {
	s := newScanner(what, value)
	var cols []string
	seen := map[string]bool{}
	for {
		s.skipWS()
		name, err := s.fieldName()
		if err != nil {
			return nil, err
		}
		if !seen[name] {
			seen[name] = true
			cols = append(cols, name)
		}
		s.skipWS()
		if s.eof() {
			return cols, nil
		}
		if s.peek() != ',' {
			return nil, s.fail(`","`, expEnd)
		}
		s.pos++
	}
}

// parseCount reads a limit or offset: an optional "-" and digits. ok is false
// for anything else; neg is true for a negative number. Numbers beyond int64
// are clamped to math.MaxInt64.
func parseCount(v string) (n int64, neg, ok bool) {
	digits := strings.TrimPrefix(v, "-")
	if !allDigits(digits) {
		return 0, false, false
	}
	if len(digits) != len(v) && strings.Trim(digits, "0") != "" {
		return 0, true, true
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		n = math.MaxInt64
	}
	return n, false, true
}
