package pgtext

import (
	"strings"
	"testing"
)

// The flat fast path prints what the general path prints, for every
// document it accepts.
func FuzzCanonicalFlat(f *testing.F) {
	for _, s := range []string{`{}`, ` {"b":1, "a":"x"} `, `{"items_count":3,"shopify_order_id":"68297797"}`,
		`{"a":1e2,"bb":-0.50,"c":true,"d":false,"e":null}`, `{"a":1,"a":2}`, `{"a":"é"}`, `{"a":"\u00e9"}`,
		`{"a":{"b":1}}`, `{"a":[1]}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1,}`, `{"a" 1}`, `{"z":"<&>"}`,
		`{"a":"x"} x`, `{"a":"\x80"}`, `{"a":1E+2}`, `{"aa":1,"b":2,"ab":3}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		got, ok := canonicalFlat([]byte(doc))
		if !ok {
			return
		}
		v, err := decode([]byte(doc))
		if err != nil {
			t.Fatalf("%q: flat path accepted %q, decode says %v", doc, got, err)
		}
		var b stringsBuilder
		writeJSON(&b.Builder, v, "", "")
		if want := b.String(); got != want {
			t.Fatalf("%q: flat %q, general %q", doc, got, want)
		}
	})
}

type stringsBuilder struct{ strings.Builder }

// BenchmarkCanonicalFlat is the jsonb form of a shop's custom_fields, as
// each deal of a bulk request gets it.
func BenchmarkCanonicalFlat(b *testing.B) {
	doc := []byte(`{"shopify_order_id":"68297797","items_count":3}`)
	for b.Loop() {
		if _, err := CanonicalJSON(doc); err != nil {
			b.Fatal(err)
		}
	}
}
