package pgtext

import (
	"container/list"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// PostgreSQL's character classes on a UTF-8 database with a libc locale
// (glibc's C.UTF-8), as Go class contents: the large ones are
// pgClassTables (regex_tables.go, generated from PostgreSQL itself);
// digit, space, cntrl and xdigit are short enough to write here.
var (
	classes   map[string]string
	shorthand map[rune]string
)

func init() {
	classes = map[string]string{
		"digit":  `0-9`,
		"space":  `\t\n\v\f\r \x{1680}\x{2000}-\x{2006}\x{2008}-\x{200A}\x{2028}\x{2029}\x{205F}\x{3000}`,
		"cntrl":  `\x00-\x1F\x7F-\x9F`,
		"xdigit": `0-9A-Fa-f`,
		"ascii":  `\x00-\x7F`,
	}
	for name, set := range pgClassTables {
		classes[name] = set
	}
	classes["word"] = classes["alnum"] + `_`
	shorthand = map[rune]string{'d': classes["digit"], 's': classes["space"], 'w': classes["word"]}
}

// cased is every code point that lower() or upper() changes, in order:
// under icase a range gets the other forms of the cased ones it holds.
var cased = func() []rune {
	var out []rune
	for _, cr := range unicode.CaseRanges {
		for r := rune(cr.Lo); r <= rune(cr.Hi); r++ {
			if unicode.ToLower(r) != r || unicode.ToUpper(r) != r {
				out = append(out, r)
			}
		}
	}
	return out
}()

// bracket reads a bracket expression after its '['.
func (p *reParser) bracket() error {
	if p.has("[:<:]]") || p.has("[:>:]]") {
		return RegexError("the word-boundary constraints [[:<:]] and [[:>:]] are not supported", `match the surrounding characters instead, e.g. (^|\W)word`)
	}
	var items strings.Builder
	neg := p.more() && p.peek() == '^'
	if neg {
		p.i++
	}
	p.negated = nil
	for first := true; ; first = false {
		if !p.more() {
			return RegexError("brackets [] not balanced", "")
		}
		if p.peek() == ']' && !first {
			p.i++
			break
		}
		if err := p.bracketItem(&items); err != nil {
			return err
		}
	}
	if neg && len(p.negated) > 0 {
		return RegexError(`\D, \S and \W in a negated bracket expression are not supported`, "write the class as its positive form")
	}
	p.writeBracket(neg, items.String())
	return nil
}

// writeBracket writes a bracket's items; [a\W] becomes (?:[a]|[^word]),
// since Go cannot complement a class inside brackets.
func (p *reParser) writeBracket(neg bool, items string) {
	if len(p.negated) > 0 {
		p.out.WriteString("(?:")
	}
	if items != "" || len(p.negated) == 0 {
		p.out.WriteByte('[')
		if neg {
			p.out.WriteByte('^')
		}
		p.out.WriteString(items + "]")
	}
	for i, n := range p.negated {
		if i > 0 || items != "" {
			p.out.WriteByte('|')
		}
		p.out.WriteString("[^" + n + "]")
	}
	if len(p.negated) > 0 {
		p.out.WriteString(")")
	}
}

// bracketItem reads one character, range or class of a bracket.
func (p *reParser) bracketItem(items *strings.Builder) error {
	switch {
	case p.has("[:"):
		rest := string(p.src[p.i+2:])
		end := strings.Index(rest, ":]")
		if end < 0 {
			return RegexError("brackets [] not balanced", "")
		}
		name := rest[:end]
		p.i += 2 + utf8.RuneCountInString(name) + 2
		if p.icase && (name == "upper" || name == "lower") {
			name = "alpha" // as PostgreSQL: case-insensitive, both mean alpha
		}
		c, ok := classes[name]
		if !ok {
			return RegexError("invalid character class", "use alnum, alpha, ascii, blank, cntrl, digit, graph, lower, print, punct, space, upper, word or xdigit")
		}
		items.WriteString(c)
		return nil
	case p.has("[.") || p.has("[="):
		return RegexError("collating elements and equivalence classes are not supported", "list the characters instead")
	}
	n := len(p.negated)
	lo, class, err := p.bracketChar()
	if err != nil || class != "" || len(p.negated) > n {
		if err == nil && p.i+1 < len(p.src) && p.peek() == '-' && p.src[p.i+1] != ']' {
			return RegexError("invalid character range", "a class cannot start a range")
		}
		items.WriteString(class)
		return err
	}
	hi := lo
	if p.i+1 < len(p.src) && p.peek() == '-' && p.src[p.i+1] != ']' {
		p.i++
		if hi, class, err = p.bracketChar(); err != nil {
			return err
		}
		if class != "" || hi < lo {
			return RegexError("invalid character range", "write ranges low to high, e.g. [a-z]")
		}
	}
	p.rangeItem(items, lo, hi)
	return nil
}

// bracketChar reads a character (or \d \s \w) inside brackets.
func (p *reParser) bracketChar() (rune, string, error) {
	r := p.peek()
	p.i++
	if r != '\\' {
		return r, "", nil
	}
	if !p.more() {
		return 0, "", errEscape
	}
	e := p.peek()
	p.i++
	switch e {
	case 'd', 's', 'w':
		return 0, shorthand[e], nil
	case 'D', 'S', 'W':
		p.negated = append(p.negated, shorthand[unicode.ToLower(e)])
		return 0, "", nil
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		if p.backref() {
			return 0, "", errEscape // no back references in brackets
		}
	}
	c, err := p.charEscape(e)
	return c, "", err
}

// rangeItem writes lo-hi, with the case forms of its characters when
// icase and the range is narrow enough.
func (p *reParser) rangeItem(items *strings.Builder, lo, hi rune) {
	if lo == hi {
		items.WriteString(quoteRune(lo))
	} else {
		items.WriteString(quoteRune(lo) + "-" + quoteRune(hi))
	}
	if !p.icase {
		return
	}
	i := sort.Search(len(cased), func(i int) bool { return cased[i] >= lo })
	for ; i < len(cased) && cased[i] <= hi; i++ {
		for _, f := range p.forms(cased[i])[1:] {
			if f < lo || f > hi {
				items.WriteString(quoteRune(f))
			}
		}
	}
}

// regexCache holds the most recently used compiled patterns: at most
// regexCacheSize of them and regexCacheBytes of estimated size (each is
// at most maxRegexCost), so distinct large patterns cannot grow memory.
const (
	regexCacheSize  = 100
	regexCacheBytes = 16 << 20
)

type regexKey struct {
	pat   string
	icase bool
}

type regexEntry struct {
	key  regexKey
	re   *regexp.Regexp
	err  error
	cost int
}

var regexCache = struct {
	sync.Mutex
	order *list.List // front: most recent
	byKey map[regexKey]*list.Element
	bytes int
}{order: list.New(), byKey: map[regexKey]*list.Element{}}

// CompileRegex translates and compiles a PostgreSQL pattern (see
// TranslateRegex); the result, or the refusal, is cached. Both dialects
// call it, so a pattern is refused alike on both.
func CompileRegex(pat string, icase bool) (*regexp.Regexp, error) {
	k := regexKey{pat, icase}
	c := &regexCache
	c.Lock()
	if el, ok := c.byKey[k]; ok {
		c.order.MoveToFront(el)
		e := el.Value.(*regexEntry)
		c.Unlock()
		return e.re, e.err
	}
	c.Unlock()
	e := &regexEntry{key: k}
	var goPat string
	if goPat, e.err = TranslateRegex(pat, icase); e.err == nil {
		e.re, e.cost, e.err = compile(goPat)
	}
	c.Lock()
	defer c.Unlock()
	if _, ok := c.byKey[k]; !ok {
		c.byKey[k] = c.order.PushFront(e)
		c.bytes += e.cost
		for c.order.Len() > regexCacheSize || c.bytes > regexCacheBytes {
			old := c.order.Remove(c.order.Back()).(*regexEntry)
			delete(c.byKey, old.key)
			c.bytes -= old.cost
		}
	}
	return e.re, e.err
}
