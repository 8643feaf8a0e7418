package pgtext

import (
	"fmt"
	"strings"

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
		n, _ = clean(n)
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
	return len(n.positions(v)) > 0
}

// positions is where n ends in v (for a phrase, its last word).
func (n *tsNode) positions(v TSVector) map[int]bool {
	out := map[int]bool{}
	switch n.op {
	case "lex":
		if n.none {
			return out
		}
		for w, ps := range v {
			if w == n.word || n.prefix && strings.HasPrefix(w, n.word) {
				for _, p := range ps {
					out[p] = true
				}
			}
		}
	case "and", "or":
		l, r := n.left.positions(v), n.right.positions(v)
		for p := range l {
			if n.op == "or" || r[p] {
				out[p] = true
			}
		}
		if n.op == "or" {
			for p := range r {
				out[p] = true
			}
		}
	case "phrase":
		return n.phrasePositions(v)
	}
	return out
}

func (n *tsNode) phrasePositions(v TSVector) map[int]bool {
	out := map[int]bool{}
	switch {
	case n.right.op == "not":
		excl := n.right.left.positions(v)
		for p := range n.left.positions(v) {
			if !excl[p+n.dist] {
				out[p+n.dist] = true
			}
		}
	case n.left.op == "not":
		excl := n.left.left.positions(v)
		for p := range n.right.positions(v) {
			if !excl[p-n.dist] {
				out[p] = true
			}
		}
	default:
		l := n.left.positions(v)
		for p := range n.right.positions(v) {
			if l[p-n.dist] {
				out[p] = true
			}
		}
	}
	return out
}

// clean drops the operands that became empty (stop words) as PostgreSQL
// does; extra is the distance a dropped right-hand phrase operand took.
func clean(n *tsNode) (*tsNode, int) {
	if n == nil || n.op == "empty" {
		return nil, 0
	}
	switch n.op {
	case "not":
		l, _ := clean(n.left)
		if l == nil {
			return nil, 0
		}
		return &tsNode{op: "not", left: l}, 0
	case "and", "or", "phrase":
		l, le := clean(n.left)
		r, re := clean(n.right)
		switch {
		case l == nil && r == nil:
			return nil, 0
		case l == nil:
			return r, re
		case r == nil:
			if n.op == "phrase" {
				return l, le + n.dist
			}
			return l, le
		}
		c := &tsNode{op: n.op, left: l, right: r, dist: n.dist}
		if n.op == "phrase" {
			c.dist += le
		}
		return c, re
	}
	return n, 0
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
// every other word required; punctuation is ignored.
func websearch(cfg, q string) *tsNode {
	var groups []*tsNode // OR of ANDs
	var cur *tsNode
	rest := q
	for {
		rest = strings.TrimLeft(rest, " \t\n\r")
		if rest == "" {
			break
		}
		neg := false
		if rest[0] == '-' {
			neg, rest = true, rest[1:]
		}
		var n *tsNode
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				end = len(rest) - 1
			}
			n, rest = phraseOf(cfg, rest[1:1+end]), rest[min(len(rest), end+2):]
		} else {
			i := strings.IndexAny(rest, " \t\n\r\"")
			if i < 0 {
				i = len(rest)
			}
			var tok string
			tok, rest = rest[:i], rest[i:]
			if strings.EqualFold(tok, "or") && !neg {
				if cur != nil {
					groups = append(groups, cur)
				}
				cur = nil
				continue
			}
			n = phraseOf(cfg, tok)
		}
		if n == nil {
			continue
		}
		if neg {
			n = &tsNode{op: "not", left: n}
		}
		cur = andAll([]*tsNode{cur, n}[boolInt(cur == nil):])
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

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
