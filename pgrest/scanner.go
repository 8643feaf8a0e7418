package pgrest

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Expectation texts shared by several parsers, worded as PostgREST words them.
const (
	expFieldName = "field name (* or [a..z0..9_$])"
	expDelimiter = "delimiter (.)"
	expEnd       = "end of input"
	expJSONKey   = "JSON key (any character but .,:>()-)"
)

// scanner is the cursor shared by the hand-written parsers of this package.
// It reads one parameter value (src) and builds errors that point into it.
type scanner struct {
	what  string // what is parsed, for messages: "filter", "order", ...
	src   string // the text being read
	shown string // the text quoted in messages, when it differs from src
	pos   int    // byte offset of the next unread byte
}

func newScanner(what, src string) *scanner {
	return &scanner{what: what, src: src, shown: src}
}

func (s *scanner) eof() bool { return s.pos >= len(s.src) }

// peek returns the next byte, or 0 at the end of input.
func (s *scanner) peek() byte {
	if s.pos >= len(s.src) {
		return 0
	}
	return s.src[s.pos]
}

// peekAt returns the byte i bytes ahead, or 0 past the end of input.
func (s *scanner) peekAt(i int) byte {
	if s.pos+i >= len(s.src) {
		return 0
	}
	return s.src[s.pos+i]
}

func (s *scanner) hasPrefix(p string) bool { return strings.HasPrefix(s.src[s.pos:], p) }

// skipWS skips spaces and tabs, the whitespace PostgREST allows around
// separators.
func (s *scanner) skipWS() {
	for s.pos < len(s.src) && isWS(s.src[s.pos]) {
		s.pos++
	}
}

func isWS(c byte) bool { return c == ' ' || c == '\t' }

// fail reports the character at the cursor as unexpected.
func (s *scanner) fail(expecting ...string) *Error {
	return s.failAt(s.pos, quoteRuneAt(s.src, s.pos), expecting...)
}

// failAt reports unexpected (already quoted) at pos.
func (s *scanner) failAt(pos int, unexpected string, expecting ...string) *Error {
	return parseError(s.what, s.shown, s.src, pos, expectation(unexpected, expecting))
}

// failMsg reports a failure at pos with free-form details.
func (s *scanner) failMsg(pos int, details string) *Error {
	return parseError(s.what, s.shown, s.src, pos, details)
}

// identChar reports whether r may appear in an unquoted identifier: letters,
// digits, "_", "$" and space (the identifier is trimmed afterwards).
func identChar(r rune) bool {
	return unicode.IsLetter(r) || ('0' <= r && r <= '9') || r == '_' || r == '$' || r == ' '
}

// identRun advances over identifier characters and returns them, trimmed.
func (s *scanner) identRun() string {
	start := s.pos
	for s.pos < len(s.src) {
		r, w := utf8.DecodeRuneInString(s.src[s.pos:])
		if !identChar(r) {
			break
		}
		s.pos += w
	}
	return strings.Trim(s.src[start:s.pos], " ")
}

// dashFollows reports whether the cursor is at a "-" that joins two parts of
// a name, that is a "-" not starting an arrow "->".
func (s *scanner) dashFollows() bool { return s.peek() == '-' && s.peekAt(1) != '>' }

// fieldName reads a column, relation, alias or hint name: a double-quoted
// string, or identifier runs joined by single dashes.
func (s *scanner) fieldName() (string, *Error) {
	if s.peek() == '"' {
		return s.quotedName()
	}
	start := s.pos
	name := ""            // the first part: the name, unless a dash joins more
	var b strings.Builder // the parts joined, once there are two
	for first := true; ; first = false {
		partStart := s.pos
		part := s.identRun()
		if s.pos == partStart {
			return "", s.fail(expFieldName)
		}
		if first {
			name = part // a substring of the source: no copy for a plain name
		} else {
			if b.Len() == 0 {
				b.WriteString(name)
			}
			b.WriteByte('-')
			b.WriteString(part)
		}
		if !s.dashFollows() {
			break
		}
		s.pos++
	}
	if b.Len() > 0 {
		name = b.String()
	}
	if strings.Trim(name, "-") == "" {
		return "", s.failAt(start, quoteRuneAt(s.src, start), expFieldName)
	}
	return name, nil
}

// quotedName reads a double-quoted name, which must be closed.
func (s *scanner) quotedName() (string, *Error) {
	v, end, ok := scanQuoted(s.src, s.pos)
	if !ok {
		s.pos = len(s.src)
		return "", s.fail(`"\""`)
	}
	s.pos = end
	return v, nil
}

// scanQuoted reads the double-quoted string starting at src[i] == '"'. Inside
// it a backslash stands for the character after it. It returns the unquoted
// value and the offset just past the closing quote; ok is false when the
// string is not closed.
func scanQuoted(src string, i int) (val string, end int, ok bool) {
	var b strings.Builder
	for j := i + 1; j < len(src); j++ {
		switch c := src[j]; c {
		case '"':
			return b.String(), j + 1, true
		case '\\':
			if j+1 >= len(src) {
				return "", 0, false
			}
			j++
			b.WriteByte(src[j])
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}

// jsonPath reads zero or more "->key" / "->>key" steps.
func (s *scanner) jsonPath() ([]JSONStep, *Error) {
	var path []JSONStep
	for s.hasPrefix("->") {
		var step JSONStep
		if s.hasPrefix("->>") {
			step.Text = true
			s.pos += 3
		} else {
			s.pos += 2
		}
		if err := s.jsonOperand(&step); err != nil {
			return nil, err
		}
		path = append(path, step)
	}
	return path, nil
}

// jsonOperand reads the key or index of one JSON path step.
func (s *scanner) jsonOperand(step *JSONStep) *Error {
	start := s.pos
	switch {
	case s.peek() == '"':
		k, err := s.quotedName()
		if err != nil {
			return err
		}
		step.Key = k
		return nil
	case s.peek() == '-':
		// A negative index: "-" and digits, then the end of the step.
		s.pos++
		if !isDigit(s.peek()) {
			return s.fail("digit")
		}
		for isDigit(s.peek()) {
			s.pos++
		}
		if !s.eof() && !s.hasPrefix("->") && !isWS(s.peek()) && !strings.ContainsRune(".,:()", rune(s.peek())) {
			return s.fail("digit", `"->"`, `"::"`, `"."`, `","`, expEnd)
		}
		step.Key = s.src[start:s.pos]
		return s.setIndex(step, start)
	}
	var b strings.Builder
	for {
		partStart := s.pos
		for s.pos < len(s.src) && !strings.ContainsRune("(-:.,>)", rune(s.src[s.pos])) {
			s.pos++
		}
		part := strings.TrimSpace(s.src[partStart:s.pos])
		if part == "" {
			return s.failAt(partStart, quoteRuneAt(s.src, partStart), expJSONKey)
		}
		b.WriteString(part)
		if !s.dashFollows() {
			break
		}
		s.pos++
		b.WriteByte('-')
	}
	step.Key = b.String()
	if allDigits(step.Key) {
		return s.setIndex(step, start)
	}
	return nil
}

// setIndex makes step an array-index step; its Key must be an integer.
func (s *scanner) setIndex(step *JSONStep, start int) *Error {
	n, err := strconv.Atoi(step.Key)
	if err != nil {
		return s.failMsg(start, "array index "+step.Key+" is out of range")
	}
	step.Index = &n
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// field reads a field name and its JSON path.
func (s *scanner) field() (Field, *Error) {
	name, err := s.fieldName()
	if err != nil {
		return Field{}, err
	}
	path, err := s.jsonPath()
	if err != nil {
		return Field{}, err
	}
	return Field{Name: name, JSONPath: path}, nil
}

// word advances over ASCII letters and returns them.
func (s *scanner) word() string {
	start := s.pos
	for isLetter(s.peek()) {
		s.pos++
	}
	return s.src[start:s.pos]
}
