package crm

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// NormalizePhone returns raw in E.164 form ("+201017177777").
//
// Arabic-Indic (U+0660..) and extended Arabic-Indic (U+06F0..) digits count as
// digits; spaces, dashes, dots and parentheses are ignored; a leading "00" is
// the international prefix. A number without "+" or "00" is read in region
// (ISO 3166 alpha-2, e.g. "SA"); with no region it cannot be placed and is an
// error. The error is an *Error with code invalid_phone.
func NormalizePhone(raw, region string) (string, error) {
	// A number sent as "+" and digits is its own cleaned form, and the
	// fast path answers most of them in less time than the memo's look-up
	// and store (a lock shared by the validating workers).
	if e164, possible, ok := plusDigitsE164(raw); ok && possible {
		return e164, nil
	}
	key := phoneKey{raw, region}
	if v, ok := phoneCache.get(key); ok {
		return v, nil
	}
	v, err := normalizePhone(raw, region)
	if err == nil {
		phoneCache.put(key, v)
	}
	return v, err
}

// phoneKey is a phone cache entry's key.
type phoneKey struct{ raw, region string }

// phoneCacheSize bounds the cache of normalised phones. Parsing a number
// costs ~10 us (libphonenumber's regular expressions); shops send the same
// customers' numbers again and again, in bulk requests and in filters.
// Numbers sent as "+" and digits mostly skip both (plusDigitsE164, ~1 us).
const phoneCacheSize = 1 << 16

// phoneCache maps (raw, region) to E.164. A pure function's memo, so a
// package-level value is safe; it is emptied when full.
var phoneCache = &boundedCache[phoneKey, string]{max: phoneCacheSize}

func normalizePhone(raw, region string) (string, error) {
	s := foldDigits(strings.TrimSpace(raw))
	if s == "" {
		return "", Errorf(CodeInvalidPhone, "phone is empty").
			WithHint("send an international number such as +201017177777")
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0' || r == '/':
		default:
			return "", Errorf(CodeInvalidPhone, "phone %q is not a phone number", raw).
				WithDetails("unexpected character %q", r).
				WithHint("send digits with an optional leading +, e.g. +201017177777")
		}
	}
	s = b.String()
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	reg := strings.ToUpper(region)
	if strings.HasPrefix(s, "+") {
		reg = "ZZ"
	} else if reg == "" {
		return "", Errorf(CodeInvalidPhone, "phone %q has no country code", raw).
			WithHint("send it with + and the country code, or set the workspace's phone region (connectgain workspaces set NAME --phone-region SA)")
	}
	e164, possible := libphoneE164(s, reg)
	if !possible {
		return "", Errorf(CodeInvalidPhone, "phone %q is not a possible phone number", raw).
			WithDetails("read with default region %s", strings.ToUpper(region)).
			WithHint("send an international number such as +201017177777")
	}
	return e164, nil
}

// libphoneE164 is libphonenumber's E.164 form of s read in region reg,
// and whether it is a possible number: by plusDigitsE164 where that
// gives the library's answer without its parse, else by the library.
func libphoneE164(s, reg string) (string, bool) {
	if reg == "ZZ" {
		if e164, possible, ok := plusDigitsE164(s); ok {
			return e164, possible
		}
	}
	num, err := phonenumbers.Parse(s, reg)
	if err != nil || !phonenumbers.IsPossibleNumber(num) {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// foldDigits maps Arabic-Indic and extended Arabic-Indic digits to ASCII.
func foldDigits(s string) string {
	if isASCII(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '\u0660' && r <= '\u0669':
			return '0' + (r - '\u0660')
		case r >= '\u06f0' && r <= '\u06f9':
			return '0' + (r - '\u06f0')
		case r == '\uff0b':
			return '+'
		}
		return r
	}, s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// NormalizeEmail trims and lower-cases an address and checks its shape
// (one "@", a non-empty local part, a domain with a dot, no spaces). The
// error is an *Error with code invalid_email.
func NormalizeEmail(raw string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	at := strings.LastIndexByte(s, '@')
	bad := at <= 0 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n,;<>\"") ||
		strings.Count(s, "@") != 1 || !strings.Contains(s[at+1:], ".") ||
		strings.HasPrefix(s[at+1:], ".") || strings.HasSuffix(s, ".")
	if bad {
		return "", Errorf(CodeInvalidEmail, "email %q is not an email address", raw).
			WithHint("send an address such as sara@example.com")
	}
	return s, nil
}

// NormalizeRegion checks a default phone region: an ISO 3166 alpha-2 code
// that has a country calling code ("SA", "EG"), or "" for none.
func NormalizeRegion(raw string) (string, error) {
	r := strings.ToUpper(strings.TrimSpace(raw))
	if r == "" || phonenumbers.GetCountryCodeForRegion(r) != 0 {
		return r, nil
	}
	return "", Errorf(CodeInvalidField, "phone region %q is not a region with a calling code", raw).
		WithHint("use an ISO 3166 alpha-2 code such as SA, EG or AE")
}
