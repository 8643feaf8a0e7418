package api

import (
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
	sc := &jsonScan{b: body}
	sc.ws()
	err := sc.value("", 0)
	if err == nil {
		return nil
	}
	var p *bodyProblem
	if errors.As(err, &p) {
		return p
	}
	return nil
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
	if i := strings.IndexByte(string(body), 0); i >= 0 {
		return &bodyProblem{Path: "byte " + strconv.Itoa(i), Kind: problemNUL,
			Detail: "PostgreSQL text cannot hold the NUL character (0x00)", Hint: "remove the NUL bytes from the body"}
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

// jsonScan is a recursive-descent reader of one JSON value that keeps the
// path to where it is. Its recursion is bounded by MaxJSONDepth.
type jsonScan struct {
	b   []byte
	pos int
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

func (s *jsonScan) value(path string, depth int) error {
	if s.pos >= len(s.b) {
		return errSyntax
	}
	switch c := s.b[s.pos]; {
	case c == '{' || c == '[':
		if depth >= MaxJSONDepth {
			return &bodyProblem{Path: path, Kind: problemDepth,
				Detail: fmt.Sprintf("objects and arrays nest deeper than %d levels", MaxJSONDepth),
				Hint:   fmt.Sprintf("flatten the value: at most %d levels of objects and arrays (MaxJSONDepth)", MaxJSONDepth)}
		}
		if c == '{' {
			return s.object(path, depth+1)
		}
		return s.array(path, depth+1)
	case c == '"':
		_, err := s.str(path)
		return err
	case c == '-' || c >= '0' && c <= '9':
		return s.number(path)
	}
	for _, lit := range []string{"true", "false", "null"} {
		if strings.HasPrefix(string(s.b[s.pos:min(len(s.b), s.pos+5)]), lit) {
			s.pos += len(lit)
			return nil
		}
	}
	return errSyntax
}

func (s *jsonScan) object(path string, depth int) error {
	s.pos++ // {
	var seen []string
	var seenSet map[string]bool
	for first := true; ; first = false {
		s.ws()
		if s.pos < len(s.b) && s.b[s.pos] == '}' && first {
			s.pos++
			return nil
		}
		if s.pos >= len(s.b) || s.b[s.pos] != '"' {
			return errSyntax
		}
		key, err := s.str(path)
		if err != nil {
			return err
		}
		kp := joinKey(path, key)
		dup := false
		if seenSet != nil {
			dup = seenSet[key]
			seenSet[key] = true
		} else {
			for _, k := range seen {
				dup = dup || k == key
			}
			if seen = append(seen, key); len(seen) > 16 {
				seenSet = map[string]bool{}
				for _, k := range seen {
					seenSet[k] = true
				}
			}
		}
		if dup {
			return &bodyProblem{Path: kp, Kind: problemDuplicate,
				Detail: fmt.Sprintf("the key %s appears more than once in one object", strconv.Quote(clipString(key))),
				Hint:   "send each key once; which value should win is not guessed"}
		}
		s.ws()
		if s.pos >= len(s.b) || s.b[s.pos] != ':' {
			return errSyntax
		}
		s.pos++
		s.ws()
		if err := s.value(kp, depth); err != nil {
			return err
		}
		s.ws()
		if s.pos >= len(s.b) {
			return errSyntax
		}
		switch s.b[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return errSyntax
		}
	}
}

func (s *jsonScan) array(path string, depth int) error {
	s.pos++ // [
	for i := 0; ; i++ {
		s.ws()
		if s.pos < len(s.b) && s.b[s.pos] == ']' && i == 0 {
			s.pos++
			return nil
		}
		if err := s.value(path+"["+strconv.Itoa(i)+"]", depth); err != nil {
			return err
		}
		s.ws()
		if s.pos >= len(s.b) {
			return errSyntax
		}
		switch s.b[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return errSyntax
		}
	}
}

// str reads a string token and returns its decoded text (decoded only
// when it has escapes; the caller needs it for keys).
func (s *jsonScan) str(path string) (string, error) {
	start := s.pos
	s.pos++ // "
	escaped := false
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case c == '"':
			s.pos++
			raw := s.b[start:s.pos]
			if !escaped {
				return string(raw[1 : len(raw)-1]), nil
			}
			var out string
			if json.Unmarshal(raw, &out) != nil {
				return "", errSyntax
			}
			return out, nil
		case c == '\\':
			escaped = true
			if err := s.escape(path); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", errSyntax
		case c < utf8.RuneSelf:
			s.pos++
		default:
			r, n := utf8.DecodeRune(s.b[s.pos:])
			if r == utf8.RuneError && n <= 1 {
				return "", &bodyProblem{Path: path, Kind: problemUTF8,
					Detail: fmt.Sprintf("received bytes %q, which are not UTF-8", clipBytes(s.b[s.pos:])),
					Hint:   "encode the body as UTF-8 (it would otherwise be stored with U+FFFD in place of these bytes)"}
			}
			s.pos += n
		}
	}
	return "", errSyntax
}

// escape reads one backslash escape at s.pos.
func (s *jsonScan) escape(path string) error {
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
		return &bodyProblem{Path: path, Kind: problemNUL,
			Detail: `\u0000 cannot be converted to text.`, Hint: `remove the \u0000 from the value`}
	case r >= 0xDC00 && r <= 0xDFFF:
		return s.surrogate(path, r)
	case r >= 0xD800 && r <= 0xDBFF:
		lo, ok := rune(0), false
		if s.pos+6 <= len(s.b) && s.b[s.pos] == '\\' && s.b[s.pos+1] == 'u' {
			lo, ok = s.hex4(s.pos + 2)
		}
		if !ok || lo < 0xDC00 || lo > 0xDFFF {
			return s.surrogate(path, r)
		}
		s.pos += 6
	}
	return nil
}

func (s *jsonScan) surrogate(path string, r rune) error {
	return &bodyProblem{Path: path, Kind: problemSurrogate,
		Detail: fmt.Sprintf(`\u%04X is half of a surrogate pair without its other half`, r),
		Hint:   `send the character itself, or both halves (\uD83D\uDE00)`}
}

func (s *jsonScan) hex4(at int) (rune, bool) {
	if at+4 > len(s.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s.b[at:at+4]), 16, 32)
	return rune(v), err == nil
}

func (s *jsonScan) number(path string) error {
	start := s.pos
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		if c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || c >= '0' && c <= '9' {
			s.pos++
			continue
		}
		break
	}
	lit := string(s.b[start:s.pos])
	if !json.Valid([]byte(lit)) {
		return errSyntax
	}
	bad := func(why string) error {
		return &bodyProblem{Path: path, Kind: problemNumber, Detail: fmt.Sprintf("received %s: %s", clipString(lit), why),
			Hint: "send a number between -1.7e308 and 1.7e308 (magnitudes below 1e-307 are not kept either), or send it as a string"}
	}
	if len(lit) > MaxJSONNumberLen {
		return bad(fmt.Sprintf("longer than %d characters (MaxJSONNumberLen)", MaxJSONNumberLen))
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return bad("outside the range of a double-precision number")
	}
	if f == 0 && strings.ContainsAny(lit, "123456789") && strings.ContainsAny(lit, "eE") {
		return bad("too small to be told apart from 0")
	}
	return nil
}

// joinKey is path.key, with keys that are not plain words quoted.
func joinKey(path, key string) string {
	k := key
	plain := k != ""
	for _, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if !plain {
		k = strconv.Quote(clipString(k))
	}
	if path == "" {
		return k
	}
	return path + "." + k
}

func clipString(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
