package crm

import (
	"regexp"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// plusDigitsE164 is libphonenumber's E.164 form of s, a number written as
// "+" and ASCII digits (what normalizePhone hands the library for most
// international numbers), without the library's parse: ok is false, and
// the caller parses, for any s outside the case it reproduces.
//
// For such an s, phonenumbers.Parse(s, "ZZ") runs a dozen regular
// expressions (the extension pattern alone was half of a bulk request's
// phone parsing) of which only one can change the answer: every branch
// of the extension pattern needs a character that is not a digit, so
// nothing is stripped as an extension; the "+" is the international
// prefix; the calling code is the first 1-3 digits that form one the
// library knows. The one that can is the calling code's national prefix
// for parsing, which the library strips from the start of the national
// number when it matches there (with rules about the length and the
// pattern of what is left): plusDigitsE164 gives up when it matches, so
// the national number is what follows the calling code, as in the
// library. It also gives up where the library would fail or mark
// leading zeros (a national number starting with 0, or of fewer than 2
// or more than 17 digits). Whether the number is possible is then the
// library's own IsPossibleNumber on that number; its E.164 text, which
// the library writes as "+", the calling code and the national number,
// is s. TestPlusDigitsE164MatchesLibphonenumber compares it with the
// library over numbers of every calling code.
func plusDigitsE164(s string) (e164 string, possible, ok bool) {
	if len(s) < 2 || s[0] != '+' || s[1] == '0' {
		return "", false, false
	}
	digits := s[1:]
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", false, false
		}
	}
	if len(digits) <= 2 { // the library: too short after the "+"
		return "", false, false
	}
	codes := callingCodes()
	for n := 1; n <= 3; n++ {
		cc, _ := strconv.Atoi(digits[:n])
		c, known := codes[cc]
		if !known {
			continue
		}
		if c == nil { // no metadata, or a prefix pattern that did not compile
			return "", false, false
		}
		national := digits[n:]
		if len(national) < 2 || len(national) > 17 || national[0] == '0' {
			return "", false, false
		}
		if c.prefix != nil && c.prefix.MatchString(national) {
			return "", false, false
		}
		nn, err := strconv.ParseUint(national, 10, 64)
		if err != nil {
			return "", false, false
		}
		code := int32(cc)
		num := &phonenumbers.PhoneNumber{CountryCode: &code, NationalNumber: &nn}
		if !phonenumbers.IsPossibleNumber(num) {
			return "", false, true
		}
		// The library's E.164 text is "+", the calling code and the
		// national significant number: with no leading zero on either,
		// that is s itself.
		return s, true, true
	}
	return "", false, false // no calling code: the library's error
}

// callingCode is what plusDigitsE164 needs of one country calling code:
// the anchored national prefix for parsing of the region the library
// reads its numbers with (nil: none).
type callingCode struct {
	prefix *regexp.Regexp
}

// callingCodes maps every calling code the library knows to its
// callingCode, or to nil where plusDigitsE164 must leave the number to
// the library. Built once from the library's embedded metadata.
var callingCodes = sync.OnceValue(func() map[int]*callingCode {
	codes := map[int]*callingCode{}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return codes // every number goes to the library
	}
	byRegion := map[string]*phonenumbers.PhoneMetadata{}
	nonGeo := map[int32]*phonenumbers.PhoneMetadata{}
	for _, m := range coll.GetMetadata() {
		if m.GetId() == "001" {
			nonGeo[m.GetCountryCode()] = m
		} else {
			byRegion[m.GetId()] = m
		}
	}
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		codes[cc] = nil
		// The library reads a number of this code with the metadata of
		// the code's first region (the non-geographical entity's own for
		// "001").
		region := phonenumbers.GetRegionCodeForCountryCode(cc)
		m := byRegion[region]
		if region == "001" {
			m = nonGeo[int32(cc)]
		}
		if m == nil {
			continue
		}
		c := &callingCode{}
		if p := m.GetNationalPrefixForParsing(); p != "" {
			// The library's own test: a match at the start.
			if c.prefix, err = regexp.Compile("^(?:" + p + ")"); err != nil {
				continue
			}
		}
		codes[cc] = c
	}
	return codes
})
