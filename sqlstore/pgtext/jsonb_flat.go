package pgtext

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// canonicalFlat is CanonicalJSON for the common document: one flat
// object of strings without escapes, numbers, booleans and nulls, such
// as the custom_fields a shop sends with each order. Decoding each of a
// bulk request's documents through encoding/json into a map took 5% of
// the ingest's CPU. ok is false for anything else (nesting, escapes, a
// repeated key, a malformed document), which takes the general path.
func canonicalFlat(doc []byte) (string, bool) {
	type member struct{ k, v string }
	var buf [16]member
	ms := buf[:0]
	s := string(doc)
	i := skipWS(s, 0)
	if i >= len(s) || s[i] != '{' {
		return "", false
	}
	i = skipWS(s, i+1)
	if i < len(s) && s[i] == '}' {
		return "{}", skipWS(s, i+1) == len(s)
	}
	for {
		k, end, ok := plainString(s, i)
		if !ok {
			return "", false
		}
		i = skipWS(s, end)
		if i >= len(s) || s[i] != ':' {
			return "", false
		}
		i = skipWS(s, i+1)
		if i >= len(s) {
			return "", false
		}
		var v string
		switch c := s[i]; {
		case c == '"':
			_, end, ok = plainString(s, i)
			if !ok {
				return "", false
			}
			v, i = s[i:end], end
		case c == 't' && strings.HasPrefix(s[i:], "true"):
			v, i = "true", i+4
		case c == 'f' && strings.HasPrefix(s[i:], "false"):
			v, i = "false", i+5
		case c == 'n' && strings.HasPrefix(s[i:], "null"):
			v, i = "null", i+4
		case c == '-' || c >= '0' && c <= '9':
			end := i
			for end < len(s) && strings.IndexByte("+-.eE0123456789", s[end]) >= 0 {
				end++
			}
			if !isNumber(s[i:end]) {
				return "", false
			}
			v, i = Numeric(s[i:end]), end
		default:
			return "", false
		}
		ms = append(ms, member{k, v})
		i = skipWS(s, i)
		if i >= len(s) {
			return "", false
		}
		if s[i] == '}' {
			if skipWS(s, i+1) != len(s) {
				return "", false
			}
			break
		}
		if s[i] != ',' {
			return "", false
		}
		i = skipWS(s, i+1)
	}
	slices.SortFunc(ms, func(a, b member) int {
		if len(a.k) != len(b.k) {
			return len(a.k) - len(b.k)
		}
		return strings.Compare(a.k, b.k)
	})
	n := 2
	for j, m := range ms {
		if j > 0 && ms[j-1].k == m.k {
			return "", false // the last one wins: the general path knows which
		}
		n += len(m.k) + len(m.v) + 4
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteByte('{')
	for j, m := range ms {
		if j > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(m.k)
		b.WriteString(`":`)
		b.WriteString(m.v)
	}
	b.WriteByte('}')
	return b.String(), true
}

func skipWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// plainString reads the string at s[i] when it has no escapes and no
// control characters and is valid UTF-8 (printed as it is written).
func plainString(s string, i int) (content string, end int, ok bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	j := strings.IndexByte(s[i+1:], '"')
	if j < 0 {
		return "", 0, false
	}
	c := s[i+1 : i+1+j]
	for k := 0; k < len(c); k++ {
		if c[k] < 0x20 || c[k] == '\\' || c[k] == 0x7f {
			return "", 0, false
		}
	}
	if !utf8.ValidString(c) {
		return "", 0, false
	}
	return c, i + 2 + j, true
}

// isNumber reports whether s is a JSON number literal.
func isNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}
