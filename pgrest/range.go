package pgrest

import (
	"math"
	"strconv"
	"strings"
)

// ParseRange reads a Range request header of the form "a-b" or "a-" (no
// unit; Range-Unit is ignored). ok is false, and the header should be
// ignored, for anything that does not match ^\d+-\d*$. upper is nil for "a-".
// An upper bound below the lower one is 416 PGRST103 (as *Error, with ok
// false). Numbers
// beyond int64 are clamped to math.MaxInt64.
//
// PostgREST honours the header on GET only; when limit/offset are also
// given, the rows served are the intersection of both ranges.
func ParseRange(h string) (lower int64, upper *int64, ok bool, err error) {
	lo, hi, found := strings.Cut(h, "-")
	if !found || !allDigits(lo) || (hi != "" && !allDigits(hi)) {
		return 0, nil, false, nil
	}
	lower = clampInt(lo)
	if hi == "" {
		return lower, nil, true, nil
	}
	u := clampInt(hi)
	if u < lower {
		return 0, nil, false, rangeError("The lower boundary must be lower than or equal to the upper boundary in the Range header.")
	}
	return lower, &u, true, nil
}

// clampInt parses a string of digits, clamping it to math.MaxInt64.
func clampInt(digits string) int64 {
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return math.MaxInt64
	}
	return n
}
