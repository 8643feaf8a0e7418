package crm

import (
	"encoding/json"
	"strings"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
)

// MaxValueScale is the number of decimal places a deal value may carry: one
// more than any ISO 4217 currency's minor unit (KWD, BHD and OMR use three).
const MaxValueScale = 4

// MaxValueDigits bounds the integer part of a value so that a value in
// units of 10^-MaxValueScale fits in an int64 on every backend.
const MaxValueDigits = 14

// ParseValue reads a deal value from a JSON number. Strings are refused
// (the guide's "11523.00" trap), as are negatives, more than MaxValueScale
// decimals and absurd magnitudes. The error has code invalid_value.
func ParseValue(raw json.RawMessage) (decimal.Decimal, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return decimal.Decimal{}, Errorf(CodeInvalidValue, "value is required").
			WithHint("send value as a JSON number, e.g. 11523")
	}
	if s[0] == '"' {
		return decimal.Decimal{}, Errorf(CodeInvalidValue, "value must be a JSON number, got the string %s", s).
			WithHint("send value as a JSON number without quotes, e.g. 11523")
	}
	if s[0] != '-' && (s[0] < '0' || s[0] > '9') {
		return decimal.Decimal{}, Errorf(CodeInvalidValue, "value must be a JSON number, got %s", s).
			WithHint("send value as a JSON number, e.g. 11523")
	}
	return CheckValue(s)
}

// CheckValue parses a decimal string and applies the value rules.
func CheckValue(s string) (decimal.Decimal, error) {
	if d, ok := plainValue(s); ok {
		return d, nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return d, Errorf(CodeInvalidValue, "value %s is not a number", s).
			WithHint("send value as a JSON number, e.g. 11523")
	}
	if d.IsNegative() {
		return d, Errorf(CodeInvalidValue, "value must be >= 0, got %s", s).
			WithHint("send the amount as a positive number; use stage lost for lost deals")
	}
	if !d.Equal(d.Round(MaxValueScale)) {
		return d, Errorf(CodeInvalidValue, "value %s has more than %d decimal places", s, MaxValueScale).
			WithHint("round the amount to the currency's minor unit")
	}
	if d.GreaterThanOrEqual(decimal.New(1, MaxValueDigits)) {
		return d, Errorf(CodeInvalidValue, "value %s is too large (at most %d integer digits)", s, MaxValueDigits)
	}
	return d, nil
}

// plainValue reads the common value, digits with at most MaxValueScale
// decimals and MaxValueDigits integer digits ("11523", "99.95"), without
// big-number arithmetic: the same decimal (coefficient and exponent) as
// decimal.NewFromString, and one that CheckValue's rules accept. Anything
// else (exponents, signs, leading zeros, more digits) is not plain.
func plainValue(s string) (decimal.Decimal, bool) {
	var n int64
	digits, frac := 0, -1 // frac: digits after the point, -1 before one
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if digits == 0 && c == '0' && i+1 < len(s) && s[i+1] != '.' {
				return decimal.Decimal{}, false // a leading zero
			}
			n = n*10 + int64(c-'0')
			digits++
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0 && digits > 0:
			frac = 0
		default:
			return decimal.Decimal{}, false
		}
	}
	if frac == 0 || frac > MaxValueScale || digits == 0 || digits-max(frac, 0) > MaxValueDigits {
		return decimal.Decimal{}, false
	}
	return decimal.New(n, -int32(max(frac, 0))), true
}

// ScaledValue returns d in units of 10^-MaxValueScale, the integer form the
// SQLite backend stores so that sums and comparisons are exact.
func ScaledValue(d decimal.Decimal) int64 {
	return d.Shift(MaxValueScale).IntPart()
}

// ValueFromScaled is the inverse of ScaledValue.
func ValueFromScaled(n int64) decimal.Decimal {
	return decimal.New(n, -MaxValueScale)
}

// NormalizeCurrency upper-cases and checks an ISO 4217 code. The error has
// code invalid_currency.
func NormalizeCurrency(raw string) (string, error) {
	s := strings.ToUpper(strings.TrimSpace(raw))
	if len(s) == 3 {
		if u, err := currency.ParseISO(s); err == nil && u.String() == s {
			return s, nil
		}
	}
	hint := "send a three-letter ISO 4217 code such as SAR, USD or EUR"
	if s == "SR" || s == "RS" {
		hint = "Saudi riyal is SAR"
	}
	return "", Errorf(CodeInvalidCurrency, "currency %q is not an ISO 4217 code", raw).WithHint("%s", hint)
}
