package pgtext

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/connectgain/server/crm"
)

// TSQuery is a parsed text-search query; nil matches nothing (a query of
// stop words only, as PostgreSQL's "contains only stop words" notice).
type TSQuery struct{ root *tsNode }

type tsNode struct {
	op          string // lex, and, or, not, phrase
	word        string
	prefix      bool
	none        bool // a weight restriction no lexeme of ours has
	left, right *tsNode
	dist        int // phrase: right is dist positions after left
}

// ParseTSQuery reads q as op's function does with configuration cfg (see
// Config): fts is to_tsquery, plfts plainto_tsquery, phfts
// phraseto_tsquery and wfts websearch_to_tsquery. A to_tsquery syntax
// error is 42601.
func ParseTSQuery(op, cfg, q string) (*TSQuery, error) {
	if c := lastQuery.Load(); c != nil && c.op == op && c.cfg == cfg && c.q == q {
		return c.parsed, nil // SQLite asks once a row
	}
	parsed, err := parseTSQuery(op, cfg, q)
	if err == nil {
		lastQuery.Store(&cachedQuery{op: op, cfg: cfg, q: q, parsed: parsed})
	}
	return parsed, err
}

// lastQuery is the query parsed last (a TSQuery is never modified).
var lastQuery atomic.Pointer[cachedQuery]

type cachedQuery struct {
	op, cfg, q string
	parsed     *TSQuery
}

func parseTSQuery(op, cfg, q string) (*TSQuery, error) {
	var n *tsNode
	switch op {
	case "plfts":
		n = andAll(textNodes(cfg, q, false))
	case "phfts":
		n = phraseOf(cfg, q)
	case "wfts":
		n = websearch(cfg, q)
	default:
		p := &tsParser{s: []rune(q), cfg: cfg}
		var err error
		if n, err = p.or(); err == nil {
			if p.ws(); p.i < len(p.s) {
				err = fmt.Errorf("at %d", p.i)
			}
		}
		if err != nil {
			return nil, &crm.Error{Code: crm.SQLStateSyntax, Message: fmt.Sprintf("syntax error in tsquery: %q", q)}
		}
		n, _, _ = clean(n)
	}
	return &TSQuery{root: n}, nil
}

// Match is v @@ q.
func (q *TSQuery) Match(v TSVector) bool {
	if q.root == nil {
		return false
	}
	return q.root.match(v)
}

func (n *tsNode) match(v TSVector) bool {
	switch n.op {
	case "and":
		return n.left.match(v) && n.right.match(v)
	case "or":
		return n.left.match(v) || n.right.match(v)
	case "not":
		return !n.left.match(v)
	}
	ps := n.positions(v)
	return ps.neg || len(ps.set) > 0
}

// posSet is where a phrase operand ends: the positions in set, or with
// neg every position but those (a negated operand).
type posSet struct {
	set map[int]bool
	neg bool
}

func (s posSet) has(p int) bool { return s.set[p] != s.neg }

// width is how many positions n spans after its first word.
func (n *tsNode) width() int {
	switch n.op {
	case "phrase":
		return n.left.width() + n.dist + n.right.width()
	case "not":
		return n.left.width()
	case "and", "or":
		return max(n.left.width(), n.right.width())
	}
	return 0
}

// positions is where n ends in v, as PostgreSQL's phrase search reads
// its operands: & and | combine positions, ! complements them.
func (n *tsNode) positions(v TSVector) posSet {
	switch n.op {
	case "lex":
		out := posSet{set: map[int]bool{}}
		if n.none {
			return out
		}
		for w, ps := range v {
			if w == n.word || n.prefix && strings.HasPrefix(w, n.word) {
				for _, p := range ps {
					out.set[p] = true
				}
			}
		}
		return out
	case "not":
		p := n.left.positions(v)
		return posSet{set: p.set, neg: !p.neg}
	case "and", "or":
		return combine(n.op, n.left.positions(v), n.right.positions(v))
	}
	return n.phrasePositions(v)
}

// combine is & (both) or | (either) of two position sets.
func combine(op string, l, r posSet) posSet {
	out := posSet{set: map[int]bool{}}
	and := op == "and"
	// With neg, a set lists the positions excluded; De Morgan's laws
	// give the result's own negation and members.
	out.neg = and && l.neg && r.neg || !and && (l.neg || r.neg)
	for _, s := range []map[int]bool{l.set, r.set} {
		for p := range s {
			if l.has(p) && r.has(p) == and || !and && (l.has(p) || r.has(p)) {
				if !out.neg {
					out.set[p] = true
				}
			} else if out.neg {
				out.set[p] = true
			}
		}
	}
	return out
}

// phrasePositions is l <dist> r: r ends at p and l ends dist positions
// before r starts.
func (n *tsNode) phrasePositions(v TSVector) posSet {
	l, r := n.left.positions(v), n.right.positions(v)
	gap := n.dist + n.right.width()
	out := posSet{set: map[int]bool{}}
	switch {
	case !r.neg:
		for p := range r.set {
			if l.has(p - gap) {
				out.set[p] = true
			}
		}
	case !l.neg:
		for p := range l.set {
			if r.has(p + gap) {
				out.set[p+gap] = true
			}
		}
	default: // both negated: every position but those either excludes
		out.neg = true
		for p := range r.set {
			out.set[p] = true
		}
		for p := range l.set {
			out.set[p+gap] = true
		}
	}
	return out
}

// clean drops the operands that became empty (stop words) as PostgreSQL
// does. A phrase keeps the distance its dropped words took: left and
// right are the positions dropped before and after what remains, which
// the phrase above adds to its own distance.
func clean(n *tsNode) (out *tsNode, left, right int) {
	if n == nil || n.op == "empty" {
		return nil, 0, 0
	}
	switch n.op {
	case "not":
		l, _, _ := clean(n.left)
		if l == nil {
			return nil, 0, 0
		}
		return &tsNode{op: "not", left: l}, 0, 0
	case "and", "or":
		l, _, _ := clean(n.left)
		r, _, _ := clean(n.right)
		switch {
		case l == nil:
			return r, 0, 0
		case r == nil:
			return l, 0, 0
		}
		return &tsNode{op: n.op, left: l, right: r}, 0, 0
	case "phrase":
		l, ll, lr := clean(n.left)
		r, rl, rr := clean(n.right)
		switch {
		case l == nil && r == nil:
			return nil, 0, 0
		case l == nil:
			return r, ll + lr + n.dist + rl, rr
		case r == nil:
			return l, ll, lr + n.dist + rl + rr
		}
		return &tsNode{op: "phrase", left: l, right: r, dist: lr + n.dist + rl}, ll, rr
	}
	return n, 0, 0
}

func andAll(ns []*tsNode) *tsNode {
	var out *tsNode
	for _, n := range ns {
		if out == nil {
			out = n
		} else {
			out = &tsNode{op: "and", left: out, right: n}
		}
	}
	return out
}

// textNodes is each lexeme of text (stop words left out).
func textNodes(cfg, text string, prefix bool) []*tsNode {
	var out []*tsNode
	for _, l := range lexemes(cfg, text, 0) {
		if l.word != "" {
			out = append(out, &tsNode{op: "lex", word: l.word, prefix: prefix})
		}
	}
	return out
}

// phraseOf is phraseto_tsquery: the lexemes in sequence, each at its
// distance from the one before (a stop word between counts).
func phraseOf(cfg, text string) *tsNode {
	var out *tsNode
	last := 0
	for _, l := range lexemes(cfg, text, 0) {
		if l.word == "" {
			continue
		}
		lex := &tsNode{op: "lex", word: l.word}
		if out == nil {
			out = lex
		} else {
			out = &tsNode{op: "phrase", left: out, right: lex, dist: l.pos - last}
		}
		last = l.pos
	}
	return out
}

// websearch is websearch_to_tsquery: "quoted phrases", or, -word, and
// every other word required; the other characters of to_tsquery's syntax
// are ignored.
func websearch(cfg, q string) *tsNode {
	var groups []*tsNode // OR of ANDs
	var cur *tsNode
	afterOperand := false // the last term was an operand, even one with no word (",")
	for rest := q; ; {
		rest = strings.TrimLeft(rest, websearchSkip)
		if rest == "" {
			break
		}
		var n *tsNode
		var isOr bool
		n, isOr, rest = websearchTerm(cfg, rest, afterOperand)
		afterOperand = !isOr
		if isOr {
			if cur != nil {
				groups = append(groups, cur)
			}
			cur = nil
			continue
		}
		if n != nil {
			cur = andAll([]*tsNode{cur, n}[boolInt(cur == nil):])
		}
	}
	if cur != nil {
		groups = append(groups, cur)
	}
	var out *tsNode
	for _, g := range groups {
		if out == nil {
			out = g
		} else {
			out = &tsNode{op: "or", left: out, right: g}
		}
	}
	return out
}

// websearchSkip are the characters between websearch terms.
const websearchSkip = " \t\n\r&|!()"

// websearchTerm reads one term: a phrase or a run of other characters
// (its words in sequence), each negated by the '-'s before it, or, when
// orAllowed (an operand came last), the operator "or" if anything
// follows it; first, last or negated, "or" is a word. A run with no word
// (".") is an operand too, and takes the negation with it.
func websearchTerm(cfg, rest string, orAllowed bool) (n *tsNode, isOr bool, tail string) {
	neg := false
	for rest != "" && rest[0] == '-' {
		neg, rest = !neg, strings.TrimLeft(rest[1:], websearchSkip)
	}
	if strings.HasPrefix(rest, `"`) {
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			end = len(rest) - 1
		}
		n, rest = phraseOf(cfg, rest[1:1+end]), rest[min(len(rest), end+2):]
	} else {
		i := strings.IndexAny(rest, websearchSkip+`"`)
		if i < 0 {
			i = len(rest)
		}
		tok := rest[:i]
		rest = rest[i:]
		if strings.EqualFold(tok, "or") && !neg && orAllowed && strings.TrimSpace(rest) != "" {
			return nil, true, rest
		}
		n = phraseOf(cfg, tok)
	}
	if n != nil && neg {
		n = &tsNode{op: "not", left: n}
	}
	return n, false, rest
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
