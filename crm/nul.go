package crm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// checkNUL refuses a written value holding a NUL character, as PostgreSQL
// does (text cannot hold one: 22021; jsonb refuses \u0000: 22P05), so that
// SQLite, which would store it, keeps the same rows.
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
	return &Error{Code: code, Message: fmt.Sprintf("%s contains a NUL character (\\u0000)", field),
		Hint: "remove the NUL character: PostgreSQL cannot store it in text or JSON"}
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
