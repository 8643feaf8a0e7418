package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/connectgain/server/crm"
)

// Limits of a JSON request body, checked before any decoding so that the
// bulk endpoint and REST writes refuse the same bodies on both backends.
const (
	// MaxJSONDepth is the deepest nesting of objects and arrays a body
	// may have ({"deals":[{"custom_fields":{...}}]} is 4 deep at the
	// custom_fields object). A 5,000-deep custom_fields used to be stored.
	MaxJSONDepth = 32
	// MaxJSONNumberLen bounds the characters of one number literal.
	MaxJSONNumberLen = 64
)

// Kinds of body problem, each a distinct PostgreSQL error on REST writes.
const (
	problemUTF8      = "invalid UTF-8"
	problemNUL       = "NUL character"
	problemSurrogate = "invalid Unicode escape"
	problemDuplicate = "duplicate key"
	problemDepth     = "nesting too deep"
	problemNumber    = "number out of range"
)

// bodyProblem is what checkJSONBody found: where (a path such as
// deals[3].custom_fields.note), what, and how to fix it.
type bodyProblem struct {
	Path, Kind, Detail, Hint string
}

// errSyntax stops the scan of a body that is not JSON at all: the decoder
// that runs next reports that in its own words.
var errSyntax = errors.New("json syntax")

// checkJSONBody scans body for what encoding/json would accept but must
// not be stored: invalid UTF-8 in a string (the decoder would replace it
// with U+FFFD), "\u0000" (PostgreSQL refuses it in text, SQLite would
// store it), a lone surrogate escape, the same key twice in one object
// (the decoder keeps the last), nesting deeper than MaxJSONDepth, and a
// number outside float64's range or longer than MaxJSONNumberLen. It
// returns nil for a clean body and for one with a syntax error.
func checkJSONBody(body []byte) *bodyProblem {
	p, _ := scanJSONBody(body)
	return p
}

func (p *bodyProblem) Error() string { return p.Kind + " at " + p.Path }

// asError is the problem as the one error type. REST writes show
// PostgreSQL's codes (22P05 for NUL, 22021 for bad UTF-8, else PGRST102),
// the bulk endpoint its own invalid_request.
func (p *bodyProblem) asError(rest bool) *crm.Error {
	where := p.Path
	if where == "" {
		where = "the top level"
	}
	code := crm.CodeInvalidRequest
	if rest {
		switch p.Kind {
		case problemNUL:
			code = crm.SQLStateUnicodeNUL
		case problemUTF8:
			code = crm.SQLStateUntranslatable
		default:
			code = crm.PGRSTInvalidBody
		}
	}
	return &crm.Error{Code: code, Message: fmt.Sprintf("invalid JSON body: %s in %s", p.Kind, where),
		Details: p.Detail, Hint: p.Hint}
}

// checkTextBody checks a CSV or form body: valid UTF-8 and no NUL.
func checkTextBody(body []byte) *bodyProblem {
	if crm.HasNUL(body) {
		i := bytes.IndexByte(body, 0)
		return &bodyProblem{Path: "byte " + strconv.Itoa(i), Kind: problemNUL,
			Detail: "PostgreSQL text cannot hold the NUL character (0x00)", Hint: crm.NULHint}
	}
	if !utf8.Valid(body) {
		i := firstInvalidUTF8(body)
		return &bodyProblem{Path: "byte " + strconv.Itoa(i), Kind: problemUTF8,
			Detail: fmt.Sprintf("received bytes %q", clipBytes(body[i:])), Hint: "send the body encoded as UTF-8"}
	}
	return nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func clipBytes(b []byte) []byte {
	if len(b) > 8 {
		return b[:8]
	}
	return b
}

// jsonScan is a recursive-descent reader of one JSON value. It keeps the
// path to where it is as a stack of keys and indexes, and renders it as
// text (deals[3].custom_fields.note) only when it reports a problem: a
// clean 10,000-deal body used to build ~100,000 path strings. Its
// recursion is bounded by MaxJSONDepth.
type jsonScan struct {
	b    []byte
	pos  int
	path []pathStep
	// keys holds the keys of the objects being read, innermost last, for
	// the duplicate check (sub-slices of b, or decoded when escaped).
	keys [][]byte
}

// pathStep is one step of the path: a key, or an index when key is nil.
type pathStep struct {
	key []byte
	idx int
}

// scanJSONBody is checkJSONBody that also reports whether body is valid
// JSON (one value and nothing but whitespace after it). valid is only
// known when there is no problem: the scan stops at the first one.
func scanJSONBody(body []byte) (p *bodyProblem, valid bool) {
	sc := &jsonScan{b: body}
	sc.ws()
	err := sc.value(0)
	if err == nil {
		sc.ws()
		return nil, sc.pos == len(body)
	}
	if errors.As(err, &p) {
		return p, false
	}
	return nil, false
}

// pathString renders the path, keys that are not plain words quoted.
func (s *jsonScan) pathString() string {
	var b strings.Builder
	for _, st := range s.path {
		if st.key == nil {
			b.WriteString("[" + strconv.Itoa(st.idx) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(keyText(string(st.key)))
	}
	return b.String()
}

func (s *jsonScan) problem(kind, detail, hint string) *bodyProblem {
	return &bodyProblem{Path: s.pathString(), Kind: kind, Detail: detail, Hint: hint}
}

func (s *jsonScan) ws() {
	for s.pos < len(s.b) {
		switch s.b[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *jsonScan) value(depth int) error {
	if s.pos >= len(s.b) {
		return errSyntax
	}
	switch c := s.b[s.pos]; {
	case c == '{' || c == '[':
		if depth >= MaxJSONDepth {
			return s.problem(problemDepth, fmt.Sprintf("objects and arrays nest deeper than %d levels", MaxJSONDepth),
				fmt.Sprintf("flatten the value: at most %d levels of objects and arrays (MaxJSONDepth)", MaxJSONDepth))
		}
		if c == '{' {
			return s.object(depth + 1)
		}
		return s.array(depth + 1)
	case c == '"':
		_, err := s.str(false)
		return err
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if bytes.HasPrefix(s.b[s.pos:], []byte(lit)) {
			s.pos += len(lit)
			return nil
		}
	}
	return errSyntax
}

// dupKeysMin is the number of keys from which an object's duplicate
// check uses a map rather than comparing with each earlier key.
const dupKeysMin = 16

func (s *jsonScan) object(depth int) error {
	s.pos++ // {
	first := len(s.keys)
	defer func() { s.keys = s.keys[:first] }()
	var seen map[string]bool
	for n := 0; ; n++ {
		s.ws()
		if s.pos < len(s.b) && s.b[s.pos] == '}' && n == 0 {
			s.pos++
			return nil
		}
		if s.pos >= len(s.b) || s.b[s.pos] != '"' {
			return errSyntax
		}
		key, err := s.str(true)
		if err != nil {
			return err
		}
		s.path = append(s.path, pathStep{key: key})
		if s.duplicate(key, first, &seen) {
			return s.problem(problemDuplicate,
				fmt.Sprintf("the key %s appears more than once in one object", strconv.Quote(clipString(string(key)))),
				"send each key once; which value should win is not guessed")
		}
		s.keys = append(s.keys, key)
		s.ws()
		if s.pos >= len(s.b) || s.b[s.pos] != ':' {
			return errSyntax
		}
		s.pos++
		s.ws()
		if err := s.value(depth); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		if done, err := s.next('}'); done || err != nil {
			return err
		}
	}
}

// duplicate reports whether key is among the object's earlier keys
// (s.keys[first:]), through *seen once the object has many.
func (s *jsonScan) duplicate(key []byte, first int, seen *map[string]bool) bool {
	earlier := s.keys[first:]
	if *seen == nil && len(earlier) < dupKeysMin {
		for _, k := range earlier {
			if bytes.Equal(k, key) {
				return true
			}
		}
		return false
	}
	if *seen == nil {
		*seen = make(map[string]bool, 2*dupKeysMin)
		for _, k := range earlier {
			(*seen)[string(k)] = true
		}
	}
	if (*seen)[string(key)] {
		return true
	}
	(*seen)[string(key)] = true
	return false
}

// next reads what follows a member or element: a comma (done false) or
// the closing bracket (done true).
func (s *jsonScan) next(closing byte) (done bool, err error) {
	s.ws()
	if s.pos >= len(s.b) {
		return false, errSyntax
	}
	switch s.b[s.pos] {
	case ',':
		s.pos++
		return false, nil
	case closing:
		s.pos++
		return true, nil
	}
	return false, errSyntax
}

func (s *jsonScan) array(depth int) error {
	s.pos++ // [
	for i := 0; ; i++ {
		s.ws()
		if s.pos < len(s.b) && s.b[s.pos] == ']' && i == 0 {
			s.pos++
			return nil
		}
		s.path = append(s.path, pathStep{idx: i})
		if err := s.value(depth); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		if done, err := s.next(']'); done || err != nil {
			return err
		}
	}
}

// str reads a string token. With key, it returns the string's text: a
// sub-slice of the body, decoded only when it has escapes.
func (s *jsonScan) str(key bool) ([]byte, error) {
	start := s.pos
	s.pos++ // "
	escaped := false
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case c == '"':
			s.pos++
			if !key {
				return nil, nil
			}
			raw := s.b[start:s.pos]
			if !escaped {
				return raw[1 : len(raw)-1 : len(raw)-1], nil
			}
			var out string
			if json.Unmarshal(raw, &out) != nil {
				return nil, errSyntax
			}
			return []byte(out), nil
		case c == '\\':
			escaped = true
			if err := s.escape(); err != nil {
				return nil, err
			}
		case c < 0x20:
			return nil, errSyntax
		case c < utf8.RuneSelf:
			s.pos++
		default:
			r, n := utf8.DecodeRune(s.b[s.pos:])
			if r == utf8.RuneError && n <= 1 {
				return nil, s.problem(problemUTF8, fmt.Sprintf("received bytes %q, which are not UTF-8", clipBytes(s.b[s.pos:])),
					"encode the body as UTF-8 (it would otherwise be stored with U+FFFD in place of these bytes)")
			}
			s.pos += n
		}
	}
	return nil, errSyntax
}

// escape reads one backslash escape at s.pos.
func (s *jsonScan) escape() error {
	if s.pos+1 >= len(s.b) {
		return errSyntax
	}
	switch s.b[s.pos+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.pos += 2
		return nil
	case 'u':
	default:
		return errSyntax
	}
	r, ok := s.hex4(s.pos + 2)
	if !ok {
		return errSyntax
	}
	s.pos += 6
	switch {
	case r == 0:
		return s.problem(problemNUL, crm.NULDetail, crm.NULHint)
	case r >= 0xDC00 && r <= 0xDFFF:
		return s.surrogate(r)
	case r >= 0xD800 && r <= 0xDBFF:
		lo, ok := rune(0), false
		if s.pos+6 <= len(s.b) && s.b[s.pos] == '\\' && s.b[s.pos+1] == 'u' {
			lo, ok = s.hex4(s.pos + 2)
		}
		if !ok || lo < 0xDC00 || lo > 0xDFFF {
			return s.surrogate(r)
		}
		s.pos += 6
	}
	return nil
}

func (s *jsonScan) surrogate(r rune) error {
	return s.problem(problemSurrogate, fmt.Sprintf(`\u%04X is half of a surrogate pair without its other half`, r),
		`send the character itself, or both halves (\uD83D\uDE00)`)
}

func (s *jsonScan) hex4(at int) (rune, bool) {
	if at+4 > len(s.b) {
		return 0, false
	}
	var v rune
	for _, c := range s.b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// number reads a number literal: JSON's grammar, at most MaxJSONNumberLen
// characters, within float64's range and not so small it reads as 0.
func (s *jsonScan) number() error {
	start := s.pos
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		if c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || c >= '0' && c <= '9' {
			s.pos++
			continue
		}
		break
	}
	lit := s.b[start:s.pos]
	exp, ok := numberGrammar(lit)
	if !ok {
		return errSyntax
	}
	bad := func(why string) error {
		return s.problem(problemNumber, fmt.Sprintf("received %s: %s", clipString(string(lit)), why),
			"send a number between -1.7e308 and 1.7e308 (magnitudes below 1e-307 are not kept either), or send it as a string")
	}
	if len(lit) > MaxJSONNumberLen {
		return bad(fmt.Sprintf("longer than %d characters (MaxJSONNumberLen)", MaxJSONNumberLen))
	}
	if !exp {
		return nil // at most 64 characters and no exponent: within range
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		return bad("outside the range of a double-precision number")
	}
	if f == 0 && bytes.ContainsAny(lit, "123456789") {
		return bad("too small to be told apart from 0")
	}
	return nil
}

// numberGrammar reports whether lit is a JSON number
// (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?) and whether it has an
// exponent.
func numberGrammar(lit []byte) (exp, ok bool) {
	i := 0
	digits := func() int {
		n := 0
		for i < len(lit) && lit[i] >= '0' && lit[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(lit) && lit[i] == '-' {
		i++
	}
	if i < len(lit) && lit[i] == '0' {
		i++
	} else if digits() == 0 {
		return false, false
	}
	if i < len(lit) && lit[i] == '.' {
		i++
		if digits() == 0 {
			return false, false
		}
	}
	if i < len(lit) && (lit[i] == 'e' || lit[i] == 'E') {
		exp = true
		i++
		if i < len(lit) && (lit[i] == '+' || lit[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false, false
		}
	}
	return exp, i == len(lit)
}

// keyText is a key as the path shows it: quoted unless a plain word.
func keyText(k string) string {
	plain := k != ""
	for _, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if !plain {
		return strconv.Quote(clipString(k))
	}
	return k
}

func clipString(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
