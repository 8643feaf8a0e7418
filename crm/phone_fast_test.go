package crm

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// libraryE164 is what normalizePhone did before plusDigitsE164: the
// library's parse, possibility check and format.
func libraryE164(s string) (string, bool) {
	num, err := phonenumbers.Parse(s, "ZZ")
	if err != nil || !phonenumbers.IsPossibleNumber(num) {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// TestPlusDigitsE164MatchesLibphonenumber holds the fast path to the
// library: for numbers of every calling code the library knows, of
// national lengths 0-18 and every leading digit (every pair of leading
// digits at the lengths real numbers have), and for every other 1-3 digit
// prefix, wherever plusDigitsE164 answers it gives the library's E.164
// text and possibility, and NormalizePhone (either path) agrees with the
// library on every number. It also checks that the fast path answers for
// most calling codes, so that it cannot pass by always declining. Under
// the race detector it checks a random sixteenth of the numbers.
func TestPlusDigitsE164MatchesLibphonenumber(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		return b.String()
	}
	known := phonenumbers.GetSupportedCallingCodes()
	if len(known) < 200 {
		t.Fatalf("the library knows %d calling codes; want the world's (over 200)", len(known))
	}
	var checked, answered int
	fastCodes := map[string]bool{} // codes with a possible number answered by the fast path
	check := func(cc, national string) {
		t.Helper()
		s := "+" + cc + national
		if raceBuild && rng.IntN(16) != 0 {
			return // a sixteenth of the numbers, chosen at random
		}
		checked++
		want, wantPossible := libraryE164(s)
		// What callers see, whichever path answers.
		if n, err := NormalizePhone(s, ""); (err == nil) != wantPossible || n != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; libphonenumber: %q, possible %v", s, n, err, want, wantPossible)
		}
		got, gotPossible, ok := plusDigitsE164(s)
		if !ok {
			return
		}
		answered++
		if got != want || gotPossible != wantPossible {
			t.Errorf("plusDigitsE164(%q) = %q, possible %v; libphonenumber: %q, possible %v", s, got, gotPossible, want, wantPossible)
		}
		if code, err := strconv.Atoi(cc); err == nil && gotPossible && known[code] && cc[0] != '0' {
			fastCodes[cc] = true
		}
	}
	for code := range known {
		cc := strconv.Itoa(code)
		check(cc, "")
		for n := 1; n <= 18; n++ {
			for lead := range 10 {
				check(cc, strconv.Itoa(lead)+digits(n-1))
			}
			if n < 7 || n > 12 {
				continue
			}
			for lead := 10; lead < 100; lead++ {
				check(cc, strconv.Itoa(lead)+digits(n-2))
			}
			for lead := range 10 {
				check(cc, "0"+strconv.Itoa(lead)+digits(n-2))
			}
		}
	}
	for p := range 1000 { // every 1-3 digit prefix, a calling code or not, and with a leading 0
		for _, cc := range []string{strconv.Itoa(p), "0" + strconv.Itoa(p)} {
			for n := 0; n <= 18; n++ {
				check(cc, digits(n))
			}
		}
	}
	t.Logf("%d numbers: the fast path answered %d, the library the rest; %d of %d calling codes had possible numbers answered fast",
		checked, answered, len(fastCodes), len(known))
	if want := len(known) * 2 / 3; len(fastCodes) < want && !raceBuild {
		t.Errorf("the fast path answered possible numbers of only %d of %d calling codes; it should take most international numbers", len(fastCodes), len(known))
	}
}

// TestPlusDigitsE164Declines lists inputs the fast path must leave to the
// library (so their answer, or error, is the library's).
func TestPlusDigitsE164Declines(t *testing.T) {
	for _, s := range []string{
		"", "+", "+2", "+20", // too short
		"201017177777",               // no "+": read in a region
		"+0201017177777",             // no calling code starts with 0
		"+2001017177777",             // national number starting with 0 (Egypt's national prefix)
		"+20 1017177777",             // not only digits
		"+201017177777x12",           // an extension
		"+20101717777712345678",      // longer than 17 national digits
		"+٢٠١٠١٧١٧٧٧٧٧",              // digits not folded
		"+5491123456789",             // Argentina: its national prefix for parsing matches at the start
		"+2010171777771234567890123", // far too long
	} {
		if got, possible, ok := plusDigitsE164(s); ok {
			t.Errorf("plusDigitsE164(%q) = %q, %v; want it left to the library", s, got, possible)
		}
	}
	for _, s := range []string{"+201017177777", "+966501234567", "+14155550123", "+447911123456"} {
		got, possible, ok := plusDigitsE164(s)
		want, wantPossible := libraryE164(s)
		if !ok || got != want || possible != wantPossible {
			t.Errorf("plusDigitsE164(%q) = %q, %v, %v; want %q, %v from the fast path", s, got, possible, ok, want, wantPossible)
		}
	}
}

// BenchmarkNormalizePhoneNew is the cost of a phone new to the memo
// (distinct numbers, the cache emptied as it would be for a new import):
//
//	go test ./crm -run '^$' -bench NormalizePhoneNew
func BenchmarkNormalizePhoneNew(b *testing.B) {
	i := 0
	for b.Loop() {
		i++
		if _, err := normalizePhone("+2010"+strconv.Itoa(10000000+i%90000000), ""); err != nil {
			b.Fatal(err)
		}
	}
}
