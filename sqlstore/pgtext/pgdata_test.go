package pgtext

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestCaseMappingAllCodePoints compares Lower and Upper with PostgreSQL
// 15's lower() and upper() on a C.UTF-8 database for every code point:
// testdata/pg15_case.txt lists each one either changes (code, lower,
// upper), from SELECT c, ascii(lower(chr(c))), ascii(upper(chr(c))).
func TestCaseMappingAllCodePoints(t *testing.T) {
	b, err := os.ReadFile("testdata/pg15_case.txt")
	if err != nil {
		t.Fatal(err)
	}
	pg := map[rune][2]rune{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var c, lo, up rune
		fmt.Sscan(l, &c, &lo, &up)
		pg[c] = [2]rune{lo, up}
	}
	bad := 0
	for c := rune(1); c <= 0x10FFFF; c++ {
		if c >= 0xD800 && c <= 0xDFFF {
			continue
		}
		want, ok := pg[c]
		if !ok {
			want = [2]rune{c, c}
		}
		if got := [2]rune{[]rune(Lower(string(c)))[0], []rune(Upper(string(c)))[0]}; got != want && bad < 10 {
			bad++
			t.Errorf("%U: lower/upper %U %U, PostgreSQL %U %U", c, got[0], got[1], want[0], want[1])
		}
	}
}

// TestClassesMatchPostgreSQL asks the PostgreSQL server of
// CONNECTGAIN_TEST_POSTGRES which code points of the BMP each character
// class holds and compares the emulation (regex_tables.go is generated
// from the same question; this catches a server whose glibc differs).
func TestClassesMatchPostgreSQL(t *testing.T) {
	db := pgDB(t)
	for _, pat := range []string{"[[:alpha:]]", "[[:digit:]]", "[[:alnum:]]", "[[:upper:]]", "[[:lower:]]", "[[:space:]]",
		"[[:blank:]]", "[[:cntrl:]]", "[[:punct:]]", "[[:graph:]]", "[[:print:]]", "[[:xdigit:]]", `\w`, `\s`, `\d`} {
		var list string
		q := `SELECT COALESCE(string_agg(c::text, ','), '') FROM generate_series(1, 65535) c WHERE c NOT BETWEEN 55296 AND 57343 AND chr(c) ~ $1`
		if err := db.QueryRowContext(context.Background(), q, "^"+pat+"$").Scan(&list); err != nil {
			t.Fatal(err)
		}
		in := map[rune]bool{}
		for _, f := range strings.Split(list, ",") {
			n, _ := strconv.Atoi(f)
			in[rune(n)] = true
		}
		re, err := CompileRegex("^"+pat+"$", false)
		if err != nil {
			t.Fatal(err)
		}
		for c := rune(1); c <= 0xFFFF; c++ {
			if (c < 0xD800 || c > 0xDFFF) && re.MatchString(string(c)) != in[c] {
				t.Errorf("%s: %U is in it on PostgreSQL: %v, here: %v", pat, c, in[c], !in[c])
				break
			}
		}
	}
}
