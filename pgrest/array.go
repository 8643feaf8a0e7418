package pgrest

import (
	"strconv"
	"strings"
)

// ParseArrayLiteral parses a one-dimensional PostgreSQL array literal in text
// form, such as {a,"b c","x\"y"}, into its elements.
//
// It follows PostgreSQL's array input rules: whitespace around elements is
// ignored; a double-quoted element may contain anything, with a backslash
// escaping the next character; an unquoted element runs to the next "," or
// "}", may use backslash escapes, and may not contain a quote or a brace;
// "{}" is the empty array (a non-nil empty slice).
//
// An unquoted NULL (any case) is a NULL element in PostgreSQL. A []string
// cannot hold it, and reading it as the string "NULL" would silently change
// the query's meaning, so it is refused with 400 PGRST127; quote it ("NULL")
// to mean the string. Dimension decorations ([1:2]={…}) and nested arrays
// are refused the same way. A malformed literal is 400 22P02 with the message
// and details PostgreSQL gives, so the API answers as PostgREST would. More
// than MaxListElements elements is 400 PGRST100. The error is always *Error.
func ParseArrayLiteral(s string) ([]string, error) {
	list, err := parseArrayLiteral(s)
	if err != nil {
		return nil, err
	}
	return list, nil
}

func parseArrayLiteral(lit string) ([]string, *Error) {
	malformed := func(details string) *Error {
		return &Error{Status: 400, Code: "22P02", Message: "malformed array literal: " + strconv.Quote(lit), Details: ptr(details)}
	}
	unsupported := func(what string) *Error {
		return &Error{Status: 400, Code: "PGRST127", Message: "Feature not implemented",
			Details: ptr(what + " in array literals are not supported: " + strconv.Quote(lit))}
	}
	unexpected := func(c byte) *Error {
		return malformed("Unexpected \"" + string(c) + "\" character.")
	}
	s := strings.TrimLeft(lit, " \t\n\r\v\f")
	switch {
	case strings.HasPrefix(s, "["):
		return nil, unsupported("dimension decorations")
	case !strings.HasPrefix(s, "{"):
		return nil, malformed(`Array value must start with "{" or dimension information.`)
	}
	i := 1
	skip := func() {
		for i < len(s) && strings.IndexByte(" \t\n\r\v\f", s[i]) >= 0 {
			i++
		}
	}
	list := []string{}
	skip()
	if i < len(s) && s[i] == '}' {
		i++
	} else {
		for {
			if len(list) == MaxListElements {
				return nil, &Error{Status: 400, Code: "PGRST100", Message: "array literal too long",
					Details: ptr("an array literal may have at most " + strconv.Itoa(MaxListElements) + " elements")}
			}
			skip()
			if i >= len(s) {
				return nil, malformed("Unexpected end of input.")
			}
			var elem string
			switch c := s[i]; c {
			case '{':
				return nil, unsupported("nested arrays")
			case ',', '}':
				return nil, unexpected(c)
			case '"':
				v, end, ok := scanQuoted(s, i)
				if !ok {
					return nil, malformed("Unexpected end of input.")
				}
				elem, i = v, end
			default:
				var b strings.Builder
				keep := 0 // length of b up to its last escaped or non-blank byte
				escaped := false
				for i < len(s) && s[i] != ',' && s[i] != '}' {
					c := s[i]
					switch {
					case c == '\\':
						if i+1 >= len(s) {
							return nil, malformed("Unexpected end of input.")
						}
						i++
						b.WriteByte(s[i])
						keep = b.Len()
						escaped = true
					case c == '"' || c == '{':
						return nil, unexpected(c)
					default:
						b.WriteByte(c)
						if strings.IndexByte(" \t\n\r\v\f", c) < 0 {
							keep = b.Len()
						}
					}
					i++
				}
				elem = b.String()[:keep]
				if !escaped && strings.EqualFold(elem, "NULL") {
					return nil, unsupported("NULL elements")
				}
			}
			list = append(list, elem)
			skip()
			if i >= len(s) {
				return nil, malformed("Unexpected end of input.")
			}
			if s[i] == '}' {
				i++
				break
			}
			if s[i] != ',' {
				return nil, malformed("Unexpected array element.")
			}
			i++
		}
	}
	if strings.TrimSpace(s[i:]) != "" {
		return nil, malformed("Junk after closing right brace.")
	}
	return list, nil
}
