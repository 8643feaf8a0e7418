package pgrest

import (
	"math"
	"testing"
)

func TestParseRange(t *testing.T) {
	tests := []struct {
		in    string
		lower int64
		upper *int64
		ok    bool
	}{
		{"0-9", 0, i64(9), true},
		{"5-5", 5, i64(5), true},
		{"10-", 10, nil, true},
		{"0-", 0, nil, true},
		{"007-010", 7, i64(10), true},
		{"0-99999999999999999999", 0, i64(math.MaxInt64), true},
		{"", 0, nil, false},
		{"items=0-9", 0, nil, false},
		{"-5", 0, nil, false},
		{"a-b", 0, nil, false},
		{"1-2-3", 0, nil, false},
		{" 0-9", 0, nil, false},
		{"0-9,20-30", 0, nil, false},
		{"+1-2", 0, nil, false},
	}
	for _, tt := range tests {
		lower, upper, ok, err := ParseRange(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		checkEqual(t, tt.in, []any{lower, upper, ok}, []any{tt.lower, tt.upper, tt.ok})
	}
}

func TestParseRangeErrors(t *testing.T) {
	for _, in := range []string{"1-0", "10-9", "99999999999999999999-5"} {
		_, _, ok, err := ParseRange(in)
		checkErr(t, in, err, 416, "The lower boundary must be lower than or equal to the upper boundary in the Range header.")
		if e, _ := err.(*Error); e != nil && (e.Code != "PGRST103" || e.Message != "Requested range not satisfiable") {
			t.Errorf("%s: got %+v", in, e)
		}
		if ok {
			t.Errorf("%s: ok with an error", in)
		}
	}
}
