package pgtext

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/connectgain/server/crm"
)

// Limits on regular expressions (match, imatch), the same on every
// backend: a longer or more complex pattern is refused with 2201B.
const (
	// MaxRegexLen is the longest pattern accepted, in bytes.
	MaxRegexLen = 1000
	// maxRegexInsts bounds the compiled program, so that a short
	// pattern such as (abcdefghij|klmnopqrst){255} cannot take megabytes:
	// a program of this size takes about 250 KB once used, so the cache
	// (regexCacheSize patterns) stays under about 25 MB.
	maxRegexInsts = 5000
	// maxRegexCost bounds one compiled pattern's estimated size in bytes
	// (a pattern of 40 \w classes, or \w{255}, fits).
	maxRegexCost = 1 << 20
	// maxRepeat is PostgreSQL's largest repetition count (RE_DUP_MAX).
	maxRepeat = 255
)

// RegexError is PostgreSQL's 2201B for a pattern this package refuses.
func RegexError(msg, hint string) *crm.Error {
	return &crm.Error{Code: crm.SQLStateInvalidRegex, Message: "invalid regular expression: " + msg, Hint: hint}
}

// TranslateRegex turns a PostgreSQL advanced regular expression into Go
// syntax that matches the same strings: '.' and [^...] match a newline,
// '$' is the end of the text, \d \s \w and [[:class:]] are PostgreSQL's
// (Unicode letters and digits, not only ASCII), and case-insensitive
// matching (icase, or a leading (?i)) adds each literal character's
// lower() and upper() forms, as PostgreSQL does, rather than Go's case
// folding. What Go cannot run (back references, lookaround, word
// boundaries \m \M \y \Y, collating elements, most embedded options) is
// refused with 2201B, and so is what PostgreSQL refuses.
func TranslateRegex(pat string, icase bool) (string, error) {
	if len(pat) > MaxRegexLen {
		return "", RegexError(fmt.Sprintf("the pattern is %d bytes long, at most %d are accepted", len(pat), MaxRegexLen),
			"shorten the pattern, or filter with like/ilike")
	}
	if !utf8.ValidString(pat) {
		return "", RegexError("the pattern is not valid UTF-8", "")
	}
	p := &reParser{src: []rune(pat), icase: icase}
	p.out.WriteString("(?s)")
	if err := p.top(); err != nil {
		return "", err
	}
	return p.out.String(), nil
}

type reParser struct {
	src     []rune
	i       int
	icase   bool
	out     strings.Builder
	negated []string // \D \S \W classes of the bracket being read
	groups  int      // capturing groups opened so far
}

func (p *reParser) more() bool        { return p.i < len(p.src) }
func (p *reParser) peek() rune        { return p.src[p.i] }
func (p *reParser) has(s string) bool { return strings.HasPrefix(string(p.src[p.i:]), s) }

// top reads the directors (***= and ***:), the leading embedded options
// and the expression.
func (p *reParser) top() error {
	switch {
	case p.has("***="):
		for _, r := range p.src[4:] {
			p.literal(r)
		}
		return nil
	case p.has("***:"):
		p.i += 4
	}
	if p.has("(?") && p.i+2 < len(p.src) && unicode.IsLetter(p.src[p.i+2]) {
		if err := p.options(); err != nil {
			return err
		}
	}
	if err := p.alt(); err != nil {
		return err
	}
	if p.more() {
		return RegexError("parentheses () not balanced", "")
	}
	return nil
}

// options reads (?flags) at the start: i and c only.
func (p *reParser) options() error {
	for p.i += 2; p.more() && p.peek() != ')'; p.i++ {
		switch r := p.peek(); r {
		case 'i':
			p.icase = true
		case 'c':
			p.icase = false
		default:
			return RegexError(fmt.Sprintf("embedded option %q is not supported", r), "only (?i) and (?c) are accepted")
		}
	}
	if !p.more() {
		return RegexError("parentheses () not balanced", "")
	}
	p.i++
	return nil
}

func (p *reParser) alt() error {
	if err := p.branch(); err != nil {
		return err
	}
	for p.more() && p.peek() == '|' {
		p.i++
		p.out.WriteByte('|')
		if err := p.branch(); err != nil {
			return err
		}
	}
	return nil
}

func (p *reParser) branch() error {
	for p.more() && p.peek() != '|' && p.peek() != ')' {
		if err := p.piece(); err != nil {
			return err
		}
	}
	return nil
}

var errQuantifier = RegexError("quantifier operand invalid", "put the quantifier after a character, class or group")

// piece is an atom and at most one quantifier (maybe non-greedy).
func (p *reParser) piece() error {
	quantifiable, err := p.atom()
	if err != nil {
		return err
	}
	if !p.quantifierNext() {
		return nil
	}
	if !quantifiable {
		return errQuantifier
	}
	if err := p.quantifier(); err != nil {
		return err
	}
	if p.more() && p.peek() == '?' {
		p.i++
		p.out.WriteByte('?')
	}
	if p.quantifierNext() {
		return errQuantifier
	}
	return nil
}

// quantifierNext reports whether a quantifier follows: * + ? or a '{'
// before a digit (any other '{' is a literal, as in PostgreSQL).
func (p *reParser) quantifierNext() bool {
	if !p.more() {
		return false
	}
	if r := p.peek(); r == '{' {
		return p.i+1 < len(p.src) && p.src[p.i+1] >= '0' && p.src[p.i+1] <= '9'
	}
	return strings.ContainsRune("*+?", p.peek())
}

func (p *reParser) quantifier() error {
	r := p.peek()
	p.i++
	if r != '{' {
		p.out.WriteRune(r)
		return nil
	}
	m, ok := p.number()
	if !ok {
		return RegexError("invalid repetition count(s)", "write {m}, {m,} or {m,n}")
	}
	n, bounded := m, true
	if p.more() && p.peek() == ',' {
		p.i++
		n, bounded = p.number()
	}
	if !p.more() || p.peek() != '}' {
		return RegexError("braces {} not balanced", "")
	}
	p.i++
	if m > maxRepeat || n > maxRepeat || bounded && n < m {
		return RegexError("invalid repetition count(s)", fmt.Sprintf("counts go from 0 to %d, the first not above the second", maxRepeat))
	}
	switch {
	case !bounded:
		fmt.Fprintf(&p.out, "{%d,}", m)
	case n == m:
		fmt.Fprintf(&p.out, "{%d}", m)
	default:
		fmt.Fprintf(&p.out, "{%d,%d}", m, n)
	}
	return nil
}

// number reads decimal digits; ok is false when there are none.
func (p *reParser) number() (int, bool) {
	n, start := 0, p.i
	for p.more() && p.peek() >= '0' && p.peek() <= '9' {
		if n <= maxRepeat {
			n = n*10 + int(p.peek()-'0')
		}
		p.i++
	}
	return n, p.i > start
}

// atom writes one atom; quantifiable is false for ^, $ and constraints.
func (p *reParser) atom() (quantifiable bool, err error) {
	r := p.peek()
	p.i++
	switch r {
	case '(':
		return true, p.group()
	case '[':
		return true, p.bracket()
	case '.':
		p.out.WriteByte('.')
	case '^', '$':
		p.out.WriteRune(r)
		return false, nil
	case '\\':
		return p.escape()
	case '{':
		if p.more() && p.peek() >= '0' && p.peek() <= '9' {
			return false, errQuantifier
		}
		p.literal(r)
	case '*', '+', '?':
		return false, errQuantifier
	default:
		p.literal(r)
	}
	return true, nil
}

func (p *reParser) group() error {
	capturing := true
	if p.more() && p.peek() == '?' {
		switch {
		case p.has("?:"):
			p.i += 2
			capturing = false
		case p.has("?=") || p.has("?!") || p.has("?<=") || p.has("?<!"):
			return RegexError("lookahead and lookbehind constraints are not supported", "match without them, or combine two filters with and=(...)")
		default:
			return errQuantifier
		}
	}
	if capturing {
		p.groups++
	}
	p.out.WriteString("(?:")
	if err := p.alt(); err != nil {
		return err
	}
	if !p.more() || p.peek() != ')' {
		return RegexError("parentheses () not balanced", "")
	}
	p.i++
	p.out.WriteByte(')')
	return nil
}

var errEscape = RegexError(`invalid escape \ sequence`, `write \\ for a backslash`)

// escape reads what follows a backslash outside brackets.
func (p *reParser) escape() (bool, error) {
	if !p.more() {
		return false, errEscape
	}
	r := p.peek()
	p.i++
	switch r {
	case 'd', 's', 'w':
		p.out.WriteString("[" + shorthand[r] + "]")
		return true, nil
	case 'D', 'S', 'W':
		p.out.WriteString("[^" + shorthand[unicode.ToLower(r)] + "]")
		return true, nil
	case 'A':
		p.out.WriteString(`\A`)
		return false, nil
	case 'Z':
		p.out.WriteString(`\z`)
		return false, nil
	case 'm', 'M', 'y', 'Y':
		return false, RegexError(fmt.Sprintf(`the word-boundary constraint \%c is not supported`, r), `match the surrounding characters instead, e.g. (^|\W)word`)
	}
	if r >= '1' && r <= '9' && p.backref() {
		return false, RegexError("back references are not supported", "repeat the group's pattern instead")
	}
	c, err := p.charEscape(r)
	if err != nil {
		return false, err
	}
	p.literal(c)
	return true, nil
}

// backref reports whether the digits from p.i-1 (after a backslash) are
// a back reference as PostgreSQL reads them: one digit, or a number no
// larger than the groups opened so far. Otherwise they are octal.
func (p *reParser) backref() bool {
	j := p.i
	for j < len(p.src) && p.src[j] >= '0' && p.src[j] <= '9' {
		j++
	}
	n, _ := strconv.Atoi(string(p.src[p.i-1 : j]))
	return j == p.i || n <= p.groups
}

// charEscape reads a character-entry escape whose letter r was read.
func (p *reParser) charEscape(r rune) (rune, error) {
	if c, ok := simpleEscapes[r]; ok {
		return c, nil
	}
	switch r {
	case 'c':
		if !p.more() {
			return 0, errEscape
		}
		c := p.peek()
		p.i++
		return c & 0x1F, nil
	case 'u':
		return p.hex(4, 4)
	case 'U':
		return p.hex(8, 8)
	case 'x':
		return p.hex(1, 8)
	case '0', '1', '2', '3', '4', '5', '6', '7':
		// Up to three octal digits, no more than 0377.
		c := r - '0'
		for k := 0; k < 2 && p.more() && p.peek() >= '0' && p.peek() <= '7'; k++ {
			if c*8+p.peek()-'0' > 0xFF {
				break
			}
			c = c*8 + p.peek() - '0'
			p.i++
		}
		return c, nil
	}
	if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return 0, errEscape
	}
	return r, nil // a backslash before punctuation or a non-ASCII letter: the character
}

var simpleEscapes = map[rune]rune{'a': 7, 'b': 8, 'B': '\\', 'e': 27, 'f': 12, 'n': 10, 'r': 13, 't': 9, 'v': 11}

// hex reads between min and max hexadecimal digits as a code point.
func (p *reParser) hex(min, max int) (rune, error) {
	c, k := rune(0), 0
	for ; k < max && p.more() && strings.ContainsRune("0123456789abcdefABCDEF", p.peek()); k++ {
		d := p.peek()
		switch {
		case d <= '9':
			d -= '0'
		case d >= 'a':
			d -= 'a' - 10
		default:
			d -= 'A' - 10
		}
		c = c*16 + d
		p.i++
	}
	if k < min || c > unicode.MaxRune || c >= 0xD800 && c <= 0xDFFF {
		return 0, errEscape
	}
	return c, nil
}

// literal writes one character, with its case forms when icase.
func (p *reParser) literal(r rune) {
	forms := p.forms(r)
	if len(forms) == 1 {
		p.out.WriteString(quoteRune(r))
		return
	}
	p.out.WriteByte('[')
	for _, f := range forms {
		p.out.WriteString(quoteRune(f))
	}
	p.out.WriteByte(']')
}

// forms is r, and when icase its lower() and upper() forms.
func (p *reParser) forms(r rune) []rune {
	out := []rune{r}
	if !p.icase {
		return out
	}
	for _, f := range []rune{unicode.ToLower(r), unicode.ToUpper(r)} {
		if f != r && (len(out) == 1 || out[1] != f) {
			out = append(out, f)
		}
	}
	return out
}

// quoteRune writes r so that Go reads it literally, in or out of brackets.
func quoteRune(r rune) string {
	if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
		return string(r)
	}
	return fmt.Sprintf(`\x{%X}`, r)
}

// compile checks the size of a translated pattern and compiles it. The
// size is estimated from the program: its instructions and the distinct
// character-class tables they hold (\w alone is about 1,400 code-point
// bounds); a compiled Regexp takes about four times its tables.
func compile(goPat string) (*regexp.Regexp, int, error) {
	re, err := syntax.Parse(goPat, syntax.Perl)
	cost := 0
	if err == nil {
		var prog *syntax.Prog
		if prog, err = syntax.Compile(re.Simplify()); err == nil {
			cost = progCost(prog)
			if len(prog.Inst) > maxRegexInsts || cost > maxRegexCost {
				err = fmt.Errorf("too large")
			}
		}
	}
	if err != nil {
		return nil, 0, RegexError("regular expression is too complex", "use fewer character classes, smaller repetition counts or a shorter pattern")
	}
	r, err := regexp.Compile(goPat)
	return r, cost, err
}

// progCost estimates the bytes a compiled program takes.
func progCost(prog *syntax.Prog) int {
	seen := map[*rune]bool{}
	runes := 0
	for _, in := range prog.Inst {
		if len(in.Rune) > 0 && !seen[&in.Rune[0]] {
			seen[&in.Rune[0]] = true
			runes += len(in.Rune)
		}
	}
	return len(prog.Inst)*40 + runes*16
}
