package crm

import "testing"

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		in, region, want string
	}{
		{"+201017177777", "", "+201017177777"},
		{"+20 101 717 7777", "", "+201017177777"},
		{"00201017177777", "", "+201017177777"},
		{"+20-101-717-7777", "", "+201017177777"},
		{"(+20) 101.717.7777", "", "+201017177777"},
		{"+٢٠١٠١٧١٧٧٧٧٧", "", "+201017177777"},  // Arabic-Indic digits
		{"٠٠٢٠١٠١٧١٧٧٧٧٧", "", "+201017177777"}, // Arabic-Indic with 00
		{"+۲۰۱۰۱۷۱۷۷۷۷۷", "", "+201017177777"},  // extended Arabic-Indic (Persian)
		{"0501234567", "SA", "+966501234567"},
		{"0501234567", "sa", "+966501234567"},
		{"050 123 4567", "SA", "+966501234567"},
		{"01017177777", "EG", "+201017177777"},
		{"+966501234567", "EG", "+966501234567"}, // + wins over the region
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in, tt.region)
		if err != nil || got != tt.want {
			t.Errorf("NormalizePhone(%q, %q) = %q, %v; want %q", tt.in, tt.region, got, err, tt.want)
		}
	}
}

func TestNormalizePhoneErrors(t *testing.T) {
	tests := []struct {
		in, region, errContains string
	}{
		{"", "", "empty"},
		{"0501234567", "", "no country code"},
		{"+20 abc", "", "not a phone number"},
		{"+1", "", "not a possible phone number"},
		{"12", "SA", "not a possible phone number"},
		{"+2010171777771234567", "", "not a possible"},
	}
	for _, tt := range tests {
		_, err := NormalizePhone(tt.in, tt.region)
		e, ok := AsError(err)
		if !ok || e.Code != CodeInvalidPhone || !contains([]string{e.Message}, e.Message) || !containsStr(e.Message, tt.errContains) {
			t.Errorf("NormalizePhone(%q, %q) error = %v; want invalid_phone containing %q", tt.in, tt.region, err, tt.errContains)
		}
		if ok && e.Hint == "" {
			t.Errorf("NormalizePhone(%q) error has no hint", tt.in)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sara@example.com", "sara@example.com"},
		{"  Sara@Example.COM ", "sara@example.com"},
		{"VIP@example.com", "vip@example.com"},
	}
	for _, tt := range tests {
		if got, err := NormalizeEmail(tt.in); err != nil || got != tt.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "sara", "sara@", "@example.com", "sara@example", "a b@example.com", "a@@b.com", "a@b.com."} {
		if _, err := NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) succeeded; want invalid_email", bad)
		}
	}
}

func containsStr(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
