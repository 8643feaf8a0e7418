package crm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// The NUL rule, in one place. PostgreSQL cannot hold U+0000 in text
// (22021) nor "\u0000" in jsonb (22P05), so neither backend stores one.
// Two callers apply it: the API's pre-scan of a request body, which
// names the path where it found one (deals[1].contact_first_name) before
// anything is decoded, and Column.ParseWrite, which names the column, for
// values that reach a table by any other way. Both use HasNUL and the
// words below.
const (
	// NULDetail is PostgreSQL's own detail for a "\u0000" in JSON.
	NULDetail = `\u0000 cannot be converted to text.`
	// NULHint is the fix.
	NULHint = `remove the NUL character (\u0000): PostgreSQL cannot store it in text or JSON`
)

// HasNUL reports whether text holds a NUL character.
func HasNUL(text []byte) bool { return bytes.IndexByte(text, 0) >= 0 }

// checkNUL refuses a written value holding a NUL character (the rule
// above): 22021 in text or an array of text, 22P05 in JSON.
func checkNUL(field string, v any) *Error {
	bad := false
	code := SQLStateUntranslatable
	switch x := v.(type) {
	case string:
		bad = strings.IndexByte(x, 0) >= 0
	case []string:
		for _, s := range x {
			bad = bad || strings.IndexByte(s, 0) >= 0
		}
	case json.RawMessage:
		bad, code = jsonHasNUL(x), SQLStateUnicodeEscape
	}
	if !bad {
		return nil
	}
	return &Error{Code: code, Message: fmt.Sprintf("%s contains a NUL character (\\u0000)", field), Hint: NULHint}
}

// jsonHasNUL reports whether a JSON document has a NUL in a key or a
// string (written \u0000; raw control characters are not valid JSON).
func jsonHasNUL(doc json.RawMessage) bool {
	if !bytes.Contains(doc, []byte(`u0000`)) {
		return false
	}
	d := json.NewDecoder(bytes.NewReader(doc))
	for {
		t, err := d.Token()
		if err != nil {
			return false
		}
		if s, ok := t.(string); ok && strings.IndexByte(s, 0) >= 0 {
			return true
		}
	}
}
