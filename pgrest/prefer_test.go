package pgrest

import "testing"

func TestParsePrefer(t *testing.T) {
	tests := []struct {
		in   []string
		want Prefer
	}{
		{nil, Prefer{}},
		{[]string{""}, Prefer{}},
		{[]string{"return=representation"}, Prefer{Return: "representation"}},
		{[]string{"resolution=merge-duplicates, count=exact, return=representation"},
			Prefer{Resolution: "merge-duplicates", Count: "exact", Return: "representation"}},
		{[]string{"count=exact,return=minimal"}, Prefer{Count: "exact", Return: "minimal"}},
		{[]string{"return=minimal", "return=representation"}, Prefer{Return: "minimal"}},
		{[]string{"return=minimal, return=headers-only"}, Prefer{Return: "minimal"}},
		{[]string{"return=bogus, return=headers-only"}, Prefer{Return: "headers-only", Invalid: []string{"return=bogus"}}},
		{[]string{"count=planned", "count=estimated"}, Prefer{Count: "planned"}},
		{[]string{"count=none"}, Prefer{Invalid: []string{"count=none"}}},
		{[]string{"missing=default", "missing=null"}, Prefer{Missing: "default"}},
		{[]string{"resolution=ignore-duplicates"}, Prefer{Resolution: "ignore-duplicates"}},
		{[]string{"handling=strict, max-affected=10"}, Prefer{Handling: "strict", MaxAffected: i64(10)}},
		{[]string{"handling=lenient", "handling=strict"}, Prefer{Handling: "lenient"}},
		{[]string{"max-affected=5", "max-affected=7"}, Prefer{MaxAffected: i64(5)}},
		{[]string{"max-affected=-1, max-affected=lots, max-affected=+3"}, Prefer{Invalid: []string{"max-affected=-1", "max-affected=lots", "max-affected=+3"}}},
		{[]string{"tx=rollback", "tx=commit"}, Prefer{Tx: "rollback"}},
		{[]string{"timezone=America/Los_Angeles", "timezone=UTC"}, Prefer{Timezone: "America/Los_Angeles"}},
		{[]string{"timezone="}, Prefer{Invalid: []string{"timezone="}}},
		{[]string{"merge-custom-fields, return=representation"}, Prefer{MergeCustomFields: true, Return: "representation"}},
		{[]string{"foo, bar=baz ,  ,RETURN=minimal"}, Prefer{Invalid: []string{"foo", "bar=baz", "RETURN=minimal"}}},
		{[]string{" return=minimal ,count=exact "}, Prefer{Return: "minimal", Count: "exact"}},
		{[]string{"params=single-object"}, Prefer{Invalid: []string{"params=single-object"}}},
	}
	for _, tt := range tests {
		checkEqual(t, "Prefer: "+join(tt.in), ParsePrefer(tt.in), tt.want)
	}
}

func join(hs []string) string {
	s := ""
	for i, h := range hs {
		if i > 0 {
			s += " | "
		}
		s += h
	}
	return s
}

func TestPreferApplied(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"count=exact, return=representation"}, "return=representation, count=exact"},
		{[]string{"max-affected=10, handling=strict"}, "handling=strict, max-affected=10"},
		{[]string{"max-affected=10"}, ""},
		{[]string{"timezone=UTC, tx=rollback, handling=lenient, count=planned, return=minimal, missing=default, resolution=merge-duplicates, foo"},
			"resolution=merge-duplicates, missing=default, return=minimal, count=planned, tx=rollback, handling=lenient, timezone=UTC"},
		{[]string{"merge-custom-fields", "return=minimal"}, "return=minimal, merge-custom-fields"},
	}
	for _, tt := range tests {
		if got := ParsePrefer(tt.in).Applied(); got != tt.want {
			t.Errorf("%q: Applied() = %q, want %q", tt.in, got, tt.want)
		}
	}
	// The caller clears what it did not honour.
	p := ParsePrefer([]string{"resolution=merge-duplicates, return=representation, count=exact"})
	p.Resolution = ""
	if got, want := p.Applied(), "return=representation, count=exact"; got != want {
		t.Errorf("Applied() = %q, want %q", got, want)
	}
}

func TestPreferStrictError(t *testing.T) {
	if err := ParsePrefer([]string{"foo, bar"}).StrictError(); err != nil {
		t.Errorf("lenient: %v", err)
	}
	if err := ParsePrefer([]string{"handling=strict, return=minimal"}).StrictError(); err != nil {
		t.Errorf("strict, all valid: %v", err)
	}
	err := ParsePrefer([]string{"handling=strict, foo", "count=none"}).StrictError()
	checkErr(t, "strict", err, 400, "Invalid preferences given with handling=strict | Invalid preferences: foo, count=none")
	if e, ok := err.(*Error); ok && e.Code != "PGRST122" {
		t.Errorf("code %s", e.Code)
	}
}
