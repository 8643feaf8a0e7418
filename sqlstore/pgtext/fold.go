package pgtext

import (
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// Lower is PostgreSQL's lower() on a UTF-8 database whose LC_CTYPE is a
// libc locale such as C.UTF-8: each code point is mapped on its own
// (simple case mapping), so 'İ' becomes 'i', 'ẞ' becomes 'ß' and a final
// 'Σ' becomes 'σ'; nothing changes length.
func Lower(s string) string { return strings.Map(unicode.ToLower, s) }

// Upper is PostgreSQL's upper(), one code point at a time: 'ß' stays 'ß'.
func Upper(s string) string { return strings.Map(unicode.ToUpper, s) }

// Like reports whether s matches the LIKE pattern p: % is any run of
// characters, _ one character, a backslash takes the next character
// literally. Characters are code points, as in PostgreSQL. The match is
// greedy with one backtracking point (the last %), so it takes time
// proportional to len(s)*len(p) at worst.
func Like(s, p string) bool { return like(s, patternTokens(p, false), false) }

// ILike is PostgreSQL's ILIKE: lower(s) LIKE lower(p).
func ILike(s, p string) bool { return like(s, patternTokens(p, true), true) }

// likeToken is a pattern character: a literal, or -1 for %, -2 for _.
type likeToken = rune

const (
	anyRun  likeToken = -1
	anyChar likeToken = -2
)

// lastPattern remembers the tokens of the pattern used last: SQLite calls
// cg_ilike once a row with the same pattern.
var lastPattern atomic.Pointer[compiledLike]

type compiledLike struct {
	pat  string
	fold bool
	toks []likeToken
}

func patternTokens(p string, fold bool) []likeToken {
	if c := lastPattern.Load(); c != nil && c.pat == p && c.fold == fold {
		return c.toks
	}
	src := p
	if fold {
		src = Lower(p)
	}
	rs := []rune(src)
	toks := make([]likeToken, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '%':
			toks = append(toks, anyRun)
		case '_':
			toks = append(toks, anyChar)
		case '\\':
			if i+1 < len(rs) {
				i++
			}
			toks = append(toks, rs[i])
		default:
			toks = append(toks, rs[i])
		}
	}
	lastPattern.Store(&compiledLike{pat: p, fold: fold, toks: toks})
	return toks
}

// like matches s (lowered rune by rune when fold) against p, without
// allocating.
func like(s string, p []likeToken, fold bool) bool {
	si, pi := 0, 0
	star, mark := -1, 0 // the last % seen, and where s stood then
	for si < len(s) {
		r, n := utf8.DecodeRuneInString(s[si:])
		if fold {
			r = unicode.ToLower(r)
		}
		switch {
		case pi < len(p) && p[pi] == anyRun:
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == anyChar || p[pi] == r):
			si += n
			pi++
		case star >= 0:
			_, m := utf8.DecodeRuneInString(s[mark:])
			mark += m
			si, pi = mark, star+1
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == anyRun {
		pi++
	}
	return pi == len(p)
}
