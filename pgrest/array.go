package pgrest

import (
	"strconv"
	"strings"

	"github.com/connectgain/server/crm"
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
		return &Error{Status: 400, Code: crm.SQLStateInvalidText, Message: "malformed array literal: " + strconv.Quote(lit), Details: ptr(details)}
	}
	unsupported := func(what string) *Error {
		return &Error{Status: 400, Code: crm.PGRSTNotImplemented, Message: "Feature not implemented",
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
				return nil, &Error{Status: 400, Code: crm.PGRSTParse, Message: "array literal too long",
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

// BracelessHint explains the braces curl drops: a URL such as
// phones=cs.{"+201017177777"} is a glob to curl, which sends it without
// the braces unless they are encoded or globbing is off.
const BracelessHint = `write the array in braces, e.g. cs.{"+201017177777"}; curl drops unencoded braces, so encode them as %7B and %7D or run curl with -g`

// ParseArrayOperand parses the operand of cs, cd and ov on an array
// column. An operand in braces is an array literal (ParseArrayLiteral). An
// operand without braces is taken as a one-element array: "x" (quoted,
// with backslash escapes) or x (unquoted, surrounding blanks dropped).
// PostgreSQL refuses such input (22P02), so no request it accepts changes
// meaning; the rule exists for curl, which drops the braces of
// cs.{"+201017177777"} when they are not encoded.
//
// An operand without braces that is empty, holds more than one element
// (an unquoted comma), or is an unquoted NULL is refused as the literal
// would be, with BracelessHint. The error is always *Error.
func ParseArrayOperand(s string) ([]string, error) {
	t := strings.Trim(s, " \t\n\r\v\f")
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		return ParseArrayLiteral(s)
	}
	refuse := func(e *Error) ([]string, error) {
		e.Hint = ptr(BracelessHint)
		return nil, e
	}
	if t == "" {
		_, e := parseArrayLiteral(s)
		return refuse(e)
	}
	list, e := parseArrayLiteral("{" + t + "}")
	if e != nil {
		switch e.Code {
		case crm.SQLStateInvalidText: // report the operand as sent, not the wrapped form
			_, e = parseArrayLiteral(s)
		case crm.PGRSTNotImplemented:
			e.Details = ptr(`an unquoted NULL is a NULL element, which is not supported: quote it ("NULL") to mean the text`)
		}
		return refuse(e)
	}
	if len(list) != 1 {
		return refuse(&Error{Status: 400, Code: crm.SQLStateInvalidText, Message: "malformed array literal: " + strconv.Quote(s),
			Details: ptr(`Array value must start with "{" or dimension information.`)})
	}
	return list, nil
}
