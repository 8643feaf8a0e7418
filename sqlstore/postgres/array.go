package postgres

import (
	"encoding/json"
	"fmt"
	"strings"
)

// arrayLiteral writes a as a PostgreSQL array literal, every element
// quoted: {"a","b \"c\""}.
func arrayLiteral(a []string) string {
	if len(a) == 0 {
		return "{}"
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, s := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for j := 0; j < len(s); j++ {
			if s[j] == '"' || s[j] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[j])
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// parseArray reads PostgreSQL's text output of a one-dimensional text[]
// ({a,"b c",NULL}) or a JSON array of strings. NULL elements read as "".
func parseArray(s string) ([]string, error) {
	if strings.HasPrefix(s, "[") {
		var a []string
		if err := json.Unmarshal([]byte(s), &a); err != nil {
			return nil, fmt.Errorf("array %q: %w", s, err)
		}
		if a == nil {
			a = []string{}
		}
		return a, nil
	}
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, fmt.Errorf("array %q: not a PostgreSQL array", s)
	}
	body := s[1 : len(s)-1]
	out := []string{}
	if body == "" {
		return out, nil
	}
	for i := 0; i <= len(body); {
		if i < len(body) && body[i] == '"' {
			var b strings.Builder
			j := i + 1
			for ; j < len(body) && body[j] != '"'; j++ {
				if body[j] == '\\' && j+1 < len(body) {
					j++
				}
				b.WriteByte(body[j])
			}
			if j >= len(body) {
				return nil, fmt.Errorf("array %q: unterminated quote", s)
			}
			out = append(out, b.String())
			i = j + 1
		} else {
			j := strings.IndexByte(body[i:], ',')
			if j < 0 {
				j = len(body) - i
			}
			el := body[i : i+j]
			if el == "NULL" {
				el = ""
			}
			out = append(out, el)
			i += j
		}
		if i >= len(body) {
			break
		}
		if body[i] != ',' {
			return nil, fmt.Errorf("array %q: expected , at %d", s, i)
		}
		i++
	}
	return out, nil
}
