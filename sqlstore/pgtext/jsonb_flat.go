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
	var buf [16]flatMember
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
		v, end, ok := flatValue(s, skipWS(s, i+1))
		if !ok {
			return "", false
		}
		ms = append(ms, flatMember{k, v})
		i = skipWS(s, end)
		if i >= len(s) {
			return "", false
		}
		if s[i] == '}' {
			if skipWS(s, i+1) != len(s) {
				return "", false
			}
			return renderFlat(ms)
		}
		if s[i] != ',' {
			return "", false
		}
		i = skipWS(s, i+1)
	}
}

// flatMember is one member of a flat object: its key (quoted, without
// the quotes) and its value in canonical form.
type flatMember struct{ k, v string }

// flatValue reads the plain value at s[i:] (a string without escapes,
// true, false, null or a number, in canonical form) and where it ends.
func flatValue(s string, i int) (v string, end int, ok bool) {
	if i >= len(s) {
		return "", 0, false
	}
	switch c := s[i]; {
	case c == '"':
		if _, end, ok = plainString(s, i); !ok {
			return "", 0, false
		}
		return s[i:end], end, true
	case c == 't' && strings.HasPrefix(s[i:], "true"):
		return "true", i + 4, true
	case c == 'f' && strings.HasPrefix(s[i:], "false"):
		return "false", i + 5, true
	case c == 'n' && strings.HasPrefix(s[i:], "null"):
		return "null", i + 4, true
	case c == '-' || c >= '0' && c <= '9':
		end = i
		for end < len(s) && strings.IndexByte("+-.eE0123456789", s[end]) >= 0 {
			end++
		}
		if !isNumber(s[i:end]) {
			return "", 0, false
		}
		return Numeric(s[i:end]), end, true
	}
	return "", 0, false
}

// renderFlat writes the members in jsonb's key order (shorter keys
// first, then bytewise); ok is false for a repeated key.
func renderFlat(ms []flatMember) (string, bool) {
	slices.SortFunc(ms, func(a, b flatMember) int {
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
