package crm

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/shopspring/decimal"
)

func TestParseValue(t *testing.T) {
	ok := []struct{ in, want string }{
		{"11523", "11523"},
		{"0", "0"},
		{"11523.5", "11523.5"},
		{"0.1", "0.1"},
		{"1e3", "1000"},
		{"12.3456", "12.3456"},
		{"99999999999999.99", "99999999999999.99"},
	}
	for _, tt := range ok {
		d, err := ParseValue(json.RawMessage(tt.in))
		if err != nil || d.String() != tt.want {
			t.Errorf("ParseValue(%s) = %s, %v; want %s", tt.in, d, err, tt.want)
		}
	}
	bad := []struct{ in, errContains string }{
		{`"11523.00"`, "must be a JSON number"},
		{`null`, "required"},
		{``, "required"},
		{`-5`, ">= 0"},
		{`1.23456`, "decimal places"},
		{`true`, "must be a JSON number"},
		{`[1]`, "must be a JSON number"},
		{`100000000000000`, "too large"},
	}
	for _, tt := range bad {
		_, err := ParseValue(json.RawMessage(tt.in))
		e, isErr := AsError(err)
		if !isErr || e.Code != CodeInvalidValue || !containsStr(e.Message, tt.errContains) {
			t.Errorf("ParseValue(%s) error = %v; want invalid_value containing %q", tt.in, err, tt.errContains)
		}
	}
}

func TestScaledValueRoundTrip(t *testing.T) {
	for _, s := range []string{"0", "0.0001", "11523", "11523.5", "99999999999999.9999"} {
		d, err := CheckValue(s)
		if err != nil {
			t.Fatal(err)
		}
		if back := ValueFromScaled(ScaledValue(d)); !back.Equal(d) {
			t.Errorf("round trip of %s gave %s", s, back)
		}
	}
}

func TestNormalizeCurrency(t *testing.T) {
	for in, want := range map[string]string{"SAR": "SAR", "sar": "SAR", " usd ": "USD", "EUR": "EUR", "KWD": "KWD"} {
		if got, err := NormalizeCurrency(in); err != nil || got != want {
			t.Errorf("NormalizeCurrency(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"SR", "", "RIYAL", "XYZ", "12"} {
		_, err := NormalizeCurrency(bad)
		if e, ok := AsError(err); !ok || e.Code != CodeInvalidCurrency {
			t.Errorf("NormalizeCurrency(%q) error = %v; want invalid_currency", bad, err)
		}
	}
	_, err := NormalizeCurrency("SR")
	if e, _ := AsError(err); e.Hint != "Saudi riyal is SAR" {
		t.Errorf("hint for SR = %q", e.Hint)
	}
}

// plainValue gives what decimal.NewFromString gives, for every value
// CheckValue's rules accept, and stands aside for the rest.
func TestPlainValue(t *testing.T) {
	cases := []string{"0", "0.5", "0.0001", "0.00001", "1", "100", "100.0", "100.50", "99.9999", "11523", "1.", ".5", "-1", "+1",
		"01", "00.5", "1e2", "1E2", "12345678901234", "123456789012345", "99999999999999.9999", "1.2.3", "", "١٢", " 1", "1 ", "0x10"}
	for i := range 2000 {
		cases = append(cases, strconv.Itoa(i*7919%100003)+"."+strconv.Itoa(i%10000))
	}
	for _, s := range cases {
		fast, ok := plainValue(s)
		slow, err := decimal.NewFromString(s)
		if !ok {
			continue
		}
		if err != nil || fast.Coefficient().Cmp(slow.Coefficient()) != 0 || fast.Exponent() != slow.Exponent() {
			t.Errorf("plainValue(%q) = %s (%v e%d), NewFromString %s (%v e%d, %v)", s, fast, fast.Coefficient(), fast.Exponent(), slow, slow.Coefficient(), slow.Exponent(), err)
		}
		if _, err := checkValueSlow(s); err != nil {
			t.Errorf("plainValue(%q) accepted what the rules refuse: %v", s, err)
		}
	}
	for _, s := range []string{"0.5", "100.50", "11523", "12345678901234"} {
		if _, ok := plainValue(s); !ok {
			t.Errorf("plainValue(%q) stood aside", s)
		}
	}
}

// checkValueSlow is CheckValue without the plain path.
func checkValueSlow(s string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(s)
	if err != nil || d.IsNegative() || !d.Equal(d.Round(MaxValueScale)) || d.GreaterThanOrEqual(decimal.New(1, MaxValueDigits)) {
		return d, Errorf(CodeInvalidValue, "refused %s", s)
	}
	return d, nil
}
