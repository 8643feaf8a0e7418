package pgrest

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/connectgain/server/crm"
)

// Error is a request error in PostgREST's shape. Status is the HTTP status
// the API answers with; Code, Message, Details and Hint are the four keys of
// the JSON body (nil Details or Hint render as null).
//
// This package produces:
//   - 400 PGRST100 for a parse error in any parameter, and for a limit of this
//     package being exceeded;
//   - 400 22P02 for a malformed array literal (any/all operands,
//     ParseArrayLiteral), the error Postgres itself would give;
//   - 400 PGRST127 for an array literal feature we do not implement;
//   - 416 PGRST103 for a negative limit and an inverted Range header.
type Error struct {
	Status  int
	Code    string
	Message string
	Details *string
	Hint    *string
}

// Error implements error as "CODE: message (details)".
func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Details != nil {
		s += " (" + *e.Details + ")"
	}
	return s
}

func ptr(s string) *string { return &s }

// rangeError is 416 PGRST103 with the given details.
func rangeError(details string) *Error {
	return &Error{Status: 416, Code: crm.PGRSTRange, Message: "Requested range not satisfiable", Details: ptr(details)}
}

// parseError is 400 PGRST100 in PostgREST's form: the message names what
// failed to parse and where, the details what was found and what was expected.
func parseError(what, shown, src string, pos int, details string) *Error {
	line, col := 1, 1
	if pos > len(src) {
		pos = len(src)
	}
	for _, r := range src[:pos] {
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	msg := strconv.Quote("failed to parse "+what+" ("+shown+")") +
		" (line " + strconv.Itoa(line) + ", column " + strconv.Itoa(col) + ")"
	return &Error{Status: 400, Code: crm.PGRSTParse, Message: msg, Details: ptr(details)}
}

// expectation renders "unexpected X expecting A, B or C".
func expectation(unexpected string, expecting []string) string {
	s := "unexpected " + unexpected
	switch n := len(expecting); n {
	case 0:
	case 1:
		s += " expecting " + expecting[0]
	default:
		s += " expecting " + strings.Join(expecting[:n-1], ", ") + " or " + expecting[n-1]
	}
	return s
}

// quoteRuneAt renders the character at pos for an "unexpected" clause.
func quoteRuneAt(src string, pos int) string {
	if pos >= len(src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRuneInString(src[pos:])
	return strconv.Quote(string(r))
}
