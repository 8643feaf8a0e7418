package crm

import (
	"encoding/json"
	"testing"
)

func TestCheckNUL(t *testing.T) {
	for _, c := range []struct {
		v    any
		code string
	}{
		{"a\x00b", SQLStateUntranslatable}, {[]string{"x", "a\x00"}, SQLStateUntranslatable},
		{json.RawMessage(`{"k":"a\u0000b"}`), SQLStateUnicodeEscape}, {json.RawMessage(`{"a\u0000":1}`), SQLStateUnicodeEscape},
		{"plain", ""}, {[]string{"a"}, ""}, {json.RawMessage(`{"k":"\\u0000"}`), ""}, {json.RawMessage(`{"k":"é"}`), ""},
	} {
		err := checkNUL("f", c.v)
		if got := ""; err != nil {
			got = err.Code
			if got != c.code {
				t.Errorf("%q: %s, want %q", c.v, got, c.code)
			}
		} else if c.code != "" {
			t.Errorf("%q: accepted, want %s", c.v, c.code)
		}
	}
}
