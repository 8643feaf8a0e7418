package pgtext

import "testing"

// TestCanonicalJSON checks jsonb's own printing (PostgreSQL 15, compacted).
func TestCanonicalJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"b":1,"aa":2,"a":3}`: `{"a":3,"b":1,"aa":2}`, `1.50`: `1.50`, `1e2`: `100`, `-0`: `0`, `1.0e1`: `10`,
		`1.5e-3`: `0.0015`, `12345678901234567890`: `12345678901234567890`, `{"a":1,"a":2}`: `{"a":2}`,
		`["<>&\u2028","\u0001"]`: `["<>&` + "\u2028" + `","\u0001"]`, `1E+2`: `100`, `-1.5`: `-1.5`, `0.000`: `0.000`,
	} {
		if got, err := CanonicalJSON([]byte(in)); err != nil || got != want {
			t.Errorf("%s: %s, %v; want %s", in, got, err, want)
		}
	}
	if got, _, _ := JSONText([]byte(`{"a":[1, 2],"b":{"k":"v"}}`)); got != `{"a": [1, 2], "b": {"k": "v"}}` {
		t.Errorf("->> text %s", got)
	}
}
