package pgrest

import (
	"errors"
	"testing"
)

// FuzzParse feeds raw query strings through ParseQueryString and Parse, and
// single raw parameters through Parse. Neither may panic, and every error
// must be an *Error with status 400 or 416.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"id=eq.5",
		"id=not.in.(1,%222%22,%22a%2Cb%22)",
		"or=(age.eq.14,not.and(age.gte.11,age.lte.17))",
		"and=(%20and%20(%20id.in.(%201,%202%20)%20,%20id.eq.3%20)%20,%20or%20(%20id.eq.2%20)%20))",
		"select=*,contact:contacts!inner(first_name,phones),...co!fk(x::text,data->>a)&contact.first_name=eq.x",
		"order=data->>id.desc.nullsfirst,rel(x).asc&limit=10&offset=5",
		"name=like(any).%7BO*,P*%7D&tags=cs.%7Ba,%22b%20c%22%7D",
		"columns=%22a%22,%22b%22&on_conflict=email",
		"x.y.or=(a.eq.%22q%2C%29%22,b.cs.%7B1,2%7D)&limit=-1",
		"data->-1=is.NOT_NULL&tsv=fts(english).a%20%26%20b",
		"select=count(),v.sum()::int&a=eq(all).%7B%7D",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		ps, err := ParseQueryString(raw)
		checkFuzzErr(t, raw, err)
		if err == nil {
			_, err = Parse(ps)
			checkFuzzErr(t, raw, err)
		}
		// The same text as one undecoded value, under each kind of key.
		for _, key := range []string{"select", "order", "or", "not.and", "columns", "limit", "id", "rel.data->a"} {
			_, err := Parse([]Param{{key, raw}})
			checkFuzzErr(t, key+"="+raw, err)
		}
		if _, err := Parse([]Param{{raw, "eq.1"}}); err != nil {
			checkFuzzErr(t, raw+"=eq.1", err)
		}
		_, err = ParseArrayLiteral(raw)
		checkFuzzErr(t, raw, err)
		_, _, _, err = ParseRange(raw)
		checkFuzzErr(t, raw, err)
		_ = ParsePrefer([]string{raw}).Applied()
	})
}

func checkFuzzErr(t *testing.T, in string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) || e == nil {
		t.Fatalf("%q: error %T %v is not *Error", in, err, err)
	}
	if e.Status != 400 && e.Status != 416 {
		t.Fatalf("%q: status %d", in, e.Status)
	}
	if e.Code == "" || e.Message == "" {
		t.Fatalf("%q: incomplete error %+v", in, e)
	}
}
