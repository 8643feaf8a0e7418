package pgtext

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestRegex checks matches PostgreSQL 15 gives on a C.UTF-8 database
// (each row was run there: SELECT s ~ pat, or ~* with icase).
func TestRegex(t *testing.T) {
	for _, c := range []struct {
		s, pat string
		icase  bool
		want   bool
	}{
		{"İ", "i", true, false}, {"i", "İ", true, true}, {"ſ", "s", true, false},
		{"\u212A", "k", true, false}, {"k", "\u212A", true, true},
		{"é", `^\w$`, false, true}, {"ع", `^\w$`, false, true}, {"٣", `^\w$`, false, true},
		{"٣", `^\d$`, false, false}, {"²", `^\w$`, false, false}, {"Ⅷ", `^\w$`, false, true},
		{"\u0301", `^\w$`, false, false}, {"\u00a0", `^\s$`, false, false}, {"\u2003", `^\s$`, false, true},
		{"\u0085", `^\s$`, false, false}, {"\u3000", `^\s$`, false, true}, {"\u200b", `^\s$`, false, false},
		{"a\nb", "a.b", false, true}, {"a\nb", "a$", false, false}, {"a\n", "a$", false, false},
		{"ab", "(?i)AB", false, true}, {"ab", `a\Bb`, false, false}, {`a\b`, `a\Bb`, false, true},
		{"a", "[[:word:]]", false, true}, {"é", "[[:upper:]]", false, false}, {"É", "[[:upper:]]", false, true},
		{"٣", "[[:alpha:]]", false, true}, {"ǅ", "[[:upper:]]", false, true}, {"ǅ", "[[:lower:]]", false, true},
		{"ª", "[[:lower:]]", false, true}, {"€", "[[:punct:]]", false, true}, {"\u0301", "[[:punct:]]", false, true},
		{"\u00ad", "[[:punct:]]", false, true}, {"\u2028", "[[:cntrl:]]", false, false}, {"\u0085", "[[:cntrl:]]", false, true},
		{"ǅ", "ǆ", true, false}, {"ǆ", "ǅ", true, true}, {"é", "[[:upper:]]", true, true},
		{"É", "[a-zé]", true, true}, {"x", "[^X]", true, false}, {"]", "[]a]", false, true},
		{"é", `\u00e9`, false, true}, {"A", `\x41`, false, true}, {"-", "[a-]", false, true},
		{"***", "***=***", false, true}, {"Ɐ", `[\u0250-\u1000]`, true, true}, {"Ɐ", `[\u0250-\u1000]`, false, false},
		{"A", `[\u0061-\u1000]`, true, true}, {"ß", `[\u1E9E-\u1F00]`, true, true}, {"a{", "a{", false, true}, {"x{y}", "x{y}", false, true},
		{"é", `[a\W]`, false, false}, {"-", `[a\W]`, false, true}, {"é", `\é`, false, true}, {"ab", "***:ab", false, true},
	} {
		re, err := CompileRegex(c.pat, c.icase)
		if err != nil {
			t.Errorf("%q: %v", c.pat, err)
			continue
		}
		if got := re.MatchString(c.s); got != c.want {
			t.Errorf("%q ~%s %q = %v, want %v", c.s, map[bool]string{true: "*"}[c.icase], c.pat, got, c.want)
		}
	}
}

// TestRegexRefused checks the patterns refused with 2201B: those
// PostgreSQL refuses, and those Go cannot run as PostgreSQL does.
func TestRegexRefused(t *testing.T) {
	for _, pat := range []string{"(", "[", ")", "a{2,1}", `\1`, "(a)\\1", "(?=a)", "(?!a)", "(?<=a)b", "a**", "*a", "+", "?",
		"a{1", "a{300}", `\`, "[z-a]", "[[:nope:]]", `\q`, "(?", `\m`, `\y`, "[[.a.]]", "[[=a=]]", "[[:<:]]a", "^*",
		"(?x)a", "(x{255}){255}", string(make([]byte, MaxRegexLen+1))} {
		_, err := CompileRegex(pat, false)
		if err == nil {
			t.Errorf("%q: accepted", pat)
			continue
		}
		if e, ok := err.(interface{ Error() string }); !ok || e.Error()[:5] != "2201B" {
			t.Errorf("%q: %v, want 2201B", pat, err)
		}
	}
}

// TestRegexCacheBounded checks the cache keeps at most regexCacheSize
// patterns.
func TestRegexCacheBounded(t *testing.T) {
	for i := range 3 * regexCacheSize {
		if _, err := CompileRegex("x{"+itoa(i%250)+"}y"+itoa(i), false); err != nil {
			t.Fatal(err)
		}
	}
	if n := regexCache.order.Len(); n > regexCacheSize || len(regexCache.byKey) != n {
		t.Fatalf("cache holds %d (%d keys), want at most %d", n, len(regexCache.byKey), regexCacheSize)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// TestRegexCacheMemory compiles and uses 300 distinct patterns just
// under the size limits: the cache keeps what fits its budget, in under
// 40 MB (unbounded, 20 large patterns took 141 MB, and 100 patterns of
// 480 \w nearly 1 GB).
func TestRegexCacheMemory(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	text := strings.Repeat("abcdefghij ", 500)
	for i := range 300 {
		pat := fmt.Sprintf(`(abcdefghij|klmnopqrst|uvwxyzabcd){%d}(bcdefghijk|lmnopqrstu){80}q%d`, 50+i%40, i)
		if i%2 == 1 {
			pat = strings.Repeat(`\w[[:punct:]]`, 19) + fmt.Sprint(i) // large class tables
		}
		re, err := CompileRegex(pat, i%2 == 0)
		if err != nil {
			t.Fatalf("%s: %v", pat, err)
		}
		re.MatchString(text)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 40<<20 {
		t.Errorf("the regex cache grew the heap by %d MB, want under 40", grew>>20)
	}
	if _, err := CompileRegex(`(abcdefghij|klmnopqrst|uvwxyzabcd){255}`, false); err == nil {
		t.Error("a pattern past maxRegexInsts was accepted")
	}
	if _, err := CompileRegex(strings.Repeat(`\w`, 60), false); err == nil {
		t.Error("a pattern past maxRegexCost was accepted")
	}
}
