package web

import (
	"sort"
	"strings"

	"github.com/shopspring/decimal"
	"golang.org/x/text/currency"
)

// minorUnits is the number of decimals a currency shows (ISO 4217: SAR
// and USD 2, JPY 0, KWD 3); 2 for a code x/text does not know.
func minorUnits(code string) int32 {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(u)
	return int32(scale)
}

// FormatMoney renders an exact amount with its currency as a sales team
// reads it: "SAR 11,523.00". The currency's minor units are always shown;
// digits past them are kept (never rounded away) so that a total is exact.
func FormatMoney(d decimal.Decimal, code string) string {
	scale := minorUnits(code)
	if e := -d.Exponent(); e > scale && !d.Equal(d.Round(scale)) {
		scale = e
		for scale > 0 && d.Equal(d.Round(scale-1)) {
			scale--
		}
	}
	return code + " " + groupDigits(d.StringFixed(scale))
}

// FormatEstimate renders an estimate (a weighted total) rounded to the
// currency's minor units.
func FormatEstimate(d decimal.Decimal, code string) string {
	return code + " " + groupDigits(d.StringFixed(minorUnits(code)))
}

// groupDigits puts thousands separators into a plain decimal string.
func groupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

// Money is one currency's amount.
type Money struct {
	Currency string
	Amount   decimal.Decimal
}

// moneySum adds amounts per currency, never across currencies.
type moneySum map[string]decimal.Decimal

func (m moneySum) add(code string, d decimal.Decimal) { m[code] = m[code].Add(d) }

// list returns the sums by currency code.
func (m moneySum) list() []Money {
	out := make([]Money, 0, len(m))
	for c, d := range m {
		out = append(out, Money{Currency: c, Amount: d})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}
