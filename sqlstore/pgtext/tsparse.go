package pgtext

import (
	"fmt"
	"strconv"
	"strings"
)

// tsParser reads to_tsquery's syntax: operands joined by & | <-> <N>,
// ! for not, parentheses; an operand may end in :* (prefix) or weights.
// Each operand goes through the configuration: a stop word drops out, a
// hyphenated word becomes its lexemes in sequence.
type tsParser struct {
	s   []rune
	i   int
	cfg string
}

func (p *tsParser) ws() {
	for p.i < len(p.s) && strings.ContainsRune(" \t\n\r", p.s[p.i]) {
		p.i++
	}
}

func (p *tsParser) or() (*tsNode, error) {
	l, err := p.and()
	for err == nil && p.peekOp("|") {
		p.i++
		var r *tsNode
		if r, err = p.and(); err == nil {
			l = &tsNode{op: "or", left: l, right: r}
		}
	}
	return l, err
}

func (p *tsParser) and() (*tsNode, error) {
	l, err := p.phrase()
	for err == nil && p.peekOp("&") {
		p.i++
		var r *tsNode
		if r, err = p.phrase(); err == nil {
			l = &tsNode{op: "and", left: l, right: r}
		}
	}
	return l, err
}

func (p *tsParser) peekOp(op string) bool {
	p.ws()
	return strings.HasPrefix(string(p.s[p.i:]), op)
}

func (p *tsParser) phrase() (*tsNode, error) {
	l, err := p.unary()
	for err == nil && p.peekOp("<") {
		d, derr := p.distance()
		if derr != nil {
			return nil, derr
		}
		var r *tsNode
		if r, err = p.unary(); err == nil {
			l = &tsNode{op: "phrase", left: l, right: r, dist: d}
		}
	}
	return l, err
}

// distance reads <-> (1) or <N>.
func (p *tsParser) distance() (int, error) {
	rest := string(p.s[p.i:])
	if strings.HasPrefix(rest, "<->") {
		p.i += 3
		return 1, nil
	}
	end := strings.IndexByte(rest, '>')
	if end < 2 {
		return 0, fmt.Errorf("bad distance")
	}
	d, err := strconv.Atoi(rest[1:end])
	if err != nil || d < 0 || d > 16384 {
		return 0, fmt.Errorf("bad distance")
	}
	p.i += len([]rune(rest[:end+1]))
	return d, nil
}

func (p *tsParser) unary() (*tsNode, error) {
	p.ws()
	if p.i >= len(p.s) {
		return nil, fmt.Errorf("unexpected end")
	}
	switch p.s[p.i] {
	case '!':
		p.i++
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &tsNode{op: "not", left: n}, nil
	case '(':
		p.i++
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.ws(); p.i >= len(p.s) || p.s[p.i] != ')' {
			return nil, fmt.Errorf("missing )")
		}
		p.i++
		return n, nil
	}
	return p.operand()
}

// operand reads a word and its :* or weights.
func (p *tsParser) operand() (*tsNode, error) {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(" \t\n\r&|!()<:", p.s[p.i]) {
		p.i++
	}
	w := string(p.s[start:p.i])
	if w == "" {
		return nil, fmt.Errorf("syntax error at %d", start)
	}
	prefix, none := false, false
	if p.i < len(p.s) && p.s[p.i] == ':' {
		p.i++
		weights := ""
		for p.i < len(p.s) && strings.ContainsRune("*ABCDabcd", p.s[p.i]) {
			weights += string(p.s[p.i])
			p.i++
		}
		prefix = strings.Contains(weights, "*")
		w8 := strings.Trim(weights, "*")
		none = w8 != "" && !strings.ContainsAny(w8, "Dd") // every lexeme here has weight D
	}
	var out *tsNode
	last := 0
	for _, l := range lexemes(p.cfg, w, 0) {
		if l.word == "" {
			continue
		}
		lex := &tsNode{op: "lex", word: l.word, prefix: prefix, none: none}
		if out == nil {
			out = lex
		} else {
			out = &tsNode{op: "phrase", left: out, right: lex, dist: l.pos - last}
		}
		last = l.pos
	}
	if out == nil {
		return &tsNode{op: "empty"}, nil
	}
	return out, nil
}
