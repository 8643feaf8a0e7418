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
	a := arrayScan{lit: lit, s: strings.TrimLeft(lit, arrayBlanks)}
	if err := a.open(); err != nil {
		return nil, err
	}
	list, err := a.elements()
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(a.s[a.i:]) != "" {
		return nil, a.malformed("Junk after closing right brace.")
	}
	return list, nil
}

// arrayBlanks are the bytes PostgreSQL's array input skips around elements.
const arrayBlanks = " \t\n\r\v\f"

func isArrayBlank(c byte) bool { return strings.IndexByte(arrayBlanks, c) >= 0 }

// arrayScan is the cursor of parseArrayLiteral.
type arrayScan struct {
	lit string // the literal as given, for the messages
	s   string // lit without its leading blanks
	i   int    // the next byte of s
}

// open reads the "{" that starts the literal.
func (a *arrayScan) open() *Error {
	switch {
	case strings.HasPrefix(a.s, "["):
		return a.unsupported("dimension decorations")
	case !strings.HasPrefix(a.s, "{"):
		return a.malformed(`Array value must start with "{" or dimension information.`)
	}
	a.i = 1
	return nil
}

// elements reads the elements after "{", up to and including the "}"
// that closes them. list is returned in one place only, which lets the
// compiler keep its first small backing arrays on the stack.
func (a *arrayScan) elements() ([]string, *Error) {
	list := []string{}
	a.skip()
	done := a.i < len(a.s) && a.s[a.i] == '}'
	if done {
		a.i++
	}
	for !done {
		if len(list) == MaxListElements {
			return nil, &Error{Status: 400, Code: crm.PGRSTParse, Message: "array literal too long",
				Details: ptr("an array literal may have at most " + strconv.Itoa(MaxListElements) + " elements")}
		}
		elem, err := a.element()
		if err != nil {
			return nil, err
		}
		list = append(list, elem)
		if done, err = a.separator(); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// element reads one element, quoted or not, after the blanks before it.
func (a *arrayScan) element() (string, *Error) {
	a.skip()
	if a.i >= len(a.s) {
		return "", a.malformed("Unexpected end of input.")
	}
	switch c := a.s[a.i]; c {
	case '{':
		return "", a.unsupported("nested arrays")
	case ',', '}':
		return "", a.unexpected(c)
	case '"':
		v, end, ok := scanQuoted(a.s, a.i)
		if !ok {
			return "", a.malformed("Unexpected end of input.")
		}
		a.i = end
		return v, nil
	}
	return a.unquoted()
}

// unquoted reads an unquoted element up to the next "," or "}": backslash
// escapes the next byte, trailing blanks that are not escaped are dropped,
// and an unescaped NULL (any case) is refused.
func (a *arrayScan) unquoted() (string, *Error) {
	var b strings.Builder
	keep := 0 // length of b up to its last escaped or non-blank byte
	escaped := false
	for ; a.i < len(a.s) && a.s[a.i] != ',' && a.s[a.i] != '}'; a.i++ {
		switch c := a.s[a.i]; {
		case c == '\\':
			if a.i+1 >= len(a.s) {
				return "", a.malformed("Unexpected end of input.")
			}
			a.i++
			b.WriteByte(a.s[a.i])
			keep = b.Len()
			escaped = true
		case c == '"' || c == '{':
			return "", a.unexpected(c)
		default:
			b.WriteByte(c)
			if !isArrayBlank(c) {
				keep = b.Len()
			}
		}
	}
	elem := b.String()[:keep]
	if !escaped && strings.EqualFold(elem, "NULL") {
		return "", a.unsupported("NULL elements")
	}
	return elem, nil
}

// separator reads the "," or "}" after an element, after the blanks
// before it; done is true after "}".
func (a *arrayScan) separator() (done bool, err *Error) {
	a.skip()
	if a.i >= len(a.s) {
		return false, a.malformed("Unexpected end of input.")
	}
	switch a.s[a.i] {
	case '}':
		a.i++
		return true, nil
	case ',':
		a.i++
		return false, nil
	}
	return false, a.malformed("Unexpected array element.")
}

// skip moves past blanks.
func (a *arrayScan) skip() {
	for a.i < len(a.s) && isArrayBlank(a.s[a.i]) {
		a.i++
	}
}

// malformed is PostgreSQL's 22P02 for the literal, with its details.
func (a *arrayScan) malformed(details string) *Error {
	return &Error{Status: 400, Code: crm.SQLStateInvalidText, Message: "malformed array literal: " + strconv.Quote(a.lit), Details: ptr(details)}
}

// unexpected is 22P02 for a character that may not appear where it is.
func (a *arrayScan) unexpected(c byte) *Error {
	return a.malformed("Unexpected \"" + string(c) + "\" character.")
}

// unsupported is PGRST127 for what PostgreSQL accepts and a []string
// cannot hold.
func (a *arrayScan) unsupported(what string) *Error {
	return &Error{Status: 400, Code: crm.PGRSTNotImplemented, Message: "Feature not implemented",
		Details: ptr(what + " in array literals are not supported: " + strconv.Quote(a.lit))}
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
