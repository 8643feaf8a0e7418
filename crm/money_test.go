package crm

import (
	"encoding/json"
	"testing"
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
