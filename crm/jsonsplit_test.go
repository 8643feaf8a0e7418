package crm

import (
	"bytes"
	"encoding/json"
	"testing"
)

var splitSeeds = []string{
	`{}`, ` { } `, `[]`, `[ ]`, `{"a":1}`, `{"a":1,"a":2}`, `{"a" : "x,}]" , "b":[1,{"c":"]"}],"d":null}`,
	`{"t":"say \"hi\"","n":-1.5e3,"b":true}`, `{"a":1,}`, `{"a":1 "b":2}`, `{"a\u0041":1}`, `{"a":}`,
	`[{"a":1},{"b":[2,3]}, "x", 4, null]`, `[1,]`, `[1 2]`, `{"a":1}x`, `[1]]`, `{"a":{"b":{}}}`, `{"a":"\\"}`,
	"{\"a\":\n1\r\n}", `{"a":[}`, `"x"`, `null`, ``,
}

// The hand-written splitters answer what encoding/json answers for every
// input they accept, and give up on the rest.
func FuzzSplitObject(f *testing.F) {
	for _, s := range splitSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return // the splitters only see bodies encoding/json has checked
		}
		if m, ok := splitObject(raw); ok {
			var want map[string]json.RawMessage
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%q: split but encoding/json says %v", raw, err)
			}
			if len(m) != len(want) {
				t.Fatalf("%q: %d members, encoding/json %d", raw, len(m), len(want))
			}
			for k, v := range want {
				if !bytes.Equal(bytes.TrimSpace(m[k]), bytes.TrimSpace(v)) {
					t.Fatalf("%q: %s = %s, encoding/json %s", raw, k, m[k], v)
				}
			}
		}
		if a, ok := splitArray(raw); ok {
			var want []json.RawMessage
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatalf("%q: split but encoding/json says %v", raw, err)
			}
			if len(a) != len(want) {
				t.Fatalf("%q: %d elements, encoding/json %d", raw, len(a), len(want))
			}
			for i := range want {
				if !bytes.Equal(a[i], bytes.TrimSpace(want[i])) {
					t.Fatalf("%q: [%d] = %s, encoding/json %s", raw, i, a[i], want[i])
				}
			}
		}
	})
}

// Splitting gives up on escaped keys and broken structure rather than
// guessing, so encoding/json's errors are kept.
func TestSplitGivesUp(t *testing.T) {
	for _, s := range []string{`{"a\u0041":1}`, `{"a":1,}`, `{"a":1 "b":2}`, `[1,]`, `[1 2]`, `{"a":1}x`, `{"a":}`, `null`, ``} {
		if _, ok := splitObject([]byte(s)); ok {
			t.Errorf("splitObject(%q) accepted", s)
		}
		if _, ok := splitArray([]byte(s)); ok {
			t.Errorf("splitArray(%q) accepted", s)
		}
	}
	m, ok := splitObject([]byte(`{"a":1,"b":{"c":"}"},"a":"x"}`))
	if !ok || string(m["a"]) != `"x"` || string(m["b"]) != `{"c":"}"}` {
		t.Errorf("splitObject = %q %v", m, ok)
	}
}

// plainStringArray answers what encoding/json answers, for every array it
// accepts.
func FuzzPlainStringArray(f *testing.F) {
	for _, s := range []string{`[]`, `["a"]`, `[ "a" , "b c" ]`, `["a\"b"]`, `[null]`, `["é"]`, `[1]`, `["a",]`, `["a"]x`, `"a"`, `null`, "[\"\xff\"]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return
		}
		got, ok := plainStringArray(raw)
		if !ok {
			return
		}
		var want []string
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%q: read as %q but encoding/json says %v", raw, got, err)
		}
		if len(got) != len(want) || (got == nil) != (want == nil) {
			t.Fatalf("%q: %q, encoding/json %q", raw, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%q: %q, encoding/json %q", raw, got, want)
			}
		}
	})
}
